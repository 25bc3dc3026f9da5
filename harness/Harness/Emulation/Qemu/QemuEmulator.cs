using Harness.Boards;
using Harness.Tools;

namespace Harness.Emulation.Qemu;

/// <summary>The QEMU backend: Debian's qemu-system-arm, deterministic with -icount, plus the harness's counting plugin.</summary>
public sealed class QemuEmulator(HarnessPaths paths) : IEmulator
{
    public string Name => "qemu";

    public bool Supports(BoardDescription board, out string reason)
    {
        reason = board.Qemu is null
            ? $"board '{board.Id}' has no QEMU machine (it runs on: {string.Join(", ", board.Emulators)})"
            : "";
        return board.Qemu is not null;
    }

    public async Task<IEmulatorSession> StartAsync(EmulationRequest request, CancellationToken cancellationToken)
    {
        var board = request.Firmware.Board;
        if (!Supports(board, out var reason))
        {
            throw new EmulatorException(reason);
        }
        var qemu = ToolLocator.Find(ExternalTool.Qemu);
        var plugin = await PluginBuilder.BuildAsync(paths.CacheDirectory, cancellationToken);
        var version = await VersionAsync(qemu, cancellationToken);
        return await QemuSession.StartAsync(qemu, plugin, version, paths.CacheDirectory, request, cancellationToken);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Versions = new();

    /// <summary>"QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)" → "7.2.22", asked once per binary.</summary>
    private static Task<string> VersionAsync(string qemu, CancellationToken cancellationToken) =>
        Versions.GetOrAdd(qemu, _ => new Lazy<Task<string>>(async () =>
        {
            var result = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
                CliWrap.Cli.Wrap(qemu).WithArguments("--version").WithValidation(CliWrap.CommandResultValidation.None), cancellationToken);
            var match = System.Text.RegularExpressions.Regex.Match(result.StandardOutput, @"version (\d+(\.\d+)+)");
            return match.Success ? match.Groups[1].Value : "unknown";
        })).Value;
}
