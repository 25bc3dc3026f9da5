namespace Harness.Silicon;

/// <summary>
/// The groups of Thumb instructions whose cycle cost Arm's Technical Reference Manuals give as one
/// figure (each core's instruction-timing table). Every executed instruction falls in exactly one, so
/// an instruction mix sums to the instruction count. The numbers are the classes' indexes in the
/// counters the emulators keep: do not reorder.
/// </summary>
public enum TimingClass
{
    /// <summary>An encoding the classifier does not place (or code it has no map of): costed at 1 cycle, shown apart.</summary>
    Other = 0,
    /// <summary>Data processing: MOV, ADD, CMP, logic, shifts, extends, bit fields, saturation, REV, CLZ, ADR.</summary>
    Alu = 1,
    /// <summary>32 × 32 → 32 multiplies: MUL, MLA, MLS.</summary>
    Mul = 2,
    /// <summary>64-bit results: SMULL, UMULL, SMLAL, UMLAL, UMAAL.</summary>
    MulLong = 3,
    /// <summary>DSP extension arithmetic: SMLAxy, SMLAD, SMUAD, SMMLA, QADD, SADD16 and the other SIMD and saturating operations.</summary>
    Dsp = 4,
    /// <summary>SDIV, UDIV.</summary>
    Div = 5,
    /// <summary>LDR, LDRB, LDRH, LDRSB, LDRSH, literal loads included.</summary>
    Load = 6,
    LoadDouble = 7,
    /// <summary>STR, STRB, STRH.</summary>
    Store = 8,
    StoreDouble = 9,
    /// <summary>LDM and POP without PC; their registers are counted too.</summary>
    LoadMultiple = 10,
    /// <summary>STM and PUSH; their registers are counted too.</summary>
    StoreMultiple = 11,
    /// <summary>POP or LDM that loads PC (a function return); registers counted.</summary>
    PopPc = 12,
    /// <summary>Branches always taken: B, BL, BX, BLX, TBB/TBH, LDR PC, MOV/ADD PC.</summary>
    Branch = 13,
    /// <summary>Conditional branches (B&lt;cond&gt;, CBZ, CBNZ, branches inside an IT block): taken or not, counted apart.</summary>
    BranchConditional = 14,
    It = 15,
    /// <summary>FP add, subtract, multiply, negate, absolute, compare, convert, move between FP registers.</summary>
    FpAlu = 16,
    /// <summary>FP multiply-accumulate: VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS.</summary>
    FpMac = 17,
    /// <summary>VDIV, VSQRT.</summary>
    FpDivide = 18,
    FpLoad = 19,
    FpStore = 20,
    /// <summary>VLDM and VPOP; words transferred counted.</summary>
    FpLoadMultiple = 21,
    /// <summary>VSTM and VPUSH; words transferred counted.</summary>
    FpStoreMultiple = 22,
    /// <summary>VMOV between core and FP registers, VMRS, VMSR.</summary>
    FpTransfer = 23,
    /// <summary>NOP, YIELD, WFI, WFE, SEV, PLD and the barriers DMB, DSB, ISB.</summary>
    Hint = 24,
    /// <summary>MRS, MSR, CPS, SVC, BKPT, UDF.</summary>
    System = 25,
    /// <summary>LDREX, STREX and their byte and halfword forms, CLREX.</summary>
    Exclusive = 26,
    /// <summary>A single load right after a single load whose destination its address does not use, in straight-line code:
    /// the Cortex-M3/M4 pipeline it (TRM §3.3.2), one cycle less.</summary>
    LoadPipelined = 27,
    /// <summary>A single store right after such a load: pipelined the same way.</summary>
    StorePipelined = 28,
}

public static class TimingClasses
{
    public const int Count = 29;

    public static IReadOnlyList<TimingClass> All { get; } = Enum.GetValues<TimingClass>();

    /// <summary>Classes whose cost grows with the registers they move.</summary>
    public static bool CountsRegisters(this TimingClass c) =>
        c is TimingClass.LoadMultiple or TimingClass.StoreMultiple or TimingClass.PopPc or TimingClass.FpLoadMultiple or TimingClass.FpStoreMultiple;

    /// <summary>The name reports and baselines use: snake case.</summary>
    public static string Key(this TimingClass c) =>
        string.Concat(c.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? $"_{char.ToLowerInvariant(ch)}" : char.ToLowerInvariant(ch).ToString()));
}
