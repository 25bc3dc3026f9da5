using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tests.Fakes;
using Harness.Tflm;

namespace Harness.Tests.Runner;

/// <summary>
/// The board runner's orchestration with a fake emulator and fake firmware (real ELFs, real compiler):
/// how every way a run can end becomes a result, in seconds instead of emulator minutes.
/// </summary>
public class BoardRunnerTests
{
    private static string WorkRoot => Path.Combine(TestEnvironment.Paths.CacheDirectory, "runs", "fake-" + Guid.NewGuid().ToString("N"));

    private static (BoardRunner Runner, SessionPool Pool) Runner(IEmulator emulator)
    {
        var paths = TestEnvironment.Paths;
        var builder = new FirmwareBuilder(paths);
        TflmCheckout NoTflm() => throw new TflmException("no TFLM in these tests");
        var host = new HostComputations(paths, NoTflm);
        var pool = new SessionPool(keepWarm: true);
        return (new BoardRunner(new FirmwareResolver(builder, new TflmRunnerBuilder(paths, builder), NoTflm, host), pool, emulator, WorkRoot, null, host), pool);
    }

    private static Scenario Diag(string board = "mps2-an386", TimeSpan? timeout = null) => TestEnvironment.Parser.ParseText(
        Path.Combine(Path.GetTempPath(), "fake.yaml"), $"name: fake-diag\nboards: [{board}]\nfirmware: diag\ndiag: {{ upload: 300, workload: 1000 }}\ntimeout: {(timeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds}ms\n");

    /// <summary>The diag app in C#, with the fake emulator counting the workload's instructions.</summary>
    private static FakeEmulator DiagEmulator(FakeDiagApp app, Func<Frame, FakeSession, FakeDevice, Task>? before = null) => new(session => new FakeFirmware(app.Hello, async (request, device) =>
    {
        if (before is not null)
        {
            await before(request, session, device);
        }
        if (request.Type == (byte)FrameType.Invoke && request.Body[0] == 2)
        {
            session.Region(10_013);
        }
        await app.HandleAsync(request, device);
    }));

    [Test]
    public async Task AnHonestFirmwarePassesWithEveryFigure()
    {
        var (runner, pool) = Runner(DiagEmulator(new FakeDiagApp()));
        await using var _ = pool;
        var result = await runner.RunAsync(Diag(), TestEnvironment.Boards.Get("mps2-an386"), null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Passed), result.Summary);
        Assert.That((result.Figures.Instructions, result.Figures.StackHighWaterBytes, result.Emulator), Is.EqualTo((10_013L, 512L, "qemu")));
        Assert.That(result.CommandLine, Does.StartWith("fake-emulator"));
    }

    [Test]
    public async Task AWrongAnswerFailsTheRunWithTheCheckThatCaughtIt()
    {
        var (runner, pool) = Runner(DiagEmulator(new FakeDiagApp { WorkloadError = 1 }));
        await using var _ = pool;
        var result = await runner.RunAsync(Diag(), TestEnvironment.Boards.Get("mps2-an386"), null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(result.Summary, Does.StartWith("workload result: expected 0x"));
    }

    [Test]
    public async Task AnEmulatorThatDiesMidRunIsAnErrorThatSaysHowAndWhen()
    {
        var emulator = DiagEmulator(new FakeDiagApp(), (request, session, _) =>
        {
            if (request.Type == (byte)FrameType.UploadChunk)
            {
                session.Crash(139);
            }
            return Task.CompletedTask;
        });
        var (runner, pool) = Runner(emulator);
        await using var _ = pool;
        var result = await runner.RunAsync(Diag(), TestEnvironment.Boards.Get("mps2-an386"), null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(result.Summary, Is.EqualTo("the fake process ended unexpectedly (killed by SIGSEGV) while waiting for the upload of 300 bytes"));
        Assert.That(result.Detail, Does.Contain("fake crash"));
    }

    [Test]
    public async Task FirmwareThatNeverAnswersIsStoppedAtTheTimeoutWithTheStepItWasIn()
    {
        var emulator = new FakeEmulator(_ => new FakeFirmware(new FakeDiagApp().Hello, (_, _) => Task.CompletedTask));
        var (runner, pool) = Runner(emulator);
        await using var _ = pool;
        var result = await runner.RunAsync(Diag(timeout: TimeSpan.FromMilliseconds(700)), TestEnvironment.Boards.Get("mps2-an386"), null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(result.Summary, Is.EqualTo("timed out after 0.7 s (wall clock) waiting for the answer to HELLO"));
    }

    [Test]
    public async Task AFaultIsSymbolizedAgainstTheElfThatRanNotAnother()
    {
        var hello = await TestFirmware.BuildAsync("mps2-an386", "hello");
        var address = hello.Elf.FindSymbol("sum_squares")!.Value & ~1u;
        var emulator = new FakeEmulator(session => new FakeFirmware(null, (_, device) => device.FaultAsync(address, address, cfsr: 1u << 9)));
        await using var pool = new SessionPool(keepWarm: false);
        var step = new BoardStep(pool, emulator, WorkRoot, null);
        using var window = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var failure = Assert.ThrowsAsync<BoardRunFailure>(() => step.RunAsync(hello, "preprocessor", new ConsoleTranscript(),
            (link, watch, token) => watch.Await("the answer to HELLO", link.RequestAsync(FrameType.Hello, [], token)), new RunWindow(window.Token, CancellationToken.None, TimeSpan.FromSeconds(10)), null))!;
        Assert.That(failure.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(failure.Message, Does.StartWith("HardFault (precise data bus error at 0x00000000) at PC").And.Contain("in sum_squares at ./firmware/apps/hello/main.c"));
        Assert.That(failure.Image, Is.SameAs(hello), "the result names the ELF the fault was symbolized against");
    }

    [Test]
    public async Task AnEmulatorThatCannotStartIsAnErrorAndTheCauseIsKept()
    {
        var emulator = DiagEmulator(new FakeDiagApp());
        emulator.StartFailure = "Renode exited (code 1) while starting: could not load platforms/cpus/x.repl";
        var (runner, pool) = Runner(emulator);
        await using var _ = pool;
        var result = await runner.RunAsync(Diag(), TestEnvironment.Boards.Get("mps2-an386"), null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(result.Summary, Is.EqualTo("Renode exited (code 1) while starting: could not load platforms/cpus/x.repl (while waiting for the fake emulator to start)"));
    }

    [Test]
    public async Task AnExceptionTheHarnessDidNotExpectIsReportedAsAHarnessBugWithItsTraceInAFile()
    {
        var emulator = new FakeEmulator(_ => throw new InvalidOperationException("a bug in the harness"));
        var (runner, pool) = Runner(emulator);
        await using var _ = pool;
        var result = await runner.RunAsync(Diag(), TestEnvironment.Boards.Get("mps2-an386"), null, CancellationToken.None);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(result.Summary, Does.StartWith("harness bug while running fake-diag on mps2-an386 (run step): InvalidOperationException: a bug in the harness; please report it with the stack trace in "));
        var trace = result.Summary[(result.Summary.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..];
        Assert.That(File.ReadAllText(trace), Does.Contain("at Harness.Tests.Runner.BoardRunnerTests"), "the file holds the stack trace");
    }

    [Test]
    public async Task ACancelledRunEndsAsNotRunWithASentenceNotAnException()
    {
        var emulator = new FakeEmulator(_ => new FakeFirmware(new FakeDiagApp().Hello, (_, _) => Task.CompletedTask));
        var (runner, pool) = Runner(emulator);
        await using var _ = pool;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var result = await runner.RunAsync(Diag(), TestEnvironment.Boards.Get("mps2-an386"), null, cancel.Token);
        Assert.That(result.Outcome, Is.EqualTo(Outcome.NotRun));
        Assert.That(result.Summary, Is.EqualTo("interrupted (the run was cancelled) during the run step"));
    }
}
