using System.Globalization;

namespace Harness.Measurement;

public enum DeltaKind { Same, Grew, Regressed, Improved, New, Gone, Changed }

/// <summary>One figure against its baseline: both values, the change, what growth was allowed, and whether it regressed.</summary>
/// <param name="Name">"instructions", "flash", "CONV_2D #7 instructions", "output 0".</param>
public sealed record Delta(string Name, string Unit, double? Then, double? Now, string Allowed, DeltaKind Kind, string? Note = null)
{
    public bool Regressed => Kind is DeltaKind.Regressed or DeltaKind.New or DeltaKind.Gone or DeltaKind.Changed;

    public double? Percent => Then is { } then && Now is { } now && then != 0 ? 100.0 * (now - then) / then : null;

    /// <summary>"CONV_2D #7: 1,210,000 → 1,270,000 instructions ▲ (+4.9%, allowed 2%)".</summary>
    public override string ToString() => $"{Name}: {Describe()}";

    /// <summary>The change without the figure's name: "1,210,000 → 1,270,000 instructions ▲ (+4.9%, allowed 2%)".</summary>
    public string Describe()
    {
        static string Number(double? value) => value is { } v ? v.ToString(v == Math.Floor(v) && Math.Abs(v) < 1e15 ? "N0" : "G6", CultureInfo.InvariantCulture) : "–";
        var change = Kind switch
        {
            DeltaKind.New => "not in the baseline",
            DeltaKind.Gone => "in the baseline, not in this run",
            DeltaKind.Changed => Note ?? "changed",
            DeltaKind.Same => "unchanged",
            _ => Percent is { } percent ? $"{(percent >= 0 ? "+" : "")}{percent.ToString("0.###", CultureInfo.InvariantCulture)}%" : $"{(Now - Then ?? 0):+#;-#;0} {Unit}",
        };
        var arrow = Kind switch { DeltaKind.Improved => " ▼", DeltaKind.Grew or DeltaKind.Regressed => " ▲", _ => "" };
        var values = Then is null && Now is null ? "" : $"{Number(Then)} → {Number(Now)}{(Unit.Length > 0 ? " " + Unit : "")}{arrow} ";
        return $"{values}({change}{(Kind is DeltaKind.Regressed or DeltaKind.Grew ? $", allowed {Allowed}" : "")})";
    }
}

/// <summary>A board run against its stored baseline: where the baseline is, whether it could be compared and why not, and every delta.</summary>
public sealed record BaselineReport(string Path, string? NotComparable, IReadOnlyList<Delta> Deltas, string? BaselineFingerprint)
{
    public bool Regressed => NotComparable is not null || Deltas.Any(d => d.Regressed);
    public IEnumerable<Delta> Changes => Deltas.Where(d => d.Kind != DeltaKind.Same);
}
