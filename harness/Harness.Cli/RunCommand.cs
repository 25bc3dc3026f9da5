using System.CommandLine;
using Harness.Boards;
using Harness.Firmware;
using Harness.Measurement;
using Harness.Reports;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tools;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness run: check every scenario file, run each on its boards, print the table, write JSON and JUnit.</summary>
public static class RunCommand
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitBadInput = 2;

    public static Command Create()
    {
        var scenarios = new Argument<FileInfo[]>("scenarios") { Description = "Scenario YAML files", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the JSON, JUnit XML and console logs", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var emulator = new Option<string?>("--emulator") { Description = "Run on this emulator instead of the one each scenario names (qemu)" };
        var cold = new Option<bool>("--cold") { Description = "Start a fresh emulator for every scenario instead of resetting a warm one" };
        var command = new Command("run", "Run scenarios and judge them") { scenarios, output, emulator, cold };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(scenarios)!, parse.GetValue(output)!, parse.GetValue(emulator), parse.GetValue(cold), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo[] files, DirectoryInfo output, string? emulator, bool cold, CancellationToken cancellationToken)
    {
        var paths = HarnessPaths.Default();
        BoardCatalog catalog;
        try
        {
            catalog = BoardCatalog.Load(paths.PlatformsDirectory);
        }
        catch (Exception e) when (e is YamlInputException or DirectoryNotFoundException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The board catalog is broken:[/] {e.Message}");
            return ExitBadInput;
        }
        var parser = new ScenarioParser(catalog, new FirmwareBuilder(paths).Apps);
        var scenarios = new List<Scenario>();
        var inputErrors = false;
        foreach (var file in files)
        {
            try
            {
                scenarios.Add(parser.ParseFile(file.FullName));
            }
            catch (YamlInputException e)
            {
                inputErrors = true;
                foreach (var error in e.Errors)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error[/] {error}");
                }
            }
        }
        if (inputErrors)
        {
            AnsiConsole.MarkupLine("[red]Nothing was run: fix the scenario errors above.[/]");
            return ExitBadInput;
        }

        var results = new List<ScenarioResult>();
        await using (var runner = new ScenarioRunner(paths, catalog, new RunOptions(Path.Combine(paths.CacheDirectory, "runs"), KeepWarm: !cold, emulator)))
        {
            foreach (var scenario in scenarios)
            {
                ScenarioResult result;
                if (Console.IsOutputRedirected)
                {
                    result = await runner.RunAsync(scenario, new Progress<string>(s => Console.Error.WriteLine($"… {s}")), cancellationToken);
                }
                else
                {
                    result = await AnsiConsole.Status().StartAsync($"{scenario.Name}", async context =>
                        await runner.RunAsync(scenario, new Progress<string>(s => context.Status(Markup.Escape(s))), cancellationToken));
                }
                results.Add(result);
                ResultTable.Print(result);
                await WriteReportsAsync(result, output.FullName, cancellationToken);
            }
        }
        var junit = await JUnitReport.WriteAsync(results, Path.Combine(output.FullName, "junit.xml"), cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Reports: {output.FullName} (JSON per scenario, {Path.GetFileName(junit)}, console logs)");
        return results.All(r => r.Passed) ? ExitPassed : ExitFailed;
    }

    private static async Task WriteReportsAsync(ScenarioResult result, string directory, CancellationToken cancellationToken)
    {
        await JsonReport.WriteAsync(result, directory, cancellationToken);
        var logs = Path.Combine(directory, result.Scenario.Name);
        Directory.CreateDirectory(logs);
        foreach (var board in result.Boards)
        {
            await File.WriteAllLinesAsync(Path.Combine(logs, $"{board.Board}.log"), board.Console.Select(l => l.ToString()), cancellationToken);
        }
    }
}
