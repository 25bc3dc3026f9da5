using System.CommandLine;
using Harness.Baselines;
using Harness.Measurement;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness baseline record: run scenarios and store every passed board run as the baseline later runs are compared with.</summary>
public static class BaselineCommand
{
    public static Command Create()
    {
        var options = new RunOptionSet();
        var directory = new Option<DirectoryInfo?>("--baselines") { Description = "Where to write the baselines (default: baselines/ beside each scenario file)" };
        var record = new Command("record", "Run scenarios and write each passed board run's figures and outputs as its baseline (one file per scenario, board and emulator, for code review)");
        options.AddTo(record);
        record.Add(directory);
        record.SetAction(async (parse, cancellationToken) =>
        {
            var (results, exit) = await RunCommand.RunSuiteAsync(options.Read(parse), cancellationToken);
            if (exit is RunCommand.ExitBadInput or RunCommand.ExitInterrupted)
            {
                AnsiConsole.MarkupLine("No baseline was written.");
                return exit;
            }
            var refused = 0;
            foreach (var result in results)
            {
                var folder = parse.GetValue(directory)?.FullName ?? Path.Combine(Path.GetDirectoryName(result.Scenario.SourceFile)!, "baselines");
                foreach (var board in result.Boards)
                {
                    var path = BaselineFile.PathFor(folder, result.Scenario.Name, board.Board, board.Emulator);
                    if (Baseline.From(result.Scenario.Name, board, out var why) is { } baseline)
                    {
                        await BaselineFile.WriteAsync(path, baseline, cancellationToken);
                        AnsiConsole.MarkupLineInterpolated($"[green]baseline[/] {path} (fingerprint {baseline.Identity.Fingerprint})");
                    }
                    else
                    {
                        refused++;
                        AnsiConsole.MarkupLineInterpolated($"[red]not recorded[/] {result.Scenario.Name} on {board.Board}: only a passed run can be a baseline ({why})");
                    }
                }
            }
            return refused == 0 ? RunCommand.ExitPassed : RunCommand.ExitFailed;
        });
        return new Command("baseline", "Stored baselines: the regression gate's reference") { record };
    }
}
