namespace Harness.Silicon;

/// <summary>A part's flash as the core sees it at the part's clock: wait states (null where the vendor does not publish them),
/// the bytes one flash read brings, and whether an instruction cache (ST's ART, Nordic's NVMC cache) sits in front.</summary>
public sealed record FlashTiming(int? WaitStates, int BusBytes, bool InstructionCache, string Cite);

/// <summary>The datasheet's run current, per MHz, at a supply voltage: energy = time × current × voltage.</summary>
public sealed record PowerFigure(double RunMicroampsPerMhz, double Volts, string Cite);

/// <summary>One silicon part (platforms/silicon/*.yaml): its core, clock, flash timing and run current, each cited.</summary>
public sealed record PartProfile(string Id, string Name, string Core, long ClockHz, FlashTiming Flash, PowerFigure? Power, string SourceFile);

/// <summary>
/// What a board run is estimated as: a core's timing table, the part (clock, flash, current) where one is known,
/// else the core alone at the board's clock with memory at zero wait states (e.g. an FPGA board's SRAM).
/// </summary>
public sealed record SiliconProfile(CoreTiming Core, PartProfile? Part, long ClockHz)
{
    public string Label => Part is { } part ? part.Name : $"{Core.Core} at {ClockHz / 1e6:0.#} MHz, memory at zero wait states";

    public SiliconProfile As(PartProfile part) => new(Core, part, part.ClockHz);
}
