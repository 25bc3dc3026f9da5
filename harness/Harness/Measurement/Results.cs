using Harness.Link;
using Harness.Scenarios;

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
}

/// <summary>What a model run adds: which TFLM ran it, the arena, every output's values, cycles per operator, and how
/// long the emulated Invoke() took in wall time.</summary>
public sealed record ModelRun(
    string Model,
    string TflmCommit,
    string Kernels,
    long ArenaBytes,
    long ArenaUsedBytes,
    IReadOnlyList<OutputValues> Outputs,
    IReadOnlyList<OperatorCycles> Operators,
    double InvokeWallSeconds,
    FeatureRun? Features = null);

/// <summary>A preprocessor model run on the board to make an input's features: one invoke per window of audio.</summary>
public sealed record FeatureRun(string Model, int Input, int Windows, long TotalInstructions, long MaxWindowInstructions, long FlashBytes, long ArenaUsedBytes, string Kernels)
{
    public long MeanWindowInstructions => Windows == 0 ? 0 : TotalInstructions / Windows;
}

/// <summary>An output tensor as stored (raw integers or floats) and as reals (dequantized).</summary>
public sealed record OutputValues(int Index, string Tensor, IReadOnlyList<double> Raw, IReadOnlyList<double> Values);

public sealed record OperatorCycles(int Index, string Operator, long Cycles);

/// <summary>One judged expectation.</summary>
public sealed record Check(string Name, bool Passed, string Expected, string Actual);

public enum Outcome { Passed, Failed, Error }

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
}

public sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<BoardResult> Boards)
{
    public bool Passed => Boards.Count > 0 && Boards.All(b => b.Passed);
}
