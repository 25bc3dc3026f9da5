using System.Collections.Concurrent;
using Harness.Firmware;
using Harness.Models;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Tools;

namespace Harness.Runner;

/// <summary>
/// What the host computes once per model scenario and shares with all its boards: the input tensors
/// (features from audio included, by the preprocessor model on the host-native runner) and the
/// golden outputs of those inputs.
/// </summary>
public sealed class HostComputations(HarnessPaths paths, Func<TflmCheckout> tflm)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<byte[]>>>> inputs = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<byte[]>>>> goldens = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<long>>> arenas = new();

    /// <summary>
    /// The arena bytes TFLM uses for a model, measured by the host runner with a large arena
    /// (arena_used_bytes() after AllocateTensors). The host is 64-bit, so its pointers and tensor
    /// structs are larger than a Cortex-M's: the figure is an upper bound of what a board needs.
    /// </summary>
    public Task<long> ArenaUsedAsync(string modelPath, IProgress<string>? progress, CancellationToken cancellationToken) =>
        arenas.GetOrAdd(Path.GetFullPath(modelPath), path => new Lazy<Task<long>>(async () =>
        {
            var model = TfliteModel.Read(path);
            progress?.Report($"{Path.GetFileName(path)}: measuring its arena on the host");
            var runner = await new HostRunnerBuilder(paths).BuildAsync(model, tflm(), FirmwareResolver.AutoArenaLimit, progress, cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromMinutes(1));
            await using var session = await HostRunnerSession.StartAsync(runner, limit.Token);
            return (await session.StatsAsync(limit.Token)).ArenaUsed;
        })).Value;

    /// <summary>The bytes of every input tensor of a model scenario, in the model's input order.</summary>
    public Task<IReadOnlyList<byte[]>> InputsAsync(Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Once(inputs, scenario, async () =>
        {
            var plan = scenario.Model!;
            var bytes = new List<byte[]>();
            foreach (var (tensor, source) in plan.Model.Inputs.Zip(plan.Inputs))
            {
                bytes.Add(source is AudioFeatures features
                    ? await FeaturesAsync(features, tensor, scenario, progress, cancellationToken)
                    : TensorData.Encode(tensor, source));
            }
            return bytes;
        });

    /// <summary>The host-native outputs of the scenario's inputs: TFLM reference kernels on x86-64.</summary>
    public Task<IReadOnlyList<byte[]>> GoldenAsync(Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Once(goldens, scenario, async () =>
        {
            var plan = scenario.Model!;
            var data = await InputsAsync(scenario, progress, cancellationToken);
            var runner = await new HostRunnerBuilder(paths).BuildAsync(plan.Model, tflm(), FirmwareResolver.AutoArenaLimit, progress, cancellationToken);
            return await HostGoldenRun.RunAsync(runner, plan, data, scenario.Timeout, cancellationToken);
        });

    /// <summary>Runs the preprocessor over the audio window by window in one interpreter, so its state carries over as on a device.</summary>
    private async Task<byte[]> FeaturesAsync(AudioFeatures features, TensorInfo target, Scenario scenario, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var layout = features.Layout(target);
        progress?.Report($"{scenario.Name}: features of {Path.GetFileName(features.AudioPath)} ({layout.Frames} windows) on the host");
        var runner = await new HostRunnerBuilder(paths).BuildAsync(features.Preprocessor, tflm(), FirmwareResolver.AutoArenaLimit, progress, cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(scenario.Timeout);
        try
        {
            await using var session = await HostRunnerSession.StartAsync(runner, limit.Token);
            var result = new byte[layout.Frames * layout.RowBytes];
            for (var frame = 0; frame < layout.Frames; frame++)
            {
                await session.SetInputAsync(0, layout.WindowBytes(frame), limit.Token);
                await session.InvokeAsync(limit.Token);
                (await session.GetOutputAsync(0, layout.RowBytes, limit.Token)).CopyTo(result, frame * layout.RowBytes);
            }
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Emulation.EmulatorException($"computing {features.Describe()} on the host did not finish within {scenario.Timeout.TotalSeconds:0} s");
        }
    }

    private static Task<IReadOnlyList<byte[]>> Once(ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<byte[]>>>> cache, Scenario scenario, Func<Task<IReadOnlyList<byte[]>>> compute) =>
        cache.GetOrAdd($"{scenario.SourceFile}\n{scenario.Name}", _ => new Lazy<Task<IReadOnlyList<byte[]>>>(compute)).Value;
}
