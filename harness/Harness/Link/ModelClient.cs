using System.Buffers.Binary;
using System.Text;

namespace Harness.Link;

public sealed record InvokeResult(bool Ok, ulong CounterTicks, uint Region, uint ProfileEvents, uint DroppedEvents);
public sealed record OperatorTicks(string Tag, ulong Ticks);
/// <summary>A tensor as the board's interpreter allocated it.</summary>
public sealed record DeviceTensor(string Type, IReadOnlyList<int> Shape, float Scale, int ZeroPoint, uint Bytes)
{
    public override string ToString() => $"{Type.ToLowerInvariant()} [{string.Join(", ", Shape)}], {Bytes} B" + (Scale != 0 ? $", scale {Scale:G6}, zero point {ZeroPoint}" : "");
}

public sealed record RunnerStats(uint StackSize, uint StackHighWater, uint DroppedFrames, uint RegionsMeasured, uint ArenaUsed, uint ArenaSize);

/// <summary>The TFLM runner's requests (firmware/apps/tflm-runner), on top of the link.</summary>
public sealed class ModelClient(LinkClient link, int maxBody)
{
    private enum Op : byte { Run = 1, Profile = 2, Describe = 3 }

    public async Task<DeviceInfo> HelloAsync(CancellationToken cancellationToken) =>
        DeviceInfo.Parse(await link.RequestAsync(FrameType.Hello, [], cancellationToken));

    public Task<UploadReceipt> SetInputAsync(int index, byte[] data, CancellationToken cancellationToken) =>
        link.UploadAsync((byte)index, data, maxBody, null, cancellationToken);

    public Task<byte[]> GetOutputAsync(int index, long bytes, CancellationToken cancellationToken) =>
        link.DownloadAsync((byte)index, (int)bytes, maxBody, cancellationToken);

    /// <summary>Invoke() between the measure markers.</summary>
    public async Task<InvokeResult> InvokeAsync(CancellationToken cancellationToken)
    {
        var body = await link.RequestAsync(FrameType.Invoke, [(byte)Op.Run], cancellationToken);
        return new InvokeResult(body[0] == 0, BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(1)), BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(9)),
            BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(13)), BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(17)));
    }

    /// <summary>The profiler's events of the last invoke, in order (one per operator).</summary>
    public async Task<IReadOnlyList<OperatorTicks>> ProfileAsync(uint events, CancellationToken cancellationToken)
    {
        var result = new List<OperatorTicks>();
        while (result.Count < events)
        {
            var body = await link.RequestAsync(FrameType.Invoke, [(byte)Op.Profile, (byte)result.Count, (byte)(result.Count >> 8)], cancellationToken);
            if (body.Length == 0)
            {
                break;
            }
            for (var at = 0; at + 9 <= body.Length;)
            {
                var ticks = BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(at));
                var length = body[at + 8];
                result.Add(new OperatorTicks(Encoding.ASCII.GetString(body, at + 9, length), ticks));
                at += 9 + length;
            }
        }
        return result;
    }

    /// <summary>An input or output tensor as the interpreter on the board allocated it; null past the last one.</summary>
    public async Task<DeviceTensor?> DescribeAsync(bool output, int index, CancellationToken cancellationToken)
    {
        var body = await link.RequestAsync(FrameType.Invoke, [(byte)Op.Describe, (byte)(output ? 1 : 0), (byte)index], cancellationToken);
        if (body.Length == 0 || body[0] == 0)
        {
            return null;
        }
        var at = 1;
        var type = Encoding.ASCII.GetString(body, at + 1, body[at]);
        at += 1 + body[at];
        var shape = new int[body[at++]];
        for (var d = 0; d < shape.Length; d++, at += 4)
        {
            shape[d] = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(at));
        }
        return new DeviceTensor(type, shape, BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(at)), BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(at + 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(at + 8)));
    }

    public async Task<RunnerStats> StatsAsync(CancellationToken cancellationToken)
    {
        var body = await link.RequestAsync(FrameType.Stats, [], cancellationToken);
        uint At(int i) => BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(4 * i));
        return new RunnerStats(At(0), At(1), At(2), At(3), At(4), At(5));
    }
}
