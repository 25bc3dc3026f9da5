using System.Diagnostics;
using Harness.Models;

namespace Harness.Link;

/// <summary>
/// Drives the TFLM runner: boot and the tensors as the board allocated them (<see cref="ConnectAsync"/>), then
/// any number of inferences on the booted board (<see cref="ModelConnection.InvokeAsync"/>): inputs up, Invoke()
/// between the markers, outputs and the per-operator profile down, statistics. The same driver runs the runner on a
/// board and the host-native runner (the golden run); a scenario is one connection and one inference.
/// </summary>
public static class ModelDriver
{
    public static async Task<ModelObservation> RunAsync(LinkClient link, IBoardWatch watch, TfliteModel model, IReadOnlyList<byte[]> inputs,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(link, watch, model, cancellationToken);
        return connection.Refusal ?? await connection.InvokeAsync(watch, inputs, progress, cancellationToken);
    }

    /// <summary>Waits for the runner's boot frame and asks for its tensors; a runner that cannot take inferences says why in <see cref="ModelConnection.Refusal"/>.</summary>
    public static async Task<ModelConnection> ConnectAsync(LinkClient link, IBoardWatch watch, TfliteModel model, CancellationToken cancellationToken)
    {
        var boot = BootInfo.From(await watch.Await("the runner's boot frame", link.WaitForBootAsync(cancellationToken)));
        if (!boot.Ready)
        {
            return new ModelConnection(link, model, boot, [], []) { Refusal = ModelConnection.Observation(boot, link) };
        }
        var client = new ModelClient(link, boot.MaxBody);
        var inputTensors = await DescribeAsync(client, watch, output: false, model.Inputs.Count, cancellationToken);
        var outputTensors = await DescribeAsync(client, watch, output: true, model.Outputs.Count, cancellationToken);
        var connection = new ModelConnection(link, model, boot, inputTensors, outputTensors);
        if (!SameSizes(model.Inputs, inputTensors) || !SameSizes(model.Outputs, outputTensors))
        {
            // Uploading into tensors of other sizes cannot work: the judge names the difference.
            return connection with { Refusal = ModelConnection.Observation(boot, link) with { InputTensors = inputTensors, OutputTensors = outputTensors } };
        }
        return connection;
    }

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

/// <summary>A booted TFLM runner whose tensors match the model: it takes inferences one after another (the interpreter stays set up).</summary>
/// <param name="Refusal">Why this runner takes no inference (TFLM could not set the model up, or its tensors differ from the .tflite): the observation to judge.</param>
public sealed record ModelConnection(LinkClient Link, TfliteModel Model, BootInfo Boot, IReadOnlyList<DeviceTensor?> InputTensors, IReadOnlyList<DeviceTensor?> OutputTensors)
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);

    public ModelObservation? Refusal { get; init; }

    internal static ModelObservation Observation(BootInfo boot, LinkClient link) =>
        new(boot, null, null, null, 0, null, [], [], null, link.Transcript.LastLogLines());

    /// <summary>One inference: every input tensor's bytes up, Invoke() between the markers, outputs, profile and statistics down.</summary>
    public async Task<ModelObservation> InvokeAsync(IBoardWatch watch, IReadOnlyList<byte[]> inputs, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (Refusal is not null)
        {
            throw new InvalidOperationException("this runner refused the model; judge its Refusal instead of invoking it");
        }
        if (inputs.Count != Model.Inputs.Count)
        {
            throw new ArgumentException($"the model has {Model.Inputs.Count} input tensor(s); {inputs.Count} given", nameof(inputs));
        }
        var client = new ModelClient(Link, Boot.MaxBody);
        var uploads = new List<UploadReceipt>();
        foreach (var (tensor, index) in Model.Inputs.Select((t, i) => (t, i)))
        {
            if (inputs[index].Length != tensor.Bytes)
            {
                throw new ArgumentException($"input {index} ({tensor}) takes {tensor.Bytes} B; {inputs[index].Length} B given", nameof(inputs));
            }
            progress?.Report($"input {index} ({tensor.Bytes} B)");
            uploads.Add(await watch.Await($"the upload of input {index}", client.SetInputAsync(index, inputs[index], cancellationToken)));
        }
        progress?.Report("invoke");
        var clock = Stopwatch.StartNew();
        var invoke = await watch.Await("the inference (Invoke)", client.InvokeAsync(cancellationToken));
        var wall = clock.Elapsed.TotalSeconds;
        var region = await watch.NextRegionAsync(RegionWait, cancellationToken);
        var outputs = new List<byte[]>();
        if (invoke.Ok)
        {
            foreach (var (tensor, index) in Model.Outputs.Select((t, i) => (t, i)))
            {
                outputs.Add(await watch.Await($"output {index}", client.GetOutputAsync(index, tensor.Bytes, cancellationToken)));
            }
        }
        var profile = await watch.Await("the per-operator profile", client.ProfileAsync(invoke.ProfileEvents, cancellationToken));
        var stats = await watch.Await("the runner's statistics", client.StatsAsync(cancellationToken));
        return new ModelObservation(Boot, InputTensors, OutputTensors, invoke, wall, region?.Instructions, outputs, profile, stats, Link.Transcript.LastLogLines())
        {
            // The emulator's exact count of each operator, when it counted one per profiler event.
            OperatorInstructions = region is { } r && r.Parts.Count == profile.Count ? r.Parts : null,
            Mix = region?.Mix,
            OperatorMixes = region is { PartMixes: { } mixes } && mixes.Count == profile.Count ? mixes : null,
            Upload = UploadReceipt.Combine(uploads),
        };
    }
}
