using System.Buffers.Binary;
using System.Text;
using System.Threading.Channels;

namespace Harness.Link;

/// <summary>What a device says about itself in its boot frame or hello response ("key=value;..." text).</summary>
public sealed record DeviceInfo(IReadOnlyDictionary<string, string> Fields)
{
    public static DeviceInfo Parse(byte[] body) => new(Encoding.ASCII.GetString(body)
        .Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Where(pair => pair.Length == 2)
        .ToDictionary(pair => pair[0], pair => pair[1]));

    public string this[string key] => Fields.TryGetValue(key, out var value) ? value : "";
    public int MaxBody => int.TryParse(this["max_body"], out var value) ? value : Frame.MaxBody;
    public override string ToString() => string.Join(", ", Fields.Select(f => $"{f.Key}={f.Value}"));
}

/// <summary>
/// Host side of the link protocol over the console UART's byte stream: request/response with
/// sequence numbers (one request at a time, except the chunks of an upload, several in flight),
/// boot and fault frames from the device, and text lines kept in the transcript.
/// The stream belongs to the emulator session (it outlives this client across warm resets).
/// </summary>
public sealed partial class LinkClient : IAsyncDisposable
{
    private readonly Stream stream;
    private readonly ConsoleTranscript transcript;
    private readonly Channel<Frame> responses = Channel.CreateUnbounded<Frame>();
    private readonly Channel<DeviceInfo> boots = Channel.CreateUnbounded<DeviceInfo>();
    private readonly TaskCompletionSource<FaultReport> fault = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim requestLock = new(1, 1);
    private readonly Task readLoop;
    private byte sequence;

    private readonly ITargetMemory? targetMemory;

    /// <param name="targetMemory">The emulator's way to write the board's memory, for the bulk path (null: the UART only).</param>
    public LinkClient(Stream stream, ConsoleTranscript transcript, ITargetMemory? targetMemory = null)
    {
        this.stream = stream;
        this.transcript = transcript;
        this.targetMemory = targetMemory;
        readLoop = Task.Run(ReadLoopAsync);
    }

    public ConsoleTranscript Transcript => transcript;
    public long GarbageBytes { get; private set; }
    public long BytesReceived { get; private set; }
    public Task<FaultReport> Fault => fault.Task;

    public async Task<DeviceInfo> WaitForBootAsync(CancellationToken cancellationToken)
    {
        var boot = boots.Reader.ReadAsync(cancellationToken).AsTask();
        var finished = await Task.WhenAny(boot, fault.Task, closed.Task);
        if (finished == fault.Task)
        {
            throw new DeviceFaultException(await fault.Task);
        }
        if (finished == closed.Task)
        {
            throw new LinkClosedException("the console closed before the firmware sent its boot frame");
        }
        return await boot;
    }

    /// <summary>Sends a request and returns its response body; throws if the device faults, refuses or goes away.</summary>
    public async Task<byte[]> RequestAsync(FrameType type, byte[] body, CancellationToken cancellationToken)
    {
        await requestLock.WaitAsync(cancellationToken);
        try
        {
            var seq = ++sequence;
            await stream.WriteAsync(new Frame((byte)type, seq, body).Encode(), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            while (true)
            {
                var frame = (await NextResponseAsync(type, Timeout.InfiniteTimeSpan, cancellationToken))!;
                if (frame.Sequence != seq)
                {
                    transcript.Add(LineSource.Link, $"ignored a stale response (seq {frame.Sequence}, expected {seq})");
                    continue;
                }
                if (frame.Type == (byte)FrameType.Error)
                {
                    throw Refusal(frame);
                }
                if (frame.Type != Frame.ResponseTo(type))
                {
                    throw new LinkProtocolException($"expected a response to {type}, got frame type 0x{frame.Type:x2}");
                }
                return frame.Body;
            }
        }
        finally
        {
            requestLock.Release();
        }
    }

    /// <summary>The next response frame, or null after <paramref name="wait"/> without one (<see cref="Timeout.InfiniteTimeSpan"/>: never); a fault or a closed console throws.</summary>
    private async Task<Frame?> NextResponseAsync(FrameType request, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(wait);
        var response = responses.Reader.ReadAsync(limit.Token).AsTask();
        var finished = await Task.WhenAny(response, fault.Task, closed.Task);
        if (finished == fault.Task)
        {
            throw new DeviceFaultException(await fault.Task);
        }
        if (finished == closed.Task && !response.IsCompleted)
        {
            throw new LinkClosedException($"the console closed while waiting for the answer to {request}");
        }
        try
        {
            return await response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>An ERROR frame as the exception that carries the device's code and words.</summary>
    private static DeviceErrorException Refusal(Frame frame) =>
        new(frame.Body.Length > 0 ? frame.Body[0] : (byte)0, Encoding.ASCII.GetString(frame.Body.AsSpan(Math.Min(1, frame.Body.Length))));

    /// <summary>DOWNLOADs a device buffer (slot) of known length, a frame at a time.</summary>
    public async Task<byte[]> DownloadAsync(byte slot, int length, int maxBody, CancellationToken cancellationToken)
    {
        var data = new byte[length];
        var chunk = Math.Min(maxBody, Frame.MaxBody);
        for (var offset = 0; offset < length; offset += chunk)
        {
            var count = Math.Min(chunk, length - offset);
            var request = new byte[7];
            request[0] = slot;
            BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(1), (uint)offset);
            BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(5), (ushort)count);
            var body = await RequestAsync(FrameType.Download, request, cancellationToken);
            if (body.Length != count)
            {
                throw new LinkProtocolException($"asked for {count} bytes of slot {slot} at {offset}, got {body.Length}");
            }
            body.CopyTo(data, offset);
        }
        return data;
    }

    /// <summary>Writes raw bytes to the device, outside the protocol (to test that it resynchronises).</summary>
    public async Task WriteRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await requestLock.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            requestLock.Release();
        }
    }

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
                    break;
                }
                BytesReceived += count;
                foreach (var item in decoder.Feed(buffer.AsSpan(0, count)))
                {
                    Dispatch(item);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            closed.TrySetResult();
        }
    }

    private void Dispatch(LinkItem item)
    {
        switch (item)
        {
            case TextLine line:
                transcript.Add(LineSource.Uart, line.Text);
                break;
            case Garbage junk:
                GarbageBytes += junk.ByteCount;
                transcript.Add(LineSource.Garbage, $"skipped {junk.ByteCount} bytes that were neither a frame nor text: {junk.Preview}");
                break;
            case FrameItem { Frame: var frame }:
                switch ((FrameType)frame.Type)
                {
                    case FrameType.Boot:
                        var info = DeviceInfo.Parse(frame.Body);
                        transcript.Add(LineSource.Boot, info.ToString());
                        boots.Writer.TryWrite(info);
                        break;
                    case FrameType.Log:
                        transcript.Add(LineSource.Log, Encoding.UTF8.GetString(frame.Body));
                        break;
                    case FrameType.Fault:
                        var report = FaultReport.Parse(frame.Body);
                        transcript.Add(LineSource.Fault, $"{report.ExceptionName}: {report.Registers}");
                        fault.TrySetResult(report);
                        break;
                    default:
                        responses.Writer.TryWrite(frame);
                        break;
                }
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await readLoop;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
        requestLock.Dispose();
    }
}
