using System.Diagnostics;
using Harness.Models;

namespace Harness.Link;

/// <summary>
/// Drives the TFLM runner through one inference: boot, the tensors as the board allocated them,
/// inputs up, Invoke() between the markers, outputs and the per-operator profile down, statistics.
/// The same driver runs the runner on a board and the host-native runner (the golden run).
/// </summary>
public static class ModelDriver
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);

    public static async Task<ModelObservation> RunAsync(LinkClient link, IBoardWatch watch, TfliteModel model, IReadOnlyList<byte[]> inputs,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var boot = BootInfo.From(await watch.Await("the runner's boot frame", link.WaitForBootAsync(cancellationToken)));
        if (!boot.Ready)
        {
            return Observation(boot, link);
        }
        var client = new ModelClient(link, boot.MaxBody);
        var inputTensors = await DescribeAsync(client, watch, output: false, model.Inputs.Count, cancellationToken);
        var outputTensors = await DescribeAsync(client, watch, output: true, model.Outputs.Count, cancellationToken);
        if (!SameSizes(model.Inputs, inputTensors) || !SameSizes(model.Outputs, outputTensors))
        {
            // Uploading into tensors of other sizes cannot work: the judge names the difference.
            return Observation(boot, link) with { InputTensors = inputTensors, OutputTensors = outputTensors };
        }
        foreach (var (tensor, index) in model.Inputs.Select((t, i) => (t, i)))
        {
            progress?.Report($"input {index} ({tensor.Bytes} B)");
            await watch.Await($"the upload of input {index}", client.SetInputAsync(index, inputs[index], cancellationToken));
        }
        progress?.Report("invoke");
        var clock = Stopwatch.StartNew();
        var invoke = await watch.Await("the inference (Invoke)", client.InvokeAsync(cancellationToken));
        var wall = clock.Elapsed.TotalSeconds;
        var region = await watch.NextRegionAsync(RegionWait, cancellationToken);
        var outputs = new List<byte[]>();
        if (invoke.Ok)
        {
            foreach (var (tensor, index) in model.Outputs.Select((t, i) => (t, i)))
            {
                outputs.Add(await watch.Await($"output {index}", client.GetOutputAsync(index, tensor.Bytes, cancellationToken)));
            }
        }
        var profile = await watch.Await("the per-operator profile", client.ProfileAsync(invoke.ProfileEvents, cancellationToken));
        var stats = await watch.Await("the runner's statistics", client.StatsAsync(cancellationToken));
        return new ModelObservation(boot, inputTensors, outputTensors, invoke, wall, region?.Instructions, outputs, profile, stats, link.Transcript.LastLogLines())
        {
            // The emulator's exact count of each operator, when it counted one per profiler event.
            OperatorInstructions = region is { } r && r.Parts.Count == profile.Count ? r.Parts : null,
            Mix = region?.Mix,
            OperatorMixes = region is { PartMixes: { } mixes } && mixes.Count == profile.Count ? mixes : null,
        };
    }

    private static ModelObservation Observation(BootInfo boot, LinkClient link) =>
        new(boot, null, null, null, 0, null, [], [], null, link.Transcript.LastLogLines());

    /// <summary>Every tensor of one direction, and one past the model's count: the board must have no more than the .tflite.</summary>
    private static async Task<IReadOnlyList<DeviceTensor?>> DescribeAsync(ModelClient client, IBoardWatch watch, bool output, int count, CancellationToken cancellationToken)
    {
        var tensors = new List<DeviceTensor?>();
        for (var i = 0; i <= count; i++)
        {
            var tensor = await watch.Await($"the description of {(output ? "output" : "input")} {i}", client.DescribeAsync(output, i, cancellationToken));
            if (tensor is not null || i < count)
            {
                tensors.Add(tensor);
            }
        }
        return tensors;
    }

    private static bool SameSizes(IReadOnlyList<TensorInfo> model, IReadOnlyList<DeviceTensor?> board) =>
        board.Count == model.Count && model.Zip(board).All(p => p.Second is { } tensor && tensor.Bytes == p.First.Bytes);
}
