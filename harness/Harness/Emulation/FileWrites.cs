namespace Harness.Emulation;

/// <summary>
/// Wakes the reader of a file another process appends to when that process writes it (inotify, through
/// <see cref="FileSystemWatcher"/>), instead of on a timer. A tail polled every 5 ms is 200 thread-pool wakes a second
/// for the whole run, each a context switch and a spin on the cores the emulators need (measured over 8 person_detect
/// runs on Renode: half of the harness's context switches). Where the watcher cannot start (the inotify limits reached,
/// a file system without it), the reader polls as before.
/// </summary>
public sealed class FileWrites : IDisposable
{
    /// <summary>How often a reader with no watcher looks.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a reader with a watcher waits before it looks anyway: a notification lost (the kernel's queue overflowed) only delays it.</summary>
    public static readonly TimeSpan Safety = TimeSpan.FromMilliseconds(250);

    private readonly FileSystemWatcher? watcher;
    private readonly SemaphoreSlim written = new(0, 1);
    private readonly TimeSpan safety;

    /// <param name="path">The file; its folder must exist, the file need not yet.</param>
    /// <param name="safety">How long a wait with a watcher lasts at most (<see cref="Safety"/> unless a test says otherwise).</param>
    public FileWrites(string path, TimeSpan? safety = null)
    {
        this.safety = safety ?? Safety;
        var full = Path.GetFullPath(path);
        try
        {
            watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            watcher.Error += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            watcher?.Dispose();
            watcher = null;
        }
    }

    /// <summary>True when writes wake the reader; false when it polls.</summary>
    public bool Watching => watcher is not null;

    /// <summary>Returns when the file may have grown since the reader last found nothing more in it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (watcher is null)
        {
            await Task.Delay(Poll, cancellationToken);
            return;
        }
        await written.WaitAsync(safety, cancellationToken);
    }

    public void Dispose()
    {
        watcher?.Dispose();
        written.Dispose();
    }

    private void Signal()
    {
        try
        {
            // At most one wake is pending: a reader that wakes reads everything written so far.
            if (written.CurrentCount == 0)
            {
                written.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
        }
    }
}
