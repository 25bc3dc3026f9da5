using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Measurement;
using Harness.Models;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Tools;

namespace Harness.Runner;

/// <param name="KeepWarm">Reuse an emulator session (reset it) for the next scenario it can run.</param>
/// <param name="Jobs">How many board runs go at once, each on its own emulator process.</param>
/// <param name="GdbPort">Start the emulator's GDB server on this port and wait for a debugger (one board run only).</param>
/// <param name="TflmRoot">The TFLM checkout given on the command line (else HARNESS_TFLM, else the settings file).</param>
/// <param name="Baselines">Compare every board run with its baseline in this folder (harness run --baselines).</param>
public sealed record RunOptions(string WorkDirectory, bool KeepWarm = true, int Jobs = 1, int? GdbPort = null, string? TflmRoot = null, string? Baselines = null);

/// <summary>What preparing one board run built: its firmware, or why it could not be built.</summary>
public sealed record PreparedBoard(string Scenario, string Board, string? Firmware, string? Error, TimeSpan Elapsed);

/// <summary>
/// Runs scenarios on their boards and collects judged results. Every (scenario, board) pair is one
/// job; up to <see cref="RunOptions.Jobs"/> run at once, sharing the warm emulator sessions.
/// </summary>
public sealed class ScenarioRunner : IAsyncDisposable
{
    private readonly HarnessPaths paths;
    private readonly BoardCatalog boards;
    private readonly RunOptions options;
    private readonly FirmwareResolver firmware;
    private readonly HostComputations host;
    private readonly SessionPool pool;

    public ScenarioRunner(HarnessPaths paths, BoardCatalog boards, RunOptions options)
    {
        // A read-only or full cache is said once, up front, not as a build error on every board.
        CacheSeal.EnsureWritable(paths.CacheDirectory);
        Pruned = CacheRetention.PruneIfDue(paths.CacheDirectory, DateTime.UtcNow);
        var tflm = OpenTflm(options);
        this.paths = paths;
        this.boards = boards;
        this.options = options;
        pool = new SessionPool(options.KeepWarm && options.GdbPort is null, Math.Max(2, 2 * options.Jobs));
        host = new HostComputations(paths, tflm);
        var builder = new FirmwareBuilder(paths);
        firmware = new FirmwareResolver(builder, new TflmRunnerBuilder(paths, builder), tflm, host);
    }

    public SessionPool Sessions => pool;

    /// <summary>What the cache's retention rule removed as this runner was made (at most once a day).</summary>
    public PruneResult Pruned { get; }

    private static Func<TflmCheckout> OpenTflm(RunOptions options)
    {
        var tflm = new Lazy<TflmCheckout>(() =>
            TflmCheckout.OpenConfigured(options.TflmRoot, HarnessSettings.Load(), out var source)
            ?? throw new TflmException($"a model scenario needs a TensorFlow Lite Micro checkout: {source}"));
        return () => tflm.Value;
    }

    public async Task<ScenarioResult> RunAsync(Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken) =>
        (await RunAllAsync([scenario], progress, null, cancellationToken)).Single();

    /// <summary>
    /// Runs every scenario on every board; results come back in the scenarios' order. A cancelled run
    /// (Ctrl-C, SIGTERM, a caller's limit) still returns: what finished as it ended, the rest NotRun with why.
    /// </summary>
    /// <param name="scenarioDone">Called as soon as all boards of a scenario have finished (to write its report at once).</param>
    public async Task<IReadOnlyList<ScenarioResult>> RunAllAsync(IReadOnlyList<Scenario> scenarios, IProgress<string>? progress,
        Action<ScenarioResult>? scenarioDone, CancellationToken cancellationToken)
    {
        var jobs = scenarios.SelectMany((scenario, s) => scenario.Boards.Select((board, b) => (Scenario: scenario, S: s, Board: board, B: b))).ToList();
        if (options.GdbPort is not null && jobs.Count != 1)
        {
            throw new ArgumentException($"debugging needs exactly one board run; these scenarios make {jobs.Count} (pick one scenario and one board)");
        }
        var results = scenarios.Select(s => new BoardResult?[s.Boards.Count]).ToArray();
        var remaining = scenarios.Select(s => s.Boards.Count).ToArray();
        var done = new Lock();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var workers = Math.Max(1, Math.Min(options.Jobs, jobs.Count));
        try
        {
            var queue = new BoardRunQueue<(Scenario Scenario, int S, string Board, int B)>(jobs, job => $"{job.Scenario.Emulator}/{job.Board}", workers);
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            async Task WorkAsync(int worker)
            {
                try
                {
                    while (!failed.Token.IsCancellationRequested && queue.TryTake(worker, out var job))
                    {
                        var result = await RunBoardAsync(job.Scenario, job.Board, progress, failed.Token);
                        ScenarioResult? finished = null;
                        lock (done)
                        {
                            results[job.S][job.B] = result;
                            if (--remaining[job.S] == 0)
                            {
                                finished = Complete(scenarios[job.S], results[job.S], null);
                            }
                        }
                        if (finished is not null)
                        {
                            scenarioDone?.Invoke(finished);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // As Parallel.ForEachAsync did: one worker's failure stops the others.
                    await failed.CancelAsync();
                    throw;
                }
            }
            var running = Enumerable.Range(0, workers).Select(worker => Task.Run(() => WorkAsync(worker), CancellationToken.None)).ToList();
            try
            {
                await Task.WhenAll(running);
            }
            catch when (running.FirstOrDefault(t => t.Exception?.InnerException is { } e && e is not OperationCanceledException) is { } broken)
            {
                // The failure itself, not the cancellation it caused in another worker.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(broken.Exception!.InnerException!);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        var why = $"the run was cancelled after {clock.Elapsed.TotalSeconds:0} s, before this board run started";
        lock (done)
        {
            return scenarios.Select((scenario, s) => Complete(scenario, results[s], why)).ToList();
        }
    }

    /// <summary>
    /// Builds what the scenarios need without running them: TFLM libraries, firmware, and a model
    /// scenario's inputs and host golden outputs (a CI cache step; the suite's one-time set-up).
    /// </summary>
    public async Task<IReadOnlyList<PreparedBoard>> PrepareAsync(IReadOnlyList<Scenario> scenarios, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var prepared = new List<PreparedBoard>();
        foreach (var scenario in scenarios)
        {
            foreach (var boardId in scenario.Boards)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var board = boards.Get(boardId);
                try
                {
                    progress?.Report($"{scenario.Name} on {boardId}: firmware");
                    var image = await firmware.ResolveAsync(scenario.Firmware, board, progress, cancellationToken);
                    if (scenario.Model is not null)
                    {
                        await host.ReferenceAsync(scenario, progress, cancellationToken);
                    }
                    prepared.Add(new PreparedBoard(scenario.Name, boardId, image.ElfPath, null, clock.Elapsed));
                }
                catch (HarnessException e)
                {
                    prepared.Add(new PreparedBoard(scenario.Name, boardId, null, e.Message, clock.Elapsed));
                }
            }
        }
        return prepared;
    }

    private static ScenarioResult Complete(Scenario scenario, BoardResult?[] boardResults, string? notRun) =>
        new(scenario, boardResults.Select((r, b) => r ?? BoardResult.NotRun(scenario.Boards[b], scenario.Emulator, notRun ?? "not finished")).ToList());

    private async Task<BoardResult> RunBoardAsync(Scenario scenario, string boardId, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var emulatorName = scenario.Emulator;
        var emulator = EmulatorRegistry.Create(emulatorName, paths);
        var board = boards.Get(boardId);
        if (!emulator.Supports(board, out var reason))
        {
            return new BoardResult(boardId, emulatorName, Outcome.Error, reason, [], Figures.Empty, [], null, null, null, null);
        }
        var runner = new BoardRunner(firmware, pool, emulator, options.WorkDirectory, options.GdbPort, host, options.Baselines);
        return await runner.RunAsync(scenario with { Emulator = emulatorName }, board, progress, cancellationToken);
    }

    public ValueTask DisposeAsync() => pool.DisposeAsync();
}
