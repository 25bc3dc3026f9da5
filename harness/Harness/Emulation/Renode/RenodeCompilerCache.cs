using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Harness.Emulation.Renode;

/// <summary>
/// Renode compiles the harness's hooks (C# files it includes) at every start unless its compiler cache is on, and it is off
/// by default: 1.5–2 s of each Renode start went to compiling the same two files (include: 1.85 s → 0.08 s with it on). The
/// harness's Renode processes run with a settings file of their own: the user's (so nothing else changes), with the cache
/// on. Renode keys a compiled assembly by its sources alone, so a file naming the Renode build is included with the hooks:
/// an assembly compiled against one Renode is never loaded into another.
/// </summary>
public static partial class RenodeCompilerCache
{
    /// <summary>
    /// The settings file for the harness's Renode processes (renode --config), written when missing or older than the user's;
    /// null where it cannot be (an unreadable settings file, a read-only cache): Renode then runs as it would, compiling.
    /// </summary>
    public static string? SettingsFile(string cacheDirectory)
    {
        var file = Path.Combine(cacheDirectory, "renode", "config");
        var users = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "renode", "config");
        try
        {
            if (File.Exists(file) && (!File.Exists(users) || File.GetLastWriteTimeUtc(users) <= File.GetLastWriteTimeUtc(file)))
            {
                return file;
            }
            WriteAtomically(file, WithCacheOn(File.Exists(users) ? File.ReadAllText(users) : ""));
            return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Renode's settings text with [general] compiler-cache-enabled set to True (added where missing).</summary>
    public static string WithCacheOn(string settings)
    {
        if (CacheSetting().IsMatch(settings))
        {
            return CacheSetting().Replace(settings, "compiler-cache-enabled = True");
        }
        var general = GeneralSection().Match(settings);
        return general.Success
            ? settings.Insert(general.Index + general.Length, "compiler-cache-enabled = True\n")
            : $"[general]\ncompiler-cache-enabled = True\n{settings}";
    }

    /// <summary>A C# file (a comment) that names the Renode build, to be included with the hooks; null where it cannot be written.</summary>
    /// <param name="build">The build as Renode's banner gives it ("1.16.1 (1.16.1+20261205git06854d4d1)").</param>
    public static string? BuildStamp(string cacheDirectory, string build)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(build)))[..12];
        var file = Path.Combine(cacheDirectory, "renode", $"build-{key}.renode.cs");
        try
        {
            if (!File.Exists(file))
            {
                WriteAtomically(file, $"// The harness's hooks compiled for Renode {build.Replace('\n', ' ')} only: Renode's compiler cache keys an assembly by its sources.\n");
            }
            return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteAtomically(string file, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = $"{file}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, file, overwrite: true);
    }

    [GeneratedRegex(@"(?im)^\s*compiler-cache-enabled\s*=.*$")]
    private static partial Regex CacheSetting();

    [GeneratedRegex(@"(?im)^\[general\][^\n]*\n")]
    private static partial Regex GeneralSection();
}
