using System.Globalization;

namespace Harness.Silicon;

/// <summary>A cost the manuals give as one figure or as a range: the fewest, a typical and the most cycles.</summary>
public readonly record struct CycleRange(double Low, double Typical, double High)
{
    public static CycleRange Exactly(double cycles) => new(cycles, cycles, cycles);

    public static CycleRange Zero { get; } = Exactly(0);

    public static CycleRange operator +(CycleRange a, CycleRange b) => new(a.Low + b.Low, a.Typical + b.Typical, a.High + b.High);

    public static CycleRange operator *(CycleRange a, double times) => new(a.Low * times, a.Typical * times, a.High * times);

    public static CycleRange operator *(CycleRange a, CycleRange b) => new(a.Low * b.Low, a.Typical * b.Typical, a.High * b.High);

    public bool IsExact => Low == Typical && Typical == High;

    public CycleRange Map(Func<double, double> f) => new(f(Low), f(Typical), f(High));

    public override string ToString() => IsExact
        ? Typical.ToString("0.##", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"[{Low:0.##}, {Typical:0.##}, {High:0.##}]");
}

/// <summary>
/// What one timing class costs on a core: a base per instruction, a cost per register moved (the manuals' N),
/// and how many pipeline refills (P) it takes: always, or only when a conditional branch is taken.
/// </summary>
public sealed record ClassTiming(TimingClass Class, CycleRange Cycles, CycleRange PerRegister, int Refills, int RefillsIfTaken, string Cite);

/// <summary>
/// One core's instruction timing (platforms/cores/*.yaml), transcribed from its Technical Reference Manual with
/// each row's section: data the estimator reads, never constants fitted to a benchmark.
/// </summary>
/// <param name="Published">False where the vendor publishes no per-instruction timing (Cortex-M7): the rows are then bounds.</param>
public sealed record CoreTiming(
    string Core,
    IReadOnlyList<string> AppliesTo,
    bool Published,
    string Source,
    CycleRange Refill,
    string RefillCite,
    IReadOnlyDictionary<TimingClass, ClassTiming> Classes,
    string SourceFile)
{
    public ClassTiming this[TimingClass c] => Classes[c];
}
