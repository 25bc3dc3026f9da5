using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;

namespace Harness.Runner;

/// <summary>What one firmware image's run on the board gave: the driver's observation, and the session it ran on.</summary>
public sealed record StepRun<T>(T Observation, ClockModel Clock, string CommandLine, string Version);

/// <summary>
/// One firmware image on the board, start to end: a (warm) emulator session reset to the image, the
/// link on its console, a driver through the plan. However the step ends — the CPU faults, the emulator
/// dies or errs, the window closes — it becomes a <see cref="BoardRunFailure"/> that names this image,
/// so a fault is always symbolized against the ELF that faulted.
/// </summary>
public sealed class BoardStep(SessionPool pool, IEmulator emulator, string workRoot, int? gdbPort)
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    public async Task<StepRun<T>> RunAsync<T>(FirmwareImage image, string label, ConsoleTranscript transcript,
        Func<LinkClient, IBoardWatch, CancellationToken, Task<T>> drive, RunWindow window, IProgress<string>? progress)
    {
        var stage = $"the {emulator.Name} emulator to start";
        WarmSession? warm = null;
        var healthy = false;
        try
        {
            var workDirectory = Path.Combine(workRoot, $"{label}-{Guid.NewGuid():N}");
            warm = await pool.AcquireAsync(emulator, new EmulationRequest(image, workDirectory, gdbPort), window.Token);
            if (gdbPort is { } port)
            {
                progress?.Report(GdbAttach.Instructions(image, port, emulator.Name));
            }
            stage = "the board to reset";
            await warm.BeginScenarioAsync(image, window.Token);
            await using var link = new LinkClient(warm.Session.Console, transcript, warm.Session.TargetMemory);
            var guard = new RunGuard(warm, link, window.Emulated is { } emulated ? new EmulatedLimit(emulated, image.Board.ClockHz) : null, window.Token);
            try
            {
                var observation = await drive(link, guard, window.Token);
                healthy = true;
                return new StepRun<T>(observation, warm.Session.Clock, warm.Session.CommandLine, warm.Session.Version);
            }
            finally
            {
                stage = guard.Stage;
            }
        }
        catch (Exception e) when (IsBoardFailure(e, window))
        {
            throw await FailureAsync(e, stage, window, transcript, image, warm);
        }
        finally
        {
            if (warm is not null)
            {
                await pool.ReleaseAsync(warm, healthy);
            }
        }
    }

    /// <summary>
    /// One step of a driver on a session that is already up and stays up (several inferences on one booted board):
    /// the step's waits are guarded like a scenario's, and every way it can end becomes a <see cref="BoardRunFailure"/>.
    /// </summary>
    public static async Task<T> OnSessionAsync<T>(WarmSession warm, LinkClient link, FirmwareImage image, Func<IBoardWatch, CancellationToken, Task<T>> drive,
        RunWindow window)
    {
        var guard = new RunGuard(warm, link, window.Emulated is { } emulated ? new EmulatedLimit(emulated, image.Board.ClockHz) : null, window.Token);
        try
        {
            return await drive(guard, window.Token);
        }
        catch (Exception e) when (IsBoardFailure(e, window))
        {
            throw await FailureAsync(e, guard.Stage, window, link.Transcript, image, warm);
        }
    }

    private static bool IsBoardFailure(Exception e, RunWindow window) =>
        e is OperationCanceledException ? window.TimedOut : e is HarnessException or IOException;

    /// <summary>What a step's exception means for the board run, symbolized against the image that ran.</summary>
    private static async Task<BoardRunFailure> FailureAsync(Exception exception, string stage, RunWindow window, ConsoleTranscript transcript, FirmwareImage image,
        WarmSession? warm)
    {
        var emulatorName = warm?.Session.EmulatorName ?? "emulator";
        switch (exception)
        {
            case OperationCanceledException:
                if (stage.Contains("boot frame", StringComparison.Ordinal) && transcript.Lines.Any(l => l.Source == LineSource.Uart)
                    && !transcript.Lines.Any(l => l.Source == LineSource.Boot))
                {
                    // Text but never a frame: this firmware does not speak the link at all.
                    return Failure(Outcome.Error, $"{Path.GetFileName(image.ElfPath)} printed text but never sent the link's boot frame within {window.Timeout?.TotalSeconds:0.#} s: " +
                        "it does not speak the harness's link protocol (judge such a firmware by its console: firmware: { elf: ... } with console: { pass: ... })",
                        $"Last console lines:{Environment.NewLine}{transcript.Tail()}", image, warm);
                }
                return Failure(Outcome.Failed, $"timed out after {window.Timeout?.TotalSeconds:0.#} s (wall clock) waiting for {stage}",
                    $"Last console lines:{Environment.NewLine}{transcript.Tail()}", image, warm);
            case EmulatedTimeoutException e:
                return Failure(Outcome.Failed, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"timed out after {e.Limit.Time.TotalSeconds:0.###} s of emulated time ({e.Ran:N0} instructions at the board's {e.Limit.ClockHz / 1e6:0.#} MHz) waiting for {stage}"),
                    $"Last console lines:{Environment.NewLine}{transcript.Tail()}", image, warm);
            case DeviceFaultException e:
            {
                var report = e.Report;
                var pc = await Symbolizer.DescribeAsync(image.ElfPath, report.Pc, CancellationToken.None);
                if (report.FoundByRequestLoop)
                {
                    return Failure(Outcome.Failed, $"stack overflow in {pc}: it ran the stack into its guard (the last 256 B of {Yaml.Quantity.FormatBytes(image.Board.StackSize)}, " +
                        "the board's 'stack:') or past it, over the static RAM below; found by the link's guard check before its answer left",
                        $"{report.Registers}{Environment.NewLine}Raise 'stack:' in platforms/{image.Board.Id}.yaml or make the call chain shallower.", image, warm);
                }
                var lr = await Symbolizer.DescribeAsync(image.ElfPath, report.Lr, CancellationToken.None);
                var causes = report.Causes.Count > 0 ? $" ({string.Join("; ", report.Causes)})" : "";
                var overflow = report.StackOverflowed ? $"stack overflow (the stack's guard words are overwritten: {Yaml.Quantity.FormatBytes(image.Board.StackSize)} were not enough), then " : "";
                return Failure(Outcome.Failed, $"{overflow}{report.ExceptionName}{causes} at PC {pc}; called from LR {lr}",
                    $"{report.ExceptionName}: {report.Registers}{Environment.NewLine}causes: {string.Join("; ", report.Causes.DefaultIfEmpty("not recorded (ARMv6-M has no fault status registers)"))}",
                    image, warm);
            }
            case FaultHandlerEnteredException e:
            {
                var handler = await Symbolizer.DescribeAsync(image.ElfPath, e.HandlerAddress, CancellationToken.None);
                return Failure(Outcome.Failed, $"the CPU entered its fault handler ({handler}) while waiting for {stage}", transcript.Tail(), image, warm);
            }
            case EmulatorExitedException e:
                return Exited(emulatorName, e.Exit, stage, transcript, image, warm);
            case EmulatorException { Outcome: Outcome.Failed } e:
                return Failure(Outcome.Failed, $"the {emulatorName} emulator reported an error while waiting for {stage}: {e.Message}", transcript.Tail(), image, warm);
            default:
                // A dying emulator closes the console first: when the process is gone too, that is the cause to report.
                if (warm is not null && await Task.WhenAny(warm.Session.Exited, Task.Delay(ExitGrace, CancellationToken.None)) == warm.Session.Exited
                    && await warm.Session.Exited is { Requested: false } exit)
                {
                    return Exited(emulatorName, exit, stage, transcript, image, warm);
                }
                var outcome = exception is HarnessException known ? known.Outcome : Outcome.Error;
                return Failure(outcome, $"{exception.Message} (while waiting for {stage})", transcript.Tail(), image, warm);
        }
    }

    private static BoardRunFailure Exited(string emulatorName, EmulatorExit exit, string stage, ConsoleTranscript transcript, FirmwareImage image, WarmSession? warm) =>
        Failure(Outcome.Error, $"the {emulatorName} process ended unexpectedly ({exit.Describe()}) while waiting for {stage}",
            $"{exit.Diagnostics}{Environment.NewLine}{transcript.Tail()}".Trim(), image, warm);

    private static BoardRunFailure Failure(Outcome outcome, string summary, string? detail, FirmwareImage image, WarmSession? warm) =>
        new(outcome, summary, detail, image, warm?.Session.CommandLine, warm?.Session.Clock.Description);
}
