using System.Threading.Channels;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;

namespace Harness.Tests.Fakes;

/// <summary>
/// An emulator backend in memory: each session's console is a <see cref="MemoryPipe"/> whose device
/// end a test's fake firmware answers; the test pushes measured regions and fault entries, or ends
/// the "process", as a real emulator would. For the runner's logic without QEMU or Renode.
/// </summary>
/// <summary>A fake firmware: the boot frame it sends after every reset (null for none), and its answers to requests.</summary>
public sealed record FakeFirmware(string? Boot, Func<Frame, FakeDevice, Task> Handle);

public sealed class FakeEmulator(Func<FakeSession, FakeFirmware> firmware) : IEmulator
{
    private readonly List<FakeSession> sessions = [];

    public string Name => "fake";
    public IReadOnlyList<FakeSession> Sessions => sessions;

    /// <summary>When set, starting a session fails with this (an emulator that cannot start).</summary>
    public string? StartFailure { get; set; }

    public bool Supports(BoardDescription board, out string reason)
    {
        reason = "";
        return true;
    }

    public Task<IEmulatorSession> StartAsync(EmulationRequest request, CancellationToken cancellationToken)
    {
        if (StartFailure is { } failure)
        {
            throw new EmulatorException(failure);
        }
        var session = new FakeSession(request.Firmware);
        session.Attach(firmware(session));
        sessions.Add(session);
        return Task.FromResult<IEmulatorSession>(session);
    }
}

public sealed class FakeSession(FirmwareImage firmware) : IEmulatorSession
{
    private readonly Channel<EmulatorEvent> events = Channel.CreateUnbounded<EmulatorEvent>();
    private readonly TaskCompletionSource<EmulatorExit> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly (Stream Host, Stream Device) pipe = MemoryPipe.Create();
    private FakeDevice? device;
    private string? boot;

    public string EmulatorName => "fake";
    public string Version => "1.0";
    public FirmwareImage Firmware { get; private set; } = firmware;
    public string CommandLine => $"fake-emulator {Firmware.ElfPath}";
    public Stream Console => pipe.Host;
    public Harness.Link.ITargetMemory? TargetMemory => null;
    public ChannelReader<EmulatorEvent> Events => events.Reader;
    public ClockModel Clock { get; } = new(1e9, 1_000_000_000, "fake: 1 instruction per ns");
    public Task<EmulatorExit> Exited => exited.Task;
    public int Resets { get; private set; }
    public int Parks { get; private set; }
    public bool Disposed { get; private set; }

    /// <summary>Set to make parking fail as a dead emulator's monitor would.</summary>
    public Exception? ParkFails { get; set; }
    public FakeDevice Device => device ?? throw new InvalidOperationException("no device yet");

    public void Attach(FakeFirmware firmware)
    {
        boot = firmware.Boot;
        device = new FakeDevice(pipe.Device, firmware.Handle);
        Booted();
    }

    private void Booted()
    {
        if (boot is not null)
        {
            device!.BootAsync(boot).GetAwaiter().GetResult();
        }
    }

    /// <summary>The emulator counted this many instructions over a measured region.</summary>
    public void Region(long instructions, params long[] parts) => events.Writer.TryWrite(new RegionMeasured(instructions, parts));

    public void FaultHandlerEntered(uint address) => events.Writer.TryWrite(new FaultHandlerEntered(address));

    /// <summary>The emulator process dies (as a crash, not asked to).</summary>
    public void Crash(int exitCode = 139)
    {
        exited.TrySetResult(new EmulatorExit(exitCode, "fake crash", Requested: false));
        device?.Disconnect();
    }

    public bool CanRun(FirmwareImage other) => other.Board.Id == Firmware.Board.Id;

    public Task ResetAsync(FirmwareImage next, CancellationToken cancellationToken)
    {
        Firmware = next;
        Resets++;
        Booted();
        return Task.CompletedTask;
    }

    public Task ParkAsync(CancellationToken cancellationToken)
    {
        Parks++;
        return ParkFails is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Disposed = true;
        exited.TrySetResult(new EmulatorExit(0, "", Requested: true));
        events.Writer.TryComplete();
        if (device is not null)
        {
            await device.DisposeAsync();
        }
        await pipe.Host.DisposeAsync();
    }
}
