using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace Harness.Emulation;

/// <summary>
/// Follows the event file an emulator appends to from inside (QEMU's counting plugin, Renode's CPU
/// hooks) and turns its lines into events: "begin N" then "end N" (instructions executed so far)
/// become one measured region, with the "opb N" … "ope N" pairs between them as its parts; "fault A"
/// a fault-handler entry. A repeated begin replaces the last. A "mix …" line just before a begin, end,
/// opb or ope line holds the instruction-mix totals at that point (see <see cref="Silicon.InstructionMix"/>).
/// </summary>
public sealed class EventFileTail(string path)
{
    public async Task RunAsync(ChannelWriter<EmulatorEvent> events, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var writes = new FileWrites(path);
        var pending = new StringBuilder();
        var buffer = new byte[4096];
        long? begin = null;
        long? partBegin = null;
        var regionParts = new List<long>();
        var partMixes = new List<Silicon.InstructionMix>();
        Silicon.InstructionMix? beginMix = null, partBeginMix = null;
        Silicon.InstructionMix? lastMix = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var count = await stream.ReadAsync(buffer, cancellationToken);
                if (count == 0)
                {
                    await writes.WaitAsync(cancellationToken);
                    continue;
                }
                pending.Append(Encoding.ASCII.GetString(buffer, 0, count));
                var text = pending.ToString();
                var lastNewline = text.LastIndexOf('\n');
                if (lastNewline < 0)
                {
                    continue;
                }
                pending.Clear().Append(text[(lastNewline + 1)..]);
                foreach (var line in text[..lastNewline].Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (line.StartsWith("mix ", StringComparison.Ordinal))
                    {
                        lastMix = Silicon.InstructionMix.Parse(line);
                        continue;
                    }
                    if (line.StartsWith("clock ", StringComparison.Ordinal))
                    {
                        // Written from another thread: it may come between a mix line and its event, which keeps the mix.
                        if (long.TryParse(line.AsSpan(6), NumberStyles.Integer, CultureInfo.InvariantCulture, out var executed))
                        {
                            await events.WriteAsync(new EmulatedClock(executed), cancellationToken);
                        }
                        continue;
                    }
                    var mix = lastMix;
                    lastMix = null;
                    var parts = line.Split(' ');
                    if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                    {
                        continue;
                    }
                    switch (parts[0])
                    {
                        case "begin":
                            begin = value;
                            regionParts = [];
                            partMixes = [];
                            beginMix = mix;
                            break;
                        case "opb" when begin is not null:
                            partBegin = value;
                            partBeginMix = mix;
                            break;
                        case "ope" when partBegin is { } from:
                            regionParts.Add(value - from);
                            if (mix is not null && partBeginMix is { } fromMix)
                            {
                                partMixes.Add(mix.Minus(fromMix));
                            }
                            partBegin = null;
                            break;
                        case "end" when begin is { } start:
                            var regionMix = mix is not null && beginMix is { } first ? mix.Minus(first) : null;
                            await events.WriteAsync(new RegionMeasured(value - start, regionParts, regionMix,
                                regionMix is not null && partMixes.Count == regionParts.Count ? partMixes : null), cancellationToken);
                            begin = null;
                            regionParts = [];
                            partMixes = [];
                            break;
                        case "fault":
                            await events.WriteAsync(new FaultHandlerEntered((uint)value), cancellationToken);
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
