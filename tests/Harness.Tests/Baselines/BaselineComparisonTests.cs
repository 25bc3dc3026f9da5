using Harness.Baselines;
using Harness.Link;
using Harness.Measurement;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Tests.Baselines;

/// <summary>The regression gate as the pure function it is: a baseline and a run in, deltas and checks out.</summary>
public class BaselineComparisonTests
{
    private static RunIdentity Identity(string emulator = "qemu", string? tflm = "90b983c2b3f1480642e040bbd2ddb37b998f3424", string? kernels = "reference") =>
        new("mps2-an386", emulator, "7.2.22", "elf", "model", "inputs", tflm, kernels, "fingerprint");

    private static BoardResult Run(long instructions = 1_000_000, long flash = 50_000, long[]? ops = null, string[]? names = null, double[]? output = null, RunIdentity? identity = null)
    {
        ops ??= [600_000, 300_000];
        names ??= ops.Select(_ => "CONV_2D").ToArray();
        var figures = new Figures(instructions, instructions + 20, "dwt", flash, 9_000, 1_000, 10_000, 0, 0, true);
        var model = new ModelRun("m.tflite", "90b983c2b3f1480642e040bbd2ddb37b998f3424", KernelSet.Reference, 8192, 6000,
            [new OutputValues(0, "out", output ?? [-113, 113], (output ?? [-113, 113]).Select(v => v / 128.0).ToList())],
            ops.Select((o, i) => new OperatorCycles(i, names[i], o + 5, o)).ToList(), 0.1);
        return new BoardResult("mps2-an386", "qemu", Outcome.Passed, "ok", [], figures, [], null, null, null, null, model) { Identity = identity ?? Identity() };
    }

    private static Baseline Recorded(BoardResult run) => Baseline.From("scenario", run, out _)!;

    private static (BaselineReport Report, IReadOnlyList<Check> Checks) Compare(Baseline? then, BoardResult now, RegressThresholds? allowed = null) =>
        BaselineComparison.Compare(then, now, allowed ?? RegressThresholds.Default, "baselines/scenario/mps2-an386.qemu.yaml");

    [Test]
    public void TheSameRunAgainIsNoDeltaAndAPass()
    {
        var (report, checks) = Compare(Recorded(Run()), Run());
        Assert.That(report.Changes, Is.Empty);
        Assert.That(checks.Single(), Is.EqualTo(new Check("baseline", true, "no figure above its allowed growth", "identical figures")));
    }

    [Test]
    public void AnOperatorThatGrewPastItsAllowanceIsNamedWithBothNumbers()
    {
        var (report, checks) = Compare(Recorded(Run()), Run(instructions: 1_004_000, ops: [600_000, 312_000]));
        var failed = checks.Single(c => !c.Passed);
        Assert.That(failed.Name, Is.EqualTo("regress CONV_2D #1"));
        Assert.That(failed.Actual, Is.EqualTo("300,000 → 312,000 instructions ▲ (+4%, allowed 2%)"));
        Assert.That(report.Deltas.Single(d => d.Name == "inference").Kind, Is.EqualTo(DeltaKind.Grew), "+0.4% is within the inference's 0.5%");
    }

    [Test]
    public void ImprovementsAreReportedAndNeverFail()
    {
        var (report, checks) = Compare(Recorded(Run()), Run(instructions: 900_000, ops: [500_000, 300_000]));
        Assert.That(checks.Single().Passed, Is.True);
        Assert.That(checks.Single().Actual, Is.EqualTo("none; 3 improved"));
        Assert.That(report.Changes.Select(d => d.ToString()), Does.Contain("CONV_2D #0: 600,000 → 500,000 instructions ▼ (-16.667%)"));
    }

    [Test]
    public void ALayerMoreIsANewOperatorAndFails()
    {
        var (_, checks) = Compare(Recorded(Run()), Run(instructions: 1_000_500, ops: [600_000, 300_000, 400], names: ["CONV_2D", "CONV_2D", "SOFTMAX"]));
        Assert.That(checks.Single(c => !c.Passed).Actual, Is.EqualTo("– → 400 instructions (not in the baseline)"));
    }

    [Test]
    public void AChangedOutputFailsExactlyOrWithinItsTolerance()
    {
        var then = Recorded(Run());
        var exact = Compare(then, Run(output: [-112, 113])).Checks.Single(c => !c.Passed);
        Assert.That(exact.Name, Is.EqualTo("regress output 0"));
        Assert.That(exact.Actual, Does.Contain("largest difference 1: [-113, 113] then, [-112, 113] now"));
        var tolerant = RegressThresholds.Default with { OutputTolerance = 0.01 };
        Assert.That(Compare(then, Run(output: [-112, 113]), tolerant).Checks.All(c => c.Passed), Is.True, "1/128 of a difference is within 0.01");
    }

    [Test]
    public void FlashAndRamGrowthFailsByTheBytesAllowed()
    {
        var (_, checks) = Compare(Recorded(Run()), Run(flash: 50_300));
        Assert.That(checks.Single(c => !c.Passed).Actual, Is.EqualTo("50,000 → 50,300 B ▲ (+0.6%, allowed 256 B)"));
    }

    [Test]
    public void ABaselineOfAnotherEmulatorIsNotComparedAndOfAnotherTflmCommitIsShownButNotTaken()
    {
        var renode = Compare(Recorded(Run(identity: Identity(emulator: "renode"))), Run());
        Assert.That(renode.Checks.Single().Actual, Does.StartWith("not comparable: recorded with emulator renode then, qemu now"));
        Assert.That(renode.Report.Deltas, Is.Empty, "another emulator's figures are not set against these");
        var tflm = Compare(Recorded(Run(identity: Identity(tflm: "0123456789abcdef0123456789abcdef01234567", kernels: "cmsis_nn"))), Run(ops: [600_000, 400_000]));
        Assert.That(tflm.Checks.Single().Passed, Is.False);
        Assert.That(tflm.Checks.Single().Actual, Does.Contain("TFLM commit 0123456789abcdef0123456789abcdef01234567 then").And.Contain("kernels cmsis_nn then, reference now"));
        Assert.That(tflm.Report.Deltas.Select(d => d.Name), Does.Contain("CONV_2D #1"), "what changed is still shown");
    }

    [Test]
    public void AMissingBaselineIsReportedNotPassed()
    {
        var (report, checks) = Compare(null, Run());
        Assert.That(checks.Single().Passed, Is.False);
        Assert.That(checks.Single().Actual, Is.EqualTo("none at baselines/scenario/mps2-an386.qemu.yaml: record one with 'harness baseline record'"));
        Assert.That(report.Regressed, Is.True);
    }

    [Test]
    public void ABaselineFileReadsBackAsItWasWrittenAndABrokenOneSaysWhere()
    {
        var baseline = Recorded(Run());
        var text = BaselineFile.Render(baseline);
        var read = BaselineFile.Parse(Harness.Yaml.YamlReader.Parse("b.yaml", text));
        Assert.That(BaselineFile.Render(read), Is.EqualTo(text), "a stable text form: re-rendering changes nothing");
        Assert.That(read.Operators, Is.EqualTo(baseline.Operators));
        Assert.That(text, Does.Contain("  instructions: 1000000\n").And.Contain("  - [1, CONV_2D, 300000, 300005]"));
        var broken = Assert.Throws<Harness.Yaml.YamlInputException>(() => BaselineFile.Parse(Harness.Yaml.YamlReader.Parse("b.yaml", text.Replace("instructions: 1000000", "instructions: lots"))))!;
        Assert.That(broken.Errors.Single().ToString(), Does.StartWith("b.yaml:").And.Contain("instructions"));
    }

    [Test]
    public void RegressThresholdsAreReadFromTheScenario()
    {
        var scenario = TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile("""
            name: gate
            boards: [mps2-an386]
            firmware: diag
            regress: { instructions: 0.1%, ops: 5%, flash: 1KiB, ram: 0B, outputs: 0.02 }
            """));
        Assert.That(scenario.Regress, Is.EqualTo(RegressThresholds.Default with
        {
            Instructions = Threshold.Percentage(0.1), Operators = Threshold.Percentage(5), Flash = Threshold.Amount(1024), Ram = Threshold.Amount(0), OutputTolerance = 0.02,
        }));
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile("""
            name: gate
            boards: [mps2-an386]
            firmware: diag
            regress: { instructions: lots% }
            """)))!;
        Assert.That(error.Message, Does.Contain("regress.instructions: 'lots%' is not a percentage"));
    }
}
