using Harness.Boards;
using Harness.Firmware;
using Harness.Scenarios;
using Harness.Tools;

namespace Harness.Tests;

/// <summary>The harness as a test sees it: the shipped board catalog and firmware, a private cache, the real tools.</summary>
public static class TestEnvironment
{
    private static readonly Lazy<HarnessPaths> LazyPaths = new(() =>
    {
        var shipped = HarnessPaths.Default();
        // A cache of the test run's own, outside the checkout, shared by all tests of the run.
        var cache = Environment.GetEnvironmentVariable("HARNESS_TEST_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(HarnessPaths.DefaultCache(), "tests");
        return shipped with { CacheDirectory = cache };
    });

    public static HarnessPaths Paths => LazyPaths.Value;
    public static BoardCatalog Boards => BoardCatalog.Load(Paths.PlatformsDirectory);
    public static ScenarioParser Parser => new(Boards, new FirmwareBuilder(Paths).Apps);

    /// <summary>Fails (never skips) when a tool the QEMU pipeline needs is missing: .ci/run installs them all.</summary>
    public static void RequireQemuToolchain()
    {
        foreach (var tool in new[] { ExternalTool.CMake, ExternalTool.ArmGcc, ExternalTool.Qemu, ExternalTool.HostCc })
        {
            if (ToolLocator.TryFind(tool, out _) is null)
            {
                Assert.Fail($"{tool.Name} is missing: {tool.InstallHint}");
            }
        }
    }

    public static string NewScenarioFile(string yaml)
    {
        var directory = Path.Combine(Path.GetTempPath(), "harness-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "scenario.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
