using System.Diagnostics;
using System.IO.Hashing;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;
using Harness.Scenarios;
using Harness.Tools;

namespace Harness.Runner;

/// <summary>
/// Runs a scenario on one board: firmware → emulator → link → figures → judged result. Every way
/// a run can end (pass, failed check, fault, hang, emulator crash, bad input) becomes a result
/// with the reason and the console transcript; nothing waits past the scenario's timeout.
/// </summary>
public sealed class BoardRunner(FirmwareResolver firmware, SessionPool pool, IEmulator emulator, string workRoot)
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FaultReportWait = TimeSpan.FromSeconds(2);

    public async Task<BoardResult> RunAsync(Scenario scenario, BoardDescription board, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var transcript = new ConsoleTranscript();
        var wall = Stopwatch.StartNew();
        var run = new RunState(scenario, board, transcript);
        progress?.Report($"{scenario.Name} on {board.Id}: firmware");
        FirmwareImage image;
        try
        {
            image = await firmware.ResolveAsync(scenario.Firmware, board, cancellationToken);
        }
        catch (Exception e) when (e is FirmwareException or MissingToolException)
        {
            return run.Result(Outcome.Error, $"firmware: {e.Message}", wall, null);
        }
        run.Image = image;
        if (FirmwareResolver.DoesNotFit(image) is { } problem)
        {
            return run.Result(Outcome.Failed, $"does not fit: {problem}", wall, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(scenario.Timeout);
        WarmSession? warm = null;
        var healthy = false;
        try
        {
            run.Stage = $"the {emulator.Name} emulator to start";
            progress?.Report($"{scenario.Name} on {board.Id}: {emulator.Name}");
            var workDirectory = Path.Combine(workRoot, $"{scenario.Name}-{board.Id}-{Guid.NewGuid():N}");
            warm = await pool.AcquireAsync(emulator, new EmulationRequest(image, workDirectory), timeout.Token);
            run.Session = warm.Session;
            await warm.BeginScenarioAsync(timeout.Token);
            await using var link = new LinkClient(warm.Session.Console, transcript);
            var guard = new Guard(run, warm, link);
            var result = image.SpeaksLink
                ? await RunDiagAsync(run, guard, warm, link, progress, timeout.Token)
                : await RunConsoleAsync(run, guard, warm, timeout.Token);
            healthy = result.Outcome == Outcome.Passed;
            return result with { Figures = result.Figures with { WallSeconds = wall.Elapsed.TotalSeconds } };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return run.Result(Outcome.Failed, $"timed out after {scenario.Timeout.TotalSeconds:0.#} s (wall clock) waiting for {run.Stage}", wall,
                $"Last console lines:{Environment.NewLine}{transcript.Tail()}");
        }
        catch (DeviceFaultException e)
        {
            return run.Result(Outcome.Failed, await DescribeFaultAsync(e.Report, image, cancellationToken), wall,
                $"{e.Report.ExceptionName}: {e.Report.Registers}{Environment.NewLine}causes: {string.Join("; ", e.Report.Causes.DefaultIfEmpty("not recorded (ARMv6-M has no fault status registers)"))}");
        }
        catch (FaultWithoutReportException e)
        {
            var handler = await Symbolizer.DescribeAsync(image.ElfPath, e.HandlerAddress, cancellationToken);
            return run.Result(Outcome.Failed, $"the CPU entered its fault handler ({handler}) while waiting for {run.Stage}", wall, transcript.Tail());
        }
        catch (EmulatorExitedException e)
        {
            return run.Result(Outcome.Error, $"the emulator stopped unexpectedly (exit code {e.Exit.ExitCode}) while waiting for {run.Stage}", wall,
                $"{e.Exit.Diagnostics}{Environment.NewLine}{transcript.Tail()}".Trim());
        }
        catch (Exception e) when (e is EmulatorException or LinkException or MissingToolException or IOException)
        {
            return run.Result(Outcome.Error, $"{e.Message} (while waiting for {run.Stage})", wall, transcript.Tail());
        }
        finally
        {
            if (warm is not null)
            {
                await pool.ReleaseAsync(warm, healthy);
            }
        }
    }

    private static async Task<BoardResult> RunDiagAsync(RunState run, Guard guard, WarmSession warm, LinkClient link, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var plan = run.Scenario.Diag!;
        var diag = new DiagClient(link);
        var checks = new List<Check>();
        var boot = await guard.Await("the firmware's boot frame", link.WaitForBootAsync(cancellationToken));
        var hello = await guard.Await("the answer to HELLO", diag.HelloAsync(cancellationToken));
        checks.Add(new Check("link protocol", hello["proto"] == Frame.ProtocolVersion.ToString(), $"version {Frame.ProtocolVersion}", $"version {hello["proto"]}"));

        var data = plan.Upload.Bytes();
        progress?.Report($"{run.Scenario.Name} on {run.Board.Id}: upload {data.Length} B");
        await guard.Await($"the upload of {data.Length} bytes", diag.UploadAsync(data, boot.MaxBody, null, cancellationToken));
        var (crc, bytes) = await guard.Await("the checksum", diag.ChecksumAsync(cancellationToken));
        var hostCrc = Crc32.HashToUInt32(data);
        checks.Add(new Check("upload checksum", crc == hostCrc && bytes == data.Length, $"CRC-32 0x{hostCrc:x8} over {data.Length} B (host)", $"0x{crc:x8} over {bytes} B (device)"));

        progress?.Report($"{run.Scenario.Name} on {run.Board.Id}: workload");
        var workload = await guard.Await("the workload result", diag.WorkloadAsync(plan.WorkloadIterations, cancellationToken));
        var expected = DiagClient.ExpectedWorkload(plan.WorkloadIterations);
        checks.Add(new Check("workload result", workload.Value == expected, $"0x{expected:x8}", $"0x{workload.Value:x8}"));
        run.Stage = "the emulator's instruction count";
        var instructions = await warm.NextRegionAsync(RegionWait, cancellationToken);
        var counterSource = boot["counter"];
        var cycles = warm.Session.Clock.CyclesFrom(workload.CounterTicks, counterSource);
        if (instructions is null)
        {
            checks.Add(new Check("instruction count", false, "a count from the emulator", "none arrived"));
        }
        else
        {
            checks.Add(Judge.CounterAgreesWithEmulator(instructions.Value, cycles, warm.Session.Clock, counterSource));
        }
        var stats = await guard.Await("the device statistics", diag.StatsAsync(cancellationToken));

        switch (plan.Then)
        {
            case DiagFinale.Fault:
                await guard.Await("the on-purpose fault", diag.FaultAsync(cancellationToken));
                checks.Add(new Check("on-purpose fault", false, "a fault report", "the device answered instead of faulting"));
                break;
            case DiagFinale.Hang:
                await guard.Await("an answer from the firmware told to hang", diag.HangAsync(cancellationToken));
                break;
            case DiagFinale.Garbage:
                const ushort junk = 512;
                await guard.Await("the answer after the junk bytes", diag.EmitGarbageAsync(junk, cancellationToken));
                await link.WriteRawAsync(Enumerable.Range(1, junk).Select(i => (byte)(i * 37 % 251 + 1)).ToArray(), cancellationToken);
                var again = await guard.Await("HELLO after junk in both directions", diag.HelloAsync(cancellationToken));
                checks.Add(new Check("resynchronised after junk", link.GarbageBytes > 0 && again["app"] == hello["app"],
                    "junk skipped both ways, link still answering", $"{link.GarbageBytes} junk bytes skipped from the device; HELLO answered by '{again["app"]}'"));
                break;
        }

        var image = run.Image!;
        var figures = new Figures(instructions, cycles, counterSource, image.Memory.FlashBytes, image.Memory.StaticRamBytes,
            stats.StackHighWater, image.Memory.StaticRamBytes + stats.StackHighWater, 0, image.BuildTime.TotalSeconds, image.FromCache);
        checks.AddRange(Judge.Budgets(run.Scenario.Budgets, figures));
        return run.Judged(checks, figures);
    }

    private static async Task<BoardResult> RunConsoleAsync(RunState run, Guard guard, WarmSession warm, CancellationToken cancellationToken)
    {
        var expectation = run.Scenario.Console!;
        var verdict = new TaskCompletionSource<(bool Passed, string Line)>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(ConsoleLine line)
        {
            if (line.Source != "uart")
            {
                return;
            }
            if (expectation.Fail.FirstOrDefault(p => p.Matches(line.Text)) is { } fail)
            {
                verdict.TrySetResult((false, $"'{line.Text}' matches fail pattern '{fail}'"));
            }
            else if (expectation.Pass.Any(p => p.Matches(line.Text)))
            {
                verdict.TrySetResult((true, line.Text));
            }
        }
        run.Transcript.LineAdded += Watch;
        foreach (var line in run.Transcript.Lines)
        {
            Watch(line);
        }
        var (passed, why) = await guard.Await($"a console line matching {string.Join(" or ", expectation.Pass)}", verdict.Task.WaitAsync(cancellationToken));
        run.Transcript.LineAdded -= Watch;
        var image = run.Image!;
        long? instructions = image.Markers is null ? null : await warm.NextRegionAsync(TimeSpan.FromMilliseconds(500), cancellationToken);
        var checks = new List<Check> { new("console", passed, $"a line matching {string.Join(" or ", expectation.Pass)}", why) };
        var figures = Figures.Empty with
        {
            Instructions = instructions,
            FlashBytes = image.Memory.FlashBytes,
            StaticRamBytes = image.Memory.StaticRamBytes,
            BuildSeconds = image.BuildTime.TotalSeconds,
            BuildFromCache = image.FromCache,
        };
        checks.AddRange(Judge.Budgets(run.Scenario.Budgets, figures));
        return run.Judged(checks, figures);
    }

    private static async Task<string> DescribeFaultAsync(FaultReport report, FirmwareImage image, CancellationToken cancellationToken)
    {
        var pc = await Symbolizer.DescribeAsync(image.ElfPath, report.Pc, cancellationToken);
        var lr = await Symbolizer.DescribeAsync(image.ElfPath, report.Lr, cancellationToken);
        var causes = report.Causes.Count > 0 ? $" ({string.Join("; ", report.Causes)})" : "";
        return $"{report.ExceptionName}{causes} at PC {pc}; called from LR {lr}";
    }

    /// <summary>What a board run knows so far, to build its result from wherever it ends.</summary>
    private sealed class RunState(Scenario scenario, BoardDescription board, ConsoleTranscript transcript)
    {
        public Scenario Scenario { get; } = scenario;
        public BoardDescription Board { get; } = board;
        public ConsoleTranscript Transcript { get; } = transcript;
        public FirmwareImage? Image { get; set; }
        public IEmulatorSession? Session { get; set; }
        public string Stage { get; set; } = "the run to start";

        public BoardResult Result(Outcome outcome, string summary, Stopwatch wall, string? detail, IReadOnlyList<Check>? checks = null, Figures? figures = null) =>
            new(Board.Id, Scenario.Emulator, outcome, summary, checks ?? [],
                (figures ?? FiguresOfImage()) with { WallSeconds = wall.Elapsed.TotalSeconds },
                Transcript.Lines, detail, Session?.CommandLine, Image?.ElfPath, Session?.Clock.Description);

        public BoardResult Judged(IReadOnlyList<Check> checks, Figures figures)
        {
            var failed = checks.Where(c => !c.Passed).ToList();
            var summary = failed.Count == 0
                ? $"all {checks.Count} checks passed"
                : string.Join("; ", failed.Select(c => $"{c.Name}: expected {c.Expected}, got {c.Actual}"));
            return new BoardResult(Board.Id, Scenario.Emulator, failed.Count == 0 ? Outcome.Passed : Outcome.Failed, summary, checks,
                figures, Transcript.Lines, null, Session?.CommandLine, Image?.ElfPath, Session?.Clock.Description);
        }

        private Figures FiguresOfImage() => Image is null
            ? Figures.Empty
            : Figures.Empty with { FlashBytes = Image.Memory.FlashBytes, StaticRamBytes = Image.Memory.StaticRamBytes, BuildSeconds = Image.BuildTime.TotalSeconds, BuildFromCache = Image.FromCache };
    }

    /// <summary>Awaits a step of the run, but gives up at once when the CPU faults or the emulator dies.</summary>
    private sealed class Guard(RunState run, WarmSession warm, LinkClient link)
    {
        public async Task<T> Await<T>(string stage, Task<T> step)
        {
            run.Stage = stage;
            var finished = await Task.WhenAny(step, warm.FaultEntered, warm.Session.Exited);
            if (finished == warm.FaultEntered && !step.IsCompleted)
            {
                // The firmware's own fault report carries the registers: give it a moment to arrive.
                var report = await Task.WhenAny(link.Fault, Task.Delay(FaultReportWait));
                if (report == link.Fault)
                {
                    throw new DeviceFaultException(await link.Fault);
                }
                throw new FaultWithoutReportException(await warm.FaultEntered);
            }
            if (finished == warm.Session.Exited && !step.IsCompleted)
            {
                throw new EmulatorExitedException(await warm.Session.Exited);
            }
            return await step;
        }

        public async Task Await(string stage, Task step) => await Await(stage, step.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));
    }

    private sealed class FaultWithoutReportException(uint handler) : Exception($"fault handler 0x{handler:x8} entered")
    {
        public uint HandlerAddress { get; } = handler;
    }

    private sealed class EmulatorExitedException(EmulatorExit exit) : Exception($"emulator exited with {exit.ExitCode}")
    {
        public EmulatorExit Exit { get; } = exit;
    }
}
