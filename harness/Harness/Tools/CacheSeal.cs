using System.Security.Cryptography;

namespace Harness.Tools;

/// <summary>
/// What makes a cache entry (a firmware ELF, a TFLM library, the QEMU plugin) safe to reuse: a seal beside it, the SHA-256 of
/// its bytes written when it was made. An entry whose bytes no longer match (truncated, overwritten, a disk error) is not
/// used but rebuilt; an entry from before seals existed is adopted when it looks whole (its format's magic), else rebuilt.
/// </summary>
public static class CacheSeal
{
    /// <summary>
    /// Entries this process has hashed and found whole, by size and time of last write: a suite uses the same TFLM library
    /// (26 MB) and firmware for scenario after scenario, and hashing them again each time was a tenth of the harness's CPU.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Length, DateTime Written)> Verified = new();

    private static string SealOf(string file) => file + ".sha256";

    public static void Seal(string file)
    {
        File.WriteAllText(SealOf(file), Hash(file));
        Remember(file);
    }

    private static void Remember(string file)
    {
        var info = new FileInfo(file);
        Verified[info.FullName] = (info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>Null when the entry can be used; else why not ("truncated or changed since it was built").</summary>
    public static string? Problem(string file, ReadOnlySpan<byte> magic)
    {
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                return "missing";
            }
            if (info.Length < magic.Length)
            {
                return $"truncated to {info.Length} B";
            }
            if (Verified.TryGetValue(info.FullName, out var known) && known == (info.Length, info.LastWriteTimeUtc))
            {
                return null;
            }
            var seal = SealOf(file);
            if (File.Exists(seal))
            {
                if (File.ReadAllText(seal).Trim() != Hash(file))
                {
                    return "its bytes changed since it was built (truncated or overwritten)";
                }
                Remember(file);
                return null;
            }
            Span<byte> head = stackalloc byte[magic.Length];
            using (var stream = File.OpenRead(file))
            {
                stream.ReadExactly(head);
            }
            if (!head.SequenceEqual(magic))
            {
                return "not the file it should be (wrong magic bytes)";
            }
            Seal(file);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"unreadable: {e.Message}";
        }
    }

    /// <summary>Throws a clear error where the cache folder cannot be written (read-only, full, not a folder).</summary>
    public static void EnsureWritable(string cacheDirectory)
    {
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            var probe = Path.Combine(cacheDirectory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, new byte[4096]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(cacheDirectory, e);
        }
    }

    public static HarnessException Unwritable(string cacheDirectory, Exception e) =>
        new($"the harness's cache folder {cacheDirectory} cannot be written ({e.Message}): make it writable or free space there, or point HARNESS_CACHE at another folder");

    public static readonly byte[] ElfMagic = [0x7F, (byte)'E', (byte)'L', (byte)'F'];
    public static readonly byte[] ArchiveMagic = "!<arch>\n"u8.ToArray();

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
