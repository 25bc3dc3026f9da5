using System.Net.Sockets;
using System.Text;
using Harness.Measurement;
using Harness.Runner;

namespace Harness.Tests.Pipeline;

/// <summary>--debug: the emulator waits on a GDB server, and a GDB remote-protocol client can stop and continue it.</summary>
[NonParallelizable]
public class DebugModeTests
{
    [TestCase("qemu")]
    [TestCase("renode")]
    public async Task TheBoardWaitsForADebuggerThenRunsTheScenarioWhenToldToContinue(string emulator)
    {
        if (emulator == "renode")
        {
            TestEnvironment.RequireRenode();
        }
        var port = FreePort();
        var progress = new List<string>();
        var run = PipelineFixture.RunManyAsync([$$"""
            name: debug-{{emulator}}
            emulator: {{emulator}}
            boards: [stm32f4]
            firmware: hello
            console: { pass: PASS }
            timeout: 5s
            """], new RunOptions(PipelineFixture.NewWorkDirectory(), GdbPort: port), new Progress<string>(p => { lock (progress) { progress.Add(p); } }));

        using var gdb = await ConnectAsync(port, TimeSpan.FromSeconds(60));
        // Let the 5 s scenario timeout pass while the debugger holds the board: debugging turns it off.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.That(run.IsCompleted, Is.False, "the scenario waits for the debugger");
        var stopReply = await RequestAsync(gdb, "?");
        Assert.That(stopReply, Does.Match(@"^[ST]05"), "the target reports it is stopped (SIGTRAP)");
        await SendAsync(gdb, "c");
        var (results, _, _) = await run.WaitAsync(TimeSpan.FromSeconds(60));
        var board = results.Single().Boards.Single();
        Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), board.Summary);
        lock (progress)
        {
            Assert.That(string.Join("\n", progress), Does.Contain($"-ex 'target remote 127.0.0.1:{port}'"), "the exact attach command is printed");
        }
    }

    /// <summary>
    /// As a user would: the printed command, run with gdb-multiarch, stops the board at the start of the
    /// measured region with its source found; continuing lets the run finish, and the debugger's stop
    /// does not fail it on the counter cross-check (it is reported as not judged).
    /// </summary>
    [TestCase("qemu")]
    [TestCase("renode")]
    public async Task ThePrintedGdbCommandStopsInTheMeasuredRegionWithSourcesAndTheRunStillPasses(string emulator)
    {
        if (emulator == "renode")
        {
            TestEnvironment.RequireRenode();
        }
        if (GdbAttach.Debugger() is null)
        {
            Assert.Fail($"no Arm GDB: {Harness.Tools.ExternalTool.ArmGdb.InstallHint} (.ci/run installs it)");
        }
        var port = FreePort();
        var progress = new List<string>();
        var run = PipelineFixture.RunManyAsync([$$"""
            name: debug-gdb-{{emulator}}
            emulator: {{emulator}}
            boards: [stm32f4]
            firmware: diag
            diag: { upload: 256, workload: 20000 }
            timeout: 5s
            """], new RunOptions(PipelineFixture.NewWorkDirectory(), GdbPort: port), new Progress<string>(p => { lock (progress) { progress.Add(p); } }));
        string? command = null;
        for (var wait = 0; wait < 600 && command is null; wait++)
        {
            await Task.Delay(100);
            lock (progress)
            {
                command = progress.SelectMany(p => p.Split('\n')).Select(l => l.Trim()).FirstOrDefault(l => l.Contains("target remote", StringComparison.Ordinal));
            }
        }
        Assert.That(command, Is.Not.Null, "the attach command is printed");
        // The printed command, in batch mode, with a breakpoint on the region's first marker.
        var arguments = SplitShellWords(command!);
        var gdb = new System.Diagnostics.ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        gdb.ArgumentList.Add("-batch");
        foreach (var argument in arguments.Skip(1).Concat(["-ex", "break harness_measure_begin", "-ex", "continue", "-ex", "info source", "-ex", "backtrace", "-ex", "delete", "-ex", "detach"]))
        {
            gdb.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(gdb)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        TestContext.Out.WriteLine(output);
        Assert.That(output, Does.Contain("harness_measure_begin"), "stopped at the breakpoint");
        Assert.That(output, Does.Match(@"Located in \S+/firmware/common/measure\.c"), "GDB found the source");
        var (results, _, _) = await run.WaitAsync(TimeSpan.FromSeconds(120));
        var board = results.Single().Boards.Single();
        Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), board.Summary);
        Assert.That(board.Checks.Single(c => c.Name == "counter vs emulator").Actual, Does.StartWith("not judged: a debugger held the board"));
    }

    /// <summary>Splits a command printed for a shell: words, with single-quoted parts kept whole.</summary>
    private static List<string> SplitShellWords(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        foreach (var c in command)
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<NetworkStream> ConnectAsync(int port, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                return client.GetStream();
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                client.Dispose();
                await Task.Delay(100);
            }
        }
    }

    private static async Task SendAsync(NetworkStream stream, string packet)
    {
        var checksum = Encoding.ASCII.GetBytes(packet).Aggregate(0, (sum, b) => (sum + b) & 0xFF);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"${packet}#{checksum:x2}"));
    }

    /// <summary>Sends one remote-protocol packet and returns the body of the reply packet.</summary>
    private static async Task<string> RequestAsync(NetworkStream stream, string packet)
    {
        await SendAsync(stream, packet);
        var text = new StringBuilder();
        var buffer = new byte[512];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var count = await stream.ReadAsync(buffer, limit.Token);
            Assert.That(count, Is.GreaterThan(0), "the GDB server closed the connection");
            text.Append(Encoding.ASCII.GetString(buffer, 0, count));
            var s = text.ToString();
            var start = s.IndexOf('$');
            var end = start < 0 ? -1 : s.IndexOf('#', start);
            if (end > 0 && s.Length >= end + 3)
            {
                await stream.WriteAsync("+"u8.ToArray());
                return s[(start + 1)..end];
            }
        }
    }
}
