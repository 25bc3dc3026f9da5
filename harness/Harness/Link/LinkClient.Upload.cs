using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;

namespace Harness.Link;

/// <summary>Uploads into the device: acknowledged chunks over the UART, or the bulk path where the emulator can write the board's memory.</summary>
public sealed partial class LinkClient
{
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
                    var refusal = Refusal(frame);
                    if (refusal.Code != OutOfOrder || position == 0)
                    {
                        // Refused for its own sake (or the first in flight out of order: the host's mistake, not a lost frame).
                        throw refusal;
                    }
                    lastRefusal = refusal.DeviceMessage;
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
}
