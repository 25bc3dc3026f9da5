using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;

namespace Harness.Tests.Cli;

/// <summary>SIGTERM or Ctrl-C mid-suite: what finished is reported, what did not is marked not run, and no emulator is left behind.</summary>
[NonParallelizable]
public class InterruptTests
{
    [TestCase("TERM")]
    [TestCase("INT")]
    public async Task ASignalMidSuiteStillWritesEveryReportAndLeavesNoEmulator(string signal)
    {
        TestEnvironment.RequireQemuToolchain();
        var directory = Directory.CreateTempSubdirectory("harness-interrupt").FullName;
        var marker = $"hang{Guid.NewGuid():N}"[..12];
        string Write(string name, string text)
        {
            var path = Path.Combine(directory, $"{name}.yaml");
            File.WriteAllText(path, text);
            return path;
        }
        var first = Write("first", "name: first\nboards: [mps2-an386]\nfirmware: diag\ndiag: { upload: 256 }\n");
        var hang = Write(marker, $"name: {marker}\nboards: [mps2-an386]\nfirmware: diag\ndiag: {{ upload: 256, then: hang }}\ntimeout: 120s\n");
        var last = Write("last", "name: last\nboards: [stm32f4]\nfirmware: diag\n");
        var output = Path.Combine(directory, "results");
        // As from a terminal: SIGINT at its default disposition. A test run started in the background of a
        // non-interactive shell (as CI may start it) inherits SIGINT ignored, and .NET then keeps ignoring it.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        // --cold: each scenario its own QEMU, so the hanging one can be told apart by its work folder.
        foreach (var argument in new[] { "--default-signal=INT", "dotnet", HarnessCli.Dll, "run", first, hang, last, "--out", output, "--cold" })
        {
            start.ArgumentList.Add(argument);
        }
        using var harness = Process.Start(start)!;
        var stdout = harness.StandardOutput.ReadToEndAsync();
        var stderr = harness.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!File.Exists(Path.Combine(output, "first.json")) || !EmulatorRunning(marker))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the first scenario finished and the hanging one started");
            Assert.That(harness.HasExited, Is.False, "the harness ended before it was interrupted");
            await Task.Delay(200);
        }
        await Task.Delay(500);
        Process.Start("kill", $"-{signal} {harness.Id}")!.WaitForExit();
        await harness.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));
        TestContext.Out.WriteLine(await stdout);
        TestContext.Out.WriteLine(await stderr);

        Assert.That(harness.ExitCode, Is.EqualTo(130), "interrupted");
        Assert.That(await stdout, Does.Contain("Interrupted:").And.Contain("of 3 board runs finished"));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "first.json"))))
        {
            Assert.That(json.RootElement.GetProperty("passed").GetBoolean(), Is.True);
        }
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "last.json"))))
        {
            var board = json.RootElement.GetProperty("boards")[0];
            Assert.That(board.GetProperty("outcome").GetString(), Is.EqualTo("not_run"));
            Assert.That(board.GetProperty("summary").GetString(), Does.StartWith("not run: the run was cancelled after"));
        }
        var junit = XDocument.Load(Path.Combine(output, "junit.xml"));
        Assert.That(junit.Descendants("testcase").Count(), Is.EqualTo(3));
        Assert.That(junit.Descendants("skipped").Count(), Is.EqualTo(2), "the interrupted run and the one that never started");
        Assert.That(File.ReadAllText(Path.Combine(output, "summary.md")), Does.Contain("2 did not run"));
        var orphans = EmulatorRunning(marker) ? 1 : 0;
        TestContext.Out.WriteLine($"kill: SIG{signal} mid-suite on qemu: {orphans} emulators left, reports written for 3 of 3 board runs");
        Assert.That(orphans, Is.EqualTo(0), "the hanging scenario's QEMU was stopped");
    }

    /// <summary>What a CI runner does at its job's timeout: kill -9 the harness. Its emulator must not run on, burning the runner's CPU.</summary>
    [TestCase("qemu")]
    [TestCase("renode")]
    public async Task AHarnessKilledWithSigkillLeavesNoEmulatorRunning(string emulator)
    {
        TestEnvironment.RequireQemuToolchain();
        if (emulator == "renode")
        {
            TestEnvironment.RequireRenode();
        }
        var directory = Directory.CreateTempSubdirectory("harness-sigkill").FullName;
        var marker = $"kill{Guid.NewGuid():N}"[..12];
        var scenario = Path.Combine(directory, $"{marker}.yaml");
        await File.WriteAllTextAsync(scenario, $"name: {marker}\nemulator: {emulator}\nboards: [stm32f4]\nfirmware: diag\ndiag: {{ upload: 256, then: hang }}\ntimeout: 300s\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { HarnessCli.Dll, "run", scenario, "--out", Path.Combine(directory, "results") })
        {
            start.ArgumentList.Add(argument);
        }
        using var harness = Process.Start(start)!;
        using var cleanup = new KillOnDispose(harness);
        _ = harness.StandardOutput.ReadToEndAsync();
        var log = harness.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        List<int> before = [];
        while (before.Count == 0)
        {
            // The emulator is up once a process of this run is still there 1.5 s after it was first seen (a short-lived
            // probe of the emulator's version, run in the same folder, is not it).
            var seen = Emulators(emulator, marker);
            if (seen.Count > 0 && await Task.WhenAny(Task.Delay(1500), log) != log)
            {
                before = Emulators(emulator, marker).Intersect(seen).ToList();
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the emulator started");
            Assert.That(harness.HasExited, Is.False, "the harness ended before it was killed");
            if (before.Count == 0)
            {
                await Task.Delay(200);
            }
        }
        harness.Kill(entireProcessTree: false);
        await harness.WaitForExitAsync();
        var gone = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Emulators(emulator, marker).Count > 0 && DateTime.UtcNow < gone)
        {
            await Task.Delay(100);
        }
        TestContext.Out.WriteLine($"kill: SIGKILL of the harness on {emulator}: {Emulators(emulator, marker).Count} emulators left of {before.Count}");
        Assert.That(Emulators(emulator, marker), Is.Empty, $"no {emulator} runs on after its harness was killed (it was {string.Join(", ", before)})");
    }

    /// <summary>Emulator processes of this test: QEMU by its work folder on the command line; Renode by its work folder as current directory.</summary>
    private static List<int> Emulators(string emulator, string marker) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(p => int.TryParse(p, out _)).Select(p => int.Parse(p!)).Where(pid =>
        {
            try
            {
                var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                if (emulator == "qemu")
                {
                    return command.Contains("qemu-system-arm", StringComparison.Ordinal) && command.Contains(marker, StringComparison.Ordinal);
                }
                // Renode may change its own folder to its installation's: the tether that started it keeps the run's.
                string Folder(int process) => new DirectoryInfo($"/proc/{process}/cwd").ResolveLinkTarget(true)?.FullName ?? "";
                var parent = int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                return command.Contains("Renode", StringComparison.Ordinal) && !command.Contains("tether", StringComparison.Ordinal)
                    && (Folder(pid).Contains(marker, StringComparison.Ordinal) || Folder(parent).Contains(marker, StringComparison.Ordinal));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }).ToList();

    private static bool EmulatorRunning(string marker) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(p => int.TryParse(p, out _)).Any(pid =>
        {
            try
            {
                var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                return command.Contains("qemu-system-arm", StringComparison.Ordinal) && command.Contains(marker, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });

    /// <summary>A harness the test started is never left running when an assertion ends the test early.</summary>
    private sealed class KillOnDispose(Process process) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
