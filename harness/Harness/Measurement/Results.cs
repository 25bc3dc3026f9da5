using Harness.Firmware;
using Harness.Link;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Measurement;

/// <summary>The figures of one board run, each in its unit; null where this run could not measure it.</summary>
/// <param name="Instructions">Counted by the emulator between the measure markers.</param>
/// <param name="Cycles">The firmware's own counter over the same region, as core cycles (see ClockModel).</param>
/// <param name="RamBytes">Static RAM (.data + .bss) plus the stack's high-water mark.</param>
public sealed record Figures(
    long? Instructions,
    long? Cycles,
    string? CounterSource,
    long FlashBytes,
    long StaticRamBytes,
    long? StackHighWaterBytes,
    long? RamBytes,
    double WallSeconds,
    double BuildSeconds,
    bool BuildFromCache)
{
    public static readonly Figures Empty = new(null, null, null, 0, 0, null, null, 0, 0, false);

    /// <summary>Bytes of every allocated section of the ELF (.text, .rodata, .data, .bss, ...).</summary>
    public IReadOnlyDictionary<string, long> Sections { get; init; } = new Dictionary<string, long>();

    /// <summary>The board's flash and RAM, for how much of each the firmware takes (0 where unknown).</summary>
    public long FlashCapacityBytes { get; init; }
    public long RamCapacityBytes { get; init; }

    /// <summary>Of the flash, the bytes of the model (a model runner's .tflite as a const array), and of the static RAM, the tensor arena.</summary>
    public long ModelBytes { get; init; }
    public long ArenaBytes { get; init; }

    /// <summary>The measured region's instructions by timing class (null where the emulator did not count them).</summary>
    public Silicon.InstructionMix? Mix { get; init; }

    /// <summary>How the run's upload (the diag app's, or a model's inputs) reached the board: path, bytes, wall time.</summary>
    public Link.UploadReceipt? Upload { get; init; }

    /// <summary>The measured region estimated on the silicon part, from the mix (null without a mix or a timing table).</summary>
    public Silicon.SiliconEstimate? Estimate { get; init; }

    /// <summary>What an image alone tells (flash, static RAM, its build), plus what the run measured.</summary>
    public static Figures Of(ImageFacts image, long? instructions = null, long? cycles = null, DeviceCounter? counter = null, long? stackHighWater = null) =>
        new(instructions, cycles, counter?.Name, image.FlashBytes, image.StaticRamBytes, stackHighWater,
            stackHighWater is { } stack ? image.StaticRamBytes + stack : null, 0, image.BuildSeconds, image.FromCache)
        {
            Sections = image.Sections ?? new Dictionary<string, long>(),
            FlashCapacityBytes = image.FlashCapacityBytes,
            RamCapacityBytes = image.RamCapacityBytes,
            ModelBytes = image.ModelBytes,
            ArenaBytes = image.ArenaBytes,
        };

    public static Figures Of(FirmwareImage image) => Of(ImageFacts.Of(image));
}

/// <summary>What a model run adds: which TFLM ran it, the arena, every output's values, cycles per operator, and how
/// long the emulated Invoke() took in wall time.</summary>
public sealed record ModelRun(
    string Model,
    string TflmCommit,
    KernelSet Kernels,
    long ArenaBytes,
    long ArenaUsedBytes,
    IReadOnlyList<OutputValues> Outputs,
    IReadOnlyList<OperatorCycles> Operators,
    double InvokeWallSeconds,
    FeatureRun? Features = null);

/// <summary>A preprocessor model run on the board to make an input's features: one invoke per window of audio.</summary>
public sealed record FeatureRun(string Model, int Input, int Windows, long TotalInstructions, long MaxWindowInstructions, long FlashBytes, long ArenaUsedBytes, KernelSet Kernels)
{
    public long MeanWindowInstructions => Windows == 0 ? 0 : TotalInstructions / Windows;
}

/// <summary>An output tensor as stored (raw integers or floats) and as reals (dequantized).</summary>
public sealed record OutputValues(int Index, string Tensor, IReadOnlyList<double> Raw, IReadOnlyList<double> Values);

/// <summary>One operator of an inference: the firmware counter's cycles, and the emulator's exact instruction count where it has one.</summary>
public sealed record OperatorCycles(int Index, string Operator, long Cycles, long? Instructions = null, Silicon.InstructionMix? Mix = null)
{
    public Silicon.SiliconEstimate? Estimate { get; init; }
}

/// <summary>One judged expectation.</summary>
public sealed record Check(string Name, bool Passed, string Expected, string Actual)
{
    /// <summary>An expectation this run could not fairly judge, said so in the report instead of failing or vanishing.</summary>
    public static Check NotJudged(string name, string expected, string why) => new(name, true, expected, $"not judged: {why}");
}

/// <summary>The judge's answer for one board run: every check, and the figures it read.</summary>
public sealed record Verdict(IReadOnlyList<Check> Checks, Figures Figures, ModelRun? Model = null)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>How a board run ended. NotRun: it never started (an earlier stop, Ctrl-C or SIGTERM).</summary>
public enum Outcome { Passed, Failed, Error, NotRun }

/// <summary>How one board run ended, with everything a reader needs to act on a failure.</summary>
public sealed record BoardResult(
    string Board,
    string Emulator,
    Outcome Outcome,
    string Summary,
    IReadOnlyList<Check> Checks,
    Figures Figures,
    IReadOnlyList<ConsoleLine> Console,
    string? Detail,
    string? CommandLine,
    string? Firmware,
    string? ClockModel,
    ModelRun? Model = null)
{
    public bool Passed => Outcome == Outcome.Passed;

    /// <summary>What this run's figures were measured with, and its fingerprint (null when it never ran).</summary>
    public RunIdentity? Identity { get; init; }

    /// <summary>The comparison with the stored baseline, when the run was given baselines.</summary>
    public BaselineReport? Baseline { get; init; }

    public static BoardResult NotRun(string board, string emulator, string why) =>
        new(board, emulator, Outcome.NotRun, $"not run: {why}", [], Figures.Empty, [], null, null, null, null);
}

public sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<BoardResult> Boards)
{
    public bool Passed => Boards.Count > 0 && Boards.All(b => b.Passed);
}
