using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Tools;

/// <summary>
/// The user's settings file: HARNESS_CONFIG, else $XDG_CONFIG_HOME/harness/config.yaml, else
/// ~/.config/harness/config.yaml. It names where external tools are, e.g.
/// <code>tools: { renode: /opt/renode/renode, qemu-system-arm: /usr/bin/qemu-system-arm }
/// tflm: /src/tflite-micro
/// tflm_commit: 90b983c2b3f1480642e040bbd2ddb37b998f3424   # only for a TFLM tree that is not a git clone</code>
/// An environment variable (HARNESS_RENODE, ...) wins over the file; the file wins over PATH.
/// </summary>
/// <param name="Tflm">The TensorFlow Lite Micro checkout (a path), when the file names one.</param>
/// <param name="TflmCommit">The commit of a TFLM tree that is not a git clone (a release archive, an export), which reports then name.</param>
public sealed record HarnessSettings(string? File, IReadOnlyDictionary<string, string> Tools, string? Tflm = null, string? TflmCommit = null)
{
    public static readonly HarnessSettings None = new(null, new Dictionary<string, string>());

    public static string DefaultFile()
    {
        if (Environment.GetEnvironmentVariable("HARNESS_CONFIG") is { Length: > 0 } configured)
        {
            return configured;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(baseDir, "harness", "config.yaml");
    }

    /// <summary>The settings file, or none when it does not exist; a broken file throws with file:line:col.</summary>
    public static HarnessSettings Load(string? path = null)
    {
        path ??= DefaultFile();
        if (!System.IO.File.Exists(path))
        {
            return None;
        }
        var yaml = YamlReader.Load(path);
        var root = yaml.Mapping(yaml.Root, "the settings");
        yaml.RejectUnknownKeys(root, "tools", "tflm", "tflm_commit");
        var commitNode = yaml.Optional(root, "tflm_commit");
        var commit = yaml.String(commitNode, "the TFLM commit (40 hex digits) of a tree that is not a git clone");
        if (commit is not null && !System.Text.RegularExpressions.Regex.IsMatch(commit, "^[0-9a-f]{7,40}$"))
        {
            yaml.Error(commitNode!, $"tflm_commit '{commit}' is not a git commit (7 to 40 lowercase hex digits)");
        }
        var tflm = yaml.String(yaml.Optional(root, "tflm"), "the path of a TensorFlow Lite Micro checkout");
        if (tflm is not null && !Path.IsPathRooted(tflm))
        {
            tflm = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, tflm));
        }
        var tools = new Dictionary<string, string>();
        if (yaml.Mapping(yaml.Optional(root, "tools"), "tool paths") is { } map)
        {
            var known = ExternalTool.All.Select(t => t.Executable).ToArray();
            yaml.RejectUnknownKeys(map, known);
            foreach (var (key, value) in map.Children)
            {
                if (key is YamlScalarNode { Value: { } name } && yaml.String(value, $"the path of {name}") is { } toolPath)
                {
                    tools[name] = toolPath;
                }
            }
        }
        yaml.ThrowIfErrors();
        return new HarnessSettings(path, tools, tflm, commit);
    }
}
