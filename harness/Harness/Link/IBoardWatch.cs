namespace Harness.Link;

/// <summary>
/// What a link driver needs of the thing that runs the firmware, beyond its console: a way to await a
/// step that gives up at once when the CPU faults or the emulator fails, and the emulator's own count
/// of instructions over each measured region. Emulators and the host-native runner both provide it.
/// </summary>
public interface IBoardWatch
{
    /// <summary>Awaits one step of the run, named for the reports ("the upload of input 0").</summary>
    Task<T> Await<T>(string stage, Task<T> step);

    /// <summary>The instructions counted over the next measured region (and its marked parts), or null when none arrives within <paramref name="wait"/>.</summary>
    Task<Emulation.RegionMeasured?> NextRegionAsync(TimeSpan wait, CancellationToken cancellationToken);
}

public static class BoardWatchSteps
{
    /// <summary>Awaits a step that returns nothing.</summary>
    public static async Task Await(this IBoardWatch watch, string stage, Task step)
    {
        await watch.Await(stage, Done(step));

        static async Task<bool> Done(Task step)
        {
            await step;
            return true;
        }
    }
}
