using System.Diagnostics;
using Harness.Measurement;

namespace Harness.Tests.Pipeline;

[NonParallelizable]
public class DiagPipelineTests
{
    [TestCase("stm32f4")]
    [TestCase("mps2-an386")]
    [TestCase("microbit")]
    public async Task UploadOf64KiBArrivesIntactOnEveryQemuBoard(string board)
    {
        var (result, _) = await PipelineFixture.RunAsync($$"""
            name: crc-{{board}}
            boards: [{{board}}]
            firmware: diag
            diag: { upload: 64KiB, seed: {{board.Length}} }
            timeout: 120s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        var checksum = run.Checks.Single(c => c.Name == "upload checksum");
        Assert.That(checksum.Passed, Is.True, $"{checksum.Expected} vs {checksum.Actual}");
        Assert.That(checksum.Actual, Does.Contain("over 65536 B"));
    }

    [Test]
    public async Task WorkloadCountsAreIdenticalAcrossTwoSeparateRuns()
    {
        const string yaml = """
            name: repeat
            boards: [stm32f4, mps2-an386, microbit]
            firmware: diag
            diag: { upload: 1KiB, workload: 20000 }
            timeout: 60s
            """;
        var first = await PipelineFixture.RunAsync(yaml);
        var second = await PipelineFixture.RunAsync(yaml);
        foreach (var (a, b) in first.Result.Boards.Zip(second.Result.Boards))
        {
            Assert.That(a.Outcome, Is.EqualTo(Outcome.Passed), a.Summary);
            Assert.That(a.Figures.Instructions, Is.GreaterThan(20000), "the emulator counted the workload");
            Assert.That(b.Figures.Instructions, Is.EqualTo(a.Figures.Instructions), $"{a.Board} instructions");
            Assert.That(b.Figures.Cycles, Is.EqualTo(a.Figures.Cycles), $"{a.Board} cycles");
            Assert.That(a.Checks.Single(c => c.Name == "counter vs emulator").Passed, Is.True, $"{a.Board}: firmware counter agrees with the emulator");
        }
    }

    [TestCase("stm32f4", "precise data bus error at 0xdead0000")]
    [TestCase("microbit", "HardFault")]
    public async Task OnPurposeFaultIsReportedWithFunctionAndLineRightAway(string board, string cause)
    {
        var clock = Stopwatch.StartNew();
        var (result, _) = await PipelineFixture.RunAsync($$"""
            name: fault-{{board}}
            boards: [{{board}}]
            firmware: diag
            diag: { upload: 1KiB, then: fault }
            timeout: 60s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(run.Summary, Does.Contain(cause).And.Match(@"at PC 0x[0-9a-f]{8} in on_invoke at .*apps/diag/main\.c:\d+"));
        Assert.That(run.Figures.WallSeconds, Is.LessThan(10), "reported by the fault handler, not by the 60 s timeout");
        Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(40));
    }

    [Test]
    public async Task HangingFirmwareIsStoppedAtTheTimeoutWithItsLogAndLeavesNoEmulator()
    {
        var (result, work) = await PipelineFixture.RunAsync("""
            name: hang
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 1KiB, then: hang }
            timeout: 3s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(run.Summary, Does.StartWith("timed out after 3 s (wall clock)"));
        Assert.That(run.Console.Select(l => l.Source), Does.Contain(Harness.Link.LineSource.Boot), "the UART log is in the result");
        Assert.That(run.Detail, Does.Contain("app=diag"));
        Assert.That(PipelineFixture.EmulatorsUsing(work), Is.Empty, "no qemu-system-arm left running");
    }

    [Test]
    public async Task GarbageInBothDirectionsIsSkippedAndTheLinkRecovers()
    {
        var (result, _) = await PipelineFixture.RunAsync("""
            name: garbage
            boards: [microbit]
            firmware: diag
            diag: { upload: 2KiB, then: garbage }
            timeout: 30s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Console.Any(l => l.Source == Harness.Link.LineSource.Garbage), Is.True, "the junk is shown in the log");
        Assert.That(run.Checks.Single(c => c.Name == "resynchronised after junk").Passed, Is.True);
    }

    /// <summary>A thousand rounds of junk both ways (the host's with frame delimiters and broken frames in it): the board never
    /// hangs and answers HELLO after every one.</summary>
    [Test]
    public async Task AThousandJunkBurstsNeverHangTheBoardAndTheLinkResynchronisesAfterEach()
    {
        var (result, _) = await PipelineFixture.RunAsync("""
            name: garbage-bursts
            boards: [mps2-an386]
            firmware: diag
            diag: { upload: 64B, workload: 10, then: garbage, bursts: 1000 }
            timeout: 240s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        var check = run.Checks.Single(c => c.Name == "resynchronised after junk");
        Assert.That(check.Actual, Does.EndWith("1000 of 1000 rounds answered"));
        var skipped = long.Parse(check.Actual.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(skipped, Is.GreaterThan(1000 * 64), "the device's junk of each round reached the host and was skipped");
    }

    /// <summary>Recursion twice as deep as the stack: the link's guard check reports it, naming the request's handler, before
    /// any answer leaves and well within 2 s, instead of a run going on over a corrupt static RAM.</summary>
    [TestCase("mps2-an386")]
    [TestCase("stm32f4")]
    public async Task AStackOverflowIsReportedAsSuchWithTheHandlerThatRanIt(string board)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (result, _) = await PipelineFixture.RunAsync($$"""
            name: overflow-{{board}}
            boards: [{{board}}]
            firmware: diag
            diag: { upload: 64B, workload: 10, then: overflow }
            timeout: 30s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed), run.Summary);
        Assert.That(run.Summary, Does.StartWith("stack overflow in ").And.Contain("on_invoke at ./firmware/apps/diag/main.c:"), run.Summary);
        Assert.That(run.Detail, Does.Contain("guard words overwritten").And.Contain($"platforms/{board}.yaml"));
        TestContext.Out.WriteLine($"{board}: reported in {started.Elapsed.TotalSeconds:0.0} s (build and boot included)");
    }

    /// <summary>timeout: { emulated: 1s }: a hang ends after one second of the board's CPU time, counted by the emulator at the
    /// board's clock, long before the generous wall-clock guard; the same verdict however busy the machine is.</summary>
    [Test]
    public async Task AHangEndsAtItsEmulatedTimeLimitNamedInInstructionsAtTheBoardsClock()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (result, _) = await PipelineFixture.RunAsync("""
            name: emulated-hang
            boards: [mps2-an386]
            firmware: diag
            diag: { upload: 64B, workload: 10, then: hang }
            timeout: { emulated: 1s }
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed), run.Summary);
        Assert.That(run.Summary, Does.StartWith("timed out after 1 s of emulated time (").And.Contain("instructions at the board's 25 MHz) waiting for an answer from the firmware told to hang"));
        var ran = long.Parse(System.Text.RegularExpressions.Regex.Match(run.Summary, @"\(([\d,]+) instructions").Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        // The clock line comes every 25 ms of host time: the run ends within a few of them past the bound, however fast the host.
        Assert.That(ran, Is.GreaterThanOrEqualTo(25_000_000L), "not before one emulated second at 25 MHz");
        Assert.That(ran, Is.LessThan(100_000_000L), "and soon after it");
        Assert.That(result.Scenario.Timeout, Is.EqualTo(TimeSpan.FromMinutes(3)), "the wall clock is only the last guard");
        TestContext.Out.WriteLine($"ended after {started.Elapsed.TotalSeconds:0.0} s of wall time");
    }

    [Test]
    public void ATimeoutMappingNeedsItsEmulatedBoundAndKnowsOnlyWallAndEmulated()
    {
        var file = TestEnvironment.NewScenarioFile("""
            name: bad-timeout
            boards: [mps2-an386]
            firmware: diag
            timeout: { wal: 10m }
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Message, Does.Contain("'wal'").And.Contain("missing 'emulated'"));
    }

    [Test]
    public async Task ABudgetThatIsExceededFailsTheRunWithBothNumbers()
    {
        var (result, _) = await PipelineFixture.RunAsync("""
            name: budget
            boards: [mps2-an386]
            firmware: diag
            diag: { upload: 1KiB, workload: 10000 }
            expect: { instructions: { max: 5k }, flash: { max: 1MiB } }
            timeout: 30s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(run.Summary, Does.Match(@"instructions: expected ≤ 5,000, got \d{1,3}(,\d{3})+"));
        Assert.That(run.Checks.Single(c => c.Name == "flash").Passed, Is.True);
    }

    [Test]
    public async Task WarmSessionIsResetAndReusedForTheNextScenario()
    {
        Harness.Tests.TestEnvironment.RequireQemuToolchain();
        var scenario = TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile("""
            name: warm
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 4KiB, workload: 5000 }
            timeout: 30s
            """));
        var work = Path.Combine(TestEnvironment.Paths.CacheDirectory, "runs", Guid.NewGuid().ToString("N"));
        await using var runner = new Harness.Runner.ScenarioRunner(TestEnvironment.Paths, TestEnvironment.Boards, new Harness.Runner.RunOptions(work, KeepWarm: true));
        var first = await runner.RunAsync(scenario, null, CancellationToken.None);
        var second = await runner.RunAsync(scenario, null, CancellationToken.None);
        Assert.That((first.Passed, second.Passed), Is.EqualTo((true, true)), second.Boards.Single().Summary);
        Assert.That((runner.Sessions.Started, runner.Sessions.Reused), Is.EqualTo((1, 1)));
        Assert.That(second.Boards.Single().Figures.Instructions, Is.EqualTo(first.Boards.Single().Figures.Instructions));
        await runner.DisposeAsync();
        Assert.That(PipelineFixture.EmulatorsUsing(work), Is.Empty);
    }
}
