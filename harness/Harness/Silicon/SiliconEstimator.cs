using System.Globalization;

namespace Harness.Silicon;

/// <summary>
/// From an instruction mix to an estimate on silicon: each class's count times its cost in the core's table, the
/// registers the multi-register classes moved times their per-register cost, and a pipeline refill per taken branch;
/// then the flash: wait states on the transfers of control an instruction cache may miss, and on data read from flash.
/// Pure arithmetic over the tables: the same mix and profile always give the same estimate.
/// </summary>
public static class SiliconEstimator
{
    public static SiliconEstimate Estimate(InstructionMix mix, SiliconProfile profile)
    {
        var table = profile.Core;
        var core = CycleRange.Zero;
        foreach (var c in TimingClasses.All)
        {
            var row = table[c];
            var count = mix[c];
            var taken = count - mix.NotTakenOf(c);
            core += row.Cycles * count + row.PerRegister * mix.RegistersOf(c) + table.Refill * (row.Refills * count + row.RefillsIfTaken * taken);
        }
        var assumptions = new List<string>
        {
            $"core: {table.Source} ({Relative(table.SourceFile)}); each class at its typical cost, the range from the manual's; pipeline refill P = {table.Refill}",
        };
        if (!table.Published)
        {
            assumptions.Add($"{table.Core}: no per-instruction timing is published; the table's rows are bounds (dual issue to single issue), not figures");
        }
        if (mix[TimingClass.Other] > 0)
        {
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"{mix[TimingClass.Other]:N0} instructions the classifier did not place: costed at 1 cycle"));
        }
        var flash = FlashStalls(mix, profile, assumptions);
        CycleRange? energy = null;
        if (profile.Part?.Power is { } power)
        {
            // µJ = ms × 1e-3 s × (µA/MHz × MHz × 1e-6 A) × V × 1e6.
            var milliwattsPerMs = power.RunMicroampsPerMhz * (profile.ClockHz / 1e6) * power.Volts * 1e-3;
            energy = (core + flash) * (1000.0 / profile.ClockHz) * milliwattsPerMs;
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"energy: {power.RunMicroampsPerMhz} µA/MHz × {profile.ClockHz / 1e6:0.#} MHz at {power.Volts} V over the estimated time ({power.Cite})"));
        }
        else
        {
            assumptions.Add(profile.Part is null ? "energy: not estimated (no silicon part: no datasheet current)" : $"energy: not estimated (no datasheet run current recorded for {profile.Part.Id})");
        }
        return new SiliconEstimate(profile.Label, profile.ClockHz, mix.Total, core, flash, energy, assumptions);
    }

    /// <summary>
    /// Flash wait states. Code: a taken branch (or return) leaves the prefetch stream, so without an instruction cache each
    /// one waits the flash's wait states; with one, loops are assumed to be cached (typical) and at most every target misses.
    /// Data: constants read from flash (a model's weights) wait too unless cached; the mix does not say which loads read
    /// flash, so typical assumes the data cache serves them and the most assumes every data read goes to flash.
    /// </summary>
    private static CycleRange FlashStalls(InstructionMix mix, SiliconProfile profile, List<string> assumptions)
    {
        if (profile.Part is not { } part)
        {
            assumptions.Add("memory: code and data at zero wait states (no silicon part named)");
            return CycleRange.Zero;
        }
        if (part.Flash.WaitStates is not { } waits)
        {
            assumptions.Add($"flash: wait states not published for {part.Id}: none assumed ({part.Flash.Cite})");
            return CycleRange.Zero;
        }
        if (waits == 0)
        {
            assumptions.Add($"flash: 0 wait states at {part.ClockHz / 1e6:0.#} MHz ({part.Flash.Cite})");
            return CycleRange.Zero;
        }
        var transfers = mix[TimingClass.Branch] + mix[TimingClass.PopPc] + mix.TakenConditional;
        var dataReads = mix[TimingClass.Load] + mix[TimingClass.LoadPipelined] + 2 * mix[TimingClass.LoadDouble] + mix.RegistersOf(TimingClass.LoadMultiple)
            + mix.RegistersOf(TimingClass.PopPc) + mix[TimingClass.FpLoad] + mix.RegistersOf(TimingClass.FpLoadMultiple) + mix[TimingClass.Exclusive];
        // Sequential code past the prefetcher, at most: one flash read per bus width of code, 4 bytes an instruction at most.
        var sequentialReads = mix.Total * 4.0 / Math.Max(part.Flash.BusBytes, 1);
        CycleRange code;
        if (part.Flash.InstructionCache)
        {
            code = new CycleRange(0, 0, waits * (double)transfers);
            assumptions.Add(string.Create(CultureInfo.InvariantCulture,
                $"flash: {waits} wait states at {part.ClockHz / 1e6:0.#} MHz, instruction cache on: loops cached (typical), every one of {transfers:N0} taken branches missing (most) ({part.Flash.Cite})"));
        }
        else
        {
            code = new CycleRange(waits * (double)transfers, waits * (double)transfers, waits * (transfers + sequentialReads));
            assumptions.Add(string.Create(CultureInfo.InvariantCulture,
                $"flash: {waits} wait states at {part.ClockHz / 1e6:0.#} MHz, no cache: each of {transfers:N0} taken branches waits (typical), sequential fetches past the prefetch buffer too (most) ({part.Flash.Cite})"));
        }
        var data = new CycleRange(0, 0, waits * (double)dataReads);
        assumptions.Add(string.Create(CultureInfo.InvariantCulture,
            $"flash data: constants assumed served by the cache or SRAM (typical); all {dataReads:N0} data reads from flash, uncached (most)"));
        return code + data;
    }

    private static string Relative(string path)
    {
        var platforms = path.LastIndexOf($"{Path.DirectorySeparatorChar}platforms{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        return platforms >= 0 ? path[(platforms + 1)..] : Path.GetFileName(path);
    }
}
