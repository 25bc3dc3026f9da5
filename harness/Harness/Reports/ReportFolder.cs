using Harness.Measurement;

namespace Harness.Reports;

/// <summary>
/// The --out folder, written as results come in: each scenario's JSON and console logs as soon as it
/// finishes, JUnit XML, the Markdown summary and the HTML report at the end (also after Ctrl-C or SIGTERM, with what did
/// not run marked), so nothing that ran is lost.
/// </summary>
public sealed class ReportFolder(string directory)
{
    public const string JUnitName = "junit.xml";
    public const string SummaryName = "summary.md";
    private readonly Lock gate = new();

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The scenario's JSON and one console log per board; safe to call from several threads.</summary>
    public void WriteScenario(ScenarioResult result)
    {
        lock (gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(Path.Combine(Directory, $"{result.Scenario.Name}.json"), JsonReport.Render(result));
            var logs = Path.Combine(Directory, result.Scenario.Name);
            System.IO.Directory.CreateDirectory(logs);
            foreach (var board in result.Boards.Where(b => b.Outcome != Outcome.NotRun))
            {
                File.WriteAllLines(Path.Combine(logs, $"{board.Board}.log"), board.Console.Select(l => l.ToString()));
            }
        }
    }

    /// <summary>JUnit XML and the Markdown summary of every scenario given, and every scenario's JSON again (final).</summary>
    public void WriteSummaries(IReadOnlyList<ScenarioResult> results)
    {
        foreach (var result in results)
        {
            WriteScenario(result);
        }
        lock (gate)
        {
            JUnitReport.Render(results).Save(Path.Combine(Directory, JUnitName));
            File.WriteAllText(Path.Combine(Directory, SummaryName), MarkdownReport.Render(results));
            File.WriteAllText(Path.Combine(Directory, HtmlReport.FileName), HtmlReport.Render(results));
        }
    }
}
