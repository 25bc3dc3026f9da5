using System.Globalization;

namespace Harness.Silicon;

/// <summary>
/// Executed instructions by timing class over a measured region: how many of each, the registers the
/// multi-register classes moved, and how many conditional branches fell through. The counts sum to the
/// region's instruction count.
/// </summary>
public sealed record InstructionMix(IReadOnlyList<long> Counts, IReadOnlyList<long> Registers, IReadOnlyList<long> NotTaken)
{
    public static InstructionMix Empty { get; } = new(new long[TimingClasses.Count], new long[TimingClasses.Count], new long[TimingClasses.Count]);

    public long Total => Counts.Sum();

    public long this[TimingClass c] => Counts[(int)c];

    public long RegistersOf(TimingClass c) => Registers[(int)c];

    public long NotTakenOf(TimingClass c) => NotTaken[(int)c];

    /// <summary>Conditional branches taken: those run minus those that fell through.</summary>
    public long TakenConditional => this[TimingClass.BranchConditional] - NotTakenOf(TimingClass.BranchConditional);

    public InstructionMix Minus(InstructionMix earlier) => new(
        Counts.Zip(earlier.Counts, (a, b) => a - b).ToList(),
        Registers.Zip(earlier.Registers, (a, b) => a - b).ToList(),
        NotTaken.Zip(earlier.NotTaken, (a, b) => a - b).ToList());

    /// <summary>The classes that occurred, by their report names.</summary>
    public IReadOnlyDictionary<string, long> ByName() =>
        TimingClasses.All.Where(c => this[c] != 0).ToDictionary(c => c.Key(), c => this[c]);

    /// <summary>Reads the emulators' "mix c… r… n…" line: 3 × K totals (K classes); null when malformed.</summary>
    public static InstructionMix? Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 1 || fields[0] != "mix" || (fields.Length - 1) % 3 != 0 || (fields.Length - 1) / 3 != TimingClasses.Count)
        {
            return null;
        }
        var values = new long[fields.Length - 1];
        for (var i = 1; i < fields.Length; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i - 1]))
            {
                return null;
            }
        }
        var k = TimingClasses.Count;
        return new InstructionMix(values[..k], values[k..(2 * k)], values[(2 * k)..]);
    }
}
