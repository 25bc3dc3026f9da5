using System.Text;

namespace Harness.Link;

/// <summary>What the host reads from the console UART: protocol frames, text lines, and bytes that were neither.</summary>
public abstract record LinkItem;
public sealed record FrameItem(Frame Frame) : LinkItem;
public sealed record TextLine(string Text) : LinkItem;
public sealed record Garbage(int ByteCount, string Preview) : LinkItem;

/// <summary>
/// Splits the console byte stream into frames and text. Frames start with 0x01 (the sync byte
/// after COBS) and end at 0x00; text is printable bytes ended by a newline (or by a zero, if a
/// frame interrupts it). Anything else is counted as garbage, and decoding resynchronises at the
/// next 0x00, so junk never costs more than the frame it hit.
/// </summary>
public sealed class LinkDecoder
{
    private const int MaxTextLine = 4096;
    private readonly List<byte> segment = [];
    private bool overflowed;

    public IEnumerable<LinkItem> Feed(ReadOnlySpan<byte> bytes)
    {
        var items = new List<LinkItem>();
        foreach (var b in bytes)
        {
            if (b == 0)
            {
                FinishSegment(items);
                continue;
            }
            var inFrame = segment.Count > 0 && segment[0] == 0x01;
            if (!inFrame && b == (byte)'\n')
            {
                FinishText(items);
                continue;
            }
            if (segment.Count >= (inFrame ? Frame.MaxEncodedLength : MaxTextLine))
            {
                overflowed = true;
                if (!inFrame)
                {
                    FinishText(items); // an overlong line is still shown, in pieces
                }
                else
                {
                    continue;
                }
            }
            segment.Add(b);
        }
        return items;
    }

    private void FinishSegment(List<LinkItem> items)
    {
        if (segment.Count == 0)
        {
            return;
        }
        if (segment[0] == 0x01)
        {
            var frame = overflowed ? null : Frame.TryDecode(segment.ToArray());
            items.Add(frame is null ? GarbageOf(segment) : new FrameItem(frame));
            segment.Clear();
            overflowed = false;
            return;
        }
        FinishText(items);
    }

    private void FinishText(List<LinkItem> items)
    {
        if (segment.Count == 0)
        {
            overflowed = false;
            return;
        }
        var printable = segment.All(b => b is >= 0x20 and not 0x7F or (byte)'\r' or (byte)'\t');
        items.Add(printable ? new TextLine(Encoding.UTF8.GetString(segment.ToArray()).TrimEnd('\r')) : GarbageOf(segment));
        segment.Clear();
        overflowed = false;
    }

    private static Garbage GarbageOf(List<byte> bytes) =>
        new(bytes.Count, Convert.ToHexString(bytes.Take(16).ToArray()) + (bytes.Count > 16 ? "…" : ""));
}
