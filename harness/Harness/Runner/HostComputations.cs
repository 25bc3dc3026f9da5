using System.Collections.Concurrent;
using Harness.Emulation;
using Harness.Emulation.Host;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;
using Harness.Models;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Tools;

namespace Harness.Runner;

/// <summary>An automatic arena: what TFLM's allocations use, and the arena that must be given for them (planning needs room too).</summary>
public sealed record AutomaticArena(long UsedBytes, long ArenaBytes);

/// <summary>
/// What the host computes once per model scenario and shares with all its boards: the input tensors
/// (features from audio included, by the preprocessor model on the host-native runner), the golden
/// outputs of those inputs, and a model's arena for 'arena: auto'. The host-native runner is driven by
/// the same link drivers as a board.
/// </summary>
public sealed class HostComputations(HarnessPaths paths, Func<TflmCheckout> tflm)
{
    /// <summary>The host runner's arena: ample for microcontroller models (the report gives the bytes used).</summary>
    public const long ArenaLimit = 1024 * 1024;

    private static readonly TimeSpan SetUpLimit = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Lazy<Task<HostReference>>> references = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<AutomaticArena>>> arenas = new();

    /// <summary>
    /// 'arena: auto': the smallest arena (in granules) TFLM can set the model up in, found on the host
    /// runner. arena_used_bytes() after AllocateTensors is not enough by itself: the memory planner
    /// needs temporary room while it plans (one record per buffer), so a model with many tensors
    /// fails in an arena of exactly its used bytes ("Too many buffers"). The host is 64-bit, its
    /// pointers and tensor structs larger than a Cortex-M's: what works there works on the board.
    /// </summary>
    public Task<AutomaticArena> AutomaticArenaAsync(TfliteModel model, long granule, IProgress<string>? progress, CancellationToken cancellationToken) =>
        arenas.GetOrAdd($"{Path.GetFullPath(model.Path)}\n{granule}", _ => new Lazy<Task<AutomaticArena>>(async () =>
        {
            progress?.Report($"{Path.GetFileName(model.Path)}: finding the arena it needs on the host");
            var roomy = await WithRunnerAsync(model, SetUpLimit, "measuring the arena", async (link, watch, token) =>
            {
                var boot = BootInfo.From(await watch.Await("the host runner's boot frame", link.WaitForBootAsync(token)));
                return boot.Ready ? boot : throw SetUpFailed(boot, link);
            }, progress, cancellationToken);
            async Task<bool> SetsUpIn(long arena)
            {
                try
                {
                    return await WithRunnerAsync(model, SetUpLimit, "trying an arena", async (link, watch, token) =>
                        BootInfo.From(await watch.Await("the host runner's boot frame", link.WaitForBootAsync(token))).Ready, progress, cancellationToken, arena);
                }
                catch (HarnessException)
                {
                    // TFLM itself can crash when the arena is just too small for its planner (seen: SIGSEGV): that arena does not do.
                    return false;
                }
            }
            var used = roomy.ArenaUsedBytes ?? 0;
            var arena = RoundUp(used, granule);
            for (var attempt = 1; arena < ArenaLimit && !await SetsUpIn(arena); attempt++)
            {
                // A granule at a time first (the planner's room is a few records per buffer), then faster.
                arena = RoundUp(attempt < 16 ? arena + granule : arena * 5 / 4, granule);
            }
            return new AutomaticArena(used, Math.Min(arena, ArenaLimit));
        })).Value;

    private static long RoundUp(long bytes, long granule) => (bytes + granule - 1) / granule * granule;

    /// <summary>Every input tensor's bytes and, with golden: host, the host-native outputs of them (TFLM reference kernels on x86-64).</summary>
    public Task<HostReference> ReferenceAsync(Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken) =>
        references.GetOrAdd($"{scenario.SourceFile}\n{scenario.Name}", _ => new Lazy<Task<HostReference>>(async () =>
        {
            var plan = scenario.Model!;
            var inputs = new List<byte[]>();
            foreach (var (source, index) in plan.Inputs.Select((s, i) => (s, i)))
            {
                inputs.Add(plan.EncodedInputs[index] ?? (source is AudioFeatures features
                    ? await FeaturesAsync(features, plan.Model.Inputs[index], scenario, progress, cancellationToken)
                    : TensorData.Encode(plan.Model.Inputs[index], source)));
            }
            if (!plan.GoldenHost)
            {
                return new HostReference(inputs, null);
            }
            progress?.Report("host golden run");
            var golden = await WithRunnerAsync(plan.Model, scenario.Timeout, "the host golden run", async (link, watch, token) =>
            {
                var seen = await ModelDriver.RunAsync(link, watch, plan.Model, inputs, null, token);
                if (!seen.Boot.Ready)
                {
                    throw SetUpFailed(seen.Boot, link);
                }
                if (seen.Invoke is not { Ok: true })
                {
                    throw new EmulatorException($"Invoke() failed in the host runner: {seen.TflmSays}");
                }
                return seen.Outputs;
            }, progress, cancellationToken);
            return new HostReference(inputs, golden);
        })).Value;

    /// <summary>Runs the preprocessor over the audio window by window in one interpreter, so its state carries over as on a device.</summary>
    private async Task<byte[]> FeaturesAsync(AudioFeatures features, TensorInfo target, Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var layout = features.Layout(target);
        progress?.Report($"features of {Path.GetFileName(features.AudioPath)} ({layout.Frames} windows) on the host");
        var name = Path.GetFileName(features.Preprocessor.Path);
        var seen = await WithRunnerAsync(features.Preprocessor, scenario.Timeout, $"computing {features.Describe()} on the host",
            (link, watch, token) => FeatureDriver.RunAsync(link, watch, name, layout, token), progress, cancellationToken);
        return seen.Rows;
    }

    /// <summary>Builds the host runner for a model, starts it, and drives it within <paramref name="limit"/>.</summary>
    private async Task<T> WithRunnerAsync<T>(TfliteModel model, TimeSpan limit, string what, Func<LinkClient, IBoardWatch, CancellationToken, Task<T>> drive,
        IProgress<string>? progress, CancellationToken cancellationToken, long? arenaBytes = null)
    {
        var runner = await new HostRunnerBuilder(paths).BuildAsync(model, tflm(), ArenaLimit, progress, cancellationToken);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(limit);
        var transcript = new ConsoleTranscript();
        await using var session = HostRunnerSession.Start(runner, line => transcript.Add(LineSource.Log, line), arenaBytes);
        await using var link = new LinkClient(session.Console, transcript);
        try
        {
            return await drive(link, new HostWatch(session, transcript), window.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmulatorException($"{what} did not finish within {limit.TotalSeconds:0} s");
        }
        catch (LinkClosedException)
        {
            // The runner closed its output: it ended (or is about to); say how.
            var exit = await Task.WhenAny(session.Exited, Task.Delay(TimeSpan.FromSeconds(2))) == session.Exited ? $"exit code {await session.Exited}" : "it closed its output";
            throw new EmulatorException($"the host runner ended ({exit}) during {what}: {transcript.LastLogLines()}");
        }
    }

    private static EmulatorException SetUpFailed(BootInfo boot, LinkClient link) =>
        new($"the host runner could not set up the model ({boot.Status}): {link.Transcript.LastLogLines()}");

    /// <summary>The host runner's side of <see cref="IBoardWatch"/>: no emulator counts, and a step gives up when the runner ends.</summary>
    private sealed class HostWatch(HostRunnerSession session, ConsoleTranscript transcript) : IBoardWatch
    {
        public async Task<T> Await<T>(string stage, Task<T> step)
        {
            if (await Task.WhenAny(step, session.Exited) != step && !step.IsCompleted)
            {
                // Give its last words on standard error a moment to arrive.
                await Task.Delay(TimeSpan.FromMilliseconds(100));
                throw new EmulatorException($"the host runner ended (exit code {await session.Exited}) while waiting for {stage}: {transcript.LastLogLines()}");
            }
            return await step;
        }

        public Task<RegionMeasured?> NextRegionAsync(TimeSpan wait, CancellationToken cancellationToken) => Task.FromResult<RegionMeasured?>(null);
    }
}
