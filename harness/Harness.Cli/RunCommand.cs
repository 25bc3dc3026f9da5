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

/// <summary>harness run: check every scenario file, run each on its boards, print the table, write JSON and JUnit.</summary>
public static class RunCommand
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitBadInput = 2;
    /// <summary>Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); the reports hold what finished.</summary>
    public const int ExitInterrupted = 130;

    public static Command Create()
    {
        var scenarios = new Argument<FileInfo[]>("scenarios") { Description = "Scenario YAML files", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the JSON, JUnit XML, Markdown summary and console logs", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var emulator = new Option<string?>("--emulator") { Description = "Run on this emulator instead of the one each scenario names (qemu)" };
        var cold = new Option<bool>("--cold") { Description = "Start a fresh emulator for every scenario instead of resetting a warm one" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Board runs at once, each on its own emulator process (default 1)", DefaultValueFactory = _ => 1 };
        var board = new Option<string[]>("--board") { Description = "Run only on these boards (of those each scenario names)", AllowMultipleArgumentsPerToken = true };
        var debug = new Option<bool>("--debug") { Description = "Start the emulator's GDB server, print the command to attach, wait for the debugger (one scenario, one board)" };
        var gdbPort = new Option<int>("--gdb-port") { Description = "Port of the GDB server with --debug", DefaultValueFactory = _ => 3333 };
        var tflm = new Option<string?>("--tflm") { Description = "TensorFlow Lite Micro checkout for model scenarios (wins over HARNESS_TFLM and the settings file)" };
        var command = new Command("run", "Run scenarios and judge them") { scenarios, output, emulator, cold, jobs, board, debug, gdbPort, tflm };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(scenarios)!, parse.GetValue(output)!, parse.GetValue(emulator), parse.GetValue(cold), parse.GetValue(jobs),
            parse.GetValue(board) ?? [], parse.GetValue(debug) ? parse.GetValue(gdbPort) : null, parse.GetValue(tflm), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo[] files, DirectoryInfo output, string? emulator, bool cold, int jobs,
        string[] onlyBoards, int? gdbPort, string? tflm, CancellationToken cancellationToken)
    {
        if (jobs < 1)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] --jobs must be at least 1 (got {jobs})");
            return ExitBadInput;
        }
        var paths = HarnessPaths.Default();
        if (ScenarioFiles.Load(paths, files, emulator) is not { } loaded)
        {
            AnsiConsole.MarkupLine("[red]Nothing was run: fix the errors above.[/]");
            return ExitBadInput;
        }
        var (catalog, scenarios) = loaded;
        var inputErrors = false;
        if (onlyBoards.Length > 0)
        {
            foreach (var unknown in onlyBoards.Where(b => !scenarios.Any(s => s.Boards.Contains(b))))
            {
                inputErrors = true;
                AnsiConsole.MarkupLineInterpolated($"[red]error[/] --board {unknown}: no scenario given runs on it (boards named: {string.Join(", ", scenarios.SelectMany(s => s.Boards).Distinct())})");
            }
            scenarios = scenarios.Select(s => s with { Boards = s.Boards.Where(onlyBoards.Contains).ToList() }).Where(s => s.Boards.Count > 0).ToList();
        }
        var boardRuns = scenarios.Sum(s => s.Boards.Count);
        if (gdbPort is not null && boardRuns != 1)
        {
            inputErrors = true;
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] --debug needs exactly one board run, and these make {boardRuns}: give one scenario and pick its board with --board");
        }
        if (inputErrors)
        {
            AnsiConsole.MarkupLine("[red]Nothing was run: fix the errors above.[/]");
            return ExitBadInput;
        }

        var reports = new ReportFolder(output.FullName);
        IReadOnlyList<ScenarioResult> results;
        var options = new RunOptions(Path.Combine(paths.CacheDirectory, "runs"), KeepWarm: !cold, jobs, gdbPort, tflm);
        var live = !Console.IsOutputRedirected && jobs == 1 && gdbPort is null;
        await using (var runner = new ScenarioRunner(paths, catalog, options))
        {
            var printing = new Lock();
            void Done(ScenarioResult result)
            {
                // Written the moment a scenario finishes, so a run that is stopped later keeps it.
                reports.WriteScenario(result);
                if (!live)
                {
                    lock (printing)
                    {
                        ResultTable.Print(result);
                    }
                }
            }
            if (!live)
            {
                var lines = new Progress<string>(s => Console.Error.WriteLine($"… {s}"));
                results = await runner.RunAllAsync(scenarios, lines, Done, cancellationToken);
            }
            else
            {
                // Tables are printed once the live status line is gone, so they are not torn by it.
                results = await AnsiConsole.Status().StartAsync("starting", async context =>
                    await runner.RunAllAsync(scenarios, new Progress<string>(s => context.Status(Markup.Escape(s))), Done, cancellationToken));
                results.ToList().ForEach(ResultTable.Print);
            }
            if (runner.Sessions.Started + runner.Sessions.Reused > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"Emulator processes started: {runner.Sessions.Started}; warm reuses: {runner.Sessions.Reused}");
            }
        }
        ResultTable.PrintModelComparison(results);
        reports.WriteSummaries(results);
        AnsiConsole.MarkupLineInterpolated($"Reports: {reports.Directory} (JSON per scenario, {ReportFolder.JUnitName}, {ReportFolder.SummaryName}, console logs)");
        var runs = results.SelectMany(r => r.Boards).ToList();
        if (cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted:[/] {runs.Count(b => b.Outcome != Outcome.NotRun)} of {runs.Count} board runs finished; the reports mark the rest as not run.");
            return ExitInterrupted;
        }
        return runs.All(b => b.Passed) ? ExitPassed : ExitFailed;
    }
}
