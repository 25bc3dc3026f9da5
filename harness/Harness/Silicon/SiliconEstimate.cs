using System.Globalization;

namespace Harness.Silicon;

/// <summary>
/// An estimate of what a measured region costs on the real part: cycles in the core (from the instruction mix and the
/// core's table), cycles waiting for flash, and the time and energy at the part's clock and run current. Each figure is a
/// range (fewest, typical, most) and comes with the assumptions it rests on; the instruction count stays the exact figure.
/// </summary>
public sealed record SiliconEstimate(
    string Profile,
    long ClockHz,
    long Instructions,
    CycleRange CoreCycles,
    CycleRange FlashCycles,
    CycleRange? Microjoules,
    IReadOnlyList<string> Assumptions)
{
    public CycleRange Cycles => CoreCycles + FlashCycles;

    public CycleRange Milliseconds => Cycles * (1000.0 / ClockHz);

    /// <summary>Typical cycles per instruction.</summary>
    public double Cpi => Instructions == 0 ? 0 : Cycles.Typical / Instructions;

    /// <summary>"1.23 ms (1.10–1.61)": the typical figure and the range.</summary>
    public static string Format(CycleRange range, string unit, string format = "0.###") =>
        string.Create(CultureInfo.InvariantCulture, $"{range.Typical.ToString(format, CultureInfo.InvariantCulture)} {unit} ({range.Low.ToString(format, CultureInfo.InvariantCulture)}–{range.High.ToString(format, CultureInfo.InvariantCulture)})");

    public string Summary => $"≈ {Format(Milliseconds, "ms")}, {Format(Cycles, "cycles", "N0")}{(Microjoules is { } uj ? $", {Format(uj, "µJ", "0.#")}" : "")} on {Profile} (estimate)";
}
