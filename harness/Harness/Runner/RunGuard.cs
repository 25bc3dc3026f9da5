using Harness.Emulation;
using Harness.Link;
using Harness.Measurement;

namespace Harness.Runner;

/// <summary>
/// The board side of <see cref="IBoardWatch"/> for an emulator session: each step of a link driver is
/// awaited against the CPU entering a fault handler, the emulator reporting an error, and the emulator
/// process ending, so a run never waits for an answer that cannot come. It remembers the step it waits for.
/// </summary>
public sealed class RunGuard(WarmSession warm, LinkClient link, EmulatedLimit? limit = null, CancellationToken cancellationToken = default) : IBoardWatch
{
    private static readonly TimeSpan FaultReportWait = TimeSpan.FromSeconds(2);

    // The whole board run's emulated budget, counted from when the guard was made.
    private readonly Task<long> emulatedDeadline = limit is null
        ? new TaskCompletionSource<long>().Task
        : warm.RunsAsync(limit.Instructions, cancellationToken);

    public string Stage { get; private set; } = "the firmware to boot";

    public async Task<T> Await<T>(string stage, Task<T> step)
    {
        Stage = stage;
        var finished = await Task.WhenAny(step, warm.FaultEntered, warm.Session.Exited, warm.EmulatorFailed, emulatedDeadline);
        if (finished == emulatedDeadline && !step.IsCompleted && emulatedDeadline.IsCompletedSuccessfully)
        {
            throw new EmulatedTimeoutException(limit!, await emulatedDeadline);
        }
        if (finished == warm.FaultEntered && !step.IsCompleted)
        {
            // The firmware's own fault report carries the registers: give it a moment to arrive.
            if (await Task.WhenAny(link.Fault, Task.Delay(FaultReportWait)) == link.Fault)
            {
                throw new DeviceFaultException(await link.Fault);
            }
            throw new FaultHandlerEnteredException(await warm.FaultEntered);
        }
        if (finished == warm.EmulatorFailed && !step.IsCompleted)
        {
            throw new EmulatorException(await warm.EmulatorFailed, Outcome.Failed);
        }
        if (finished == warm.Session.Exited && !step.IsCompleted)
        {
            throw new EmulatorExitedException(await warm.Session.Exited);
        }
        return await step;
    }

    public Task<RegionMeasured?> NextRegionAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        Stage = "the emulator's instruction count";
        return warm.NextRegionAsync(wait, cancellationToken);
    }
}

/// <summary>A board run's bound in emulated time: the time the board's CPU runs, as instructions at its clock (one per cycle).</summary>
public sealed record EmulatedLimit(TimeSpan Time, long ClockHz)
{
    public long Instructions => (long)(Time.TotalSeconds * ClockHz);
}

/// <summary>The guest ran past the scenario's emulated-time limit while a step still waited.</summary>
public sealed class EmulatedTimeoutException(EmulatedLimit limit, long ran)
    : HarnessException($"ran {ran} instructions, past the emulated-time limit of {limit.Time.TotalSeconds} s", Outcome.Failed)
{
    public EmulatedLimit Limit { get; } = limit;
    public long Ran { get; } = ran;
}

/// <summary>The CPU entered a fault handler and the firmware sent no report of it.</summary>
public sealed class FaultHandlerEnteredException(uint handler) : HarnessException($"the CPU entered its fault handler at 0x{handler:x8}", Outcome.Failed)
{
    public uint HandlerAddress { get; } = handler;
}

/// <summary>The emulator process ended while the run still needed it.</summary>
public sealed class EmulatorExitedException(EmulatorExit exit) : EmulatorException($"the emulator process ended unexpectedly ({exit.Describe()})")
{
    public EmulatorExit Exit { get; } = exit;
}
