namespace Harness.Tools;

/// <summary>What one prune removed.</summary>
public sealed record PruneResult(int RunFolders, int FirmwareEntries, long Bytes)
{
    public static readonly PruneResult None = new(0, 0, 0);
}

/// <summary>
/// How long the cache keeps what runs leave in it, so that a CI machine's cache does not grow with every commit: a board
/// run's folder (its logs and replay script, which reports point at) for <see cref="RunsKept"/>; a firmware entry (an ELF,
/// or a model build's configured folder) for <see cref="FirmwareKept"/> after it was last used. TFLM libraries, keyed by
/// TFLM's commit, are kept: they take minutes to build. A run prunes at most once every <see cref="Every"/>.
/// </summary>
public static class CacheRetention
{
    public static readonly TimeSpan RunsKept = TimeSpan.FromDays(7);
    public static readonly TimeSpan FirmwareKept = TimeSpan.FromDays(30);
    public static readonly TimeSpan Every = TimeSpan.FromDays(1);

    private const string Stamp = "last-prune";

    public static string Describe(string cacheDirectory)
    {
        var stamp = new FileInfo(Path.Combine(cacheDirectory, Stamp));
        var last = stamp.Exists ? $"last pruned {stamp.LastWriteTimeUtc:yyyy-MM-dd HH:mm} UTC" : "not pruned yet";
        return $"run folders kept {RunsKept.TotalDays:0} days, firmware {FirmwareKept.TotalDays:0} days after its last use ({last})";
    }

    /// <summary>Marks a cache entry as used now: the firmware rule counts from its folder's time of last write.</summary>
    public static void MarkUsed(string entryDirectory)
    {
        try
        {
            Directory.SetLastWriteTimeUtc(entryDirectory, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache is used as it is; nothing is pruned from it either.
        }
    }

    /// <summary>Prunes unless the last prune is more recent than <see cref="Every"/>; never throws for what it cannot remove.</summary>
    public static PruneResult PruneIfDue(string cacheDirectory, DateTime now)
    {
        var stamp = Path.Combine(cacheDirectory, Stamp);
        if (File.Exists(stamp) && now - File.GetLastWriteTimeUtc(stamp) < Every)
        {
            return PruneResult.None;
        }
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            File.WriteAllText(stamp, "");
            File.SetLastWriteTimeUtc(stamp, now);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PruneResult.None;
        }
        return Prune(cacheDirectory, now);
    }

    public static PruneResult Prune(string cacheDirectory, DateTime now)
    {
        long bytes = 0;
        int runs = 0, firmware = 0;
        foreach (var folder in Old(Path.Combine(cacheDirectory, "runs"), now - RunsKept))
        {
            runs += Remove(folder, ref bytes) ? 1 : 0;
        }
        foreach (var folder in Old(Path.Combine(cacheDirectory, "firmware"), now - FirmwareKept))
        {
            // Under the entry's build lock, as a builder would hold it; an entry being built now is left alone.
            var lockPath = folder.FullName + ".lock";
            FileStream held;
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            using (held)
            {
                firmware += Remove(folder, ref bytes) ? 1 : 0;
            }
            Remove(new FileInfo(lockPath), ref bytes);
        }
        return new PruneResult(runs, firmware, bytes);
    }

    private static List<DirectoryInfo> Old(string parent, DateTime before)
    {
        try
        {
            return new DirectoryInfo(parent).EnumerateDirectories().Where(d => d.LastWriteTimeUtc < before).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool Remove(FileSystemInfo entry, ref long bytes)
    {
        try
        {
            var size = entry switch
            {
                DirectoryInfo folder => folder.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length),
                FileInfo { Exists: true } file => file.Length,
                _ => 0,
            };
            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else if (entry.Exists)
            {
                entry.Delete();
            }
            bytes += size;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // In use, already gone (another harness pruning), or not ours to remove: left for the next prune.
            return false;
        }
    }
}
