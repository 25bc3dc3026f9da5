namespace Harness.Runner;

/// <summary>
/// An exception the harness did not expect is a bug in the harness, not in the user's model: the user
/// gets one sentence, and the stack trace goes to a file whose path the sentence names.
/// </summary>
public static class HarnessBug
{
    public static string Folder => Path.Combine(Tools.HarnessPaths.DefaultCache(), "bugs");

    /// <summary>Writes the trace and returns the sentence for the report.</summary>
    public static string Record(Exception exception, string context)
    {
        var path = Path.Combine(Folder, $"harness-bug-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}.txt");
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(path, $"harness bug while {context}{Environment.NewLine}{DateTime.UtcNow:O}{Environment.NewLine}{exception}{Environment.NewLine}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"harness bug while {context}: {exception.GetType().Name}: {exception.Message} (the stack trace could not be written to {path}: {e.Message}); please report it";
        }
        return $"harness bug while {context}: {exception.GetType().Name}: {exception.Message}; please report it with the stack trace in {path}";
    }
}
