using System.Threading.Channels;
using Harness.Emulation;
using Harness.Emulation.Renode;

namespace Harness.Tests.Emulation;

/// <summary>The tails of the files an emulator appends to (its events, Renode's log): woken by the writes, not by a timer.</summary>
public class FileTailTests
{
    private string folder = null!;

    [SetUp]
    public void MakeFolder() => folder = Directory.CreateTempSubdirectory("harness-tail-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public async Task AWriteWakesTheReaderWithoutATimer()
    {
        var path = Path.Combine(folder, "events.txt");
        await File.WriteAllTextAsync(path, "");
        // No safety wake within the test's limit: only the watcher's notice can end the wait.
        using var writes = new FileWrites(path, safety: TimeSpan.FromMinutes(5));
        Assert.That(writes.Watching, Is.True, $"inotify should be available for {folder}");
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var waiting = writes.WaitAsync(limit.Token);
        Assert.That(waiting.IsCompleted, Is.False, "nothing was written yet");
        await File.AppendAllTextAsync(path, "begin 1\n", limit.Token);

        Assert.DoesNotThrowAsync(() => waiting, "the append did not wake the reader");
    }

    [Test]
    public async Task ARegionAppendedPieceByPieceArrivesWhole()
    {
        var path = Path.Combine(folder, "events.txt");
        var events = Channel.CreateUnbounded<EmulatorEvent>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var tail = new EventFileTail(path).RunAsync(events.Writer, stop.Token);

        foreach (var piece in new[] { "begin 10", "0\nopb 120\n", "ope 150\nopb 160\nope 19", "0\n", "end 300\n" })
        {
            await File.AppendAllTextAsync(path, piece, stop.Token);
            await Task.Delay(20, stop.Token);
        }

        var region = (RegionMeasured)await events.Reader.ReadAsync(stop.Token);
        Assert.That(region.Instructions, Is.EqualTo(200));
        Assert.That(region.Parts, Is.EqualTo(new long[] { 30, 30 }));
        await stop.CancelAsync();
        await tail;
    }

    [Test]
    public async Task RenodesLogIsFollowedFromBeforeItExists()
    {
        var path = Path.Combine(folder, "renode.log");
        var events = Channel.CreateUnbounded<EmulatorEvent>();
        var said = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var tail = new RenodeLogTail(path).RunAsync(events.Writer, line => { lock (said) { said.Add(line); } }, stop.Token);

        await Task.Delay(50, stop.Token);
        await File.WriteAllTextAsync(path, "[22:12:47.3518]  [INFO] stm32f746: Machine resumed.\n", stop.Token);
        await File.AppendAllTextAsync(path, "[22:12:48.2617]  [ERROR] cpu: CPU abort [PC=0x8000000]: Trying to execute code outside RAM or ROM at 0x00000000.\n", stop.Token);

        var failed = (EmulatorFailed)await events.Reader.ReadAsync(stop.Token);
        Assert.That(failed.Message, Does.StartWith("Renode: cpu: CPU abort"));
        lock (said)
        {
            Assert.That(said, Has.One.StartsWith("renode error: cpu: CPU abort"));
        }
        await stop.CancelAsync();
        await tail;
    }
}
