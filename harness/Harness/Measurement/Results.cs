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
    string? ClockModel)
{
    public bool Passed => Outcome == Outcome.Passed;
}

public sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<BoardResult> Boards)
{
    public bool Passed => Boards.Count > 0 && Boards.All(b => b.Passed);
}
