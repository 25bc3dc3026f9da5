using System.Buffers.Binary;
using System.IO.Hashing;
using Harness.Link;

namespace Harness.Tests.Fakes;

/// <summary>
/// The diagnostic app's answers (firmware/apps/diag), written in C# for in-memory tests: HELLO,
/// uploads folded into a CRC, the workload with a counter reading, STATS. Settings make it lie.
/// </summary>
public sealed class FakeDiagApp
{
    private readonly Crc32 crc = new();
    private uint uploaded;

    public string Counter { get; init; } = "dwt";
    /// <summary>Added to the workload's true result (0 = honest).</summary>
    public uint WorkloadError { get; init; }
    /// <summary>Counter ticks the workload reports; the tests' fake emulator counts the same instructions by default.</summary>
    public ulong WorkloadTicks { get; init; } = 10_013;
    public uint StackHighWater { get; init; } = 512;

    public string Hello => $"proto=1;app=diag;fw=test;board=fake;counter={Counter};max_body=256;stack=4096";

    public async Task HandleAsync(Frame request, FakeDevice device)
    {
        switch ((FrameType)request.Type)
        {
            case FrameType.Hello:
                await device.RespondAsync(request, System.Text.Encoding.ASCII.GetBytes(Hello));
                break;
            case FrameType.UploadBegin:
                crc.Reset();
                uploaded = 0;
                await device.RespondAsync(request, U32(0));
                break;
            case FrameType.UploadChunk:
                crc.Append(request.Body.AsSpan(5));
                uploaded += (uint)(request.Body.Length - 5);
                await device.RespondAsync(request, U32(uploaded));
                break;
            case FrameType.Invoke when request.Body[0] == 1:
                await device.RespondAsync(request, [.. U32(crc.GetCurrentHashAsUInt32()), .. U32(uploaded)]);
                break;
            case FrameType.Invoke when request.Body[0] == 2:
                var iterations = BinaryPrimitives.ReadUInt32LittleEndian(request.Body.AsSpan(1));
                var body = new byte[16];
                BinaryPrimitives.WriteUInt32LittleEndian(body, DiagClient.ExpectedWorkload(iterations) + WorkloadError);
                BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(4), WorkloadTicks);
                BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), 1);
                await device.RespondAsync(request, body);
                break;
            case FrameType.Stats:
                await device.RespondAsync(request, [.. U32(4096), .. U32(StackHighWater), .. U32(0), .. U32(1)]);
                break;
            default:
                await device.RefuseAsync(request, 1, "unknown request type");
                break;
        }
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
