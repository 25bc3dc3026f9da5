using System.Buffers.Binary;

namespace Harness.Link;

/// <summary>What the firmware's fault handler sends: stacked registers and the fault status registers.</summary>
/// <param name="StackUsed">The stack's high-water mark in bytes when the report was made (0 from older firmware).</param>
/// <param name="Flags">Bit 0: the stack's guard words were overwritten (it overflowed); bit 1: no exception, the request
/// loop found the guard overwritten after a handler returned (Pc is then that handler).</param>
public sealed record FaultReport(uint Pc, uint Lr, uint Xpsr, uint Cfsr, uint Hfsr, uint Mmfar, uint Bfar, uint Sp, uint Exception, uint ExcReturn,
    uint StackUsed = 0, uint Flags = 0)
{
    public bool StackOverflowed => (Flags & 1) != 0;

    public bool FoundByRequestLoop => (Flags & 2) != 0;

    public static FaultReport Parse(byte[] body)
    {
        if (body.Length < 40)
        {
            throw new LinkProtocolException($"fault report of {body.Length} bytes is too short (expected 40)");
        }
        uint At(int i) => BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(4 * i));
        return body.Length >= 48
            ? new FaultReport(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8), At(9), At(10), At(11))
            : new FaultReport(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8), At(9));
    }

    public string ExceptionName => FoundByRequestLoop ? "stack overflow" : Exception switch
    {
        2 => "NMI",
        3 => "HardFault",
        4 => "MemManage fault",
        5 => "BusFault",
        6 => "UsageFault",
        >= 16 => $"unexpected interrupt IRQ{Exception - 16}",
        _ => $"exception {Exception}",
    };

    /// <summary>The causes the status registers name, in words (empty on ARMv6-M, which has none).</summary>
    public IReadOnlyList<string> Causes
    {
        get
        {
            var causes = new List<string>();
            void Check(uint register, int bit, string text)
            {
                if ((register & (1u << bit)) != 0)
                {
                    causes.Add(text);
                }
            }
            Check(Cfsr, 0, "instruction access violation");
            Check(Cfsr, 1, $"data access violation at 0x{Mmfar:x8}");
            Check(Cfsr, 8, "instruction bus error");
            Check(Cfsr, 9, $"precise data bus error at 0x{Bfar:x8}");
            Check(Cfsr, 10, "imprecise data bus error");
            Check(Cfsr, 16, "undefined instruction");
            Check(Cfsr, 17, "invalid state (Thumb bit clear)");
            Check(Cfsr, 18, "invalid PC load");
            Check(Cfsr, 19, "no coprocessor (FPU not enabled?)");
            Check(Cfsr, 24, "unaligned access");
            Check(Cfsr, 25, "divide by zero");
            Check(Hfsr, 1, "vector table read error");
            Check(Hfsr, 30, "escalated to HardFault");
            return causes;
        }
    }

    public string Registers => FoundByRequestLoop
        ? $"handler=0x{Pc:x8} stack used={StackUsed} B (guard words overwritten)"
        : $"{(StackOverflowed ? $"stack overflowed (guard words overwritten, {StackUsed} B used) " : "")}PC=0x{Pc:x8} LR=0x{Lr:x8} xPSR=0x{Xpsr:x8} SP=0x{Sp:x8} CFSR=0x{Cfsr:x8} HFSR=0x{Hfsr:x8} MMFAR=0x{Mmfar:x8} BFAR=0x{Bfar:x8}";
}
