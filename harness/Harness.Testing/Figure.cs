using System.Globalization;

namespace Harness.Testing;

/// <summary>
/// One measured number and what it was measured on: NUnit constraints compare it as a number
/// (<c>Is.LessThan(30_000_000)</c>, <c>Is.AtMost(n)</c>, <c>Is.GreaterThan(n)</c>, <c>Is.EqualTo(n)</c>), and a failed
/// assertion shows the board, emulator, firmware and kernel set with the figure, not only the number. NUnit's
/// <c>Is.InRange(a, b)</c> compares its bounds first and cannot take a figure: write <c>Is.AtLeast(a).And.AtMost(b)</c>.
/// </summary>
/// <param name="value">The figure.</param>
/// <param name="unit">What it counts: "instructions", "cycles", "B of RAM", …</param>
/// <param name="context">Where it was measured: firmware, board, emulator, kernel set.</param>
public readonly struct Figure(long value, string unit, string context) : IComparable, IComparable<Figure>, IEquatable<Figure>
{
    /// <summary>The figure.</summary>
    public long Value { get; } = value;

    /// <summary>What it counts: "instructions", "cycles", "B of RAM", …</summary>
    public string Unit { get; } = unit;

    /// <summary>Where it was measured: firmware, board, emulator, kernel set.</summary>
    public string Context { get; } = context;

    /// <summary>The number itself, for arithmetic.</summary>
    public static implicit operator long(Figure figure) => figure.Value;

    /// <summary>Compares with another figure or with any number (what NUnit's comparison constraints call).</summary>
    public int CompareTo(object? other) => other switch
    {
        null => 1,
        Figure figure => Value.CompareTo(figure.Value),
        double or float or decimal => ((double)Value).CompareTo(Convert.ToDouble(other, CultureInfo.InvariantCulture)),
        IConvertible number and not string and not bool and not char and not DateTime => Value.CompareTo(Convert.ToInt64(number, CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"a {Unit} figure compares with a number, not a {other.GetType().Name}", nameof(other)),
    };

    /// <inheritdoc />
    public int CompareTo(Figure other) => Value.CompareTo(other.Value);

    /// <summary>Equal to another figure of the same value.</summary>
    public bool Equals(Figure other) => Value == other.Value;

    /// <summary>Equal to a figure or a number of the same value (what <c>Is.EqualTo(n)</c> calls).</summary>
    public override bool Equals(object? obj) => obj switch
    {
        Figure figure => Equals(figure),
        IConvertible number and not string and not bool and not char => CompareTo(number) == 0,
        _ => false,
    };

    /// <summary>Whether two figures have the same value.</summary>
    public static bool operator ==(Figure left, Figure right) => left.Equals(right);

    /// <summary>Whether two figures differ in value.</summary>
    public static bool operator !=(Figure left, Figure right) => !left.Equals(right);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>The figure with its unit and context, e.g. "22,932,395 instructions (person_detect.tflite on mps2-an386, qemu, cmsis_nn kernels)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:N0} {Unit} ({Context})");

    /// <summary>Whether this figure is less than another.</summary>
    public static bool operator <(Figure left, Figure right) => left.Value < right.Value;

    /// <summary>Whether this figure is greater than another.</summary>
    public static bool operator >(Figure left, Figure right) => left.Value > right.Value;

    /// <summary>Whether this figure is at most another.</summary>
    public static bool operator <=(Figure left, Figure right) => left.Value <= right.Value;

    /// <summary>Whether this figure is at least another.</summary>
    public static bool operator >=(Figure left, Figure right) => left.Value >= right.Value;
}
