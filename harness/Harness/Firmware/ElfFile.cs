using System.Buffers.Binary;
using System.Text;

namespace Harness.Firmware;

public sealed record ElfSection(string Name, uint Type, uint Flags, uint Address, uint LoadAddress, uint Size)
{
    public bool Allocated => (Flags & 0x2) != 0;
    public bool Executable => (Flags & 0x4) != 0;
    public bool Writable => (Flags & 0x1) != 0;
    public bool OccupiesFile => Type != 8; // SHT_NOBITS
}

public sealed record ElfSymbol(string Name, uint Value, uint Size, bool IsFunction)
{
    /// <summary>The section the symbol is defined in (null: undefined, absolute or common). Debug sections start at
    /// address 0 too, so an address alone does not say which section a symbol belongs to.</summary>
    public ElfSection? Section { get; init; }
}

/// <summary>A 32-bit little-endian ARM ELF: its sections (with load addresses) and symbols.</summary>
public sealed class ElfFile
{
    private readonly byte[] data;
    private readonly IReadOnlyList<uint> sectionOffsets;

    private ElfFile(string path, byte[] data, uint entry, IReadOnlyList<ElfSection> sections, IReadOnlyList<uint> sectionOffsets, IReadOnlyList<ElfSymbol> symbols)
    {
        this.data = data;
        this.sectionOffsets = sectionOffsets;
        Path = path;
        Entry = entry;
        Sections = sections;
        Symbols = symbols;
    }

    public string Path { get; }
    public uint Entry { get; }
    public IReadOnlyList<ElfSection> Sections { get; }
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    public ElfSymbol? FindSymbol(string name) => Symbols.FirstOrDefault(s => s.Name == name);

    public static ElfFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FirmwareException($"ELF file not found: {path}");
        }
        var data = File.ReadAllBytes(path);
        if (data.Length < 52 || data[0] != 0x7F || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
        {
            throw new FirmwareException($"{path} is not an ELF file");
        }
        if (data[4] != 1 || data[5] != 1)
        {
            throw new FirmwareException($"{path} is not a 32-bit little-endian ELF (Cortex-M firmware is)");
        }
        ReadOnlySpan<byte> span = data;
        ushort machine = U16(span, 18);
        if (machine != 40)
        {
            throw new FirmwareException($"{path} is not an ARM ELF (e_machine {machine})");
        }
        var entry = U32(span, 24);
        var phoff = U32(span, 28);
        var shoff = U32(span, 32);
        var phentsize = U16(span, 42);
        var phnum = U16(span, 44);
        var shentsize = U16(span, 46);
        var shnum = U16(span, 48);
        var shstrndx = U16(span, 50);
        try
        {
            var segments = Enumerable.Range(0, phnum).Select(i =>
            {
                var p = data.AsSpan((int)(phoff + i * phentsize), phentsize);
                return (Type: U32(p, 0), Offset: U32(p, 4), VAddr: U32(p, 8), PAddr: U32(p, 12), FileSize: U32(p, 16));
            }).ToList();
            var headers = Enumerable.Range(0, shnum).Select(i =>
            {
                var s = data.AsSpan((int)(shoff + i * shentsize), shentsize);
                return (NameOffset: U32(s, 0), Type: U32(s, 4), Flags: U32(s, 8), Address: U32(s, 12), Offset: U32(s, 16),
                    Size: U32(s, 20), Link: U32(s, 24), EntrySize: U32(s, 36));
            }).ToList();
            var names = headers[shstrndx];
            var sections = headers.Skip(1).Select(h =>
            {
                // A section's load address (where it sits in flash) follows from the segment holding its file bytes.
                var load = h.Address;
                foreach (var segment in segments.Where(seg => seg.Type == 1))
                {
                    if (h.Type != 8 && h.Offset >= segment.Offset && h.Offset < segment.Offset + segment.FileSize)
                    {
                        load = segment.PAddr + (h.Offset - segment.Offset);
                    }
                }
                return new ElfSection(ReadString(data, names.Offset + h.NameOffset), h.Type, h.Flags, h.Address, load, h.Size);
            }).ToList();
            var symbols = new List<ElfSymbol>();
            foreach (var table in headers.Where(h => h.Type == 2))
            {
                var strings = headers[(int)table.Link];
                for (var offset = 0u; offset + 16 <= table.Size; offset += 16)
                {
                    var sym = span.Slice((int)(table.Offset + offset), 16);
                    var name = ReadString(span, strings.Offset + U32(sym, 0));
                    var type = sym[12] & 0xF;
                    if (name.Length > 0 && type is 1 or 2 or 0)
                    {
                        var index = BinaryPrimitives.ReadUInt16LittleEndian(sym[14..]);
                        symbols.Add(new ElfSymbol(name, U32(sym, 4), U32(sym, 8), type == 2)
                        {
                            Section = index >= 1 && index <= sections.Count ? sections[index - 1] : null,
                        });
                    }
                }
            }
            return new ElfFile(path, data, entry, sections, headers.Skip(1).Select(h => h.Offset).ToList(), symbols);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new FirmwareException($"{path} is a truncated or corrupt ELF file");
        }
    }

    /// <summary>The file bytes of a section that occupies the file (empty for .bss-like sections).</summary>
    public ReadOnlySpan<byte> SectionBytes(ElfSection section)
    {
        var index = Sections.ToList().IndexOf(section);
        if (index < 0 || !section.OccupiesFile)
        {
            return [];
        }
        var offset = sectionOffsets[index];
        return offset + section.Size <= data.Length ? data.AsSpan((int)offset, (int)section.Size) : [];
    }

    /// <summary>Where in the file the byte at <paramref name="address"/> is stored (null for an address no file-backed section holds).</summary>
    public long? FileOffset(uint address)
    {
        foreach (var (section, offset) in Sections.Zip(sectionOffsets))
        {
            if (section.OccupiesFile && section.Allocated && address >= section.Address && address < section.Address + section.Size)
            {
                return offset + (address - section.Address);
            }
        }
        return null;
    }

    /// <summary>Reads a 32-bit word from the file image of the section that holds <paramref name="address"/>.</summary>
    public uint? ReadWord(uint address)
    {
        foreach (var (section, offset) in Sections.Zip(sectionOffsets))
        {
            if (section.OccupiesFile && section.Allocated && address >= section.Address && address + 4 <= section.Address + section.Size)
            {
                return U32(data, (int)(offset + (address - section.Address)));
            }
        }
        return null;
    }

    private static ushort U16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]);
    private static uint U32(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(s[offset..]);

    private static string ReadString(ReadOnlySpan<byte> s, long offset)
    {
        var rest = s[(int)offset..];
        var end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }
}

public sealed class FirmwareException(string message) : HarnessException(message);
