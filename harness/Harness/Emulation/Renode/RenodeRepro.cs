using Harness.Boards;
using Harness.Firmware;

namespace Harness.Emulation.Renode;

/// <summary>A standalone board.resc (and the project's overlay beside it) that builds the board in Renode with a repro folder's ELF.</summary>
public static class RenodeRepro
{
    public const string ScriptName = "board.resc";
    public const string OverlayName = "overlay.repl";

    public static async Task WriteAsync(BoardDescription board, RenodeBoard renode, string folder, string elfName, CancellationToken cancellationToken)
    {
        var elf = Path.Combine(folder, elfName);
        var lines = new List<string>
        {
            $"# {board.Name} as the harness builds it in Renode, with this folder's ELF. Run: renode {ScriptName}",
            $"# The console UART is on a socket terminal: connect to 127.0.0.1:{RenodeScript.ReplayPort} to talk to it.",
        };
        foreach (var line in RenodeScript.Machine(board, "/tmp/harness-repro-renode.log", RenodeScript.SocketTerminal(RenodeScript.ReplayPort)))
        {
            if (renode.Overlay is { } overlay && line.EndsWith(overlay, StringComparison.Ordinal))
            {
                // The overlay travels with the folder; $ORIGIN is the folder of the running script.
                File.Copy(overlay, Path.Combine(folder, OverlayName), overwrite: true);
                lines.Add($"machine LoadPlatformDescription $ORIGIN/{OverlayName}");
                continue;
            }
            lines.Add(line);
        }
        var image = FirmwareImage.Load(elf, board, "repro", speaksLink: false, measure: null);
        lines.AddRange(RenodeScript.Firmware(image, "/tmp/harness-repro-events.txt").Select(l => l.Replace($"@{elf}", $"$ORIGIN/{elfName}")));
        lines.Add("start");
        await File.WriteAllTextAsync(Path.Combine(folder, ScriptName), string.Join('\n', lines) + "\n", cancellationToken);
    }
}
