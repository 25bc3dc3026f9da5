namespace Harness.Runner;

/// <summary>
/// The board runs still to start, handed to workers so that each keeps to one board while that board has runs left: a
/// worker's warm emulator then only resets between them, instead of making another board's machine (in Renode a new
/// platform and more JIT, about a CPU-second that a second worker would rather have).
/// </summary>
/// <param name="boardOf">The run's emulator and board: runs with the same key can share a warm session.</param>
public sealed class BoardRunQueue<T>(IEnumerable<T> runs, Func<T, string> boardOf, int workers)
{
    private readonly List<T> pending = runs.ToList();
    private readonly string?[] current = new string?[workers];
    private readonly Lock gate = new();

    /// <summary>
    /// The next run for <paramref name="worker"/> (0-based): the first on its board, else the first on a board no other
    /// worker is on, else the first left. False when none is left.
    /// </summary>
    public bool TryTake(int worker, out T run)
    {
        lock (gate)
        {
            var mine = current[worker];
            var index = mine is null ? -1 : pending.FindIndex(r => boardOf(r) == mine);
            if (index < 0)
            {
                var others = current.Where((_, w) => w != worker).ToHashSet();
                index = pending.FindIndex(r => !others.Contains(boardOf(r)));
            }
            if (index < 0 && pending.Count > 0)
            {
                index = 0;
            }
            if (index < 0)
            {
                run = default!;
                return false;
            }
            run = pending[index];
            pending.RemoveAt(index);
            current[worker] = boardOf(run);
            return true;
        }
    }
}
