using Harness.Measurement;
using Harness.Runner;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Renode;

/// <summary>The same scenarios on Renode's boards, through a real headless Renode; skipped (with the reason) where Renode is absent.</summary>
[NonParallelizable]
public class RenodeBackendTests
{
    public static readonly string[] RenodeBoards = ["stm32f4", "nrf52840", "stm32f746", "stm32f103"];

    [SetUp]
    public void NeedsRenode() => TestEnvironment.RequireRenode();

    [TestCaseSource(nameof(RenodeBoards))]
    public async Task DiagnosticScenarioRunsOnEveryRenodeBoard(string board)
    {
        var (results, _, sessions) = await PipelineFixture.RunManyAsync(
        [
            $$"""
            name: diag-{{board}}
            emulator: renode
            boards: [{{board}}]
            firmware: diag
            diag: { upload: 16KiB, seed: 3, workload: 10000 }
            timeout: 90s
            """,
            $$"""
            name: fault-{{board}}
            emulator: renode
            boards: [{{board}}]
            firmware: diag
            diag: { upload: 1KiB, then: fault }
            timeout: 60s
            """,
        ], new RunOptions(PipelineFixture.NewWorkDirectory(), KeepWarm: true));
        var diag = results[0].Boards.Single();
        Assert.That(diag.Outcome, Is.EqualTo(Outcome.Passed), diag.Summary);
        Assert.That(diag.Checks.Single(c => c.Name == "upload checksum").Actual, Does.Contain("over 16384 B"));
        Assert.That(diag.Figures.CounterSource, Is.EqualTo("dwt"), "the project's overlay gives every Renode board a counting DWT");
        Assert.That(diag.Figures.Cycles, Is.GreaterThan(10000));
        Assert.That(diag.Checks.Single(c => c.Name == "counter vs emulator").Passed, Is.True);

        var fault = results[1].Boards.Single();
        Assert.That(fault.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(fault.Summary, Does.Contain("precise data bus error at 0xdead0000").And.Match(@"at PC 0x[0-9a-f]{8} in on_invoke at .*apps/diag/main\.c:\d+"));
        Assert.That(fault.Figures.WallSeconds, Is.LessThan(15), "reported by the fault handler, not by the timeout");
        Assert.That(sessions, Is.EqualTo((1, 1)), "the fault scenario reused the warm Renode process");
    }

    [Test]
    public async Task TheSameStm32f4ElfGivesTheSameChecksumAndInstructionCountOnQemuAndRenode()
    {
        string Yaml(string emulator) => $$"""
            name: same-elf-{{emulator}}
            emulator: {{emulator}}
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 8KiB, seed: 11, workload: 25000 }
            timeout: 90s
            """;
        var (results, _, _) = await PipelineFixture.RunManyAsync([Yaml("qemu"), Yaml("renode")], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var (qemu, renode) = (results[0].Boards.Single(), results[1].Boards.Single());
        Assert.That((qemu.Outcome, renode.Outcome), Is.EqualTo((Outcome.Passed, Outcome.Passed)), $"{qemu.Summary} / {renode.Summary}");
        Assert.That(renode.Firmware, Is.EqualTo(qemu.Firmware), "one ELF for both emulators");
        // The same bytes arrived, each emulator by its own bulk path.
        static string[] Upload(BoardResult board) => board.Checks.Single(c => c.Name == "upload checksum").Actual.Split(", by ");
        Assert.That(Upload(renode)[0], Is.EqualTo(Upload(qemu)[0]));
        Assert.That((Upload(qemu)[1], Upload(renode)[1]), Is.EqualTo(("bulk (QEMU gdbstub)", "bulk (Renode sysbus)")));
        Assert.That(renode.Figures.Instructions, Is.EqualTo(qemu.Figures.Instructions), "both emulators count the same instructions for the workload");
    }

    [Test]
    public async Task TwoRenodeRunsGiveIdenticalOutputsAndCountsAndTheDwtAgreesWithRenode()
    {
        const string yaml = """
            name: repeat-renode
            emulator: renode
            boards: [stm32f4, nrf52840]
            firmware: diag
            diag: { upload: 2KiB, workload: 30000 }
            timeout: 90s
            """;
        var first = (await PipelineFixture.RunManyAsync([yaml], new RunOptions(PipelineFixture.NewWorkDirectory(), KeepWarm: false))).Results.Single();
        var second = (await PipelineFixture.RunManyAsync([yaml], new RunOptions(PipelineFixture.NewWorkDirectory(), KeepWarm: false))).Results.Single();
        foreach (var (a, b) in first.Boards.Zip(second.Boards))
        {
            Assert.That((a.Outcome, b.Outcome), Is.EqualTo((Outcome.Passed, Outcome.Passed)), $"{a.Summary} / {b.Summary}");
            var outputs = (Harness.Measurement.BoardResult r) => r.Checks.Where(c => c.Name != "counter vs emulator").Select(c => c.Actual);
            Assert.That(outputs(b), Is.EqualTo(outputs(a)), $"{a.Board}: same outputs");
            Assert.That(b.Figures.Instructions, Is.EqualTo(a.Figures.Instructions), $"{a.Board} instructions");
            // CYCCNT reads Renode's virtual time, which moves in whole steps of a few instructions (see TimeStepInstructions).
            var step = Harness.Emulation.Renode.RenodeScript.TimeStepInstructions(TestEnvironment.Boards.Get(a.Board));
            TestContext.Out.WriteLine($"{a.Board}: DWT {a.Figures.Cycles} and {b.Figures.Cycles} cycles, {a.Figures.Instructions} instructions, time step {step} instructions");
            Assert.That(Math.Abs(b.Figures.Cycles!.Value - a.Figures.Cycles!.Value), Is.LessThanOrEqualTo(step), $"{a.Board} DWT cycles: the same up to one step of Renode's virtual time");
            Assert.That(a.Figures.CounterSource, Is.EqualTo("dwt"));
            // PerformanceInMips is the clock in MHz, so CYCCNT counts instructions plus the reads around the region.
            Assert.That(a.Figures.Cycles!.Value - a.Figures.Instructions!.Value, Is.InRange(0, 50), $"{a.Board}: DWT vs Renode's ExecutedInstructions");
        }
    }

    [Test]
    public async Task ASessionsScriptReplaysByHandInAFreshRenodeWithASocketTerminalAndQuitsCleanly()
    {
        var (result, _) = await PipelineFixture.RunAsync("""
            name: replay-by-hand
            emulator: renode
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 1KiB, seed: 5, workload: 1000 }
            timeout: 60s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Passed, run.Summary);
        const string said = "on its monitor: ";
        var script = run.CommandLine![(run.CommandLine!.IndexOf(said, StringComparison.Ordinal) + said.Length)..].Trim();
        var lines = File.ReadAllLines(script);
        Assert.That(lines, Has.None.Contains("CreateHarnessTerminal"), "the harness's own terminal needs the harness");
        Assert.That(lines, Has.Some.StartsWith($"emulation CreateServerSocketTerminal {Harness.Emulation.Renode.RenodeScript.ReplayPort} "));
        Assert.That(lines[^1], Is.EqualTo("start"));
        // Everything but the start, so the terminal is connected before the firmware's boot frame goes out.
        var stopped = Path.Combine(Path.GetDirectoryName(script)!, "replay-without-start.resc");
        File.WriteAllLines(stopped, lines[..^1]);

        var renode = Harness.Tools.ToolLocator.TryFind(Harness.Tools.ExternalTool.Renode, out _)!;
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(renode, ["--console", "--plain", "--disable-xwt", "--hide-log"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteLineAsync($"include @{stopped}");
            await process.StandardInput.FlushAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var socket = new System.Net.Sockets.TcpClient();
            while (true)
            {
                try
                {
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, Harness.Emulation.Renode.RenodeScript.ReplayPort, limit.Token);
                    break;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    await Task.Delay(200, limit.Token);
                }
            }
            await process.StandardInput.WriteLineAsync("start");
            await process.StandardInput.FlushAsync();
            var boot = new byte[64];
            var read = await socket.GetStream().ReadAsync(boot, limit.Token);
            Assert.That(read, Is.GreaterThan(0), "the firmware's boot frame arrives on the socket terminal");
            await process.StandardInput.WriteLineAsync("quit");
            await process.StandardInput.FlushAsync();
            await process.WaitForExitAsync(limit.Token);
            Assert.That(process.ExitCode, Is.EqualTo(0), "Renode quits cleanly (the mix hook's clock stops with the machine)");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Test]
    public async Task TwentyScenariosOnTwoWarmWorkersLeaveNoRenodeBehind()
    {
        var yamls = Enumerable.Range(0, 20).Select(i => $$"""
            name: suite-{{i:00}}
            emulator: renode
            boards: [{{(i % 2 == 0 ? "stm32f4" : "nrf52840")}}]
            firmware: {{(i % 5 == 4 ? "hello" : "diag")}}
            {{(i % 5 == 4 ? "console: { pass: PASS, fail: FAIL }" : $"diag: {{ upload: 1KiB, seed: {i}, workload: {1000 + i} }}")}}
            timeout: 60s
            """).ToList();
        var (results, _, sessions) = await PipelineFixture.RunManyAsync(yamls, new RunOptions(PipelineFixture.NewWorkDirectory(), KeepWarm: true, Jobs: 2));
        Assert.That(results.Where(r => !r.Passed).Select(r => $"{r.Scenario.Name}: {r.Boards.Single().Summary}"), Is.Empty);
        Assert.That(sessions.Started + sessions.Reused, Is.EqualTo(20));
        Assert.That(sessions.Started, Is.LessThanOrEqualTo(2), "at most one Renode per worker: a warm Renode switches boards");
        Assert.That(PipelineFixture.RenodeChildren(), Is.Empty, "every Renode process was stopped");
    }

    [Test]
    public async Task AKilledRenodeIsReportedAsSuchAndTheNextScenarioStillRuns()
    {
        var killed = false;
        var progress = new SynchronousProgress(stage =>
        {
            // The firmware was told to hang; kill Renode under it.
            if (stage.Contains("workload") && !killed)
            {
                killed = true;
                Thread.Sleep(500);
                foreach (var pid in PipelineFixture.RenodeChildren())
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
            }
        });
        var (results, _, sessions) = await PipelineFixture.RunManyAsync(
        [
            """
            name: victim
            emulator: renode
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 1KiB, then: hang }
            timeout: 60s
            """,
            """
            name: survivor
            emulator: renode
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 1KiB }
            timeout: 60s
            """,
        ], new RunOptions(PipelineFixture.NewWorkDirectory(), KeepWarm: true), progress);
        var victim = results[0].Boards.Single();
        Assert.That(killed, Is.True);
        Assert.That(victim.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(victim.Summary, Does.Contain("renode process ended unexpectedly (killed by SIGKILL)"));
        Assert.That(victim.Figures.WallSeconds, Is.LessThan(30), "noticed at once, not at the timeout");
        Assert.That(results[1].Passed, Is.True, results[1].Boards.Single().Summary);
        Assert.That(sessions.Started, Is.EqualTo(2), "a fresh Renode replaced the killed one");
        Assert.That(PipelineFixture.RenodeChildren(), Is.Empty);
    }

    /// <summary>Progress that runs the callback on the reporting thread, in order (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
