using Harness.Boards;

namespace Harness.Firmware;

/// <summary>Bytes of flash and RAM a firmware image takes on its board.</summary>
/// <param name="FlashBytes">Everything stored in flash: code, constants, the initial values of .data.</param>
/// <param name="StaticRamBytes">.data and .bss (without the stack the linker script reserves).</param>
/// <param name="StackReservedBytes">The stack region the linker script reserves, if any.</param>
public sealed record MemoryUsage(long FlashBytes, long StaticRamBytes, long StackReservedBytes, IReadOnlyDictionary<string, long> Sections)
{
    public static MemoryUsage Of(ElfFile elf, BoardDescription board)
    {
        long flash = 0, ram = 0, stack = 0;
        var sections = new Dictionary<string, long>();
        foreach (var section in elf.Sections.Where(s => s.Allocated && s.Size > 0))
        {
            sections[section.Name] = section.Size;
            if (section.Name == ".stack")
            {
                stack += section.Size;
                continue;
            }
            if (section.OccupiesFile && section.LoadAddress >= board.Flash.Origin && section.LoadAddress < board.Flash.End)
            {
                flash += section.Size;
            }
            if (section.Address >= board.Ram.Origin && section.Address < board.Ram.End)
            {
                ram += section.Size;
            }
        }
        return new MemoryUsage(flash, ram, stack, sections);
    }
}

/// <summary>A firmware ELF ready to boot on a board, with what the emulator and the judge need to know of it.</summary>
public sealed record FirmwareImage(
    string ElfPath,
    BoardDescription Board,
    string Description,
    bool SpeaksLink,
    ElfFile Elf,
    MemoryUsage Memory,
    MeasureMarkers? Markers,
    IReadOnlyList<uint> FaultHandlers,
    TimeSpan BuildTime,
    bool FromCache,
    long? ArenaBytes = null)
{
    /// <summary>Folders the ELF's relative source paths resolve against (for a debugger): the harness's firmware, and TFLM's checkout for a model runner.</summary>
    public IReadOnlyList<string> SourceDirectories { get; init; } = [];

    public static FirmwareImage Load(string elfPath, BoardDescription board, string description, bool speaksLink,
        MeasureSymbols? measure, TimeSpan buildTime = default, bool fromCache = false)
    {
        var elf = ElfFile.Read(elfPath);
        MeasureMarkers? markers = null;
        if (measure is not null)
        {
            var begin = elf.FindSymbol(measure.Begin) ?? throw new FirmwareException($"{elfPath} has no symbol '{measure.Begin}' (the start of the measured region)");
            var end = elf.FindSymbol(measure.End) ?? throw new FirmwareException($"{elfPath} has no symbol '{measure.End}' (the end of the measured region)");
            // The harness's own firmware also marks each operator of a model's inference.
            var opBegin = elf.FindSymbol(MeasureSymbols.OpBegin);
            var opEnd = elf.FindSymbol(MeasureSymbols.OpEnd);
            markers = new MeasureMarkers(begin.Value & ~1u, end.Value & ~1u,
                opBegin is not null && opEnd is not null ? opBegin.Value & ~1u : null, opBegin is not null && opEnd is not null ? opEnd.Value & ~1u : null);
        }
        return new FirmwareImage(elfPath, board, description, speaksLink, elf, MemoryUsage.Of(elf, board), markers,
            FaultHandlerAddresses(elf, board), buildTime, fromCache);
    }

    /// <summary>The HardFault, MemManage, BusFault and UsageFault handlers named by the vector table at the start of flash.</summary>
    private static IReadOnlyList<uint> FaultHandlerAddresses(ElfFile elf, BoardDescription board)
    {
        var table = (uint)board.Flash.Origin;
        var vectors = board.Core.Architecture == "armv6-m" ? new[] { 3 } : new[] { 3, 4, 5, 6 };
        return vectors.Select(v => elf.ReadWord(table + (uint)(4 * v)))
            .OfType<uint>()
            .Where(address => address != 0)
            .Select(address => address & ~1u)
            .Distinct()
            .ToList();
    }
}

/// <summary>The two symbols between which the emulator counts instructions.</summary>
public sealed record MeasureSymbols(string Begin, string End)
{
    public const string OpBegin = "harness_op_begin";
    public const string OpEnd = "harness_op_end";
    public static readonly MeasureSymbols Harness = new("harness_measure_begin", "harness_measure_end");
}

/// <summary>Where the measured region starts and ends, and where each of its parts (a model's operators) does, if the firmware marks them.</summary>
public sealed record MeasureMarkers(uint Begin, uint End, uint? OpBegin = null, uint? OpEnd = null);
