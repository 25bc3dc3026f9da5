using Harness.Measurement;
using Harness.Scenarios;
using Harness.Silicon;
using Harness.Yaml;

namespace Harness.Tests.Silicon;

/// <summary>
/// The estimate is the tables' arithmetic and nothing else: hand-computed here from the rows of the shipped Cortex-M4
/// table (Arm DDI 0439B), the parts' wait states and run current; and bad tables and bad scenario keys are refused.
/// </summary>
public class SiliconEstimateTests
{
    private static CoreTiming M4 => TestEnvironment.Boards.Silicon.TimingOf("cortex-m4f")!;

    private static PartProfile Part(string id) =>
        TestEnvironment.Boards.Silicon.TryGetPart(id, out var part) ? part : throw new AssertionException($"no part {id}");

    /// <summary>A mix from (class, count, registers, not taken) rows; the rest zero.</summary>
    private static InstructionMix Mix(params (TimingClass Class, long Count, long Registers, long NotTaken)[] rows)
    {
        var (counts, registers, notTaken) = (new long[TimingClasses.Count], new long[TimingClasses.Count], new long[TimingClasses.Count]);
        foreach (var (c, count, moved, fell) in rows)
        {
            (counts[(int)c], registers[(int)c], notTaken[(int)c]) = (count, moved, fell);
        }
        return new InstructionMix(counts, registers, notTaken);
    }

    private static readonly InstructionMix Sample = Mix(
        (TimingClass.Alu, 10, 0, 0),
        (TimingClass.Load, 4, 0, 0),
        (TimingClass.LoadPipelined, 3, 0, 0),
        (TimingClass.PopPc, 2, 6, 0),
        (TimingClass.BranchConditional, 5, 0, 2),
        (TimingClass.Div, 1, 0, 0));

    [Test]
    public void OnTheCoreAloneTheEstimateIsTheM4TablesArithmetic()
    {
        var estimate = SiliconEstimator.Estimate(Sample, new SiliconProfile(M4, null, 25_000_000));
        // ALU 10 × 1; LDR 4 × 2; pipelined LDR 3 × 1; POP {…, PC} 2 × (1 + P) + 6 registers × 1; B<cc> 5 × 1 + 3 taken × P; UDIV 2 to 12 (7).
        // With P = 1, 2, 3: fewest 10 + 8 + 3 + (2 + 6 + 2) + (5 + 3) + 2, typical … + (2 + 6 + 4) + (5 + 6) + 7, most … + (2 + 6 + 6) + (5 + 9) + 12.
        Assert.That(estimate.CoreCycles, Is.EqualTo(new CycleRange(41, 51, 61)));
        Assert.That(estimate.FlashCycles, Is.EqualTo(CycleRange.Zero), "no part: memory at zero wait states");
        Assert.That(estimate.Instructions, Is.EqualTo(25));
        Assert.That(estimate.Milliseconds.Typical, Is.EqualTo(51 / 25_000.0).Within(1e-12), "51 cycles at 25 MHz");
        Assert.That(estimate.Microjoules, Is.Null, "no part, no datasheet current");
        Assert.That(estimate.Assumptions, Has.Some.Contains("DDI 0439B").And.Some.Contains("zero wait states"));
    }

    [Test]
    public void FlashWaitStatesFallOnTakenBranchesWithoutACacheAndOnlyInTheRangeWithOne()
    {
        // Taken transfers: 2 returns + 3 taken conditional branches = 5. Data reads: 4 + 3 loads + 6 registers popped = 13.
        var f103 = SiliconEstimator.Estimate(Sample, new SiliconProfile(TestEnvironment.Boards.Silicon.TimingOf("cortex-m3")!, Part("stm32f103"), 72_000_000));
        Assert.That(f103.FlashCycles.Typical, Is.EqualTo(2 * 5), "no cache: 2 wait states on each of 5 taken transfers");
        Assert.That(f103.FlashCycles.High, Is.EqualTo(2 * (5 + 25 * 4.0 / 8) + 2 * 13), "most: sequential fetches past the prefetcher and every data read from flash too");
        var l4 = SiliconEstimator.Estimate(Sample, new SiliconProfile(M4, Part("stm32l4r5"), 120_000_000));
        Assert.That(l4.FlashCycles, Is.EqualTo(new CycleRange(0, 0, 5 * 5 + 5 * 13)), "ART cache: loops cached (typical); every target and data read missing (most)");
        Assert.That(l4.CoreCycles, Is.EqualTo(new CycleRange(41, 51, 61)), "the part changes the memory, not the core's table");
    }

    [Test]
    public void EnergyIsTheEstimatedTimeAtTheDatasheetsRunCurrent()
    {
        var l4 = Part("stm32l4r5");
        var mix = Mix((TimingClass.Alu, 120_000, 0, 0)); // 120,000 single-cycle instructions: 1 ms at 120 MHz
        var estimate = SiliconEstimator.Estimate(mix, new SiliconProfile(M4, l4, l4.ClockHz));
        Assert.That(estimate.Milliseconds.Typical, Is.EqualTo(1.0).Within(1e-12));
        // 110 µA/MHz × 120 MHz = 13.2 mA; × 3.0 V = 39.6 mW; × 1 ms = 39.6 µJ.
        Assert.That(estimate.Microjoules!.Value.Typical, Is.EqualTo(39.6).Within(1e-9));
    }

    [Test]
    public void EveryShippedCoreAndBoardHasATimingTableAndEveryRowACitation()
    {
        var catalog = TestEnvironment.Boards.Silicon;
        foreach (var board in TestEnvironment.Boards.All)
        {
            Assert.That(board.Silicon, Is.Not.Null, $"{board.Id} ({board.Core.Id}) is covered by a table in platforms/cores");
        }
        foreach (var table in catalog.Cores)
        {
            Assert.That(table.Classes.Keys, Is.EquivalentTo(TimingClasses.All), $"{table.Core}: a row for every class");
            Assert.That(table.Classes.Values.Where(r => r.Cite.Length < 10).Select(r => r.Class), Is.Empty, $"{table.Core}: every row says where it comes from");
        }
        Assert.That(catalog.Parts.Select(p => p.Id), Does.Contain("stm32l4r5"), "MLPerf Tiny's reference part");
    }

    [Test]
    public void ABrokenTableIsRefusedWithFileAndLine()
    {
        var yaml = YamlReader.Parse("cortex-m9.yaml", """
            core: cortex-m9
            applies_to: [cortex-m4]
            source: nowhere
            refill: { cycles: [3, 2, 1], cite: "backwards" }
            classes:
              alu: { cycles: 1, cite: "x" }
              aluu: { cycles: 1, cite: "x" }
            """);
        var error = Assert.Throws<YamlInputException>(() => SiliconCatalog.ParseCore(yaml))!;
        Assert.That(error.Message, Does.Contain("cortex-m9.yaml:4").And.Contain("fewest ≤ typical ≤ most"));
        Assert.That(error.Message, Does.Contain("unknown timing class 'aluu' (did you mean 'alu'?)"));
        Assert.That(error.Message, Does.Contain("no row for other, mul"));
    }

    [Test]
    public void AScenariosSiliconPartMustShareTheBoardsCoreTable()
    {
        var wrongCore = TestEnvironment.NewScenarioFile("""
            name: l4-on-m0
            boards: [microbit]
            firmware: diag
            silicon: stm32l4r5
            """);
        var error = Assert.Throws<YamlInputException>(() => TestEnvironment.Parser.ParseFile(wrongCore))!;
        Assert.That(error.Message, Does.Contain("stm32l4r5 has a cortex-m4f core").And.Contain("'microbit' has a cortex-m0"));
        var unknown = TestEnvironment.NewScenarioFile("""
            name: typo
            boards: [mps2-an386]
            firmware: diag
            silicon: stm32l4r6
            """);
        Assert.That(Assert.Throws<YamlInputException>(() => TestEnvironment.Parser.ParseFile(unknown))!.Message,
            Does.Contain("unknown silicon part 'stm32l4r6' (did you mean 'stm32l4r5'?)"));
        var scenario = TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile("""
            name: as-l4
            boards: [mps2-an386, stm32f4]
            firmware: diag
            silicon: stm32l4r5
            expect: { silicon_ms: { max: 2.5 } }
            """));
        Assert.That(scenario.Silicon?.Id, Is.EqualTo("stm32l4r5"));
        Assert.That(scenario.Budgets.SiliconMilliseconds, Is.EqualTo(2.5));
    }

    [Test]
    public void ASiliconTimeBudgetIsJudgedOnTheTypicalEstimateAndFailsWhenNothingCouldBeEstimated()
    {
        var budgets = Budgets.None with { SiliconMilliseconds = 0.002 };
        var estimate = SiliconEstimator.Estimate(Sample, new SiliconProfile(M4, null, 25_000_000)); // 51 cycles: 2.04 µs
        var over = Judge.Budgets(budgets, Figures.Empty with { Mix = Sample, Estimate = estimate }).Single();
        Assert.That((over.Name, over.Passed), Is.EqualTo(("silicon time", false)));
        Assert.That(over.Actual, Does.Contain("0.002 ms (0.002–0.002)").And.Contain("estimated"));
        var within = Judge.Budgets(budgets with { SiliconMilliseconds = 0.0021 }, Figures.Empty with { Mix = Sample, Estimate = estimate }).Single();
        Assert.That(within.Passed, Is.True, within.Actual);
        var unmeasured = Judge.Budgets(budgets, Figures.Empty).Single();
        Assert.That((unmeasured.Passed, unmeasured.Actual), Is.EqualTo((false, "not measured: the emulator gave no instruction mix")));
    }
}
