using System.Text;
using Harness.Emulation.Renode;
using Harness.Tests.Fakes;

namespace Harness.Tests.Renode;

/// <summary>The monitor's reading of Renode's console, against a scripted Renode over in-memory pipes.</summary>
public class RenodeMonitorTests
{
    [Test]
    public async Task AnIncludedFileThatDoesNotCompileIsARefusalInRenodesWords()
    {
        var (stdin, renodeIn) = MemoryPipe.Create();
        var (renodeOut, stdout) = MemoryPipe.Create();
        var monitor = new RenodeMonitor();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var writing = monitor.WriteCommandsAsync(stdin, stop.Token);
        var reading = monitor.ReadOutputAsync(stdout, stop.Token);
        await renodeOut.WriteAsync(Encoding.UTF8.GetBytes("Renode, version 1.16.1\n(monitor) "), stop.Token);
        await monitor.WaitForPromptAsync(stop.Token);

        var executing = monitor.ExecuteAsync("include @hooks.cs", stop.Token);
        var command = new byte[64];
        _ = await renodeIn.ReadAsync(command, stop.Token); // the command went out: Renode answers
        await renodeOut.WriteAsync(Encoding.UTF8.GetBytes(
            "include @hooks.cs\n[INFO] Including script(s): hooks.cs\nErrors during compilation or loading:\nCould not compile assembly from: hooks.cs\n" +
            "hooks.cs(197,113): error CS1061: 'TimeDomainsManager' does not contain a definition for 'GetEffectiveVirtualTimeStamp'\n(monitor) "), stop.Token);

        var refusal = Assert.ThrowsAsync<RenodeCommandException>(() => executing)!;
        Assert.That(refusal.Message, Does.StartWith("Renode refused 'include @hooks.cs': ").And.Contain("error CS1061"));
        await stop.CancelAsync();
        await Task.WhenAll(writing, reading);
    }
}
