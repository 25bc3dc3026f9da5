using Harness.Measurement;
using Harness.Runner;
using Harness.Silicon;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Silicon;

/// <summary>
/// The instruction mix through real emulators: its classes sum to the instruction count exactly, for the
/// whole region and for every operator, and one ELF gives the same mix on QEMU and on Renode.
/// </summary>
[NonParallelizable]
public class InstructionMixTests
{
    [Test]
    public async Task TheDiagWorkloadsMixSumsToItsCountAndIsTheSameOnQemuAndRenode()
    {
        TestEnvironment.RequireQemuToolchain();
        TestEnvironment.RequireRenode();
        string Yaml(string emulator) => $$"""
            name: mix-{{emulator}}
            emulator: {{emulator}}
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 1KiB, workload: 20000 }
            timeout: 90s
            """;
        var (results, _, _) = await PipelineFixture.RunManyAsync([Yaml("qemu"), Yaml("renode")], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var (qemu, renode) = (results[0].Boards.Single(), results[1].Boards.Single());
        Assert.That((qemu.Outcome, renode.Outcome), Is.EqualTo((Outcome.Passed, Outcome.Passed)), $"{qemu.Summary} / {renode.Summary}");
        foreach (var run in new[] { qemu, renode })
        {
            Assert.That(run.Figures.Mix, Is.Not.Null, $"{run.Emulator} counted a mix");
            Assert.That(run.Figures.Mix!.Total, Is.EqualTo(run.Figures.Instructions), $"{run.Emulator}: the classes sum to the instruction count");
            Assert.That(run.Figures.Mix[TimingClass.Mul], Is.GreaterThanOrEqualTo(20_000), $"{run.Emulator}: the workload multiplies once per iteration");
            Assert.That(run.Figures.Mix[TimingClass.Other], Is.Zero, $"{run.Emulator}: every instruction is placed");
        }
        Assert.That(Describe(renode.Figures.Mix!), Is.EqualTo(Describe(qemu.Figures.Mix!)), "one ELF, one mix");
    }

    [Test]
    public async Task EveryOperatorsMixSumsToItsCountAndDiffersAcrossEmulatorsOnlyByTheCounterRead()
    {
        TestEnvironment.RequireQemuToolchain();
        TestEnvironment.RequireRenode();
        TestEnvironment.RequireTflm();
        await Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
        string Yaml(string emulator) => $$"""
            name: mix-model-{{emulator}}
            emulator: {{emulator}}
            boards: [stm32f4]
            model: {{TestEnvironment.Shared("models", "keyword_scrambled_8bit.tflite")}}
            arena: 16KiB
            inputs:
              - values: [{{string.Join(", ", Enumerable.Range(0, 96).Select(i => (i % 7 - 3) * 0.125))}}]
            timeout: 300s
            """;
        var (results, _, _) = await PipelineFixture.RunManyAsync([Yaml("qemu"), Yaml("renode")], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var (qemu, renode) = (results[0].Boards.Single(), results[1].Boards.Single());
        Assert.That((qemu.Outcome, renode.Outcome), Is.EqualTo((Outcome.Passed, Outcome.Passed)), $"{qemu.Summary} / {renode.Summary}");
        foreach (var run in new[] { qemu, renode })
        {
            Assert.That(run.Figures.Mix!.Total, Is.EqualTo(run.Figures.Instructions), $"{run.Emulator}: the inference's classes sum to its count");
            foreach (var op in run.Model!.Operators)
            {
                Assert.That(op.Mix, Is.Not.Null, $"{run.Emulator} {op.Operator} #{op.Index}");
                Assert.That(op.Mix!.Total, Is.EqualTo(op.Instructions), $"{run.Emulator} {op.Operator} #{op.Index}: classes sum to the operator's count");
            }
            Assert.That(run.Figures.Mix[TimingClass.Load] + run.Figures.Mix[TimingClass.Store], Is.Positive);
        }
        // QEMU's netduinoplus2 has no DWT, so there the runner's per-operator clock reads TIM2, on Renode the
        // DWT: the one code path the two boards differ in. Every operator's mix must differ by exactly that
        // path's instructions, the same in each, and nothing else.
        var differences = qemu.Model!.Operators.Zip(renode.Model!.Operators, (q, r) => Describe(Difference(q.Mix!, r.Mix!))).Distinct().ToList();
        Assert.That(differences, Has.Count.EqualTo(1), "every operator differs by the same instructions: the counter read");
        var perOperator = qemu.Model.Operators[0].Instructions!.Value - renode.Model.Operators[0].Instructions!.Value;
        Assert.That(Difference(qemu.Model.Operators[0].Mix!, renode.Model.Operators[0].Mix!).Total, Is.EqualTo(perOperator));
        Assert.That(Difference(qemu.Figures.Mix!, renode.Figures.Mix!).Total, Is.EqualTo(qemu.Figures.Instructions - renode.Figures.Instructions));
        TestContext.Out.WriteLine($"QEMU − Renode per operator: {differences[0]}");
    }

    private static InstructionMix Difference(InstructionMix a, InstructionMix b) => a.Minus(b);

    private static string Describe(InstructionMix mix) =>
        string.Join(", ", TimingClasses.All.Select(c => $"{c.Key()}={mix[c]}/{mix.RegistersOf(c)}/{mix.NotTakenOf(c)}"));
}
