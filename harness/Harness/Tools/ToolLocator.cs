namespace Harness.Tools;

/// <summary>Finds external programs: the tool's environment variable wins, then the settings file, then PATH.</summary>
public static class ToolLocator
{
    private static readonly Lazy<HarnessSettings> Settings = new(() => HarnessSettings.Load());

    public static string? TryFind(ExternalTool tool, out string detail)
    {
        if (tool.OverrideVariable is { } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            detail = $"{variable}={configured}";
            return IsExecutable(configured) ? Path.GetFullPath(configured) : null;
        }
        if (Settings.Value.Tools.TryGetValue(tool.Executable, out var set))
        {
            detail = $"tools.{tool.Executable}: {set} in {Settings.Value.File}";
            return IsExecutable(set) ? Path.GetFullPath(set) : null;
        }
        detail = $"searched PATH{(tool.OverrideVariable is { } name ? $"; {name} not set" : "")}";
        return SearchPath(tool.Executable);
    }

    public static string Find(ExternalTool tool) =>
        TryFind(tool, out var detail) ?? throw new MissingToolException(tool, detail);

    public static string? SearchPath(string executable)
    {
        if (executable.Contains('/'))
        {
            return IsExecutable(executable) ? Path.GetFullPath(executable) : null;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
