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
        return await QemuSession.StartAsync(qemu, plugin, request, cancellationToken);
    }
}
