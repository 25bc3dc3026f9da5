using System.Text.RegularExpressions;

namespace Harness.Tflm;

/// <summary>One third-party piece TFLM's Makefile expects in its downloads/ folder.</summary>
/// <param name="Folder">Under tensorflow/lite/micro/tools/make/downloads/.</param>
/// <param name="Sentinel">A file that is there when the piece is (relative to the folder), or null for "the folder exists".</param>
/// <param name="PinnedIn">The TFLM file that pins its version, and a pattern that captures the pin.</param>
/// <param name="Occurrence">Which match of the pattern in that file (cmsis_download.sh pins two repositories).</param>
public sealed record TflmDependency(string Name, string Folder, string? Sentinel, string Repository, string PinnedIn, string PinPattern,
    bool OnlyForCmsisNn = false, int Occurrence = 0);

public sealed record DependencyStatus(TflmDependency Dependency, bool Present, string? Pin, string Path);

/// <summary>
/// The user's TensorFlow Lite Micro checkout: found from --tflm, HARNESS_TFLM or the settings file
/// (in that order), checked before anything is built, never downloaded or changed by the harness.
/// </summary>
public sealed partial record TflmCheckout(string Root, string Commit)
{
    public const string MakefilePath = "tensorflow/lite/micro/tools/make/Makefile";
    public const string DownloadsPath = "tensorflow/lite/micro/tools/make/downloads";

    public static readonly IReadOnlyList<TflmDependency> Dependencies =
    [
        new("flatbuffers", "flatbuffers", "include/flatbuffers/flatbuffers.h", "google/flatbuffers (with TFLM's flatbuffers.patch)",
            "tensorflow/lite/micro/tools/make/flatbuffers_download.sh", "ZIP_PREFIX=\"([^\"]+)\""),
        new("gemmlowp", "gemmlowp", "fixedpoint/fixedpoint.h", "google/gemmlowp",
            "tensorflow/lite/micro/tools/make/third_party_downloads.inc", @"gemmlowp/archive/([0-9a-f]+)\.zip"),
        new("ruy", "ruy", "ruy/profiler/instrumentation.h", "google/ruy",
            "tensorflow/lite/micro/tools/make/third_party_downloads.inc", @"ruy/archive/([0-9a-f]+)\.zip"),
        new("kissfft", "kissfft", "kiss_fft.h", "mborgerding/kissfft (with TFLM's kissfft.patch)",
            "tensorflow/lite/micro/tools/make/kissfft_download.sh", @"kissfft/archive/refs/tags/([^/""]+)\.zip"),
        new("CMSIS_6", "cmsis", "CMSIS/Core/Include/cmsis_compiler.h", "ARM-software/CMSIS_6",
            "tensorflow/lite/micro/tools/make/ext_libs/cmsis_download.sh", "ZIP_PREFIX=\"([0-9a-f]{40})\""),
        new("Cortex_DFP", "cmsis/Cortex_DFP", "Device/ARMCM4/Include/ARMCM4.h", "ARM-software/Cortex_DFP",
            "tensorflow/lite/micro/tools/make/ext_libs/cmsis_download.sh", "ZIP_PREFIX=\"([0-9a-f]{40})\"", Occurrence: 1),
        new("CMSIS-NN", "cmsis_nn", "Include/arm_nnfunctions.h", "ARM-software/CMSIS-NN",
            "tensorflow/lite/micro/tools/make/ext_libs/cmsis_nn_download.sh", "ZIP_PREFIX_NN=\"([0-9a-f]+)\"", OnlyForCmsisNn: true),
        new("pigweed (an empty folder is enough: it stops the Makefile from cloning it)", "pigweed", null, "pigweed.googlesource.com (not needed for the library)",
            "tensorflow/lite/micro/tools/make/pigweed_download.sh", "^$"),
    ];

    public string Downloads => Path.Combine(Root, DownloadsPath);

    /// <summary>Where the checkout comes from, first match wins: the CLI flag, HARNESS_TFLM, the settings file.</summary>
    public static string? Locate(string? flag, Tools.HarnessSettings settings, out string source)
    {
        if (!string.IsNullOrEmpty(flag))
        {
            source = "--tflm";
            return flag;
        }
        if (Environment.GetEnvironmentVariable("HARNESS_TFLM") is { Length: > 0 } variable)
        {
            source = "HARNESS_TFLM";
            return variable;
        }
        if (settings.Tflm is { } configured)
        {
            source = $"tflm: in {settings.File}";
            return configured;
        }
        source = "not set (give --tflm, HARNESS_TFLM or 'tflm:' in the settings file)";
        return null;
    }

    public const string UnknownCommit = "unknown (not a git checkout)";

    /// <summary>
    /// Opens a checkout: the folder must hold TFLM's Makefile. The commit is read from its .git; a tree
    /// that is not a git clone takes the settings file's 'tflm_commit', else it is reported as unknown.
    /// </summary>
    public static TflmCheckout Open(string root, string source, string? declaredCommit = null)
    {
        var full = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(full, MakefilePath)))
        {
            throw new TflmException($"{full} (from {source}) is not a TensorFlow Lite Micro checkout: it has no {MakefilePath}");
        }
        return new TflmCheckout(full, ReadCommit(full) ?? declaredCommit ?? UnknownCommit);
    }

    /// <summary>The checkout the settings, environment or flag name (see <see cref="Locate"/>), with the settings' declared commit.</summary>
    public static TflmCheckout? OpenConfigured(string? flag, Tools.HarnessSettings settings, out string source)
    {
        var root = Locate(flag, settings, out source);
        return root is null ? null : Open(root, source, settings.TflmCommit);
    }

    /// <summary>The commit shortened for folder names; a tree of unknown commit is keyed by its path instead.</summary>
    public string CacheKey => HexCommit().IsMatch(Commit) || ShortHex().IsMatch(Commit)
        ? Commit[..Math.Min(12, Commit.Length)]
        : "nogit-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Root)))[..12].ToLowerInvariant();

    /// <summary>The commit as a report shows it: 12 digits of a known commit, or the whole "unknown ..." note.</summary>
    public static string Short(string commit) => ShortHex().IsMatch(commit) ? commit[..Math.Min(12, commit.Length)] : commit;

    public IReadOnlyList<DependencyStatus> CheckDependencies(bool cmsisNn) =>
        Dependencies.Where(d => cmsisNn || !d.OnlyForCmsisNn).Select(d =>
        {
            var folder = Path.Combine(Downloads, d.Folder);
            var present = d.Sentinel is null ? Directory.Exists(folder) : File.Exists(Path.Combine(folder, d.Sentinel));
            return new DependencyStatus(d, present, Pin(d), folder);
        }).ToList();

    /// <summary>The pieces its Makefile would have to fetch itself (a fresh clone has none), each with where it goes and at which version; empty when all are there.</summary>
    public string? MissingDependencies(bool cmsisNn)
    {
        var missing = CheckDependencies(cmsisNn).Where(s => !s.Present).ToList();
        return missing.Count == 0 ? null : string.Join(Environment.NewLine, missing.Select(s =>
            $"  - {s.Dependency.Name}: {s.Path}{(s.Dependency.Sentinel is null ? "" : $" (no {s.Dependency.Sentinel})")}; " +
            $"{s.Dependency.Repository}{(s.Pin is { Length: > 0 } pin ? $" at {pin}" : "")}, as pinned in {s.Dependency.PinnedIn}"));
    }

    private string? Pin(TflmDependency dependency)
    {
        var file = Path.Combine(Root, dependency.PinnedIn);
        if (!File.Exists(file) || dependency.PinPattern == "^$")
        {
            return null;
        }
        var text = File.ReadAllText(file);
        return Regex.Matches(text, dependency.PinPattern, RegexOptions.Multiline).Select(m => m.Groups[1].Value).Where(v => v.Length > 0)
            .Skip(dependency.Occurrence).FirstOrDefault();
    }

    private static string? ReadCommit(string root)
    {
        var git = Path.Combine(root, ".git");
        if (File.Exists(git) && File.ReadAllText(git).Trim() is var pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal))
        {
            git = Path.GetFullPath(Path.Combine(root, pointer["gitdir:".Length..].Trim()));
        }
        var head = Path.Combine(git, "HEAD");
        if (!File.Exists(head))
        {
            return null;
        }
        var text = File.ReadAllText(head).Trim();
        if (!text.StartsWith("ref:", StringComparison.Ordinal))
        {
            return HexCommit().IsMatch(text) ? text : null;
        }
        var reference = text["ref:".Length..].Trim();
        var loose = Path.Combine(git, reference);
        if (File.Exists(loose))
        {
            return File.ReadAllText(loose).Trim();
        }
        var packed = Path.Combine(git, "packed-refs");
        return File.Exists(packed)
            ? File.ReadLines(packed).Select(l => l.Split(' ')).FirstOrDefault(p => p.Length == 2 && p[1] == reference)?[0]
            : null;
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex HexCommit();

    [GeneratedRegex("^[0-9a-f]{7,40}$")]
    private static partial Regex ShortHex();
}

public sealed class TflmException(string message) : HarnessException(message);
