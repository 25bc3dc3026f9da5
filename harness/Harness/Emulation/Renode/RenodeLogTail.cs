using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Harness.Emulation.Renode;

/// <summary>
/// Follows Renode's log file. A "CPU abort" (the core halted on something it cannot execute) ends
/// the run at once; other errors and warnings are kept as the session's diagnostics.
/// </summary>
public sealed partial class RenodeLogTail(string path)
{
    // Offline, platform descriptions that fetch an SVD file log download failures; they change nothing.
    private static readonly string[] Noise = ["svd", "Download failed", "Failed to download", "Downloading"];

    public async Task RunAsync(ChannelWriter<EmulatorEvent> events, Action<string> diagnose, CancellationToken cancellationToken)
    {
        using var writes = new FileWrites(path);
        while (!File.Exists(path))
        {
            try
            {
                await writes.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var line = await reader.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    await writes.WaitAsync(cancellationToken);
                    continue;
                }
                var entry = Entry().Match(line);
                if (!entry.Success)
                {
                    continue;
                }
                var level = entry.Groups["level"].Value;
                var message = entry.Groups["message"].Value.Trim();
                if (level is not ("ERROR" or "WARNING") || Noise.Any(n => message.Contains(n, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                diagnose($"renode {level.ToLowerInvariant()}: {message}");
                if (message.Contains("CPU abort", StringComparison.Ordinal))
                {
                    await events.WriteAsync(new EmulatorFailed($"Renode: {message}"), cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // [20:13:17.5274]  [WARNING] sysbus: message   (the source name is part of the message)
    [GeneratedRegex(@"^\[[0-9:.]+\]\s+\[(?<level>[A-Z]+)\]\s*(?<message>.*)$")]
    private static partial Regex Entry();
}
