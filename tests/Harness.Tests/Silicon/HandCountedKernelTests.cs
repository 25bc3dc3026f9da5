using Harness.Measurement;
using Harness.Runner;
using Harness.Silicon;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Silicon;

/// <summary>
/// The diag firmware's timing kernels, through a real compiler and QEMU: the same kernel run for 1 and for 3 iterations,
/// so the difference is exactly two iterations of its assembly (the call and the measurement's own instructions cancel).
/// Their mix and their estimated cycles must be what the core's manual gives for those instructions, counted by hand.
/// </summary>
[NonParallelizable]
public class HandCountedKernelTests
{
    private static async Task<(InstructionMix Mix, CycleRange Cycles)> TwoIterationsAsync(string board, string kernel)
    {
        string Yaml(int iterations) => $$"""
            name: kernel-{{kernel}}-{{iterations}}
            boards: [{{board}}]
            firmware: diag
            diag: { upload: 64B, workload: {{iterations}}, kernel: {{kernel}} }
            timeout: 60s
            """;
        var (results, _, _) = await PipelineFixture.RunManyAsync([Yaml(1), Yaml(3)], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var (one, three) = (results[0].Boards.Single(), results[1].Boards.Single());
        Assert.That((one.Outcome, three.Outcome), Is.EqualTo((Outcome.Passed, Outcome.Passed)), $"{one.Summary} / {three.Summary}");
        var (a, b) = (one.Figures.Estimate!, three.Figures.Estimate!);
        return (three.Figures.Mix!.Minus(one.Figures.Mix!), new CycleRange(b.CoreCycles.Low - a.CoreCycles.Low, b.CoreCycles.Typical - a.CoreCycles.Typical, b.CoreCycles.High - a.CoreCycles.High));
    }

    private static Dictionary<string, long> Classes(InstructionMix mix) => new(mix.ByName());

    [Test]
    public async Task ThirtyTwoIndependentLoadsCostOnePlusNOnTheCortexM4()
    {
        TestEnvironment.RequireQemuToolchain();
        var (mix, cycles) = await TwoIterationsAsync("stm32f4", "loads");
        // Per iteration: the block's first LDR (a branch target: 2), 31 pipelined after it (1 each, TRM §3.3.2), SUBS (1), BNE taken (1 + P).
        Assert.That(Classes(mix), Is.EquivalentTo(new Dictionary<string, long> { ["load"] = 2, ["load_pipelined"] = 62, ["alu"] = 2, ["branch_conditional"] = 2 }));
        Assert.That(mix.TakenConditional, Is.EqualTo(2));
        Assert.That(cycles, Is.EqualTo(new CycleRange(2 * (2 + 31 + 1 + 2), 2 * (2 + 31 + 1 + 3), 2 * (2 + 31 + 1 + 4))));
    }

    [Test]
    public async Task ThirtyTwoTakenBranchesCostOnePlusPEachOnTheCortexM4()
    {
        TestEnvironment.RequireQemuToolchain();
        var (mix, cycles) = await TwoIterationsAsync("stm32f4", "branches");
        // Per iteration: 32 × B (1 + P), SUBS (1), BNE taken (1 + P); P from 1 to 3, typically 2 (Table 3-1).
        Assert.That(Classes(mix), Is.EquivalentTo(new Dictionary<string, long> { ["branch"] = 64, ["alu"] = 2, ["branch_conditional"] = 2 }));
        Assert.That(cycles, Is.EqualTo(new CycleRange(2 * (32 * 2 + 1 + 2), 2 * (32 * 3 + 1 + 3), 2 * (32 * 4 + 1 + 4))));
    }

    [Test]
    public async Task SixteenDividesCostTwoToTwelveEachOnTheCortexM4()
    {
        TestEnvironment.RequireQemuToolchain();
        var (mix, cycles) = await TwoIterationsAsync("stm32f4", "divides");
        // Per iteration: 16 × UDIV (2 to 12, by early termination), SUBS, BNE taken.
        Assert.That(Classes(mix), Is.EquivalentTo(new Dictionary<string, long> { ["div"] = 32, ["alu"] = 2, ["branch_conditional"] = 2 }));
        Assert.That(cycles, Is.EqualTo(new CycleRange(2 * (16 * 2 + 1 + 2), 2 * (16 * 7 + 1 + 3), 2 * (16 * 12 + 1 + 4))));
    }

    [Test]
    public async Task OnTheCortexM0LoadsDoNotPipelineAndATakenBranchCostsThree()
    {
        TestEnvironment.RequireQemuToolchain();
        var (loads, loadCycles) = await TwoIterationsAsync("microbit", "loads");
        // Cortex-M0 TRM Table 3-1: LDR 2 whatever precedes it; SUBS 1; B<cc> taken 3.
        Assert.That(loads[TimingClass.Load] + loads[TimingClass.LoadPipelined], Is.EqualTo(64), string.Join(", ", Classes(loads)));
        Assert.That(loadCycles.Typical, Is.EqualTo(2 * (32 * 2 + 1 + 3)));
        var (_, branchCycles) = await TwoIterationsAsync("microbit", "branches");
        // B 3 (BL 4 is the row's most), SUBS 1, B<cc> taken 3; the M0+'s 2-cycle branches are the range's fewest.
        Assert.That(branchCycles.Typical, Is.EqualTo(2 * (32 * 3 + 1 + 3)));
    }
}
