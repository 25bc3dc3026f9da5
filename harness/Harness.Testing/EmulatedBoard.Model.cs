using System.Text.Json;
using Harness.Link;
using Harness.Measurement;

namespace Harness.Testing;

public sealed partial class EmulatedBoard
{
    /// <summary>Every input tensor as the board's interpreter allocated it (type, shape, scale and zero point, bytes).</summary>
    public IReadOnlyList<DeviceTensor?> InputTensors => RequireModel().InputTensors.Take(RequireModel().Model.Inputs.Count).ToList();

    /// <summary>Every output tensor as the board's interpreter allocated it.</summary>
    public IReadOnlyList<DeviceTensor?> OutputTensors => RequireModel().OutputTensors.Take(RequireModel().Model.Outputs.Count).ToList();

    /// <summary>
    /// One inference on the booted board: the inputs encoded for the model's input tensors and uploaded, Invoke() measured,
    /// outputs and per-operator figures read back. The board stays booted: invoke again, with other inputs, as often as needed.
    /// A fault, a hang or an error from TFLM fails the test with the harness's message (symbolized to function and line).
    /// </summary>
    /// <param name="inputs">One per input tensor of the model, in its order.</param>
    public Task<Inference> InvokeAsync(params TensorInput[] inputs) => InvokeAsync(inputs, CancellationToken.None);

    /// <summary>One inference, cancellable (e.g. by NUnit's [CancelAfter]); see <see cref="InvokeAsync(TensorInput[])"/>.</summary>
    /// <param name="inputs">One per input tensor of the model, in its order.</param>
    /// <param name="cancellationToken">Cancels the inference.</param>
    public async Task<Inference> InvokeAsync(IReadOnlyList<TensorInput> inputs, CancellationToken cancellationToken)
    {
        var connection = RequireModel();
        var tensors = connection.Model.Inputs;
        if (inputs.Count != tensors.Count)
        {
            throw new ArgumentException($"{choice.Name} has {tensors.Count} input tensor(s) ({string.Join("; ", tensors)}); {inputs.Count} given", nameof(inputs));
        }
        byte[][] encoded;
        try
        {
            encoded = inputs.Select((input, i) => input.Encode(tensors[i], resolve)).ToArray();
        }
        catch (HarnessException e)
        {
            throw Outcomes.Fail($"{Context}: the inputs: {e.Message}");
        }
        var seen = await StepAsync("the inference", (watch, token) => connection.InvokeAsync(watch, encoded, null, token), cancellationToken);
        var modelChoice = (ModelFirmwareChoice)choice;
        var verdict = Judge.Model(Plan(connection.Model, modelChoice, encoded), seen, new HostReference(encoded, null), [], JudgeContext());
        if (seen.Stats is { } stats)
        {
            stackHighWater = stats.StackHighWater;
        }
        var failed = verdict.Checks.Where(c => !c.Passed).ToList();
        if (failed.Count > 0 || verdict.Model is null)
        {
            throw Outcomes.Fail($"{Context}: {string.Join("; ", failed.Select(c => $"{c.Name}: expected {c.Expected}, got {c.Actual}"))}");
        }
        var identity = RunIdentity.Of(Board, Emulator, EmulatorVersion, RunIdentity.Sha256(File.ReadAllBytes(image.ElfPath)), connection.Model.Sha256,
            RunIdentity.Sha256(encoded), seen.Boot.TflmCommit, seen.Boot.Kernels, seen.Instructions, string.Join(";", seen.Outputs.Select(Convert.ToHexString)));
        var run = new BoardResult(Board, Emulator, Outcome.Passed, "", verdict.Checks, verdict.Figures, [], null, warm.Session.CommandLine, image.ElfPath,
            warm.Session.Clock.Description, verdict.Model) { Identity = identity };
        var inference = new Inference(verdict, Context) { Run = run, BaselineName = Path.GetFileNameWithoutExtension(choice.Name) };
        TestAttachments.Write(this, transcript, JsonSerializer.Serialize(new
        {
            board = Board,
            emulator = Emulator,
            firmware = choice.Name,
            kernels = modelChoice.KernelSet.ToString(),
            instructions = inference.Instructions.Value,
            cycles = inference.Cycles.Value,
            outputs = inference.Outputs.Select(o => new { o.Index, o.Tensor, o.Raw, o.Values }),
            operators = inference.Operators.Select(o => new { o.Index, o.Operator, cycles = o.Cycles.Value, instructions = o.Instructions?.Value }),
            arena_used_bytes = inference.ArenaUsedBytes.Value,
            stack_high_water_bytes = inference.StackHighWaterBytes.Value,
            silicon_ms = inference.Silicon is { } estimate ? new { low = estimate.Milliseconds.Low, typical = estimate.Milliseconds.Typical, high = estimate.Milliseconds.High } : null,
        }, new JsonSerializerOptions { WriteIndented = true }));
        return inference;
    }

    private ModelConnection RequireModel() => model ?? throw new InvalidOperationException(
        $"{Context}: this board runs {choice.Name}, not a model's runner; start it with Firmware.ForModel(...) to invoke a model");
}
