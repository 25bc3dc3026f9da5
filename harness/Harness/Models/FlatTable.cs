using Google.FlatBuffers;

namespace Harness.Models;

/// <summary>
/// Reads one FlatBuffers table by field slot (the order of fields in the .fbs schema), the way
/// flatc-generated accessors do, so the harness reads .tflite files without generated code.
/// </summary>
internal readonly struct FlatTable(ByteBuffer buffer, int position)
{
    private readonly Table table = new(position, buffer);

    public static FlatTable Root(ByteBuffer buffer) => new(buffer, buffer.GetInt(buffer.Position) + buffer.Position);

    private int Field(int slot) => table.__offset(4 + 2 * slot);

    public bool Has(int slot) => Field(slot) != 0;

    public sbyte SByte(int slot, sbyte fallback = 0) => Field(slot) is var o and not 0 ? table.bb.GetSbyte(o + table.bb_pos) : fallback;

    public int Int(int slot, int fallback = 0) => Field(slot) is var o and not 0 ? table.bb.GetInt(o + table.bb_pos) : fallback;

    public byte Byte(int slot, byte fallback = 0) => Field(slot) is var o and not 0 ? table.bb.Get(o + table.bb_pos) : fallback;

    public ulong ULong(int slot, ulong fallback = 0) => Field(slot) is var o and not 0 ? table.bb.GetUlong(o + table.bb_pos) : fallback;

    public uint UInt(int slot, uint fallback = 0) => Field(slot) is var o and not 0 ? table.bb.GetUint(o + table.bb_pos) : fallback;

    public bool Bool(int slot) => Field(slot) is var o and not 0 && table.bb.Get(o + table.bb_pos) != 0;

    public string? String(int slot) => Field(slot) is var o and not 0 ? table.__string(o + table.bb_pos) : null;

    public FlatTable? Table(int slot) => Field(slot) is var o and not 0 ? new FlatTable(table.bb, table.__indirect(o + table.bb_pos)) : null;

    public int VectorLength(int slot) => Field(slot) is var o and not 0 ? table.__vector_len(o) : 0;

    public IReadOnlyList<FlatTable> Tables(int slot)
    {
        var o = Field(slot);
        if (o == 0)
        {
            return [];
        }
        var self = table;
        var start = self.__vector(o);
        var length = self.__vector_len(o);
        if (start < 0 || length < 0 || (long)start + 4L * length > self.bb.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), "vector of tables runs past the end of the buffer");
        }
        return Enumerable.Range(0, length).Select(i => new FlatTable(self.bb, self.__indirect(start + 4 * i))).ToList();
    }

    public int[] Ints(int slot) => Scalars(slot, 4, (bb, at) => bb.GetInt(at));

    public float[] Floats(int slot) => Scalars(slot, 4, (bb, at) => bb.GetFloat(at));

    public long[] Longs(int slot) => Scalars(slot, 8, (bb, at) => bb.GetLong(at));

    /// <summary>The bytes of a [ubyte] vector, as an offset and length into the whole buffer.</summary>
    public (int Offset, int Length) Bytes(int slot) => Field(slot) is var o and not 0 ? (table.__vector(o), table.__vector_len(o)) : (0, 0);

    private T[] Scalars<T>(int slot, int size, Func<ByteBuffer, int, T> read)
    {
        var o = Field(slot);
        if (o == 0)
        {
            return [];
        }
        var start = table.__vector(o);
        var length = table.__vector_len(o);
        if (start < 0 || length < 0 || (long)start + (long)length * size > table.bb.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), "vector runs past the end of the buffer");
        }
        var buffer = table.bb;
        return Enumerable.Range(0, length).Select(i => read(buffer, start + size * i)).ToArray();
    }
}
