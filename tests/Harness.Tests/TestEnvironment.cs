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
        // TFLM libraries take minutes to build and depend only on TFLM's commit and the build configuration: shared.
        return shipped with { CacheDirectory = cache, LibraryCacheDirectory = shipped.CacheDirectory };
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

    /// <summary>Skips (with the reason) when Renode is absent: it is in no package registry, the user installs it.</summary>
    public static void RequireRenode()
    {
        RequireQemuToolchain();
        if (ToolLocator.TryFind(ExternalTool.Renode, out var detail) is null)
        {
            Assert.Ignore($"Renode not found ({detail}); install Renode {Harness.Emulation.Renode.RenodeEmulator.Tested} and put 'renode' on PATH or set HARNESS_RENODE to run the Renode tests");
        }
    }

    /// <summary>The diag app built for <paramref name="board"/> and booting on <paramref name="emulator"/> (Renode: skipped where absent).</summary>
    public static async Task<Harness.Emulation.IEmulatorSession> StartDiagAsync(string emulator, string board, CancellationToken cancellationToken)
    {
        if (emulator == "renode")
        {
            RequireRenode();
        }
        RequireQemuToolchain();
        var firmware = await new FirmwareBuilder(Paths).BuildAsync(Boards.Get(board), "diag", cancellationToken);
        var work = Directory.CreateTempSubdirectory($"harness-{emulator}-{board}-").FullName;
        return await Harness.Emulation.EmulatorRegistry.Create(emulator, Paths).StartAsync(new Harness.Emulation.EmulationRequest(firmware, work), cancellationToken);
    }

    /// <summary>../shared beside the repository root (HARNESS_SHARED overrides): real TFLM models and test data.</summary>
    public static string Shared(params string[] parts)
    {
        var root = Environment.GetEnvironmentVariable("HARNESS_SHARED") is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared"));
        var path = Path.Combine([root, .. parts]);
        if (!Path.Exists(path))
        {
            Assert.Fail($"{path} is missing: the model tests read real TFLM models and inputs from ../shared beside the repository (or HARNESS_SHARED)");
        }
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Harness.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Harness.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The TFLM checkout (HARNESS_TFLM or the settings file); skips with the reason when there is none.</summary>
    public static Harness.Tflm.TflmCheckout RequireTflm()
    {
        var tflm = Harness.Tflm.TflmCheckout.OpenConfigured(null, HarnessSettings.Load(), out var source);
        if (tflm is null)
        {
            Assert.Ignore($"no TensorFlow Lite Micro checkout: {source}; the model tests need one (see README, 'Model scenarios')");
        }
        return tflm!;
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
