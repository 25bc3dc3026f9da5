using Harness.Baselines;
using Harness.Measurement;
using Harness.Scenarios;
using Harness.Silicon;

namespace Harness.Testing;

/// <summary>One output tensor after an inference.</summary>
/// <param name="Index">The output's index in the model.</param>
/// <param name="Tensor">The tensor as the model declares it (name, type, shape, quantization).</param>
/// <param name="Raw">The values as stored (integers of a quantized tensor, or floats).</param>
/// <param name="Values">The values as reals (dequantized with the tensor's scale and zero point).</param>
public sealed record OutputTensor(int Index, string Tensor, IReadOnlyList<double> Raw, IReadOnlyList<double> Values)
{
    /// <summary>The index of the largest value (the top class of a classifier).</summary>
    public int Top1 => Values.Select((v, i) => (v, i)).MaxBy(p => p.v).i;
}

/// <summary>One operator of an inference, in the order the interpreter ran them.</summary>
/// <param name="Index">The operator's place in the run.</param>
/// <param name="Operator">The operator's tag as TFLM's profiler gives it (e.g. CONV_2D).</param>
/// <param name="Cycles">The firmware's counter over the operator, as core cycles.</param>
/// <param name="Instructions">The emulator's exact count, where it counted each operator.</param>
/// <param name="Silicon">The operator estimated on the board's silicon part, where the emulator counted its instruction mix.</param>
public sealed record OperatorFigures(int Index, string Operator, Figure Cycles, Figure? Instructions, SiliconEstimate? Silicon);

/// <summary>
/// What one inference on an emulated board gave: outputs (stored and dequantized), instructions and cycles of Invoke()
/// and of each operator, the arena and stack it used, and the estimate on silicon. Every figure carries the board,
/// emulator, firmware and kernel set, so an assertion on it says where it was measured.
/// </summary>
public sealed record Inference
{
    internal Inference(Verdict verdict, string context)
    {
        var model = verdict.Model!;
        var figures = verdict.Figures;
        Context = context;
        Outputs = model.Outputs.Select(o => new OutputTensor(o.Index, o.Tensor, o.Raw, o.Values)).ToList();
        Instructions = new Figure(figures.Instructions ?? 0, "instructions", context);
        Cycles = new Figure(figures.Cycles ?? 0, "cycles", context);
        Operators = model.Operators.Select(o => new OperatorFigures(o.Index, o.Operator, new Figure(o.Cycles, $"cycles in {o.Operator} #{o.Index}", context),
            o.Instructions is { } count ? new Figure(count, $"instructions in {o.Operator} #{o.Index}", context) : null, o.Estimate)).ToList();
        ArenaUsedBytes = new Figure(model.ArenaUsedBytes, "B of the tensor arena used", context);
        StackHighWaterBytes = new Figure(figures.StackHighWaterBytes ?? 0, "B of stack at most", context);
        Silicon = figures.Estimate;
        InstructionMix = figures.Mix;
        Checks = verdict.Checks;
    }

    /// <summary>Where this inference ran: firmware, board, emulator, kernel set.</summary>
    public string Context { get; }

    /// <summary>Every output tensor, in the model's order.</summary>
    public IReadOnlyList<OutputTensor> Outputs { get; }

    /// <summary>The emulator's exact count of instructions over Invoke().</summary>
    public Figure Instructions { get; }

    /// <summary>The firmware's own counter over Invoke(), as core cycles (cross-checked against <see cref="Instructions"/>).</summary>
    public Figure Cycles { get; }

    /// <summary>Each operator's figures, in the order the interpreter ran them.</summary>
    public IReadOnlyList<OperatorFigures> Operators { get; }

    /// <summary>The bytes of the tensor arena TFLM used.</summary>
    public Figure ArenaUsedBytes { get; }

    /// <summary>The stack's high-water mark so far (bytes).</summary>
    public Figure StackHighWaterBytes { get; }

    /// <summary>Invoke() estimated on the board's silicon part (cycles, ms and µJ as ranges), where the emulator counted its instruction mix.</summary>
    public SiliconEstimate? Silicon { get; }

    /// <summary>Invoke()'s instructions by timing class, where the emulator counted them.</summary>
    public InstructionMix? InstructionMix { get; }

    /// <summary>What the harness checked of the run itself (tensors as the model declares them, Invoke() returned ok, the counter agrees with the emulator).</summary>
    public IReadOnlyList<Check> Checks { get; }

    internal BoardResult? Run { get; init; }

    internal string BaselineName { get; init; } = "model";

    /// <summary>
    /// The regression gate in code: compares every figure of this inference (instructions and cycles, each operator, flash,
    /// RAM, arena, stack, outputs) with the baseline stored at <paramref name="path"/> and fails the test naming each one that
    /// grew past its allowance (defaults as a scenario's 'regress:'). Improvements are written to the test's output.
    /// With HARNESS_UPDATE_BASELINES=1 it records this inference as the baseline instead (commit the file, review it as a diff).
    /// </summary>
    /// <param name="path">The baseline's YAML file, e.g. "baselines/person_detect.nrf52840.renode.yaml"; relative to the current folder.</param>
    /// <param name="allowed">Allowed growth per figure; null: the defaults (instructions 0.5 %, operators 2 %, flash 256 B, RAM 0 B, outputs exact).</param>
    public void AssertNoRegression(string path, RegressThresholds? allowed = null)
    {
        var run = Run ?? throw new InvalidOperationException("this inference carries no run to compare");
        var file = Path.GetFullPath(path);
        if (Environment.GetEnvironmentVariable("HARNESS_UPDATE_BASELINES") == "1")
        {
            RecordBaseline(file);
            TestContext.Out.WriteLine($"HARNESS_UPDATE_BASELINES=1: recorded {file} ({Context})");
            return;
        }
        Baseline? then = null;
        if (File.Exists(file))
        {
            try
            {
                then = BaselineFile.Read(file);
            }
            catch (Yaml.YamlInputException e)
            {
                Assert.Fail($"{Context}: the baseline {file} is broken: {e.Errors.FirstOrDefault()}");
            }
        }
        var (report, checks) = BaselineComparison.Compare(then, run, allowed ?? RegressThresholds.Default, file);
        foreach (var change in report.Changes)
        {
            TestContext.Out.WriteLine($"{Context}: {change}");
        }
        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            var hint = then is null ? $"{Environment.NewLine}Record it: run the test with HARNESS_UPDATE_BASELINES=1, then commit {file}." : "";
            Assert.Fail($"{Context}: against the baseline {file}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, failed.Select(c => $"  {c.Name}: {c.Actual} (expected {c.Expected})")) + hint);
        }
    }

    /// <summary>Writes this inference as the baseline at <paramref name="path"/> (the format 'harness baseline record' writes), for <see cref="AssertNoRegression"/>.</summary>
    /// <param name="path">The baseline's YAML file; its folder is created.</param>
    public void RecordBaseline(string path)
    {
        var run = Run ?? throw new InvalidOperationException("this inference carries no run to record");
        var baseline = Baseline.From(BaselineName, run, out var why) ?? throw new InvalidOperationException($"this inference cannot be a baseline: {why}");
        var file = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        BaselineFile.WriteAsync(file, baseline, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The first output's top class.</summary>
    public int Top1() => Outputs[0].Top1;

    /// <summary>The first output's top class, by name.</summary>
    /// <param name="labels">One name per class, in the output's order.</param>
    public string Top1(IReadOnlyList<string> labels)
    {
        var index = Top1();
        if (labels.Count != Outputs[0].Values.Count)
        {
            throw new ArgumentException($"{labels.Count} labels given for output 0, which has {Outputs[0].Values.Count} values ({Outputs[0].Tensor})", nameof(labels));
        }
        return labels[index];
    }

    /// <summary>A one-line account of the inference.</summary>
    public override string ToString() => $"{Instructions.Value:N0} instructions, {Cycles.Value:N0} cycles, outputs " +
        string.Join("; ", Outputs.Select(o => $"[{string.Join(", ", o.Raw.Take(8))}{(o.Raw.Count > 8 ? ", …" : "")}]")) + $" ({Context})";
}

/// <summary>What the diagnostic app's measured workload gave.</summary>
/// <param name="Result">The workload's result, as the device computed it.</param>
/// <param name="Expected">What it must be.</param>
/// <param name="Instructions">The emulator's exact count over the workload.</param>
/// <param name="Cycles">The firmware's counter over the workload, as core cycles.</param>
/// <param name="Silicon">The workload estimated on the board's silicon part, where the emulator counted its instruction mix.</param>
/// <param name="InstructionMix">The workload's instructions by timing class, where the emulator counted them.</param>
public sealed record Workload(uint Result, uint Expected, Figure Instructions, Figure Cycles, SiliconEstimate? Silicon, InstructionMix? InstructionMix)
{
    /// <summary>Whether the device computed what it must.</summary>
    public bool Correct => Result == Expected;
}

/// <summary>An upload's checksums on both sides.</summary>
/// <param name="Bytes">Bytes sent.</param>
/// <param name="HostCrc">CRC-32 of what the host sent.</param>
/// <param name="DeviceBytes">Bytes the device received.</param>
/// <param name="DeviceCrc">CRC-32 of what the device received.</param>
/// <param name="BytesPerSecond">The upload's throughput, in wall time.</param>
/// <param name="Path">The way it went: "uart", or "bulk (QEMU gdbstub)" / "bulk (Renode sysbus)".</param>
public sealed record Upload(long Bytes, uint HostCrc, long DeviceBytes, uint DeviceCrc, double BytesPerSecond, string Path)
{
    /// <summary>Whether every byte arrived as sent.</summary>
    public bool Intact => Bytes == DeviceBytes && HostCrc == DeviceCrc;
}

/// <summary>What the firmware takes of the board's memories.</summary>
/// <param name="FlashBytes">Code, constants and the model, and the initial values of .data.</param>
/// <param name="StaticRamBytes">.data and .bss (the tensor arena included).</param>
/// <param name="RamBytes">Static RAM plus the stack's high-water mark so far.</param>
/// <param name="ArenaBytes">The tensor arena (0 for a firmware without one).</param>
/// <param name="FlashCapacityBytes">The board's flash.</param>
/// <param name="RamCapacityBytes">The board's RAM.</param>
public sealed record MemoryFigures(Figure FlashBytes, Figure StaticRamBytes, Figure RamBytes, Figure ArenaBytes, long FlashCapacityBytes, long RamCapacityBytes);
