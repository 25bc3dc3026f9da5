using System.Buffers.Binary;
using Harness.Scenarios;

namespace Harness.Link;

public sealed record WorkloadResult(uint Value, ulong CounterTicks, uint Region);
public sealed record DeviceStats(uint StackSize, uint StackHighWater, uint DroppedFrames, uint RegionsMeasured);

/// <summary>The diagnostic app's requests, on top of the link.</summary>
public sealed class DiagClient(LinkClient link)
{
    private enum Op : byte { Checksum = 1, Workload = 2, Fault = 3, Hang = 4, Garbage = 5, Overflow = 6 }

    public async Task<DeviceInfo> HelloAsync(CancellationToken cancellationToken) =>
        DeviceInfo.Parse(await link.RequestAsync(FrameType.Hello, [], cancellationToken));

    /// <summary>Sends the bytes (over the UART or the bulk path); the device folds each into its CRC as it takes it.</summary>
    public Task<UploadReceipt> UploadAsync(ReadOnlyMemory<byte> data, int maxBody, IProgress<long>? progress, CancellationToken cancellationToken,
        UploadPath path = UploadPath.Auto) =>
        link.UploadAsync(0, data, maxBody, progress, cancellationToken, path);

    public async Task<(uint Crc, uint Bytes)> ChecksumAsync(CancellationToken cancellationToken)
    {
        var body = await link.RequestAsync(FrameType.Invoke, [(byte)Op.Checksum], cancellationToken);
        return (BinaryPrimitives.ReadUInt32LittleEndian(body), BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(4)));
    }

    /// <summary>The measured workload; a kernel other than the default xorshift is asked for with a sixth byte.</summary>
    public async Task<WorkloadResult> WorkloadAsync(uint iterations, DiagKernel kernel, CancellationToken cancellationToken)
    {
        var request = new byte[kernel == DiagKernel.Xorshift ? 5 : 6];
        request[0] = (byte)Op.Workload;
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(1), iterations);
        if (kernel != DiagKernel.Xorshift)
        {
            request[5] = (byte)kernel;
        }
        var body = await link.RequestAsync(FrameType.Invoke, request, cancellationToken);
        return new WorkloadResult(BinaryPrimitives.ReadUInt32LittleEndian(body), BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(4)),
            BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(12)));
    }

    public Task FaultAsync(CancellationToken cancellationToken) =>
        link.RequestAsync(FrameType.Invoke, [(byte)Op.Fault], cancellationToken);

    /// <summary>Recursion deeper than the stack: the firmware's stack guard is to report it.</summary>
    public Task OverflowAsync(CancellationToken cancellationToken) =>
        link.RequestAsync(FrameType.Invoke, [(byte)Op.Overflow], cancellationToken);

    public Task HangAsync(CancellationToken cancellationToken) =>
        link.RequestAsync(FrameType.Invoke, [(byte)Op.Hang], cancellationToken);

    public Task EmitGarbageAsync(ushort count, CancellationToken cancellationToken) =>
        link.RequestAsync(FrameType.Invoke, [(byte)Op.Garbage, (byte)count, (byte)(count >> 8)], cancellationToken);

    public async Task<DeviceStats> StatsAsync(CancellationToken cancellationToken)
    {
        var body = await link.RequestAsync(FrameType.Stats, [], cancellationToken);
        uint At(int i) => BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(4 * i));
        return new DeviceStats(At(0), At(1), At(2), At(3));
    }

    /// <summary>The diag firmware's fixed workload, computed on the host to check the device's answer.</summary>
    /// <summary>What the workload answers: the xorshift's value, or for a timing kernel the iterations it ran.</summary>
    public static uint ExpectedWorkload(uint iterations, DiagKernel kernel) => kernel == DiagKernel.Xorshift ? ExpectedWorkload(iterations) : iterations;

    public static uint ExpectedWorkload(uint iterations)
    {
        uint x = 0x12345678, acc = 0;
        for (uint i = 0; i < iterations; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            acc += x * (i | 1u);
            acc = (acc << 3) | (acc >> 29);
        }
        return acc ^ x;
    }
}
