using Harness.Emulation;

namespace Harness.Runner;

/// <summary>
/// Keeps healthy emulator sessions warm between scenarios: a scenario whose firmware a warm session
/// already runs gets that session, reset, instead of paying for a new emulator process.
/// </summary>
/// <param name="maxIdle">Idle sessions kept at most; the longest idle is stopped to make room.</param>
public sealed class SessionPool(bool keepWarm, int maxIdle = 4) : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<WarmSession> idle = [];

    public int Started { get; private set; }
    public int Reused { get; private set; }

    public async Task<WarmSession> AcquireAsync(IEmulator emulator, EmulationRequest request, CancellationToken cancellationToken)
    {
        WarmSession? warm;
        lock (gate)
        {
            // One that runs the same board first (a reset); else one that can switch to it (Renode: cheaper than a new process).
            var usable = idle.Where(s => s.Session.EmulatorName == emulator.Name && !s.Session.Exited.IsCompleted && s.Session.CanRun(request.Firmware)).ToList();
            warm = usable.FirstOrDefault(s => s.Session.Firmware.Board.Id == request.Firmware.Board.Id) ?? usable.FirstOrDefault();
            if (warm is not null)
            {
                idle.Remove(warm);
                Reused++;
            }
        }
        if (warm is not null)
        {
            return warm;
        }
        var session = await emulator.StartAsync(request, cancellationToken);
        Started++;
        return new WarmSession(session);
    }

    /// <summary>Returns a session after a scenario: kept if it is healthy and warm reuse is on, else stopped.</summary>
    public async Task ReleaseAsync(WarmSession session, bool healthy)
    {
        if (keepWarm && healthy && !session.Session.Exited.IsCompleted && await ParkAsync(session))
        {
            WarmSession? evicted = null;
            lock (gate)
            {
                idle.Add(session);
                if (idle.Count > maxIdle)
                {
                    evicted = idle[0];
                    idle.RemoveAt(0);
                }
            }
            if (evicted is not null)
            {
                await evicted.DisposeAsync();
            }
            return;
        }
        await session.DisposeAsync();
    }

    private static readonly TimeSpan ParkWait = TimeSpan.FromSeconds(10);

    /// <summary>Stops the guest while it waits; a session that cannot is not kept.</summary>
    private static async Task<bool> ParkAsync(WarmSession session)
    {
        using var limit = new CancellationTokenSource(ParkWait);
        try
        {
            await session.Session.ParkAsync(limit.Token);
            return true;
        }
        catch (Exception e) when (e is HarnessException or OperationCanceledException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<WarmSession> sessions;
        lock (gate)
        {
            sessions = idle.ToList();
            idle.Clear();
        }
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }
}
