using System.Globalization;
using System.Xml.Linq;
using Harness.Measurement;

namespace Harness.Reports;

/// <summary>JUnit XML, the format CI systems read: a test suite per scenario, a test case per board.</summary>
public static class JUnitReport
{
    public static XDocument Render(IReadOnlyList<ScenarioResult> results) => new(
        new XElement("testsuites",
            results.Select(result => new XElement("testsuite",
                new XAttribute("name", result.Scenario.Name),
                new XAttribute("tests", result.Boards.Count),
                new XAttribute("failures", result.Boards.Count(b => b.Outcome == Outcome.Failed)),
                new XAttribute("errors", result.Boards.Count(b => b.Outcome == Outcome.Error)),
                new XAttribute("skipped", result.Boards.Count(b => b.Outcome == Outcome.NotRun)),
                new XAttribute("time", Seconds(result.Boards.Sum(b => b.Figures.WallSeconds))),
                result.Boards.Select(board => new XElement("testcase",
                    new XAttribute("classname", $"{result.Scenario.Name}.{board.Emulator}"),
                    new XAttribute("name", board.Board),
                    new XAttribute("time", Seconds(board.Figures.WallSeconds)),
                    board.Identity is { } identity ? new XElement("properties",
                        new XElement("property", new XAttribute("name", "fingerprint"), new XAttribute("value", identity.Fingerprint)),
                        new XElement("property", new XAttribute("name", "emulator"), new XAttribute("value", $"{identity.Emulator} {identity.EmulatorVersion}"))) : null,
                    board.Outcome switch
                    {
                        // One <failure> per failed check, each with what was expected and what came.
                        Outcome.Failed when board.Checks.Any(c => !c.Passed) => board.Checks.Where(c => !c.Passed).Select(c =>
                            new XElement("failure", new XAttribute("message", $"{c.Name}: expected {c.Expected}, got {c.Actual}"), new XAttribute("type", c.Name), Details(board))),
                        Outcome.Failed => [new XElement("failure", new XAttribute("message", board.Summary), Details(board))],
                        Outcome.Error => [new XElement("error", new XAttribute("message", board.Summary), Details(board))],
                        Outcome.NotRun => [new XElement("skipped", new XAttribute("message", board.Summary))],
                        _ => Array.Empty<XElement>(),
                    },
                    new XElement("system-out", string.Join(Environment.NewLine, board.Console))))))));

    public static async Task<string> WriteAsync(IReadOnlyList<ScenarioResult> results, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var stream = File.Create(path);
        await Render(results).SaveAsync(stream, SaveOptions.None, cancellationToken);
        return path;
    }

    private static string Details(BoardResult board) => string.Join(Environment.NewLine,
        new[] { board.Detail }.Concat(board.Checks.Select(c => $"{(c.Passed ? "ok  " : "FAIL")} {c.Name}: expected {c.Expected}, got {c.Actual}")).OfType<string>());

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
