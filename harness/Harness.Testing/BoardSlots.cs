using System.Globalization;

namespace Harness.Testing;

/// <summary>
/// How many boards run at once in one test run: parallel fixtures wait for a slot instead of starting more emulators than
/// the machine has cores (HARNESS_TEST_BOARDS overrides). A wait that outlasts the step is said, not silent.
/// </summary>
public static class BoardSlots
{
    /// <summary>Boards that may be booted at once: HARNESS_TEST_BOARDS, else the machine's cores (at least 1).</summary>
    public static int Limit { get; } = int.TryParse(Environment.GetEnvironmentVariable("HARNESS_TEST_BOARDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
        ? n
        : Math.Max(1, Environment.ProcessorCount);

    private static readonly SemaphoreSlim Slots = new(Limit, Limit);

    internal static async Task<Slot> AcquireAsync(string who, CancellationToken cancellationToken)
    {
        if (!await Slots.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken))
        {
            Assert.Fail($"{who}: waited 10 min for one of the {Limit} board slots (HARNESS_TEST_BOARDS): do other tests keep boards booted without disposing them?");
        }
        return new Slot();
    }

    /// <summary>One booted board's place; released once.</summary>
    internal sealed class Slot : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                Slots.Release();
            }
        }
    }
}
