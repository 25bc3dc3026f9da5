using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace Harness.Emulation;

/// <summary>
/// Follows the event file an emulator appends to from inside (QEMU's counting plugin, Renode's CPU
/// hooks) and turns its lines into events: "begin N" then "end N" (instructions executed so far)
/// become one measured region, with the "opb N" … "ope N" pairs between them as its parts; "fault A"
/// a fault-handler entry. A repeated begin replaces the last.
/// </summary>
public sealed class EventFileTail(string path)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    public async Task RunAsync(ChannelWriter<EmulatorEvent> events, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var pending = new StringBuilder();
        var buffer = new byte[4096];
        long? begin = null;
        long? partBegin = null;
        var regionParts = new List<long>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var count = await stream.ReadAsync(buffer, cancellationToken);
                if (count == 0)
                {
                    await Task.Delay(PollInterval, cancellationToken);
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
                            break;
                        case "opb" when begin is not null:
                            partBegin = value;
                            break;
                        case "ope" when partBegin is { } from:
                            regionParts.Add(value - from);
                            partBegin = null;
                            break;
                        case "end" when begin is { } start:
                            await events.WriteAsync(new RegionMeasured(value - start, regionParts), cancellationToken);
                            begin = null;
                            regionParts = [];
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
