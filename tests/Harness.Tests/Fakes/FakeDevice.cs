using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Harness.Link;

namespace Harness.Tests.Fakes;

/// <summary>
/// The device end of the link, in memory: decodes the host's frames and hands each to a handler that
/// answers as a firmware would (or misbehaves on purpose). No emulator, no compiler: milliseconds.
/// </summary>
public sealed class FakeDevice : IAsyncDisposable
{
    private readonly Stream stream;
    private readonly Func<Frame, FakeDevice, Task> onRequest;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly List<Frame> received = [];

    public FakeDevice(Stream stream, Func<Frame, FakeDevice, Task> onRequest)
    {
        this.stream = stream;
        this.onRequest = onRequest;
        loop = Task.Run(ReadLoopAsync);
    }

    public IReadOnlyList<Frame> Received
    {
        get
        {
            lock (received)
            {
                return received.ToList();
            }
        }
    }

    public Task SendAsync(byte type, byte sequence, byte[] body) => stream.WriteAsync(new Frame(type, sequence, body).Encode()).AsTask();

    public Task RespondAsync(Frame request, byte[] body) => SendAsync((byte)(request.Type | Frame.ResponseFlag), request.Sequence, body);

    public Task RefuseAsync(Frame request, byte code, string message) => SendAsync((byte)FrameType.Error, request.Sequence, [code, .. Encoding.ASCII.GetBytes(message)]);

    public Task BootAsync(string fields) => SendAsync((byte)FrameType.Boot, 0, Encoding.ASCII.GetBytes(fields));

    public Task TextAsync(string line) => stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n")).AsTask();

    public Task RawAsync(byte[] bytes) => stream.WriteAsync(bytes).AsTask();

    /// <summary>A fault report as the firmware's handler sends it: stacked PC and LR, the status registers, the exception number.</summary>
    public Task FaultAsync(uint pc, uint lr, uint cfsr = 0, uint exception = 3)
    {
        var body = new byte[40];
        uint[] words = [pc, lr, 0x01000000, cfsr, 0, 0, 0, 0x20001000, exception, 0xFFFFFFF9];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4 * i), words[i]);
        }
        return SendAsync((byte)FrameType.Fault, 0, body);
    }

    /// <summary>The device closes its UART (the emulator died).</summary>
    public void Disconnect() => stream.Dispose();

    private async Task ReadLoopAsync()
    {
        var decoder = new LinkDecoder();
        var buffer = new byte[4096];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var count = await stream.ReadAsync(buffer, stop.Token);
                if (count == 0)
                {
                    return;
                }
                foreach (var item in decoder.Feed(buffer.AsSpan(0, count)).ToList())
                {
                    if (item is FrameItem { Frame: var frame })
                    {
                        lock (received)
                        {
                            received.Add(frame);
                        }
                        await onRequest(frame, this);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }

    public static uint Crc(byte[] data) => Crc32.HashToUInt32(data);
}
