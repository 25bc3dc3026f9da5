using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Harness.Boards;
using Harness.Firmware;
using Harness.Tools;

namespace Harness.Tflm;

public enum KernelSet { Reference, CmsisNn }

public static class KernelSets
{
    /// <summary>TFLM's own name of the kernel set (its OPTIMIZED_KERNEL_DIR, or "reference"), as the runner reports it.</summary>
    public static string Name(this KernelSet kernels) => kernels == KernelSet.CmsisNn ? "cmsis_nn" : "reference";

    /// <summary>The kernel set a runner reported by name; null for a name the harness does not build.</summary>
    public static KernelSet? FromName(string? name) => name switch
    {
        "reference" => KernelSet.Reference,
        "cmsis_nn" or "cmsis-nn" => KernelSet.CmsisNn,
        _ => null,
    };
}

/// <summary>One TFLM library build: target, core, kernel set, build type (each its own cache folder).</summary>
public sealed record TflmBuildConfig(string Target, string Architecture, KernelSet Kernels)
{
    /// <summary>Keeps TFLM's error text (MicroPrintf) while optimising like "release", which strips it.</summary>
    public const string BuildType = "release_with_logs";

    public static TflmBuildConfig Host(KernelSet kernels = KernelSet.Reference) => new("linux", "x86_64", kernels);

    public static TflmBuildConfig For(BoardDescription board, KernelSet kernels) => new("cortex_m_generic", board.Core.Id switch
    {
        "cortex-m0" => "cortex-m0",
        "cortex-m0plus" => "cortex-m0plus",
        "cortex-m3" => "cortex-m3",
        "cortex-m4" => "cortex-m4",
        "cortex-m4f" => "cortex-m4+fp",
        "cortex-m7f" => "cortex-m7+fp",
        "cortex-m33" => "cortex-m33",
        var other => throw new TflmException($"no TFLM TARGET_ARCH known for core '{other}' (board {board.Id})"),
    }, kernels);

    public string KernelName => Kernels.Name();

    /// <summary>
    /// TFLM's optimisation levels for gcc (its Makefile's defaults for these targets) with debug information added: gcc's -g
    /// changes no generated code, and a fault inside a kernel then resolves to the kernel's function and source line.
    /// </summary>
    public static IReadOnlyList<string> DebugInfoArguments =>
        ["CORE_OPTIMIZATION_LEVEL=-Os -g", "KERNEL_OPTIMIZATION_LEVEL=-O2 -g", "THIRD_PARTY_KERNEL_OPTIMIZATION_LEVEL=-O2 -g"];

    public string Name => $"{Target}-{Architecture}-{KernelName}-{BuildType}-g";
}

/// <summary>A built libtensorflow-microlite.a and the flags code that uses it must be compiled with.</summary>
public sealed record TflmLibrary(TflmBuildConfig Config, string Commit, string LibraryPath, IReadOnlyList<string> IncludeDirectories,
    IReadOnlyList<string> CompileFlags, TimeSpan BuildTime, bool FromCache);

/// <summary>
/// Builds the TFLM library with TFLM's own Makefile (target microlite) into the harness cache,
/// once per (TFLM commit, target, core, kernel set, build type); never inside the checkout.
/// </summary>
public sealed class TflmLibraryBuilder(HarnessPaths paths, TflmCheckout tflm)
{
    private const string RecordName = "harness-library.txt";

    public string Folder(TflmBuildConfig config) =>
        Path.Combine(paths.Libraries, "tflm", tflm.CacheKey, config.Name);

    public async Task<TflmLibrary> BuildAsync(TflmBuildConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var folder = Folder(config);
        if (TryLoad(config, folder) is { } cached)
        {
            return cached;
        }
        // A fresh clone has no downloads/ yet: TFLM's own Makefile fetches its pieces where there is
        // network (the harness itself never downloads). If it cannot, the failure names what is missing.
        var missing = tflm.MissingDependencies(config.Kernels == KernelSet.CmsisNn);
        if (missing is not null)
        {
            progress?.Report($"the TFLM checkout lacks third-party pieces; TFLM's Makefile will try to fetch them:{Environment.NewLine}{missing}");
        }
        Directory.CreateDirectory(folder);
        await using var buildLock = await FileLock.AcquireAsync(folder + ".lock", cancellationToken);
        if (TryLoad(config, folder) is { } builtMeanwhile)
        {
            return builtMeanwhile;
        }
        var arguments = MakeArguments(config, folder);
        var environment = await EnvironmentAsync(cancellationToken);
        var make = ToolLocator.SearchPath("make") ?? throw new TflmException("'make' not found: apt-get install make (TFLM builds with its own Makefile)");
        progress?.Report($"building the TFLM library ({config.Name}) with TFLM's Makefile; this takes minutes, once (log: {Path.Combine(folder, "make.log")})");
        var objects = await CountObjectsAsync(make, arguments, environment, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        var log = Path.Combine(folder, "make.log");
        var output = new StringBuilder();
        var bar = new BuildProgress(config.Name, objects?.Total, objects?.Present ?? 0);
        void Line(string line)
        {
            lock (output)
            {
                output.AppendLine(line);
                // One compiler command per object (V=1: TFLM's Makefile echoes its commands): the share done and the time left, every 5 %.
                if (line.Contains(" -c ", StringComparison.Ordinal) && bar.Compiled(stopwatch.Elapsed) is { } report)
                {
                    progress?.Report(report);
                }
            }
        }
        // Cancelled, make gets SIGINT first, so it deletes the object it was writing (a half-written one
        // would break the next build, which resumes where this one stopped); then it is killed.
        using var forceful = new CancellationTokenSource();
        await using var escalate = cancellationToken.Register(() => forceful.CancelAfter(TimeSpan.FromSeconds(10)));
        CommandResult result;
        try
        {
            // Tethered: a make of many minutes must not run on after a harness that was killed.
            var tethered = await Emulation.Tether.CommandAsync(make, [.. arguments, "V=1", $"-j{Environment.ProcessorCount}", "microlite"], paths.CacheDirectory, cancellationToken);
            result = await tethered
                .WithWorkingDirectory(tflm.Root)
                .WithEnvironmentVariables(environment)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(Line))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(Line))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(forceful.Token, cancellationToken);
        }
        finally
        {
            await File.WriteAllTextAsync(log, output.ToString(), CancellationToken.None);
        }
        if (result.ExitCode != 0)
        {
            var text = output.ToString();
            var tail = string.Join('\n', text.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(20));
            var stillMissing = tflm.MissingDependencies(config.Kernels == KernelSet.CmsisNn);
            var downloading = text.Contains("wget", StringComparison.Ordinal) || text.Contains("curl", StringComparison.Ordinal)
                || text.Contains("Could not resolve host", StringComparison.Ordinal) || text.Contains("git clone", StringComparison.Ordinal);
            var offline = stillMissing is not null || downloading
                ? $"{Environment.NewLine}TFLM's Makefile could not fetch its third-party pieces (no network here?). Put them where it expects them, at the versions TFLM pins " +
                  $"('harness doctor' lists each), or build once on a machine with network:{Environment.NewLine}{stillMissing ?? "  (see the log)"}"
                : "";
            throw new TflmException($"TFLM's Makefile failed (exit {result.ExitCode}) building {config.Name}; full log: {log}{offline}\n{tail}");
        }
        var flags = await QueryAsync(make, arguments, environment, cancellationToken);
        var library = flags.Library;
        if (!File.Exists(library))
        {
            throw new TflmException($"TFLM's Makefile finished but {library} is not there; see {log}");
        }
        var record = new StringBuilder();
        record.AppendLine($"commit {tflm.Commit}");
        record.AppendLine($"library {library}");
        record.AppendLine($"seconds {stopwatch.Elapsed.TotalSeconds:0.0}");
        flags.Includes.ToList().ForEach(i => record.AppendLine($"include {i}"));
        flags.CompileFlags.ToList().ForEach(f => record.AppendLine($"flag {f}"));
        record.AppendLine($"make {string.Join(' ', arguments)} microlite");
        CacheSeal.Seal(library);
        await File.WriteAllTextAsync(Path.Combine(folder, RecordName), record.ToString(), cancellationToken);
        return new TflmLibrary(config, tflm.Commit, library, flags.Includes, flags.CompileFlags, stopwatch.Elapsed, FromCache: false);
    }

    private TflmLibrary? TryLoad(TflmBuildConfig config, string folder)
    {
        var record = Path.Combine(folder, RecordName);
        if (!File.Exists(record))
        {
            return null;
        }
        var lines = File.ReadAllLines(record).Select(l => (Key: l.Split(' ', 2)[0], Value: l.Split(' ', 2).ElementAtOrDefault(1) ?? "")).ToList();
        var library = lines.FirstOrDefault(l => l.Key == "library").Value;
        if (string.IsNullOrEmpty(library) || !File.Exists(library))
        {
            return null;
        }
        if (CacheSeal.Problem(library, CacheSeal.ArchiveMagic) is not null)
        {
            // Damaged: not used. Without the archive, TFLM's make archives its objects again (quick) on the next build.
            File.Delete(library);
            File.Delete(record);
            return null;
        }
        var seconds = double.TryParse(lines.FirstOrDefault(l => l.Key == "seconds").Value, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
        return new TflmLibrary(config, tflm.Commit, library, lines.Where(l => l.Key == "include").Select(l => l.Value).ToList(),
            lines.Where(l => l.Key == "flag").Select(l => l.Value).ToList(), TimeSpan.FromSeconds(seconds), FromCache: true);
    }

    private static IReadOnlyList<string> MakeArguments(TflmBuildConfig config, string folder)
    {
        var arguments = new List<string> { "-f", TflmCheckout.MakefilePath, $"TARGET={config.Target}" };
        if (config.Target == "cortex_m_generic")
        {
            // Without TARGET_TOOLCHAIN_ROOT the cortex_m_generic target downloads its own Arm toolchain.
            var gcc = ToolLocator.Find(ExternalTool.ArmGcc);
            arguments.Add($"TARGET_ARCH={config.Architecture}");
            arguments.Add($"TARGET_TOOLCHAIN_ROOT={Path.GetDirectoryName(gcc)}/");
        }
        if (config.Kernels == KernelSet.CmsisNn)
        {
            arguments.Add("OPTIMIZED_KERNEL_DIR=cmsis_nn");
        }
        arguments.Add($"BUILD_TYPE={TflmBuildConfig.BuildType}");
        arguments.AddRange(TflmBuildConfig.DebugInfoArguments);
        arguments.Add($"BASE_GENDIR={folder}");
        return arguments;
    }

    /// <summary>How many objects the library is archived from, and how many are already compiled (a build that was stopped goes on); null if the Makefile cannot say.</summary>
    private async Task<(int Total, int Present)?> CountObjectsAsync(string make, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        const string Objects = "$(MICROLITE_LIB_OBJS) $(MICROLITE_KERNEL_OBJS) $(MICROLITE_THIRD_PARTY_OBJS) $(MICROLITE_THIRD_PARTY_KERNEL_OBJS) $(MICROLITE_CUSTOM_OP_OBJS)";
        var result = await Cli.Wrap(make)
            .WithArguments([.. arguments, "-s", $"--eval=harness_count: ; @echo \"OBJECTS=$(words {Objects}) $(words $(wildcard {Objects}))\"", "harness_count"])
            .WithWorkingDirectory(tflm.Root)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        var line = result.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("OBJECTS=", StringComparison.Ordinal));
        var words = line?["OBJECTS=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return result.ExitCode == 0 && words is [var total, var present]
               && int.TryParse(total, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > 0
               && int.TryParse(present, System.Globalization.CultureInfo.InvariantCulture, out var p)
            ? (t, p)
            : null;
    }

    /// <summary>The library path, include folders and the defines/language flags TFLM compiled with, asked of its Makefile.</summary>
    private async Task<(string Library, IReadOnlyList<string> Includes, IReadOnlyList<string> CompileFlags)> QueryAsync(
        string make, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(make)
            .WithArguments([.. arguments, "-s", "--eval=harness_query: ; @echo \"LIB=$(MICROLITE_LIB_PATH)\" && echo \"INCLUDES=$(INCLUDES)\" && echo \"CXXFLAGS=$(CXXFLAGS)\"", "harness_query"])
            .WithWorkingDirectory(tflm.Root)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        string Value(string key) => result.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..].Trim()
            ?? throw new TflmException($"could not ask TFLM's Makefile for {key} (exit {result.ExitCode}): {result.StandardError.Trim()}");
        var includes = Value("INCLUDES").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(i => i.StartsWith("-I", StringComparison.Ordinal))
            .Select(i => Path.GetFullPath(Path.Combine(tflm.Root, i[2..])))
            .Distinct().ToList();
        // Only what changes how TFLM's headers compile: defines, the language standard, -fno-* switches.
        var flags = Value("CXXFLAGS").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => f.StartsWith("-D", StringComparison.Ordinal) || f.StartsWith("-std=", StringComparison.Ordinal) || f.StartsWith("-fno-", StringComparison.Ordinal))
            .Distinct().ToList();
        var library = Value("LIB");
        return (Path.IsPathRooted(library) ? library : Path.GetFullPath(Path.Combine(tflm.Root, library)), includes, flags);
    }

    /// <summary>TFLM's Makefile runs python3 with numpy while it parses; prefer a python3 on PATH that has it.</summary>
    private static async Task<IReadOnlyDictionary<string, string?>> EnvironmentAsync(CancellationToken cancellationToken)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var candidate in new[] { ToolLocator.SearchPath("python3"), "/usr/bin/python3" }.OfType<string>().Distinct())
        {
            if (!File.Exists(candidate))
            {
                continue;
            }
            var check = await Cli.Wrap(candidate).WithArguments(["-c", "import numpy"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
            if (check.ExitCode == 0)
            {
                return new Dictionary<string, string?> { ["PATH"] = $"{Path.GetDirectoryName(candidate)}:{path}" };
            }
        }
        throw new TflmException("TFLM's Makefile needs python3 with numpy (and PIL for image examples): apt-get install python3-numpy python3-pil");
    }
}
