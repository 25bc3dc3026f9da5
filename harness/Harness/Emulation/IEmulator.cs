using System.Threading.Channels;
using Harness.Boards;
using Harness.Firmware;

namespace Harness.Emulation;

/// <summary>An emulator backend (QEMU, Renode): starts sessions that boot firmware on a board.</summary>
public interface IEmulator
{
    string Name { get; }

    /// <summary>Whether this backend can run the board at all; if not, why (shown to the user).</summary>
    bool Supports(BoardDescription board, out string reason);

    Task<IEmulatorSession> StartAsync(EmulationRequest request, CancellationToken cancellationToken);
}

/// <param name="WorkDirectory">A folder of this session's own, for logs and event files.</param>
/// <param name="GdbPort">When set, the emulator opens a GDB server on this port and waits for a debugger.</param>
public sealed record EmulationRequest(FirmwareImage Firmware, string WorkDirectory, int? GdbPort = null);

/// <summary>
/// One running emulator with a board and its firmware. It owns the emulator process: disposing
/// it always stops the process. A session can be kept warm and reset for the next scenario.
/// </summary>
public interface IEmulatorSession : IAsyncDisposable
{
    string EmulatorName { get; }

    /// <summary>The emulator's own version ("7.2.22", "1.16.1"): part of what a run's figures are comparable by.</summary>
    string Version { get; }

    /// <summary>The firmware the board runs now (changes when a reset loads another).</summary>
    FirmwareImage Firmware { get; }
    string CommandLine { get; }

    /// <summary>The board's console UART as a byte stream (valid across resets).</summary>
    Stream Console { get; }

    /// <summary>Writes the board's memory as a debug probe would (the link's bulk path), or null where this session cannot.</summary>
    Link.ITargetMemory? TargetMemory { get; }

    /// <summary>What the emulator itself observes: measured regions, fault-handler entries, its own exit.</summary>
    ChannelReader<EmulatorEvent> Events { get; }

    /// <summary>How virtual time and the firmware's counter relate to instructions in this emulator.</summary>
    ClockModel Clock { get; }

    /// <summary>Completes when the emulator process ends, for whatever reason.</summary>
    Task<EmulatorExit> Exited { get; }

    /// <summary>Whether <see cref="ResetAsync"/> can switch this session to the given firmware.</summary>
    bool CanRun(FirmwareImage firmware);

    /// <summary>Resets the board, loading <paramref name="firmware"/> (see <see cref="CanRun"/>), so it boots from its reset vector.</summary>
    Task ResetAsync(FirmwareImage firmware, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the guest while the session waits for its next scenario, where a waiting guest costs the host CPU; the next
    /// <see cref="ResetAsync"/> starts it again. Nothing to do by default: an idle QEMU sleeps.
    /// </summary>
    Task ParkAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public abstract record EmulatorEvent;

/// <summary>Instructions executed from the first instruction of the begin marker up to the end marker.</summary>
/// <param name="Parts">The instructions of each op-begin … op-end pair inside the region, in order (a model's operators).</param>
/// <param name="Mix">The region's instructions by timing class, where the emulator was given the ELF's code map.</param>
/// <param name="PartMixes">Each part's mix, in the order of <paramref name="Parts"/>, likewise.</param>
public sealed record RegionMeasured(long Instructions, IReadOnlyList<long> Parts, Silicon.InstructionMix? Mix = null, IReadOnlyList<Silicon.InstructionMix>? PartMixes = null) : EmulatorEvent;

/// <summary>The CPU started executing a fault handler named by the vector table.</summary>
public sealed record FaultHandlerEntered(uint HandlerAddress) : EmulatorEvent;

/// <summary>The guest's progress: instructions executed so far (totals since the emulator started, or since its hook was set).</summary>
public sealed record EmulatedClock(long Instructions) : EmulatorEvent;

/// <summary>The emulator itself reported an error that ends the run (e.g. Renode's "CPU abort").</summary>
public sealed record EmulatorFailed(string Message) : EmulatorEvent;

public sealed record EmulatorExit(int ExitCode, string Diagnostics, bool Requested)
{
    private static readonly Dictionary<int, string> Signals = new() { [2] = "SIGINT", [6] = "SIGABRT", [9] = "SIGKILL", [11] = "SIGSEGV", [15] = "SIGTERM" };

    /// <summary>"exit code 1", or "killed by SIGKILL" for a process a signal ended (exit code 128 + signal).</summary>
    public string Describe() => ExitCode > 128 && ExitCode < 160
        ? $"killed by {Signals.GetValueOrDefault(ExitCode - 128, $"signal {ExitCode - 128}")}"
        : $"exit code {ExitCode}";
}

/// <param name="InstructionsPerSecond">Virtual-time rate at which the emulator retires instructions.</param>
/// <param name="CounterHz">Ticks per virtual second of the firmware's fallback counter in this emulator.</param>
public sealed record ClockModel(double InstructionsPerSecond, long CounterHz, string Description)
{
    /// <summary>The firmware's counter ticks as core cycles, at one instruction per cycle of virtual time.</summary>
    /// <param name="countsCoreCycles">The counter is the core's own cycle counter (DWT), not a board timer at <see cref="CounterHz"/>.</param>
    public long CyclesFrom(ulong ticks, bool countsCoreCycles) =>
        countsCoreCycles ? (long)ticks : (long)Math.Round(ticks * InstructionsPerSecond / CounterHz);

    /// <summary>How many instructions one tick of the counter stands for: the finest difference it can show.</summary>
    public double InstructionsPerTick(bool countsCoreCycles) => countsCoreCycles ? 1 : InstructionsPerSecond / CounterHz;
}

public class EmulatorException(string message, Measurement.Outcome outcome = Measurement.Outcome.Error) : HarnessException(message, outcome);
