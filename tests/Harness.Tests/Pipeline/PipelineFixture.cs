using Harness.Measurement;
using Harness.Runner;

namespace Harness.Tests.Pipeline;

/// <summary>Runs scenarios through the whole real pipeline: arm-none-eabi-gcc, CMake, qemu-system-arm, the UART link.</summary>
public static class PipelineFixture
{
    public static async Task<(ScenarioResult Result, string WorkDirectory)> RunAsync(string yaml, bool keepWarm = false)
    {
        var (results, work, _) = await RunManyAsync([yaml], new RunOptions(NewWorkDirectory(), keepWarm));
        return (results.Single(), work);
    }

    /// <summary>Runs several scenarios with one runner (so warm sessions and parallel jobs are shared), then disposes it.</summary>
    public static async Task<(IReadOnlyList<ScenarioResult> Results, string WorkDirectory, (int Started, int Reused) Sessions)> RunManyAsync(
        IReadOnlyList<string> yamls, RunOptions options, IProgress<string>? progress = null)
    {
        TestEnvironment.RequireQemuToolchain();
        var scenarios = yamls.Select(yaml => TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile(yaml))).ToList();
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        IReadOnlyList<ScenarioResult> results;
        (int, int) sessions;
        await using (var runner = new ScenarioRunner(TestEnvironment.Paths, TestEnvironment.Boards, options))
        {
            results = await runner.RunAllAsync(scenarios, progress, null, overall.Token);
            sessions = (runner.Sessions.Started, runner.Sessions.Reused);
        }
        foreach (var board in results.SelectMany(r => r.Boards))
        {
            TestContext.Out.WriteLine($"{board.Board} ({board.Emulator}): {board.Outcome} — {board.Summary}");
            foreach (var check in board.Checks)
            {
                TestContext.Out.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
            }
        }
        return (results, options.WorkDirectory, sessions);
    }

    public static string NewWorkDirectory() => Path.Combine(TestEnvironment.Paths.CacheDirectory, "runs", Guid.NewGuid().ToString("N"));

    /// <summary>Renode processes this test process started (Renode's command line does not name the work folder).</summary>
    public static IReadOnlyList<int> RenodeChildren() =>
        Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(pid => int.Parse(pid!))
            .Where(pid => ParentOf(pid) == Environment.ProcessId && ReadCommandLine(pid.ToString()).Contains("Renode", StringComparison.OrdinalIgnoreCase))
            .ToList();

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    /// <summary>qemu-system-arm processes whose command line mentions the folder (each run has its own).</summary>
    public static IReadOnlyList<int> EmulatorsUsing(string workDirectory) =>
        Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(pid => (Pid: int.Parse(pid!), CommandLine: ReadCommandLine(pid!)))
            .Where(p => p.CommandLine.Contains("qemu-system-arm") && p.CommandLine.Contains(workDirectory))
            .Select(p => p.Pid)
            .ToList();

    private static string ReadCommandLine(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
