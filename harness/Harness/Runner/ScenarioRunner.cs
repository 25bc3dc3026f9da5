using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Measurement;
using Harness.Scenarios;
using Harness.Tools;

namespace Harness.Runner;

/// <param name="KeepWarm">Reuse an emulator session (reset it) for the next scenario with the same firmware.</param>
/// <param name="EmulatorOverride">Run every scenario on this emulator instead of the one it names.</param>
public sealed record RunOptions(string WorkDirectory, bool KeepWarm = true, string? EmulatorOverride = null);

/// <summary>Runs scenarios board by board and collects judged results. Owns the warm emulator sessions.</summary>
public sealed class ScenarioRunner(HarnessPaths paths, BoardCatalog boards, RunOptions options) : IAsyncDisposable
{
    private readonly FirmwareResolver firmware = new(new FirmwareBuilder(paths));
    private readonly SessionPool pool = new(options.KeepWarm);

    public SessionPool Sessions => pool;

    public async Task<ScenarioResult> RunAsync(Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var emulatorName = options.EmulatorOverride ?? scenario.Emulator;
        var emulator = EmulatorRegistry.Create(emulatorName, paths);
        var runner = new BoardRunner(firmware, pool, emulator, options.WorkDirectory);
        var results = new List<BoardResult>();
        foreach (var boardId in scenario.Boards)
        {
            var board = boards.Get(boardId);
            if (!emulator.Supports(board, out var reason))
            {
                results.Add(new BoardResult(boardId, emulatorName, Outcome.Error, reason, [], Figures.Empty, [], null, null, null, null));
                continue;
            }
            results.Add(await runner.RunAsync(scenario with { Emulator = emulatorName }, board, progress, cancellationToken));
        }
        return new ScenarioResult(scenario with { Emulator = emulatorName }, results);
    }

    public ValueTask DisposeAsync() => pool.DisposeAsync();
}
