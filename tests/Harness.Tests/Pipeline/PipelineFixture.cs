using Harness.Measurement;
using Harness.Runner;

namespace Harness.Tests.Pipeline;

/// <summary>Runs scenarios through the whole real pipeline: arm-none-eabi-gcc, CMake, qemu-system-arm, the UART link.</summary>
public static class PipelineFixture
{
    public static async Task<(ScenarioResult Result, string WorkDirectory)> RunAsync(string yaml, bool keepWarm = false)
    {
        TestEnvironment.RequireQemuToolchain();
        var scenario = TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile(yaml));
        var work = Path.Combine(TestEnvironment.Paths.CacheDirectory, "runs", Guid.NewGuid().ToString("N"));
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var runner = new ScenarioRunner(TestEnvironment.Paths, TestEnvironment.Boards, new RunOptions(work, keepWarm));
        var result = await runner.RunAsync(scenario, null, overall.Token);
        foreach (var board in result.Boards)
        {
            TestContext.Out.WriteLine($"{board.Board}: {board.Outcome} — {board.Summary}");
            foreach (var check in board.Checks)
            {
                TestContext.Out.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
            }
        }
        return (result, work);
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
