using System.Threading.Channels;
using Harness.Emulation;

namespace Harness.Runner;

/// <summary>
/// An emulator session plus what the runner watches on it: measured regions (in order) and fault
/// handler entries. It can be reset and handed to the next scenario with the same firmware.
/// </summary>
public sealed class WarmSession : IAsyncDisposable
{
    private readonly Task pump;
    private Channel<long> regions = Channel.CreateUnbounded<long>();
    private TaskCompletionSource<uint> faultEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WarmSession(IEmulatorSession session)
    {
        Session = session;
        pump = Task.Run(PumpAsync);
    }

    public IEmulatorSession Session { get; }
    public int ScenariosRun { get; private set; }
    public Task<uint> FaultEntered => faultEntered.Task;

    /// <summary>Resets the board unless this is the session's first scenario (it has just booted).</summary>
    public async Task BeginScenarioAsync(CancellationToken cancellationToken)
    {
        if (ScenariosRun > 0)
        {
            regions = Channel.CreateUnbounded<long>();
            faultEntered = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
            await Session.ResetAsync(cancellationToken);
        }
        ScenariosRun++;
    }

    public async Task<long?> NextRegionAsync(TimeSpan wait, CancellationToken cancellationToken)
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
                    regions.Writer.TryWrite(region.Instructions);
                    break;
                case FaultHandlerEntered fault:
                    faultEntered.TrySetResult(fault.HandlerAddress);
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
