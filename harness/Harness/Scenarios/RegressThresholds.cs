using System.Globalization;

namespace Harness.Scenarios;

/// <summary>How much a figure may grow over its baseline before the run fails: a percentage of the baseline, or an absolute amount.</summary>
public sealed record Threshold(double? Percent, long? Absolute)
{
    public static Threshold Percentage(double percent) => new(percent, null);
    public static Threshold Amount(long amount) => new(null, amount);

    public bool Allows(double then, double now) => now - then <= (Percent is { } p ? Math.Abs(then) * p / 100 : Absolute ?? 0) + 1e-9;

    public string Describe(string unit) => Percent is { } p ? $"{p.ToString("0.###", CultureInfo.InvariantCulture)}%" : $"{Absolute?.ToString("N0", CultureInfo.InvariantCulture)} {unit}";
}

/// <summary>
/// The regression gate of a scenario (regress:): allowed growth of each figure over the stored
/// baseline. The defaults suit deterministic counts: a few tenths of a percent for the inference,
/// more for single operators, a little flash, no RAM, outputs exactly the same.
/// </summary>
/// <param name="OutputTolerance">Allowed difference of dequantized outputs; null = the stored values must be identical.</param>
public sealed record RegressThresholds(Threshold Instructions, Threshold Cycles, Threshold Operators, Threshold Flash, Threshold Ram, double? OutputTolerance)
{
    public static readonly RegressThresholds Default = new(Threshold.Percentage(0.5), Threshold.Percentage(0.5), Threshold.Percentage(2),
        Threshold.Amount(256), Threshold.Amount(0), null);
}
