using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
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
public sealed class LinkClient : IAsyncDisposable
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
                var response = responses.Reader.ReadAsync(cancellationToken).AsTask();
                var finished = await Task.WhenAny(response, fault.Task, closed.Task);
                if (finished == fault.Task)
                {
                    throw new DeviceFaultException(await fault.Task);
                }
                if (finished == closed.Task && !response.IsCompleted)
                {
                    throw new LinkClosedException($"the console closed while waiting for the answer to {type}");
                }
                var frame = await response;
                if (frame.Sequence != seq)
                {
                    transcript.Add(LineSource.Link, $"ignored a stale response (seq {frame.Sequence}, expected {seq})");
                    continue;
                }
                if (frame.Type == (byte)FrameType.Error)
                {
                    var code = frame.Body.Length > 0 ? frame.Body[0] : (byte)0;
                    throw new DeviceErrorException(code, Encoding.ASCII.GetString(frame.Body.AsSpan(Math.Min(1, frame.Body.Length))));
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

    /// <summary>Below this many bytes the UART is as quick as stopping the board to write its memory.</summary>
    public const int BulkThreshold = 1024;

    /// <summary>
    /// Uploads into the device's slot (an app-defined target): by the bulk path where the emulator can write the board's memory
    /// and the firmware offers a window (<see cref="UploadPath.Auto"/>, for data of <see cref="BulkThreshold"/> bytes or more),
    /// else by acknowledged UPLOAD_CHUNKs over the UART.
    /// </summary>
    public async Task<UploadReceipt> UploadAsync(byte slot, ReadOnlyMemory<byte> data, int maxBody, IProgress<long>? progress, CancellationToken cancellationToken,
        UploadPath path = UploadPath.Auto)
    {
        var stopwatch = Stopwatch.StartNew();
        if (path == UploadPath.Bulk && targetMemory is null)
        {
            throw new LinkProtocolException("the bulk path was asked for, and this emulator session cannot write the board's memory (a debugger attached, or no emulator)");
        }
        if (path == UploadPath.Bulk || (path == UploadPath.Auto && targetMemory is not null && data.Length >= BulkThreshold))
        {
            if (await TryBulkAsync(slot, data, progress, cancellationToken))
            {
                return new UploadReceipt($"bulk ({targetMemory!.Name})", data.Length, stopwatch.Elapsed);
            }
            if (path == UploadPath.Bulk)
            {
                throw new LinkProtocolException("the bulk path was asked for, and the firmware does not offer it (no BULK_BEGIN handler)");
            }
        }
        await UploadByUartAsync(slot, data, maxBody, progress, cancellationToken);
        return new UploadReceipt("uart", data.Length, stopwatch.Elapsed);
    }

    /// <summary>
    /// UPLOAD_CHUNKs sent before the first is acknowledged. The emulated UARTs lose nothing when the firmware polls: Renode
    /// queues what its terminal sends, QEMU's models hold the socket back until the data register is read. So frames can
    /// wait in the emulator while the device works, and the round trip (terminal, time-domain event, guest, terminal,
    /// harness) is paid once per window instead of once per chunk.
    /// </summary>
    public const int UploadWindow = 8;

    /// <summary>With upload chunks in flight and no answer for this long, they are sent again from the last acknowledged byte (repeats are re-acknowledged).</summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromSeconds(5);

    private const byte OutOfOrder = 3;
    private const int MaxResends = 16;

    /// <summary>
    /// UPLOAD_BEGIN then UPLOAD_CHUNKs into the device's upload slot, up to <see cref="UploadWindow"/> of them unacknowledged.
    /// Every acknowledgement is checked against the bytes sent. A chunk the device missed (a frame garbled on the way) shows
    /// as an out-of-order refusal of the next one, or as silence: the host goes back to the last acknowledged byte and sends
    /// on from there; answers to what it sent before are then stale and skipped.
    /// </summary>
    private async Task UploadByUartAsync(byte slot, ReadOnlyMemory<byte> data, int maxBody, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var begin = SlotAndTotal(slot, data.Length);
        await RequestAsync(FrameType.UploadBegin, begin, cancellationToken);
        var chunkSize = Math.Min(maxBody, Frame.MaxBody) - 5;
        await requestLock.WaitAsync(cancellationToken);
        try
        {
            var inFlight = new List<(byte Seq, int End)>();
            int acknowledged = 0, sent = 0, resends = 0;
            string? lastRefusal = null;
            while (acknowledged < data.Length)
            {
                while (inFlight.Count < UploadWindow && sent < data.Length)
                {
                    var count = Math.Min(chunkSize, data.Length - sent);
                    var body = new byte[5 + count];
                    body[0] = slot;
                    BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(1), (uint)sent);
                    data.Span.Slice(sent, count).CopyTo(body.AsSpan(5));
                    var seq = ++sequence;
                    await stream.WriteAsync(new Frame((byte)FrameType.UploadChunk, seq, body).Encode(), cancellationToken);
                    sent += count;
                    inFlight.Add((seq, sent));
                }
                await stream.FlushAsync(cancellationToken);
                var frame = await NextResponseAsync(FrameType.UploadChunk, ResendAfter, cancellationToken);
                var position = frame is null ? -1 : inFlight.FindIndex(chunk => chunk.Seq == frame.Sequence);
                if (frame is not null && position < 0)
                {
                    continue; // an answer to a chunk sent before the last go-back
                }
                if (frame is not null && frame.Type == (byte)FrameType.Error)
                {
                    var code = frame.Body.Length > 0 ? frame.Body[0] : (byte)0;
                    var message = Encoding.ASCII.GetString(frame.Body.AsSpan(Math.Min(1, frame.Body.Length)));
                    if (code != OutOfOrder || position == 0)
                    {
                        // Refused for its own sake (or the first in flight out of order: the host's mistake, not a lost frame).
                        throw new DeviceErrorException(code, message);
                    }
                    lastRefusal = message;
                }
                else if (frame is not null)
                {
                    if (frame.Type != Frame.ResponseTo(FrameType.UploadChunk))
                    {
                        throw new LinkProtocolException($"expected a response to {FrameType.UploadChunk}, got frame type 0x{frame.Type:x2}");
                    }
                    var chunk = inFlight[position];
                    var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame.Body);
                    // A repeat (after a go-back) is acknowledged with all the device has, which may be more.
                    if (next < chunk.End || next > sent)
                    {
                        throw new LinkProtocolException($"the device acknowledged {next} bytes after a chunk ending at {chunk.End}");
                    }
                    inFlight.RemoveAll(c => c.End <= next);
                    if (next > acknowledged)
                    {
                        resends = 0;
                    }
                    acknowledged = next;
                    progress?.Report(acknowledged);
                    continue;
                }
                if (++resends > MaxResends)
                {
                    throw new LinkProtocolException($"the device took no more of the upload after {acknowledged:N0} of {data.Length:N0} bytes, though the rest was sent again {MaxResends} times" +
                        (lastRefusal is null ? "" : $" (it said: {lastRefusal})"));
                }
                transcript.Add(LineSource.Link, frame is null
                    ? $"no answer in {ResendAfter.TotalSeconds:0.###} s with {inFlight.Count} upload chunk(s) in flight: sending again from byte {acknowledged:N0}"
                    : $"the device missed an upload chunk: sending again from byte {acknowledged:N0}");
                inFlight.Clear();
                sent = acknowledged;
            }
        }
        finally
        {
            requestLock.Release();
        }
    }

    /// <summary>The next response frame, or null after <paramref name="wait"/> without one; a fault or a closed console throws.</summary>
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

    /// <summary>
    /// BULK_BEGIN names a window of the board's RAM; the host writes the next bytes there, then BULK_COMMITs them with their
    /// CRC-32, which the device checks over the window before taking them. False if the firmware has no bulk handler.
    /// </summary>
    private async Task<bool> TryBulkAsync(byte slot, ReadOnlyMemory<byte> data, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var begin = SlotAndTotal(slot, data.Length);
        byte[] ack;
        try
        {
            ack = await RequestAsync(FrameType.BulkBegin, begin, cancellationToken);
        }
        catch (DeviceErrorException e) when (e.Code == UnknownType)
        {
            return false;
        }
        var (received, window, size) = BulkAck(ack, "BULK_BEGIN");
        while (received < data.Length)
        {
            if (size == 0)
            {
                throw new LinkProtocolException($"the device offered an empty bulk window with {data.Length - received} bytes still to send");
            }
            var count = (int)Math.Min(size, (uint)(data.Length - received));
            var bytes = data.Slice((int)received, count);
            await targetMemory!.WriteAsync(window, bytes, cancellationToken);
            var commit = new byte[13];
            commit[0] = slot;
            BinaryPrimitives.WriteUInt32LittleEndian(commit.AsSpan(1), received);
            BinaryPrimitives.WriteUInt32LittleEndian(commit.AsSpan(5), (uint)count);
            BinaryPrimitives.WriteUInt32LittleEndian(commit.AsSpan(9), Crc32.HashToUInt32(bytes.Span));
            try
            {
                ack = await RequestAsync(FrameType.BulkCommit, commit, cancellationToken);
            }
            catch (DeviceErrorException e)
            {
                throw new LinkProtocolException($"bytes {received:N0}..{received + count:N0} of the upload, written to 0x{window:x8} by {targetMemory.Name}, " +
                    $"were refused by the device: {e.DeviceMessage}");
            }
            var (next, nextWindow, nextSize) = BulkAck(ack, "BULK_COMMIT");
            if (next != received + count)
            {
                throw new LinkProtocolException($"the device acknowledged {next} bytes after a bulk commit ending at {received + count}");
            }
            (received, window, size) = (next, nextWindow, nextSize);
            progress?.Report(received);
        }
        return true;
    }

    private const byte UnknownType = 1;

    /// <summary>The body of UPLOAD_BEGIN and BULK_BEGIN: slot u8, total u32.</summary>
    private static byte[] SlotAndTotal(byte slot, int total)
    {
        var body = new byte[5];
        body[0] = slot;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(1), (uint)total);
        return body;
    }

    private static (uint Received, uint Window, uint Size) BulkAck(byte[] ack, string request) => ack.Length == 12
        ? (BinaryPrimitives.ReadUInt32LittleEndian(ack), BinaryPrimitives.ReadUInt32LittleEndian(ack.AsSpan(4)), BinaryPrimitives.ReadUInt32LittleEndian(ack.AsSpan(8)))
        : throw new LinkProtocolException($"the answer to {request} has {ack.Length} bytes, not 12 (received, window address, window size)");

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
