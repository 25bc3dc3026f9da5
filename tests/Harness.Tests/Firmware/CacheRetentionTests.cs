using Harness.Tools;

namespace Harness.Tests.Firmware;

/// <summary>The cache's retention rule on a folder laid out as the harness lays out its cache.</summary>
public class CacheRetentionTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);

    private static string Folder(string cache, string path, TimeSpan age, int bytes = 10)
    {
        var folder = Path.Combine(cache, path);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "file"), new byte[bytes]);
        Directory.SetLastWriteTimeUtc(folder, Now - age);
        return folder;
    }

    [Test]
    public void OldRunFoldersAndFirmwareUnusedForAMonthGoTheRestStays()
    {
        var cache = Directory.CreateTempSubdirectory("harness-retention-").FullName;
        var oldRun = Folder(cache, "runs/stm32f4-aaa", TimeSpan.FromDays(8), 100);
        var recentRun = Folder(cache, "runs/stm32f4-bbb", TimeSpan.FromDays(6));
        var oldElf = Folder(cache, "firmware/stm32f4-diag-111", TimeSpan.FromDays(31), 1000);
        File.WriteAllText(oldElf + ".lock", "");
        var oldWork = Folder(cache, "firmware/stm32f4-tflm-runner-222.work", TimeSpan.FromDays(40), 1000);
        var usedElf = Folder(cache, "firmware/stm32f4-diag-333", TimeSpan.FromDays(90));
        CacheRetention.MarkUsed(usedElf);
        var library = Folder(cache, "tflm/90b983c2b3f1/cortex-m4", TimeSpan.FromDays(400));

        var pruned = CacheRetention.Prune(cache, Now);

        Assert.That((pruned.RunFolders, pruned.FirmwareEntries, pruned.Bytes), Is.EqualTo((1, 2, 2100)));
        Assert.That(new[] { oldRun, oldElf, oldElf + ".lock", oldWork }.Where(p => Path.Exists(p)), Is.Empty);
        Assert.That(new[] { recentRun, usedElf, library }.All(Directory.Exists), Is.True, "recent runs, firmware used lately and TFLM libraries stay");
    }

    [Test]
    public void AnEntryBeingBuiltIsLeftAloneAndAPruneRunsAtMostOnceADay()
    {
        var cache = Directory.CreateTempSubdirectory("harness-retention-").FullName;
        var building = Folder(cache, "firmware/stm32f4-diag-444", TimeSpan.FromDays(31));
        using (new FileStream(building + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.That(CacheRetention.PruneIfDue(cache, Now).FirmwareEntries, Is.Zero);
            Assert.That(Directory.Exists(building), Is.True, "its builder holds the lock");
        }
        Assert.That(CacheRetention.PruneIfDue(cache, Now.AddHours(23)), Is.EqualTo(PruneResult.None), "pruned less than a day ago");
        Assert.That(Directory.Exists(building), Is.True);
        Assert.That(CacheRetention.PruneIfDue(cache, Now.AddHours(25)).FirmwareEntries, Is.EqualTo(1));
        Assert.That(Directory.Exists(building), Is.False);
        Assert.That(CacheRetention.Describe(cache), Does.StartWith("run folders kept 7 days, firmware 30 days after its last use (last pruned 2026-12-06 13:00 UTC)"));
    }
}
