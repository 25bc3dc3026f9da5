using System.Numerics;

namespace Harness.Silicon;

/// <summary>One decoded instruction: its length in bytes, class, the registers it moves (LDM, PUSH, VLDM …), and for IT how many instructions it makes conditional.</summary>
public readonly record struct ThumbInstruction(int Length, TimingClass Class, int Registers = 0, int ItCount = 0);

/// <summary>
/// Places a Thumb / Thumb-2 instruction (ARMv6-M, ARMv7-M, ARMv7E-M with the FPv4/FPv5 extension) in its
/// timing class from its halfwords, after the encoding tables of the ARMv7-M Architecture Reference Manual
/// (A5.2 16-bit, A5.3 32-bit, A6 floating point). Only the bits that decide the class are looked at.
/// </summary>
public static class ThumbClassifier
{
    /// <summary>Whether a first halfword starts a 32-bit instruction (bits 15:11 are 0b11101, 0b11110 or 0b11111).</summary>
    public static bool IsWide(ushort first) => (first >> 11) is 0b11101 or 0b11110 or 0b11111;

    public static ThumbInstruction Classify(ushort first, ushort second) => IsWide(first) ? Wide(first, second) : Narrow(first);

    private static int Bits(int value, int high, int low) => (value >> low) & ((1 << (high - low + 1)) - 1);

    private static ThumbInstruction Narrow(ushort hw)
    {
        int h = hw;
        ThumbInstruction Of(TimingClass c, int registers = 0) => new(2, c, registers);
        switch (Bits(h, 15, 12))
        {
            case 0b0000 or 0b0001 or 0b0010 or 0b0011:
                return Of(TimingClass.Alu); // shift, add, subtract, move, compare (immediate)
            case 0b0100:
                if (Bits(h, 11, 10) == 0b00)
                {
                    return Of(Bits(h, 9, 6) == 0b1101 ? TimingClass.Mul : TimingClass.Alu); // data processing; MULS
                }
                if (Bits(h, 11, 10) == 0b01)
                {
                    // Special data processing and branch/exchange: BX, BLX, and ADD/MOV that write PC.
                    if (Bits(h, 9, 8) == 0b11)
                    {
                        return Of(TimingClass.Branch);
                    }
                    var rd = (Bits(h, 7, 7) << 3) | Bits(h, 2, 0);
                    return Of(Bits(h, 9, 8) != 0b01 && rd == 15 ? TimingClass.Branch : TimingClass.Alu);
                }
                return Of(TimingClass.Load); // LDR (literal)
            case 0b0101:
                return Of(Bits(h, 11, 9) <= 0b010 ? TimingClass.Store : TimingClass.Load); // register offset
            case 0b0110 or 0b0111 or 0b1000 or 0b1001:
                return Of(Bits(h, 11, 11) == 1 ? TimingClass.Load : TimingClass.Store); // immediate offset, halfword, SP-relative
            case 0b1010:
                return Of(TimingClass.Alu); // ADR, ADD SP
            case 0b1011:
                return Miscellaneous(h);
            case 0b1100:
                var count = BitOperations.PopCount((uint)Bits(h, 7, 0));
                return Of(Bits(h, 11, 11) == 1 ? TimingClass.LoadMultiple : TimingClass.StoreMultiple, count);
            case 0b1101:
                return Bits(h, 11, 8) switch
                {
                    0b1111 => Of(TimingClass.System), // SVC
                    0b1110 => Of(TimingClass.System), // UDF
                    _ => Of(TimingClass.BranchConditional),
                };
            default:
                return Of(TimingClass.Branch); // 0b1110: B (unconditional)
        }
    }

    private static ThumbInstruction Miscellaneous(int h)
    {
        ThumbInstruction Of(TimingClass c, int registers = 0) => new(2, c, registers);
        if (Bits(h, 10, 10) == 0 && Bits(h, 8, 8) == 1)
        {
            return Of(TimingClass.BranchConditional); // CBZ, CBNZ
        }
        var registers = BitOperations.PopCount((uint)Bits(h, 7, 0)) + Bits(h, 8, 8);
        return Bits(h, 11, 8) switch
        {
            0b0100 or 0b0101 => Of(TimingClass.StoreMultiple, registers), // PUSH (bit 8: LR)
            0b1100 or 0b1101 => Bits(h, 8, 8) == 1 ? Of(TimingClass.PopPc, registers) : Of(TimingClass.LoadMultiple, registers), // POP (bit 8: PC)
            0b1110 => Of(TimingClass.System), // BKPT
            0b1111 when Bits(h, 3, 0) != 0 => new ThumbInstruction(2, TimingClass.It, 0, 4 - BitOperations.TrailingZeroCount(Bits(h, 3, 0))),
            0b1111 => Of(TimingClass.Hint), // NOP, YIELD, WFE, WFI, SEV
            0b0110 when Bits(h, 7, 5) == 0b011 => Of(TimingClass.System), // CPS
            _ => Of(TimingClass.Alu), // ADD/SUB SP, SXTH, SXTB, UXTH, UXTB, REV, REV16, REVSH
        };
    }

    private static ThumbInstruction Wide(ushort hw1, ushort hw2)
    {
        int h1 = hw1, h2 = hw2;
        ThumbInstruction Of(TimingClass c, int registers = 0) => new(4, c, registers);
        var op1 = Bits(h1, 12, 11);
        var op2 = Bits(h1, 10, 4);
        if (op1 == 0b01)
        {
            if ((op2 & 0b1100100) == 0b0000000)
            {
                // Load/store multiple (A5.3.5): LDM, LDMDB, STM, STMDB, PUSH.W, POP.W.
                var registers = BitOperations.PopCount((uint)h2);
                if (Bits(h1, 4, 4) == 0)
                {
                    return Of(TimingClass.StoreMultiple, registers);
                }
                return Of(Bits(h2, 15, 15) == 1 ? TimingClass.PopPc : TimingClass.LoadMultiple, registers);
            }
            if ((op2 & 0b1100100) == 0b0000100)
            {
                // Load/store dual or exclusive, table branch (A5.3.6).
                var p = Bits(h1, 8, 7);
                var wl = Bits(h1, 5, 4);
                if (p == 0b00 && wl is 0b00 or 0b01)
                {
                    return Of(TimingClass.Exclusive); // STREX, LDREX
                }
                if (p == 0b01 && wl == 0b01 && Bits(h2, 7, 4) is 0b0000 or 0b0001)
                {
                    return Of(TimingClass.Branch); // TBB, TBH
                }
                if (p == 0b01 && wl is 0b00 or 0b01)
                {
                    return Of(TimingClass.Exclusive); // STREXB/H, LDREXB/H, CLREX
                }
                return Of(Bits(h1, 4, 4) == 1 ? TimingClass.LoadDouble : TimingClass.StoreDouble); // LDRD, STRD
            }
            if ((op2 & 0b1100000) == 0b0100000)
            {
                return Of(TimingClass.Alu); // data processing (shifted register)
            }
            return Coprocessor(h1, h2);
        }
        if (op1 == 0b10)
        {
            if (Bits(h2, 15, 15) == 0)
            {
                return Of(TimingClass.Alu); // data processing (modified or plain immediate): MOVW, MOVT, ADDW, BFI, UBFX, SSAT …
            }
            var op = Bits(h2, 14, 12);
            if ((op & 0b101) == 0b000)
            {
                if (Bits(h1, 9, 7) != 0b111)
                {
                    return Of(TimingClass.BranchConditional); // B<cond>.W
                }
                // Miscellaneous control: MSR, MRS, hints, barriers.
                return Bits(h1, 10, 4) switch
                {
                    0b0111010 => Of(TimingClass.Hint), // NOP.W, YIELD.W, WFE.W, WFI.W, SEV.W
                    0b0111011 => Of(TimingClass.Hint), // DSB, DMB, ISB, CLREX
                    _ => Of(TimingClass.System), // MSR, MRS
                };
            }
            if ((op & 0b101) == 0b001)
            {
                return Of(TimingClass.Branch); // B.W
            }
            if ((op & 0b101) == 0b101)
            {
                return Of(TimingClass.Branch); // BL
            }
            return Of(TimingClass.System); // UDF.W, BLX (not in M profile)
        }
        // op1 == 0b11
        if ((op2 & 0b1110001) == 0b0000000)
        {
            return Of(TimingClass.Store); // store single data item
        }
        if ((op2 & 0b1100111) is 0b0000001 or 0b0000011 or 0b0000101)
        {
            var rt = Bits(h2, 15, 12);
            if (rt == 15)
            {
                // PLD, PLI, and LDR PC (a branch; only the word form loads PC).
                return Of((op2 & 0b1100111) == 0b0000101 ? TimingClass.Branch : TimingClass.Hint);
            }
            return Of(TimingClass.Load);
        }
        if ((op2 & 0b1110000) == 0b0100000)
        {
            // Data processing (register), A5.3.12: shifts and extends are ALU; parallel add/subtract and saturating arithmetic are DSP.
            if (Bits(h1, 7, 7) == 1 && Bits(h2, 7, 7) == 0)
            {
                return Of(TimingClass.Dsp); // SADD16, UQSUB8, SHADD8 …
            }
            if (Bits(h1, 7, 4) is 0b1000 && Bits(h2, 7, 6) == 0b10)
            {
                return Of(TimingClass.Dsp); // QADD, QDADD, QSUB, QDSUB
            }
            return Of(TimingClass.Alu);
        }
        if ((op2 & 0b1111000) == 0b0110000)
        {
            // Multiply and multiply-accumulate (A5.3.16): MUL, MLA, MLS are 32-bit; the rest are DSP.
            return Of(Bits(h1, 6, 4) == 0b000 && Bits(h2, 5, 4) is 0b00 or 0b01 ? TimingClass.Mul : TimingClass.Dsp);
        }
        if ((op2 & 0b1111000) == 0b0111000)
        {
            // Long multiply, long multiply-accumulate, divide (A5.3.17).
            return Bits(h1, 6, 4) switch
            {
                0b001 or 0b011 => Of(TimingClass.Div),
                0b000 or 0b010 or 0b110 => Of(TimingClass.MulLong), // SMULL, UMULL, UMLAL, UMAAL
                0b100 when Bits(h2, 7, 4) == 0b0000 => Of(TimingClass.MulLong), // SMLAL
                _ => Of(TimingClass.Dsp), // SMLALxy, SMLALD, SMLSLD
            };
        }
        if ((op2 & 0b1000000) == 0b1000000)
        {
            return Coprocessor(h1, h2);
        }
        return Of(TimingClass.Other);
    }

    /// <summary>Coprocessor space: on Cortex-M only the floating-point extension (coprocessors 10 and 11), A6.</summary>
    private static ThumbInstruction Coprocessor(int h1, int h2)
    {
        ThumbInstruction Of(TimingClass c, int registers = 0) => new(4, c, registers);
        if (Bits(h2, 11, 9) != 0b101)
        {
            return Of(TimingClass.Other);
        }
        var top = Bits(h1, 15, 8);
        if (top is 0b11101100 or 0b11101101)
        {
            // Extension register load/store (A6.5), and 64-bit transfers.
            var opcode = Bits(h1, 8, 4);
            if ((opcode & 0b11110) == 0b00100)
            {
                return Of(TimingClass.FpTransfer); // VMOV two core registers
            }
            var load = Bits(h1, 4, 4) == 1;
            if ((opcode & 0b10010) == 0b10000)
            {
                return Of(load ? TimingClass.FpLoad : TimingClass.FpStore); // VLDR, VSTR
            }
            var words = Bits(h2, 7, 0);
            return Of(load ? TimingClass.FpLoadMultiple : TimingClass.FpStoreMultiple, words); // VLDM, VSTM, VPUSH, VPOP
        }
        if (top == 0b11101110)
        {
            if (Bits(h2, 4, 4) == 1)
            {
                return Of(TimingClass.FpTransfer); // VMOV core ↔ single, VMRS, VMSR
            }
            // Data processing (A6.4): opc1 = bits 23, 21:20 of the instruction; opc2 = 19:16; opc3 = 7:6.
            var opc1 = (Bits(h1, 7, 7) << 2) | Bits(h1, 5, 4);
            var opc2 = Bits(h1, 3, 0);
            var opc3 = Bits(h2, 7, 6);
            return opc1 switch
            {
                0b000 or 0b001 => Of(TimingClass.FpMac), // VMLA, VMLS, VNMLA, VNMLS
                0b010 or 0b011 => Of(TimingClass.FpAlu), // VMUL, VNMUL, VADD, VSUB
                0b100 => Of(TimingClass.FpDivide), // VDIV
                0b101 or 0b110 => Of(TimingClass.FpMac), // VFNMA, VFNMS, VFMA, VFMS
                _ when opc2 == 0b0001 && opc3 == 0b11 => Of(TimingClass.FpDivide), // VSQRT
                _ => Of(TimingClass.FpAlu), // VMOV, VABS, VNEG, VCMP, VCVT
            };
        }
        return Of(TimingClass.FpAlu); // FPv5: VSEL, VMAXNM, VMINNM, VRINT, VCVTA …
    }
}
