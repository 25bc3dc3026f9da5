using Harness.Emulation.Qemu;
using Harness.Firmware;
using Harness.Tools;

namespace Harness.Tests.Reliability;

/// <summary>
/// The cache is safe to share and to damage: two builders of the same firmware at once make one build and both get it;
/// a truncated or overwritten entry (ELF, plugin) is found by its seal and rebuilt, never used; an unwritable cache is
/// one clear error. Each test has a cache folder of its own.
/// </summary>
public class CacheSafetyTests
{
    private static HarnessPaths PrivateCache() =>
        TestEnvironment.Paths with { CacheDirectory = Directory.CreateTempSubdirectory("harness-cache-safety").FullName };

    [Test]
    public void ASealCatchesTruncationAndOverwritingAndAdoptsOnlyWholeUnsealedEntries()
    {
        var folder = Directory.CreateTempSubdirectory("harness-seal").FullName;
        var file = Path.Combine(folder, "entry.elf");
        File.WriteAllBytes(file, [.. CacheSeal.ElfMagic, .. new byte[1000]]);
        Assert.That(CacheSeal.Problem(file, CacheSeal.ElfMagic), Is.Null, "an unsealed entry that looks whole is adopted");
        Assert.That(File.Exists(file + ".sha256"), Is.True, "and sealed from then on");
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(500);
        }
        Assert.That(CacheSeal.Problem(file, CacheSeal.ElfMagic), Does.Contain("changed since it was built"));
        File.Delete(file + ".sha256");
        File.WriteAllBytes(file, [.. "!<arch>\n"u8.ToArray(), 1, 2, 3]);
        Assert.That(CacheSeal.Problem(file, CacheSeal.ElfMagic), Does.Contain("wrong magic"), "unsealed and not an ELF: not adopted");
        Directory.Delete(folder, true);
    }

    [Test]
    public async Task ATruncatedFirmwareElfInTheCacheIsRebuiltNotUsed()
    {
        TestEnvironment.RequireQemuToolchain();
        var paths = PrivateCache();
        var board = TestEnvironment.Boards.Get("mps2-an386");
        var first = await new FirmwareBuilder(paths).BuildAsync(board, "diag", CancellationToken.None);
        using (var stream = new FileStream(first.ElfPath, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        var second = await new FirmwareBuilder(paths).BuildAsync(board, "diag", CancellationToken.None);
        Assert.That((first.FromCache, second.FromCache), Is.EqualTo((false, false)), "the damaged entry was rebuilt");
        Assert.That(second.Elf.FindSymbol("harness_measure_begin"), Is.Not.Null, "and the rebuilt ELF is whole");
        var third = await new FirmwareBuilder(paths).BuildAsync(board, "diag", CancellationToken.None);
        Assert.That(third.FromCache, Is.True, "a whole entry is used");
        Directory.Delete(paths.CacheDirectory, true);
    }

    [Test]
    public async Task TwoBuildersOfTheSameFirmwareAtOnceMakeOneBuildAndBothGetIt()
    {
        TestEnvironment.RequireQemuToolchain();
        var paths = PrivateCache();
        var board = TestEnvironment.Boards.Get("microbit");
        var both = await Task.WhenAll(
            Task.Run(() => new FirmwareBuilder(paths).BuildAsync(board, "diag", CancellationToken.None)),
            Task.Run(() => new FirmwareBuilder(paths).BuildAsync(board, "diag", CancellationToken.None)));
        Assert.That(both.Count(image => !image.FromCache), Is.EqualTo(1), "one of them built it, the other waited and took it from the cache");
        Assert.That(both[0].ElfPath, Is.EqualTo(both[1].ElfPath));
        Assert.That(Directory.GetDirectories(Path.Combine(paths.CacheDirectory, "firmware")), Has.Length.EqualTo(1), "no second build folder left behind");
        Directory.Delete(paths.CacheDirectory, true);
    }

    [Test]
    public async Task AnOverwrittenQemuPluginIsRebuilt()
    {
        TestEnvironment.RequireQemuToolchain();
        var cache = PrivateCache().CacheDirectory;
        var plugin = await PluginBuilder.BuildAsync(cache, CancellationToken.None);
        await File.WriteAllTextAsync(plugin, "not a shared library");
        var rebuilt = await PluginBuilder.BuildAsync(cache, CancellationToken.None);
        Assert.That(rebuilt, Is.EqualTo(plugin));
        Assert.That(File.ReadAllBytes(rebuilt)[..4], Is.EqualTo(CacheSeal.ElfMagic), "a shared library again");
        Directory.Delete(cache, true);
    }

    [Test]
    public void AReadOnlyCacheIsOneClearError()
    {
        if (Environment.UserName == "root" || !OperatingSystem.IsLinux())
        {
            // root writes through any permission bits: a read-only folder cannot be made for it; use a file as the "folder".
            var file = Path.Combine(Directory.CreateTempSubdirectory("harness-ro").FullName, "not-a-folder");
            File.WriteAllText(file, "");
            var error = Assert.Throws<HarnessException>(() => CacheSeal.EnsureWritable(file))!;
            Assert.That(error.Message, Does.Contain($"cache folder {file} cannot be written").And.Contain("HARNESS_CACHE"));
            return;
        }
        var folder = Directory.CreateTempSubdirectory("harness-ro").FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var denied = Assert.Throws<HarnessException>(() => CacheSeal.EnsureWritable(folder))!;
        Assert.That(denied.Message, Does.Contain("cannot be written").And.Contain("HARNESS_CACHE"));
    }
}
