using System.CommandLine;
using Harness.Reports;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness report merge: the reports of several shards (CI jobs) joined into the one set a single run of the suite writes.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var folders = new Argument<DirectoryInfo[]>("folders") { Description = "Report folders of the shards (each a --out of 'harness run --shard I/N')", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write the joined reports", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var merge = new Command("merge", "Join the JSON of several report folders into one junit.xml, summary.md and report.html") { folders, output };
        merge.SetAction(parse =>
        {
            var inputs = parse.GetValue(folders)!;
            foreach (var missing in inputs.Where(f => !f.Exists))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error[/] no report folder {missing.FullName}");
                return RunCommand.ExitBadInput;
            }
            IReadOnlyList<Harness.Measurement.ScenarioResult> results;
            try
            {
                results = ResultReader.Merge(inputs.Select(f => f.FullName));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error[/] a report in {string.Join(", ", inputs.Select(i => i.FullName))} is not one the harness wrote: {e.Message}");
                return RunCommand.ExitBadInput;
            }
            if (results.Count == 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error[/] no scenario reports (*.json) in {string.Join(", ", inputs.Select(i => i.FullName))}");
                return RunCommand.ExitBadInput;
            }
            var reports = new ReportFolder(parse.GetValue(output)!.FullName);
            reports.WriteSummaries(results);
            var runs = results.SelectMany(r => r.Boards).ToList();
            AnsiConsole.MarkupLineInterpolated($"Merged {runs.Count} board runs of {results.Count} scenarios from {inputs.Length} folders: {runs.Count(b => b.Passed)} passed. Reports: {reports.Directory}");
            return runs.All(b => b.Passed) ? RunCommand.ExitPassed : RunCommand.ExitFailed;
        });
        return new Command("report", "Work with report folders") { merge };
    }
}
