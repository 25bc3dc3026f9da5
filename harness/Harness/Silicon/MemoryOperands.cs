namespace Harness.Silicon;

/// <summary>
/// The registers of a single load or store that decide whether it can pipeline after a load (Cortex-M3/M4 TRM §3.3.2:
/// a load or store right after an LDR loses a cycle unless its address uses that LDR's destination): the register it
/// loads or stores, and the registers its address is made from. And the target of a direct branch, so code a branch
/// jumps to is never taken to follow the instruction before it. Encodings after the ARMv7-M ARM, A5.2 and A5.3.
/// </summary>
public static class MemoryOperands
{
    private static int Bits(int value, int high, int low) => (value >> low) & ((1 << (high - low + 1)) - 1);

    /// <summary>(transferred register, bit mask of address registers) for LDR/STR single forms, else null.</summary>
    public static (int Rt, int AddressMask)? Of(ushort first, ushort second)
    {
        int h = first;
        if (!ThumbClassifier.IsWide(first))
        {
            return Bits(h, 15, 11) switch
            {
                0b01001 => (Bits(h, 10, 8), 1 << 15), // LDR (literal)
                0b01010 or 0b01011 => (Bits(h, 2, 0), 1 << Bits(h, 5, 3) | 1 << Bits(h, 8, 6)), // register offset
                0b01100 or 0b01101 or 0b01110 or 0b01111 or 0b10000 or 0b10001 => (Bits(h, 2, 0), 1 << Bits(h, 5, 3)), // immediate offset
                0b10010 or 0b10011 => (Bits(h, 10, 8), 1 << 13), // SP-relative
                _ => null,
            };
        }
        int h2 = second;
        if (Bits(h, 15, 9) != 0b1111100)
        {
            return null;
        }
        var rn = Bits(h, 3, 0);
        var rt = Bits(h2, 15, 12);
        var registerOffset = rn != 15 && Bits(h, 7, 7) == 0 && Bits(h2, 11, 6) == 0;
        return (rt, 1 << rn | (registerOffset ? 1 << Bits(h2, 3, 0) : 0));
    }

    /// <summary>Where a direct branch (B, B&lt;cc&gt;, CBZ, CBNZ, BL) at an address goes, else null.</summary>
    public static uint? BranchTarget(uint address, ushort first, ushort second)
    {
        int h = first;
        static int Signed(int value, int bits) => value << (32 - bits) >> (32 - bits);
        if (!ThumbClassifier.IsWide(first))
        {
            if (Bits(h, 15, 12) == 0b1101 && Bits(h, 11, 9) != 0b111)
            {
                return (uint)(address + 4 + Signed(Bits(h, 7, 0) << 1, 9)); // B<cc>
            }
            if (Bits(h, 15, 11) == 0b11100)
            {
                return (uint)(address + 4 + Signed(Bits(h, 10, 0) << 1, 12)); // B
            }
            if (Bits(h, 15, 12) == 0b1011 && Bits(h, 10, 10) == 0 && Bits(h, 8, 8) == 1)
            {
                return (uint)(address + 4 + (Bits(h, 9, 9) << 6 | Bits(h, 7, 3) << 1)); // CBZ, CBNZ
            }
            return null;
        }
        int h2 = second;
        if (Bits(h, 15, 11) != 0b11110 || Bits(h2, 15, 15) != 1)
        {
            return null;
        }
        var s = Bits(h, 10, 10);
        var (j1, j2) = (Bits(h2, 13, 13), Bits(h2, 11, 11));
        if (Bits(h2, 14, 14) == 0 && Bits(h2, 12, 12) == 0)
        {
            if (Bits(h, 9, 7) == 0b111)
            {
                return null; // miscellaneous control, not a branch
            }
            var offset = s << 20 | j2 << 19 | j1 << 18 | Bits(h, 5, 0) << 12 | Bits(h2, 10, 0) << 1; // B<cc>.W (T3)
            return (uint)(address + 4 + Signed(offset, 21));
        }
        if (Bits(h2, 12, 12) == 1)
        {
            var (i1, i2) = (1 - (j1 ^ s), 1 - (j2 ^ s));
            var offset = s << 24 | i1 << 23 | i2 << 22 | Bits(h, 9, 0) << 12 | Bits(h2, 10, 0) << 1; // B.W (T4), BL
            return (uint)(address + 4 + Signed(offset, 25));
        }
        return null;
    }
}
