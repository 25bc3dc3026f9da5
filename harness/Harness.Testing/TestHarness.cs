using System.Diagnostics;
using Harness.Boards;
using Harness.Firmware;
using Harness.Runner;
using Harness.Tflm;
using Harness.Tools;

namespace Harness.Testing;

/// <summary>What every board of a test run shares: the board catalog and firmware shipped beside the test assembly, the cache, the TFLM checkout.</summary>
internal sealed class TestHarness
{
    private static readonly Lazy<TestHarness> Instance = new(() => new TestHarness(HarnessPaths.Default()));

    private TestHarness(HarnessPaths paths)
    {
        Paths = paths;
        Boards = BoardCatalog.Load(paths.PlatformsDirectory);
        var tflm = new Lazy<TflmCheckout>(() => TflmCheckout.OpenConfigured(null, HarnessSettings.Load(), out var source)
            ?? throw new TflmException($"a model needs a TensorFlow Lite Micro checkout: {source}"));
        var host = new HostComputations(paths, () => tflm.Value);
        var builder = new FirmwareBuilder(paths);
        Firmware = new FirmwareResolver(builder, new TflmRunnerBuilder(paths, builder), () => tflm.Value, host);
        WorkDirectory = Path.Combine(paths.CacheDirectory, "runs", $"tests-{Environment.ProcessId}");
    }

    public static TestHarness Shared => Instance.Value;

    public HarnessPaths Paths { get; }
    public BoardCatalog Boards { get; }
    public FirmwareResolver Firmware { get; }
    public string WorkDirectory { get; }

    public Silicon.SiliconProfile? SiliconFor(BoardDescription board, string? part)
    {
        if (part is null)
        {
            return board.Silicon;
        }
        if (!Boards.Silicon.TryGetPart(part, out var profile))
        {
            throw new ArgumentException(Boards.Silicon.UnknownPartMessage(part), nameof(part));
        }
        if (board.Silicon is not { } own || Boards.Silicon.TimingOf(profile.Core) != own.Core)
        {
            throw new ArgumentException($"silicon part {part} has a {profile.Core} core; board '{board.Id}' has a {board.Core.Id}: estimate it as a part with its own core", nameof(part));
        }
        return own.As(profile);
    }
}

/// <summary>What a test needs that the user installs: absent, the test is ignored with the reason, never failed or passed.</summary>
internal static class Requirements
{
    public static void Emulator(string name)
    {
        var tool = name == "renode" ? ExternalTool.Renode : ExternalTool.Qemu;
        if (ToolLocator.TryFind(tool, out var detail) is null)
        {
            Assert.Ignore($"{tool.Name} not found ({detail}): {tool.InstallHint}");
        }
    }

    public static void Tflm()
    {
        if (TflmCheckout.OpenConfigured(null, HarnessSettings.Load(), out var source) is null)
        {
            Assert.Ignore($"no TensorFlow Lite Micro checkout: {source}; a model test needs one (HARNESS_TFLM, or 'tflm: <path>' in ~/.config/harness/config.yaml)");
        }
    }
}

/// <summary>A failed test, with the harness's message whole.</summary>
internal static class Outcomes
{
    public static Exception Fail(string message)
    {
        Assert.Fail(message);
        return new UnreachableException();
    }
}

/// <summary>Test files named relative: the current folder, then the test assembly's folder and each above it (so a repository's models/ is found from bin/Debug/net10.0).</summary>
internal static class TestFiles
{
    public static Func<string, string> Resolver() => Resolve;

    public static string Resolve(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path))
        {
            return Path.GetFullPath(path);
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, path);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return Path.GetFullPath(path);
    }
}
