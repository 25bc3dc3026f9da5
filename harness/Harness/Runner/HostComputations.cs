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
    private readonly ConcurrentDictionary<string, Lazy<Task<long>>> arenas = new();

    /// <summary>
    /// The arena bytes TFLM uses for a model, measured by the host runner with a large arena
    /// (arena_used_bytes() after AllocateTensors). The host is 64-bit, so its pointers and tensor
    /// structs are larger than a Cortex-M's: the figure is an upper bound of what a board needs.
    /// </summary>
    public Task<long> ArenaUsedAsync(TfliteModel model, IProgress<string>? progress, CancellationToken cancellationToken) =>
        arenas.GetOrAdd(Path.GetFullPath(model.Path), _ => new Lazy<Task<long>>(async () =>
        {
            progress?.Report($"{Path.GetFileName(model.Path)}: measuring its arena on the host");
            return await WithRunnerAsync(model, SetUpLimit, "measuring the arena", async (link, watch, token) =>
            {
                var boot = BootInfo.From(await watch.Await("the host runner's boot frame", link.WaitForBootAsync(token)));
                return boot.Ready ? boot.ArenaUsedBytes ?? 0 : throw SetUpFailed(boot, link);
            }, progress, cancellationToken);
        })).Value;

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
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var runner = await new HostRunnerBuilder(paths).BuildAsync(model, tflm(), ArenaLimit, progress, cancellationToken);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(limit);
        var transcript = new ConsoleTranscript();
        await using var session = HostRunnerSession.Start(runner, line => transcript.Add(LineSource.Log, line));
        await using var link = new LinkClient(session.Console, transcript);
        try
        {
            return await drive(link, new HostWatch(session, transcript), window.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmulatorException($"{what} did not finish within {limit.TotalSeconds:0} s");
        }
        catch (LinkClosedException) when (session.Exited.IsCompleted)
        {
            throw new EmulatorException($"the host runner ended (exit code {await session.Exited}) during {what}: {transcript.LastLogLines()}");
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

        public Task<long?> NextRegionAsync(TimeSpan wait, CancellationToken cancellationToken) => Task.FromResult<long?>(null);
    }
}
