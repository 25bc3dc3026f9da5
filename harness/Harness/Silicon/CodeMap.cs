using System.Globalization;
using System.Text;
using Harness.Firmware;

namespace Harness.Silicon;

/// <summary>One instruction of the firmware's code as the emulators count it: where it is, how long, its class, and whether it is a conditional branch.</summary>
public readonly record struct MappedInstruction(uint Address, ThumbInstruction Instruction, bool Conditional);

/// <summary>
/// Every instruction of an ELF's code, classified once on the host: the executable sections swept
/// from the start of each Thumb run to the next data run, as the ELF's mapping symbols ($t, $d) mark
/// them, so literal pools are never read as code. IT blocks make the instructions they cover conditional.
/// Both emulators count executed instructions against this one map, so the same ELF gives the same mix.
/// </summary>
public sealed class CodeMap
{
    private readonly Dictionary<uint, MappedInstruction> instructions;

    private CodeMap(Dictionary<uint, MappedInstruction> instructions) => this.instructions = instructions;

    public int Count => instructions.Count;

    /// <summary>Whether the emulators count the mix (and so the silicon estimate exists): HARNESS_INSTRUCTION_MIX=off turns it off,
    /// to measure what counting it costs (bench/silicon.sh) or to save that time.</summary>
    public static bool Wanted => !string.Equals(Environment.GetEnvironmentVariable("HARNESS_INSTRUCTION_MIX"), "off", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<MappedInstruction> Instructions => instructions.Values.OrderBy(i => i.Address);

    public MappedInstruction? At(uint address) => instructions.TryGetValue(address & ~1u, out var found) ? found : null;

    public static CodeMap Of(ElfFile elf)
    {
        var decoded = new List<Decoded>();
        foreach (var section in elf.Sections.Where(s => s is { Executable: true, Allocated: true, OccupiesFile: true } && s.Size > 0))
        {
            var bytes = elf.SectionBytes(section);
            var end = section.Address + section.Size;
            // Mapping symbols inside this section, in address order; code before the first is Thumb (Cortex-M has no ARM state).
            var marks = elf.Symbols.Where(s => ReferenceEquals(s.Section, section) && s.Value >= section.Address && s.Value < end && IsMappingSymbol(s.Name))
                .Select(s => (Address: s.Value, Code: s.Name[1] == 't')).OrderBy(m => m.Address).ToList();
            var runs = new List<(uint Start, uint End)>();
            var start = section.Address;
            var code = marks.Count == 0 || marks[0].Address != section.Address || marks[0].Code;
            foreach (var mark in marks)
            {
                if (code && !mark.Code && mark.Address > start)
                {
                    runs.Add((start, mark.Address));
                }
                if (mark.Code && !code)
                {
                    start = mark.Address;
                }
                code = mark.Code;
            }
            if (code)
            {
                runs.Add((start, end));
            }
            foreach (var (from, to) in runs)
            {
                Sweep(bytes, section.Address, from, to, decoded);
            }
        }
        return new CodeMap(Pipeline(decoded).ToDictionary(i => i.Address));
    }

    private readonly record struct Decoded(uint Address, ushort First, ushort Second, ThumbInstruction Instruction, bool Conditional, bool InIt);

    private static bool IsMappingSymbol(string name) => name.Length >= 2 && name[0] == '$' && name[1] is 't' or 'd' && (name.Length == 2 || name[2] == '.');

    private static void Sweep(ReadOnlySpan<byte> bytes, uint sectionStart, uint from, uint to, List<Decoded> decoded)
    {
        var conditionalLeft = 0;
        for (var address = from & ~1u; address + 2 <= to;)
        {
            var offset = (int)(address - sectionStart);
            var first = (ushort)(bytes[offset] | bytes[offset + 1] << 8);
            ushort second = 0;
            if (ThumbClassifier.IsWide(first))
            {
                if (address + 4 > to)
                {
                    break;
                }
                second = (ushort)(bytes[offset + 2] | bytes[offset + 3] << 8);
            }
            var instruction = ThumbClassifier.Classify(first, second);
            var inIt = conditionalLeft > 0;
            if (inIt)
            {
                conditionalLeft--;
            }
            var isBranch = instruction.Class is TimingClass.Branch or TimingClass.BranchConditional or TimingClass.PopPc;
            if (inIt && instruction.Class == TimingClass.Branch)
            {
                instruction = instruction with { Class = TimingClass.BranchConditional };
            }
            decoded.Add(new Decoded(address, first, second, instruction, instruction.Class == TimingClass.BranchConditional || (inIt && isBranch), inIt));
            if (instruction.Class == TimingClass.It)
            {
                conditionalLeft = instruction.ItCount;
            }
            address += (uint)instruction.Length;
        }
    }

    /// <summary>
    /// Marks the loads and stores that follow a single load in straight-line code and do not take their address from what
    /// it loaded (TRM §3.3.2): a branch target never counts as following the instruction before it, an IT block's never.
    /// </summary>
    private static IEnumerable<MappedInstruction> Pipeline(List<Decoded> decoded)
    {
        var targets = decoded.Select(d => MemoryOperands.BranchTarget(d.Address, d.First, d.Second)).OfType<uint>().ToHashSet();
        Decoded? previous = null;
        int? loaded = null;
        foreach (var d in decoded.OrderBy(d => d.Address))
        {
            var instruction = d.Instruction;
            var follows = previous is { } p && p.Address + (uint)p.Instruction.Length == d.Address && !targets.Contains(d.Address);
            var operands = instruction.Class is TimingClass.Load or TimingClass.Store && !d.InIt ? MemoryOperands.Of(d.First, d.Second) : null;
            if (follows && loaded is { } rt && operands is { } o && (o.AddressMask & (1 << rt)) == 0)
            {
                instruction = instruction with { Class = instruction.Class == TimingClass.Load ? TimingClass.LoadPipelined : TimingClass.StorePipelined };
            }
            loaded = instruction.Class is TimingClass.Load or TimingClass.LoadPipelined && operands is { } l && l.Rt != 15 ? l.Rt : null;
            previous = d;
            yield return new MappedInstruction(d.Address, instruction, d.Conditional);
        }
    }

    /// <summary>
    /// The map as the emulators read it: a count line, then one line per instruction,
    /// "address length class registers conditional" (hexadecimal address, decimal rest), in address order.
    /// </summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{instructions.Count} {TimingClasses.Count}\n");
        foreach (var i in Instructions)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i.Address:x} {i.Instruction.Length} {(int)i.Instruction.Class} {i.Instruction.Registers} {(i.Conditional ? 1 : 0)}\n");
        }
        return text.ToString();
    }
}
