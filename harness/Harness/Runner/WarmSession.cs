using System.Threading.Channels;
using Harness.Emulation;
using Harness.Firmware;

namespace Harness.Runner;

/// <summary>
/// An emulator session plus what the runner watches on it: measured regions (in order) and fault
/// handler entries. It can be reset and handed to the next scenario with the same firmware.
/// </summary>
public sealed class WarmSession : IAsyncDisposable
{
    private readonly Task pump;
    private Channel<RegionMeasured> regions = Channel.CreateUnbounded<RegionMeasured>();
    private TaskCompletionSource<uint> faultEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<string> emulatorFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WarmSession(IEmulatorSession session)
    {
        Session = session;
        pump = Task.Run(PumpAsync);
    }

    public IEmulatorSession Session { get; }
    public int ScenariosRun { get; private set; }
    public Task<uint> FaultEntered => faultEntered.Task;

    /// <summary>The guest's instructions so far, as the emulator last said (null before it said anything).</summary>
    public long? Clock { get; private set; }

    /// <summary>Raised on every clock line, with its count.</summary>
    public event Action<long>? Ticked;

    /// <summary>Completes once the guest has run <paramref name="instructions"/> more than at the call (never, where the emulator gives no clock).</summary>
    public Task<long> RunsAsync(long instructions, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        long? start = Clock;
        void OnTick(long now)
        {
            start ??= now;
            if (now - start >= instructions)
            {
                done.TrySetResult(now - start.Value);
            }
        }
        Ticked += OnTick;
        var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        _ = done.Task.ContinueWith(_ =>
        {
            Ticked -= OnTick;
            registration.Dispose();
        }, TaskScheduler.Default);
        return done.Task;
    }

    /// <summary>The emulator's own report of an error that ends the run.</summary>
    public Task<string> EmulatorFailed => emulatorFailed.Task;

    /// <summary>Resets the board (loading <paramref name="firmware"/>) unless this is the session's first scenario (it has just booted).</summary>
    public async Task BeginScenarioAsync(FirmwareImage firmware, CancellationToken cancellationToken)
    {
        if (ScenariosRun > 0)
        {
            regions = Channel.CreateUnbounded<RegionMeasured>();
            // The last scenario's emulated deadlines end with it: none of them may linger on a warm session.
            Ticked = null;
            // A reset may restart the emulator's count (Renode makes a new CPU when it switches boards): the next scenario's
            // emulated time is counted from its first clock line.
            Clock = null;
            faultEntered = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
            emulatorFailed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await Session.ResetAsync(firmware, cancellationToken);
        }
        ScenariosRun++;
    }

    public async Task<RegionMeasured?> NextRegionAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(wait);
        try
        {
            return await regions.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var item in Session.Events.ReadAllAsync())
        {
            switch (item)
            {
                case RegionMeasured region:
                    regions.Writer.TryWrite(region);
                    break;
                case FaultHandlerEntered fault:
                    faultEntered.TrySetResult(fault.HandlerAddress);
                    break;
                case EmulatorFailed failure:
                    emulatorFailed.TrySetResult(failure.Message);
                    break;
                case EmulatedClock clock:
                    Clock = clock.Instructions;
                    Ticked?.Invoke(clock.Instructions);
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await pump;
    }
}
