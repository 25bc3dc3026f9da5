using Harness.Emulation;
using Harness.Link;
using Harness.Measurement;
using Harness.Models;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Tests.Measurement;

/// <summary>The judge as the pure function it is: plan + observation + context in, checks and figures out. No emulator, no files.</summary>
public class JudgeTests
{
    private static readonly ClockModel Clock = new(1e9, 25_000_000, "test clock");
    private static readonly ImageFacts Image = new(FlashBytes: 20_000, StaticRamBytes: 3_000, BuildSeconds: 1.5, FromCache: true);
    private static JudgeContext Context(Budgets? budgets = null, bool debugged = false) => new(Image, Clock, budgets ?? Budgets.None, debugged);

    private static BootInfo Boot(string counter = "dwt", string status = "", string? kernels = null) =>
        new(1, "app", "fw", "board", new DeviceCounter(counter), 256, 4096, status, kernels, kernels is null ? null : "0123456789abcdef", 4096, 700);

    private static readonly DiagPlan Plan = new(new RandomBytes(64, 1), 1000, DiagFinale.None);

    private static DiagObservation Diag(uint? value = null, ulong ticks = 10_013, long? instructions = 10_013, uint deviceCrc = 0xABCD, string counter = "dwt") =>
        new(Boot(counter), 1, 0xABCD, 64, deviceCrc, 64, 1000, value ?? Harness.Link.DiagClient.ExpectedWorkload(1000), ticks, instructions,
            new DeviceStats(4096, 600, 0, 1), null);

    [Test]
    public void AnHonestDiagRunPassesWithItsFigures()
    {
        var verdict = Judge.Diag(Plan, Diag(), Context());
        Assert.That(verdict.Passed, Is.True, string.Join("; ", verdict.Checks.Where(c => !c.Passed)));
        var f = verdict.Figures;
        Assert.That((f.Instructions, f.Cycles, f.CounterSource, f.FlashBytes, f.StaticRamBytes, f.StackHighWaterBytes, f.RamBytes, f.BuildSeconds, f.BuildFromCache),
            Is.EqualTo(((long?)10_013, (long?)10_013, "dwt", 20_000L, 3_000L, (long?)600, (long?)3_600, 1.5, true)));
    }

    [Test]
    public void AWrongWorkloadAndAWrongChecksumEachFailWithBothValues()
    {
        var verdict = Judge.Diag(Plan, Diag(value: 7, deviceCrc: 0x1234), Context());
        var failed = verdict.Checks.Where(c => !c.Passed).ToDictionary(c => c.Name);
        Assert.That(failed.Keys, Is.EquivalentTo(new[] { "workload result", "upload checksum" }));
        Assert.That(failed["workload result"].Actual, Is.EqualTo("0x00000007"));
        Assert.That(failed["upload checksum"].Expected, Does.Contain("0x0000abcd").And.Contain("(host)"));
    }

    [Test]
    public void ATimerCounterIsConvertedToCyclesAtTheEmulatorsRateAndCrossChecked()
    {
        // 25 MHz timer in a 1 GHz virtual-time emulator: 1 tick = 40 instructions.
        var agrees = Judge.Diag(Plan, Diag(ticks: 250, instructions: 10_013, counter: "cmsdk-timer0"), Context());
        Assert.That(agrees.Figures.Cycles, Is.EqualTo(10_000));
        Assert.That(agrees.Checks.Single(c => c.Name == "counter vs emulator").Passed, Is.True);
        var disagrees = Judge.Diag(Plan, Diag(ticks: 2_092, instructions: 10_013, counter: "cmsdk-timer0"), Context());
        Assert.That(disagrees.Checks.Single(c => c.Name == "counter vs emulator").Passed, Is.False);
    }

    [Test]
    public void UnderADebuggerTheCounterIsNotJudgedAndTheReportSaysWhy()
    {
        var verdict = Judge.Diag(Plan, Diag(ticks: 83_692, instructions: 10_013, counter: "tim2"), Context(debugged: true));
        var check = verdict.Checks.Single(c => c.Name == "counter vs emulator");
        Assert.That(check.Passed, Is.True);
        Assert.That(check.Actual, Does.StartWith("not judged: a debugger held the board"));
    }

    [Test]
    public void NoCountFromTheEmulatorIsAFailedCheckNotAZero()
    {
        var verdict = Judge.Diag(Plan, Diag(instructions: null), Context());
        Assert.That(verdict.Checks.Single(c => !c.Passed), Is.EqualTo(new Check("instruction count", false, "a count from the emulator", "none arrived")));
        Assert.That(verdict.Figures.Instructions, Is.Null);
    }

    [Test]
    public void BudgetsFailWithBothNumbersAndAnUnmeasuredFigureIsNeverAPass()
    {
        var budgets = new Budgets(Instructions: 5_000, Cycles: null, FlashBytes: 32 * 1024, RamBytes: 3_500, StackBytes: null);
        var checks = Judge.Diag(Plan, Diag(), Context(budgets)).Checks.Where(c => c.Name is "instructions" or "flash" or "ram").ToDictionary(c => c.Name);
        Assert.That((checks["instructions"].Passed, checks["instructions"].Expected, checks["instructions"].Actual), Is.EqualTo((false, "≤ 5,000", "10,013")));
        Assert.That(checks["flash"].Passed, Is.True);
        Assert.That((checks["ram"].Passed, checks["ram"].Actual), Is.EqualTo((false, "3600 B")));
        var unmeasured = Judge.Budgets(new Budgets(null, null, null, null, StackBytes: 1024), Figures.Empty).Single();
        Assert.That((unmeasured.Passed, unmeasured.Actual), Is.EqualTo((false, "not measured")));
    }

    private static readonly TensorInfo Input = new(0, "x", TensorType.Int8, [1, 1], new Quantization(0.05f, 0));
    private static readonly TensorInfo Output = new(1, "y", TensorType.Int8, [1, 3], new Quantization(0.1f, -10));
    private static readonly TfliteModel Model = new("model.tflite", 2000, 3, null, [new OperatorCode(9, null, 1)], [0], [Input], [Output], 1);

    private static ModelPlan ModelPlan(params OutputExpectation[] outputs) =>
        new(Model, KernelSet.Reference, 4096, [new InlineValues([1.0])], [[20]], outputs);

    private static DeviceTensor Device(TensorInfo t) => new(t.Type.Name(), t.Shape, t.Quantization!.Scale, (int)t.Quantization.ZeroPoint, (uint)t.Bytes);

    private static ModelObservation Seen(sbyte[] output, string? kernels = "reference", bool ok = true, string status = "ok", string tflmSays = "TFLM said: bad") =>
        new(Boot(kernels: kernels, status: status), [Device(Input)], [Device(Output)], new InvokeResult(ok, 5_643, 1, 1, 0), 0.01, 5_643,
            ok ? [output.Select(v => (byte)v).ToArray()] : [], [new OperatorTicks("FULLY_CONNECTED", 5_000)], new RunnerStats(8192, 900, 0, 1, 676, 4096), tflmSays);

    private static HostReference Host(sbyte[]? golden) => new([[20]], golden is null ? null : [golden.Select(v => (byte)v).ToArray()]);

    [Test]
    public void AModelRunIsJudgedOnItsValuesItsTopClassAndTheHostGolden()
    {
        var plan = ModelPlan(new OutputExpectation(0, [0.5, 1.0, 0.0], 0.05, null, Top1: 1, Labels: ["a", "b", "c"]));
        var verdict = Judge.Model(plan, Seen([-5, 0, -10]), Host([-5, 0, -10]), [], Context());
        Assert.That(verdict.Passed, Is.True, string.Join("; ", verdict.Checks.Where(c => !c.Passed)));
        Assert.That(verdict.Checks.Select(c => c.Name), Is.EqualTo(new[] { "tensors on the board", "invoke", "counter vs emulator", "output 0 values", "output 0 top-1", "output 0 vs host golden" }));
        Assert.That(verdict.Model!.Outputs.Single().Values, Is.EqualTo(new[] { 0.5, 1.0, 0.0 }).Within(1e-6));
        Assert.That((verdict.Model.ArenaUsedBytes, verdict.Model.Kernels, verdict.Model.Operators.Single().Cycles), Is.EqualTo((676L, KernelSet.Reference, 5_000L)));
    }

    [Test]
    public void AnArenaTooSmallIsNamedWithItsSizeAndTheKnob()
    {
        var short_ = Seen([], status: "allocate-tensors-failed", tflmSays: "Failed to resize buffer. Requested: 144, available 132, missing: 12") with { InputTensors = null, OutputTensors = null, Invoke = null };
        var check = Judge.Model(ModelPlan(), short_, Host(null), [], Context()).Checks.Single();
        Assert.That(check.Actual, Does.StartWith("allocate-tensors-failed: Failed to resize buffer. Requested: 144").And.Contain("(the tensor arena of 4,096 bytes is too small for this model"));
    }

    [Test]
    public void ReferenceKernelsMustBeBitExactWithTheHostAndOptimizedOnesWithinOne()
    {
        var plan = ModelPlan();
        var reference = Judge.Model(plan, Seen([-5, 1, -10]), Host([-5, 0, -10]), [], Context()).Checks.Single(c => c.Name == "output 0 vs host golden");
        Assert.That((reference.Passed, reference.Actual), Is.EqualTo((false, "largest difference 1 (board [-5, 1, -10], host [-5, 0, -10])")));
        var cmsis = Judge.Model(plan, Seen([-5, 1, -10], kernels: "cmsis_nn"), Host([-5, 0, -10]), [], Context()).Checks.Single(c => c.Name == "output 0 vs host golden");
        Assert.That(cmsis.Passed, Is.True, cmsis.Actual);
    }

    [Test]
    public void AModelThatCouldNotBeSetUpSaysSoInTflmsWords()
    {
        var verdict = Judge.Model(ModelPlan(), Seen([], status: "allocate-tensors-failed") with { InputTensors = null, OutputTensors = null, Invoke = null }, Host(null), [], Context());
        Assert.That(verdict.Checks.Single(), Is.EqualTo(new Check("model set-up", false, "TFLM allocates the model's tensors", "allocate-tensors-failed: TFLM said: bad")));
    }

    [Test]
    public void TensorsTheBoardAllocatedDifferentlyAreNamedAndNothingElseIsJudged()
    {
        var wrong = new DeviceTensor("int8", [1, 4], 0.1f, -10, 4);
        var verdict = Judge.Model(ModelPlan(), Seen([0, 0, 0]) with { OutputTensors = [wrong] }, Host(null), [], Context());
        var check = verdict.Checks.Single();
        Assert.That(check.Name, Is.EqualTo("tensors on the board"));
        Assert.That(check.Actual, Does.Contain("output 0: the .tflite says 'y' int8 [1, 3]").And.Contain("the board allocated int8 [1, 4], 4 B"));
    }

    [Test]
    public void AFailedInvokeIsReportedWithTflmsLastWords()
    {
        var verdict = Judge.Model(ModelPlan(new OutputExpectation(0, null, 0, null, Top1: 0)), Seen([], ok: false), Host(null), [], Context());
        Assert.That(verdict.Checks.Single(c => c.Name == "invoke").Actual, Is.EqualTo("an error: TFLM said: bad"));
        Assert.That(verdict.Checks.Any(c => c.Name.StartsWith("output", StringComparison.Ordinal)), Is.False, "no outputs to judge after a failed invoke");
    }

    [Test]
    public void AConsoleRunIsJudgedOnTheLineThatDecided()
    {
        var expectation = new ConsoleExpectation([new LinePattern("PASS")], [new LinePattern("/FAIL.*/")]);
        var passed = Judge.Console(expectation, new ConsoleObservation(true, "PASS", 5_000), Context());
        Assert.That((passed.Passed, passed.Figures.Instructions, passed.Figures.Cycles), Is.EqualTo((true, 5_000L, (long?)null)));
        var failed = Judge.Console(expectation, new ConsoleObservation(false, "'FAIL: 3' matches fail pattern '/FAIL.*/'", null), Context());
        Assert.That(failed.Checks.Single().Actual, Is.EqualTo("'FAIL: 3' matches fail pattern '/FAIL.*/'"));
    }
}
