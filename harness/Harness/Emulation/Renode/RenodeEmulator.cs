using System.Text.RegularExpressions;
using Harness.Boards;
using Harness.Tools;

namespace Harness.Emulation.Renode;

/// <summary>The Renode backend: a headless Renode the user installed, found by HARNESS_RENODE or PATH.</summary>
public sealed partial class RenodeEmulator(HarnessPaths paths) : IEmulator
{
    /// <summary>The version the project is tested with; older ones lack commands the harness uses.</summary>
    public static readonly Version Tested = new(1, 16, 1);
    public static readonly Version Oldest = new(1, 15, 0);

    public string Name => "renode";

    public bool Supports(BoardDescription board, out string reason)
    {
        reason = board.Renode is null
            ? $"board '{board.Id}' has no Renode platform (it runs on: {string.Join(", ", board.Emulators)})"
            : "";
        return board.Renode is not null;
    }

    public async Task<IEmulatorSession> StartAsync(EmulationRequest request, CancellationToken cancellationToken)
    {
        if (!Supports(request.Firmware.Board, out var reason))
        {
            throw new EmulatorException(reason);
        }
        var renode = ToolLocator.Find(ExternalTool.Renode);
        var session = await RenodeSession.StartAsync(renode, paths.CacheDirectory, request, cancellationToken);
        if (ParseVersion(session.Version) is { } version && version < Oldest)
        {
            await session.DisposeAsync();
            throw new EmulatorException($"Renode {session.Version} at {renode} is too old: the harness needs {Oldest} or newer (tested with {Tested})");
        }
        return session;
    }

    /// <summary>"1.16.1 (1.16.1+20261123git06854d4d)" or "Renode v1.16.1" → 1.16.1.</summary>
    public static Version? ParseVersion(string text) =>
        VersionNumber().Match(text) is { Success: true } match ? Version.Parse(match.Value) : null;

    [GeneratedRegex(@"\d+\.\d+(\.\d+)?")]
    private static partial Regex VersionNumber();
}
