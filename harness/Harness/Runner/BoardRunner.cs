using System.Diagnostics;
using System.IO.Hashing;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;
using Harness.Models;
using Harness.Tflm;
using Harness.Scenarios;
using Harness.Tools;

namespace Harness.Runner;

/// <summary>
/// Runs a scenario on one board: firmware → emulator → link → figures → judged result. Every way
/// a run can end (pass, failed check, fault, hang, emulator crash, bad input) becomes a result
/// with the reason and the console transcript; nothing waits past the scenario's timeout.
/// </summary>
/// <param name="gdbPort">When set, the emulator waits for a debugger on this port and the scenario's timeout is off.</param>
/// <param name="host">A model scenario's input tensors and host-native golden outputs (computed once per scenario).</param>
public sealed class BoardRunner(FirmwareResolver firmware, SessionPool pool, IEmulator emulator, string workRoot, int? gdbPort, HostComputations host)
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FaultReportWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    public async Task<BoardResult> RunAsync(Scenario scenario, BoardDescription board, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var transcript = new ConsoleTranscript();
        var wall = Stopwatch.StartNew();
        var run = new RunState(scenario, board, transcript);
        progress?.Report($"{scenario.Name} on {board.Id}: firmware");
        FirmwareImage image;
        try
        {
            image = await firmware.ResolveAsync(scenario.Firmware, board, progress, cancellationToken);
        }
        catch (Exception e) when (e is FirmwareException or MissingToolException or TflmException or ModelException)
        {
            return run.Result(Outcome.Error, $"firmware: {e.Message}", wall, null);
        }
        run.Image = image;
        if (FirmwareResolver.DoesNotFit(image) is { } problem)
        {
            return run.Result(Outcome.Failed, $"does not fit: {problem}", wall, null);
        }
        IReadOnlyList<byte[]> inputs = [];
        IReadOnlyList<byte[]>? golden = null;
        if (scenario.Model is not null)
        {
            // Host work (features, golden outputs, and the host TFLM library they may have to build
            // first) is shared by every board of the scenario and is not part of a board's timeout.
            var step = "input tensors";
            try
            {
                inputs = await host.InputsAsync(scenario, progress, cancellationToken);
                if (scenario.Model.GoldenHost)
                {
                    step = "host golden run";
                    progress?.Report($"{scenario.Name} on {board.Id}: host golden run");
                    golden = await host.GoldenAsync(scenario, progress, cancellationToken);
                }
            }
            catch (Exception e) when (e is FirmwareException or MissingToolException or TflmException or ModelException or EmulatorException)
            {
                return run.Result(Outcome.Error, $"{step}: {e.Message}", wall, null);
            }
        }
        var boardFeatures = new List<(int Input, byte[] Rows, FeatureRun Run)>();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (gdbPort is null)
        {
            timeout.CancelAfter(scenario.Timeout);
        }
        WarmSession? warm = null;
        var healthy = false;
        try
        {
            foreach (var (source, index) in (scenario.Model?.Inputs ?? []).Select((source, index) => (source, index)))
            {
                if (source is AudioFeatures { OnBoard: true } features)
                {
                    var (rows, featureRun) = await RunFeaturesOnBoardAsync(run, features, index, scenario.Model!.Model.Inputs[index], progress, timeout.Token);
                    boardFeatures.Add((index, rows, featureRun));
                }
            }
            run.Stage = $"the {emulator.Name} emulator to start";
            progress?.Report($"{scenario.Name} on {board.Id}: {emulator.Name}");
            var workDirectory = Path.Combine(workRoot, $"{scenario.Name}-{board.Id}-{Guid.NewGuid():N}");
            warm = await pool.AcquireAsync(emulator, new EmulationRequest(image, workDirectory, gdbPort), timeout.Token);
            if (gdbPort is { } port)
            {
                progress?.Report(GdbAttach.Instructions(image, port, emulator.Name));
            }
            run.Session = warm.Session;
            await warm.BeginScenarioAsync(image, timeout.Token);
            await using var link = new LinkClient(warm.Session.Console, transcript);
            var guard = new Guard(run, warm, link);
            var result = image.SpeaksLink
                ? scenario.Model is not null
                    ? await RunModelAsync(run, guard, warm, link, inputs, golden, boardFeatures, progress, timeout.Token)
                    : await RunDiagAsync(run, guard, warm, link, progress, timeout.Token)
                : await RunConsoleAsync(run, guard, warm, timeout.Token);
            healthy = result.Outcome == Outcome.Passed;
            return result with { Figures = result.Figures with { WallSeconds = wall.Elapsed.TotalSeconds } };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return run.Result(Outcome.Failed, $"timed out after {scenario.Timeout.TotalSeconds:0.#} s (wall clock) waiting for {run.Stage}", wall,
                $"Last console lines:{Environment.NewLine}{transcript.Tail()}");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not this board's timeout and not the user: say so rather than end the run without a word.
            return run.Result(Outcome.Error, $"cancelled unexpectedly while waiting for {run.Stage}: {e.Message}", wall, transcript.Tail());
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
        catch (EmulatorFailedException e)
        {
            return run.Result(Outcome.Failed, $"the {emulator.Name} emulator reported an error while waiting for {run.Stage}: {e.Message}", wall, transcript.Tail());
        }
        catch (EmulatorExitedException e)
        {
            return run.Result(Outcome.Error, $"the {emulator.Name} process ended unexpectedly ({e.Exit.Describe()}) while waiting for {run.Stage}", wall,
                $"{e.Exit.Diagnostics}{Environment.NewLine}{transcript.Tail()}".Trim());
        }
        catch (Exception e) when (e is FirmwareException or TflmException or ModelException)
        {
            return run.Result(Outcome.Error, $"{e.Message} (while waiting for {run.Stage})", wall, transcript.Tail());
        }
        catch (Exception e) when (e is EmulatorException or LinkException or MissingToolException or IOException)
        {
            // A dying emulator closes the console first: when the process is gone too, that is the cause to report.
            if (run.Session is { } session && await Task.WhenAny(session.Exited, Task.Delay(ExitGrace, CancellationToken.None)) == session.Exited
                && await session.Exited is { Requested: false } exit)
            {
                return run.Result(Outcome.Error, $"the {emulator.Name} process ended unexpectedly ({exit.Describe()}) while waiting for {run.Stage}", wall,
                    $"{exit.Diagnostics}{Environment.NewLine}{transcript.Tail()}".Trim());
            }
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

    private static async Task<BoardResult> RunModelAsync(RunState run, Guard guard, WarmSession warm, LinkClient link, IReadOnlyList<byte[]> hostInputs,
        IReadOnlyList<byte[]>? golden, IReadOnlyList<(int Input, byte[] Rows, FeatureRun Run)> boardFeatures, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var plan = run.Scenario.Model!;
        var inputs = hostInputs.ToArray();
        var featureChecks = new List<Check>();
        foreach (var (input, rows, featureRun) in boardFeatures)
        {
            var tensor = plan.Model.Inputs[input];
            featureChecks.Add(Judge.AgainstGolden(input, TensorData.DecodeRaw(tensor, hostInputs[input]), TensorData.DecodeRaw(tensor, rows),
                bitExact: featureRun.Kernels == "reference", featureRun.Kernels, $"input {input} features (board) vs host"));
            inputs[input] = rows;
        }
        var image = run.Image!;
        var boot = await guard.Await("the runner's boot frame", link.WaitForBootAsync(cancellationToken));
        if (boot["status"] != "ok")
        {
            return run.Judged([new Check("model set-up", false, "TFLM allocates the model's tensors", $"{boot["status"]}: {TflmSays(run)}")],
                FiguresOf(image, null, null, null, null));
        }
        var client = new ModelClient(link, boot.MaxBody);
        async Task<IReadOnlyList<DeviceTensor?>> DescribeAsync(bool output, int count)
        {
            // One past the model's count too: the board must have no more tensors than the .tflite.
            var tensors = new List<DeviceTensor?>();
            for (var i = 0; i <= count; i++)
            {
                var tensor = await guard.Await($"the description of {(output ? "output" : "input")} {i}", client.DescribeAsync(output, i, cancellationToken));
                if (tensor is not null || i < count)
                {
                    tensors.Add(tensor);
                }
            }
            return tensors;
        }
        var described = Judge.TensorsAsDescribed(plan.Model.Inputs, plan.Model.Outputs,
            await DescribeAsync(false, plan.Model.Inputs.Count), await DescribeAsync(true, plan.Model.Outputs.Count));
        if (!described.Passed)
        {
            return run.Judged([described], FiguresOf(image, null, null, null, null));
        }
        foreach (var (tensor, index) in plan.Model.Inputs.Select((t, i) => (t, i)))
        {
            progress?.Report($"{run.Scenario.Name} on {run.Board.Id}: input {index} ({tensor.Bytes} B)");
            await guard.Await($"the upload of input {index}", client.SetInputAsync(index, inputs[index], cancellationToken));
        }
        progress?.Report($"{run.Scenario.Name} on {run.Board.Id}: invoke");
        var invokeClock = Stopwatch.StartNew();
        var invoke = await guard.Await("the inference (Invoke)", client.InvokeAsync(cancellationToken));
        var invokeWall = invokeClock.Elapsed.TotalSeconds;
        var checks = new List<Check>(featureChecks) { described, new("invoke", invoke.Ok, "Invoke() returns kTfLiteOk", invoke.Ok ? "kTfLiteOk" : $"an error: {TflmSays(run)}") };
        run.Stage = "the emulator's instruction count";
        var instructions = await warm.NextRegionAsync(RegionWait, cancellationToken);
        var counterSource = boot["counter"];
        var clock = warm.Session.Clock;
        var cycles = clock.CyclesFrom(invoke.CounterTicks, counterSource);
        checks.Add(instructions is null
            ? new Check("instruction count", false, "a count from the emulator", "none arrived")
            : Judge.CounterAgreesWithEmulator(instructions.Value, cycles, clock, counterSource));

        var outputs = new List<OutputValues>();
        foreach (var (tensor, index) in plan.Model.Outputs.Select((t, i) => (t, i)))
        {
            var bytes = await guard.Await($"output {index}", client.GetOutputAsync(index, tensor.Bytes, cancellationToken));
            outputs.Add(new OutputValues(index, tensor.ToString(), TensorData.DecodeRaw(tensor, bytes), TensorData.Decode(tensor, bytes)));
        }
        checks.AddRange(plan.Outputs.SelectMany(expectation => Judge.Output(expectation, outputs[expectation.Index])));
        if (golden is { } expected)
        {
            var kernels = boot["kernels"];
            checks.AddRange(plan.Model.Outputs.Select((tensor, i) => Judge.AgainstGolden(i, TensorData.DecodeRaw(tensor, expected[i]), outputs[i].Raw, bitExact: kernels == "reference", kernels)));
        }
        var profile = await guard.Await("the per-operator profile", client.ProfileAsync(invoke.ProfileEvents, cancellationToken));
        var stats = await guard.Await("the runner's statistics", client.StatsAsync(cancellationToken));
        var figures = FiguresOf(image, instructions, cycles, counterSource, stats.StackHighWater);
        checks.AddRange(Judge.Budgets(run.Scenario.Budgets, figures));
        var model = new ModelRun(plan.Model.Path, boot["tflm"], boot["kernels"], stats.ArenaSize, stats.ArenaUsed, outputs,
            profile.Select((p, i) => new OperatorCycles(i, p.Tag, clock.CyclesFrom(p.Ticks, counterSource))).ToList(), invokeWall,
            boardFeatures.Select(f => f.Run).FirstOrDefault());
        return run.Judged(checks, figures) with { Model = model };
    }

    /// <summary>
    /// 'features: { on: board }': the preprocessor's own runner on this board, one invoke per window of
    /// audio in one interpreter (state carried over), before the model's firmware runs. Its own emulator
    /// session, so the model's run starts from a fresh boot.
    /// </summary>
    private async Task<(byte[] Rows, FeatureRun Run)> RunFeaturesOnBoardAsync(RunState run, AudioFeatures features, int input, TensorInfo target,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var layout = features.Layout(target);
        var kernels = ((ModelFirmware)run.Scenario.Firmware).Kernels;
        run.Stage = $"the preprocessor firmware ({Path.GetFileName(features.Preprocessor.Path)})";
        var image = await firmware.ResolveAsync(new ModelFirmware(features.Preprocessor.Path, kernels, null), run.Board, progress, cancellationToken);
        if (FirmwareResolver.DoesNotFit(image) is { } problem)
        {
            throw new FirmwareException($"the preprocessor {Path.GetFileName(features.Preprocessor.Path)} does not fit: {problem}");
        }
        var workDirectory = Path.Combine(workRoot, $"{run.Scenario.Name}-{run.Board.Id}-features-{Guid.NewGuid():N}");
        var warm = await pool.AcquireAsync(emulator, new EmulationRequest(image, workDirectory), cancellationToken);
        var healthy = false;
        try
        {
            run.Session = warm.Session;
            var previousImage = run.Image;
            run.Image = image;
            await warm.BeginScenarioAsync(image, cancellationToken);
            await using var link = new LinkClient(warm.Session.Console, run.Transcript);
            var guard = new Guard(run, warm, link);
            var boot = await guard.Await("the preprocessor runner's boot frame", link.WaitForBootAsync(cancellationToken));
            if (boot["status"] != "ok")
            {
                throw new FirmwareException($"TFLM could not set up the preprocessor {Path.GetFileName(features.Preprocessor.Path)} on {run.Board.Id} ({boot["status"]}): {TflmSays(run)}");
            }
            var client = new ModelClient(link, boot.MaxBody);
            var rows = new byte[layout.Frames * layout.RowBytes];
            long total = 0, max = 0;
            progress?.Report($"{run.Scenario.Name} on {run.Board.Id}: features of {Path.GetFileName(features.AudioPath)} ({layout.Frames} windows) on the board");
            for (var frame = 0; frame < layout.Frames; frame++)
            {
                await guard.Await($"the upload of audio window {frame}", client.SetInputAsync(0, layout.WindowBytes(frame), cancellationToken));
                var invoke = await guard.Await($"the preprocessor's Invoke() on window {frame}", client.InvokeAsync(cancellationToken));
                if (!invoke.Ok)
                {
                    throw new FirmwareException($"the preprocessor's Invoke() failed on window {frame}: {TflmSays(run)}");
                }
                var instructions = await warm.NextRegionAsync(RegionWait, cancellationToken) ?? 0;
                (total, max) = (total + instructions, Math.Max(max, instructions));
                (await guard.Await($"the features of window {frame}", client.GetOutputAsync(0, layout.RowBytes, cancellationToken))).CopyTo(rows, frame * layout.RowBytes);
            }
            var stats = await guard.Await("the preprocessor runner's statistics", client.StatsAsync(cancellationToken));
            healthy = true;
            run.Image = previousImage;
            return (rows, new FeatureRun(features.Preprocessor.Path, input, layout.Frames, total, max, image.Memory.FlashBytes, stats.ArenaUsed, boot["kernels"]));
        }
        finally
        {
            await pool.ReleaseAsync(warm, healthy);
        }
    }

    private static Figures FiguresOf(FirmwareImage image, long? instructions, long? cycles, string? counterSource, long? stackHighWater) =>
        new(instructions, cycles, counterSource, image.Memory.FlashBytes, image.Memory.StaticRamBytes, stackHighWater,
            stackHighWater is { } stack ? image.Memory.StaticRamBytes + stack : null, 0, image.BuildTime.TotalSeconds, image.FromCache);

    /// <summary>TFLM's own last words (its MicroPrintf lines arrive as LOG frames).</summary>
    private static string TflmSays(RunState run)
    {
        var lines = run.Transcript.Lines.Where(l => l.Source == "log").Select(l => l.Text).TakeLast(5).ToList();
        return lines.Count > 0 ? string.Join(" | ", lines) : "TFLM printed nothing";
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
            var finished = await Task.WhenAny(step, warm.FaultEntered, warm.Session.Exited, warm.EmulatorFailed);
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
            if (finished == warm.EmulatorFailed && !step.IsCompleted)
            {
                throw new EmulatorFailedException(await warm.EmulatorFailed);
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

    private sealed class EmulatorFailedException(string message) : Exception(message);

    private sealed class EmulatorExitedException(EmulatorExit exit) : Exception($"emulator exited with {exit.ExitCode}")
    {
        public EmulatorExit Exit { get; } = exit;
    }
}
