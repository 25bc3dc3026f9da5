namespace Harness.Tools;

/// <summary>Where the harness finds its own assets (board catalog, firmware sources) and keeps its cache.</summary>
/// <param name="LibraryCacheDirectory">Where built TFLM libraries go: keyed by TFLM commit and build configuration, so
/// every run may share them (tests too, whose other caches are their own). Defaults to the cache folder.</param>
public sealed record HarnessPaths(string PlatformsDirectory, string FirmwareDirectory, string CacheDirectory, string? LibraryCacheDirectory = null)
{
    public string Libraries => LibraryCacheDirectory ?? CacheDirectory;

    /// <summary>
    /// Assets come from HARNESS_ROOT (a checkout of this repository) when set, else from the copy
    /// shipped next to the harness binaries. The cache is HARNESS_CACHE, else $XDG_CACHE_HOME/harness,
    /// else ~/.cache/harness: outside any checkout, so builds survive a fresh clone.
    /// </summary>
    public static HarnessPaths Default()
    {
        var root = Environment.GetEnvironmentVariable("HARNESS_ROOT");
        var assets = !string.IsNullOrEmpty(root) ? root : Path.Combine(AppContext.BaseDirectory, "assets");
        return new HarnessPaths(Path.Combine(assets, "platforms"), Path.Combine(assets, "firmware"), DefaultCache());
    }

    public static string DefaultCache()
    {
        var configured = Environment.GetEnvironmentVariable("HARNESS_CACHE");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "harness");
    }
}
