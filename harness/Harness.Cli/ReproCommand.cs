using System.CommandLine;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Measurement;
using Harness.Reports;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tools;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness repro: run one scenario on one board and, if it fails, write a folder that replays the failure anywhere.</summary>
public static class ReproCommand
{
    public static Command Create()
    {
        var scenarioFile = new Argument<FileInfo>("scenario") { Description = "The scenario YAML that failed" };
        var board = new Option<string?>("--board") { Description = "The board it failed on (needed when the scenario names several)" };
        var emulator = new Option<string?>("--emulator") { Description = "Run on this emulator instead of the scenario's" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "The folder to write (default repro-<scenario>-<board>)" };
        var command = new Command("repro", "Re-run a failing scenario on one board and write a self-contained folder that replays it (ELF, inputs, board files, emulator command, expected vs actual, replay.sh)")
        {
            scenarioFile, board, emulator, output,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(scenarioFile)!, parse.GetValue(board), parse.GetValue(emulator), parse.GetValue(output), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, string? boardId, string? emulator, DirectoryInfo? output, CancellationToken cancellationToken)
    {
        if (emulator is not null && !EmulatorRegistry.Names.Contains(emulator))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] unknown emulator '{emulator}'; known: {string.Join(", ", EmulatorRegistry.Names)}");
            return RunCommand.ExitBadInput;
        }
        var paths = HarnessPaths.Default();
        Scenario scenario;
        BoardCatalog catalog;
        try
        {
            catalog = BoardCatalog.Load(paths.PlatformsDirectory);
            scenario = new ScenarioParser(catalog, new FirmwareBuilder(paths).Apps, emulator).ParseFile(file.FullName);
        }
        catch (YamlInputException e)
        {
            e.Errors.ToList().ForEach(error => AnsiConsole.MarkupLineInterpolated($"[red]error[/] {error}"));
            return RunCommand.ExitBadInput;
        }
        boardId ??= scenario.Boards.Count == 1 ? scenario.Boards[0] : null;
        if (boardId is null || !scenario.Boards.Contains(boardId))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] pick the board with --board: one of {string.Join(", ", scenario.Boards)}");
            return RunCommand.ExitBadInput;
        }
        scenario = scenario with { Boards = [boardId] };
        var options = new RunOptions(Path.Combine(paths.CacheDirectory, "runs"), KeepWarm: false);
        ScenarioResult result;
        await using (var runner = new ScenarioRunner(paths, catalog, options))
        {
            result = await runner.RunAsync(scenario, new Progress<string>(s => Console.Error.WriteLine($"… {s}")), cancellationToken);
        }
        ResultTable.Print(result);
        var run = result.Boards.Single();
        if (run.Passed)
        {
            AnsiConsole.MarkupLineInterpolated($"[green]{scenario.Name} passed on {boardId}[/]: there is no failure to reproduce.");
            return RunCommand.ExitPassed;
        }
        var folder = output?.FullName ?? Path.GetFullPath($"repro-{scenario.Name}-{boardId}");
        try
        {
            await ReproFolder.WriteAsync(result.Scenario, run, catalog.Get(boardId), folder, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No repro folder:[/] {e.Message}");
            return RunCommand.ExitFailed;
        }
        AnsiConsole.MarkupLineInterpolated($"Wrote {folder}: replay it with {Path.Combine(folder, "replay.sh")} (HARNESS=<harness command> if 'harness' is not on PATH).");
        return RunCommand.ExitFailed;
    }
}
