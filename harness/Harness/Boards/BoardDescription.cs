using Harness.Silicon;
namespace Harness.Boards;

public sealed record MemoryRegion(long Origin, long Size)
{
    public long End => Origin + Size;
}

/// <summary>The console UART: its driver (Kind), Renode's name for it, registers, receive IRQ, input clock and baud rate, and pins where the driver sets them.</summary>
public sealed record ConsoleUart(string Kind, string Name, long Base, int Irq, long ClockHz, long Baud, int? TxPin = null, int? RxPin = null);

/// <summary>The timer the firmware counts with where the core's DWT cycle counter does not count; optionally a second one its overflow clocks.</summary>
public sealed record BoardCounter(string Kind, string Name, long Base, long? ChainedBase = null, int? ChainedTrigger = null);

/// <summary>How QEMU names and models a board.</summary>
/// <param name="SerialIndex">Which of QEMU's serial ports is the console UART.</param>
/// <param name="CounterHz">How fast the firmware's fallback counter ticks in QEMU's model, per second of virtual time.</param>
public sealed record QemuBoard(string Machine, int SerialIndex, long CounterHz);

/// <summary>How Renode builds the board: a platform description from Renode's tree plus the project's own overlay.</summary>
/// <param name="Platform">A .repl path as Renode resolves it (relative to Renode's own folder, e.g. platforms/cpus/nrf52840.repl).</param>
/// <param name="Overlay">The project's .repl additions (full path), loaded after the platform, e.g. a DWT where Renode lacks one.</param>
public sealed record RenodeBoard(string Platform, string? Overlay);

/// <summary>One board of the catalog (platforms/&lt;id&gt;.yaml).</summary>
public sealed record BoardDescription(
    string Id,
    string Name,
    Core Core,
    long ClockHz,
    MemoryRegion Flash,
    MemoryRegion Ram,
    long StackSize,
    ConsoleUart Console,
    BoardCounter Counter,
    string Bsp,
    QemuBoard? Qemu,
    RenodeBoard? Renode,
    string SourceFile)
{
    /// <summary>What its runs are estimated as on silicon (its part, or its core alone); null where no timing table covers its core.</summary>
    public SiliconProfile? Silicon { get; init; }

    public IReadOnlyList<string> Emulators =>
        new[] { Qemu is null ? null : "qemu", Renode is null ? null : "renode" }.OfType<string>().ToList();
}
