using System.Collections.Concurrent;
using Harness.Link;

namespace Harness.Testing;

/// <summary>
/// The harness's console log (and each inference's figures as JSON) written beside the test results and attached to the
/// test that used the board (TestContext.AddTestAttachment), so a CI's test report carries them.
/// </summary>
internal static class TestAttachments
{
    private static readonly ConcurrentDictionary<string, byte> Attached = new();

    public static void Write(EmulatedBoard board, ConsoleTranscript transcript, string? json = null)
    {
        try
        {
            var context = TestContext.CurrentContext;
            var test = context.Test;
            var folder = Path.Combine(context.WorkDirectory, "harness-results", Safe(test.FullName ?? test.Name ?? "run"));
            Directory.CreateDirectory(folder);
            var stem = Path.Combine(folder, Safe($"{board.Board}-{board.Emulator}"));
            var log = stem + ".log";
            File.WriteAllLines(log, [$"# {board.Context}: {board.ElfPath}", .. transcript.Lines.Select(l => l.ToString())]);
            Attach(test.ID, log, $"console of {board.Context}");
            if (json is not null)
            {
                File.WriteAllText(stem + ".json", json);
                Attach(test.ID, stem + ".json", $"inference on {board.Context}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Attachments help a reader; a folder that cannot be written must not fail the test itself.
        }
    }

    private static void Attach(string testId, string path, string description)
    {
        if (Attached.TryAdd($"{testId}\n{path}", 0))
        {
            TestContext.AddTestAttachment(path, description);
        }
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
