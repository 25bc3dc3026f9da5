using System.CommandLine;
using Harness.Boards;
using Harness.Measurement;
using Harness.Reports;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tools;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>What 'harness run' (and 'harness baseline record') was asked to do.</summary>
public sealed record RunSettings(FileInfo[] Files, DirectoryInfo Output, string? Emulator = null, bool Cold = false, int Jobs = 1, string[]? Boards = null,
    int? GdbPort = null, string? Tflm = null, string? Baselines = null, Shard? Shard = null);

/// <summary>harness run: check every scenario file, run each on its boards, print the table, write JSON, JUnit and Markdown.</summary>
public static class RunCommand
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitBadInput = 2;
    /// <summary>Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); the reports hold what finished.</summary>
    public const int ExitInterrupted = 130;

    public static Command Create()
    {
        var options = new RunOptionSet();
        var debug = new Option<bool>("--debug") { Description = "Start the emulator's GDB server, print the command to attach, wait for the debugger (one scenario, one board)" };
        var gdbPort = new Option<int>("--gdb-port") { Description = "Port of the GDB server with --debug", DefaultValueFactory = _ => 3333 };
        var baselines = new Option<DirectoryInfo?>("--baselines") { Description = "Compare every board run with its baseline in this folder (harness baseline record writes them); a run that grows past its regress: thresholds fails" };
        var shard = new Option<string?>("--shard") { Description = "Run only the I-th of N equal slices of all board runs (e.g. 2/4), for a CI job matrix" };
        var command = new Command("run", "Run scenarios and judge them");
        options.AddTo(command);
        command.Add(debug);
        command.Add(gdbPort);
        command.Add(baselines);
        command.Add(shard);
        command.SetAction(async (parse, cancellationToken) =>
        {
            Shard? slice = null;
            if (parse.GetValue(shard) is { } text && !Shard.TryParse(text, out slice))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error[/] --shard {text}: expected I/N with 1 ≤ I ≤ N (e.g. 1/3)");
                return ExitBadInput;
            }
            var settings = options.Read(parse) with
            {
                GdbPort = parse.GetValue(debug) ? parse.GetValue(gdbPort) : null,
                Baselines = parse.GetValue(baselines)?.FullName,
                Shard = slice,
            };
            return (await RunSuiteAsync(settings, cancellationToken)).ExitCode;
        });
        return command;
    }

    /// <summary>Loads and checks the scenarios, runs them, prints and writes the reports; the results and the exit code.</summary>
    public static async Task<(IReadOnlyList<ScenarioResult> Results, int ExitCode)> RunSuiteAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Jobs < 1)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] --jobs must be at least 1 (got {settings.Jobs})");
            return ([], ExitBadInput);
        }
        var paths = HarnessPaths.Default();
        if (ScenarioFiles.Load(paths, settings.Files, settings.Emulator) is not { } loaded)
        {
            AnsiConsole.MarkupLine("[red]Nothing was run: fix the errors above.[/]");
            return ([], ExitBadInput);
        }
        var (catalog, scenarios) = loaded;
        if (Select(scenarios, settings) is not { } selected)
        {
            AnsiConsole.MarkupLine("[red]Nothing was run: fix the errors above.[/]");
            return ([], ExitBadInput);
        }
        var reports = new ReportFolder(settings.Output.FullName);
        var results = await RunAsync(paths, catalog, selected, settings, reports, cancellationToken);
        reports.WriteSummaries(results);
        AnsiConsole.MarkupLineInterpolated($"Reports: {reports.Directory} (JSON per scenario, {ReportFolder.JUnitName}, {ReportFolder.SummaryName}, console logs)");
        var runs = results.SelectMany(r => r.Boards).ToList();
        if (cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted:[/] {runs.Count(b => b.Outcome != Outcome.NotRun)} of {runs.Count} board runs finished; the reports mark the rest as not run.");
            return (results, ExitInterrupted);
        }
        return (results, runs.All(b => b.Passed) ? ExitPassed : ExitFailed);
    }

    /// <summary>--board and --shard narrow the board runs; --debug needs exactly one. Null (errors printed) when the selection is wrong.</summary>
    private static List<Scenario>? Select(List<Scenario> scenarios, RunSettings settings)
    {
        var errors = false;
        scenarios = scenarios.Select((s, i) => s with { SuiteIndex = i, SuiteBoards = s.Boards }).ToList();
        if (settings.Boards is { Length: > 0 } only)
        {
            foreach (var unknown in only.Where(b => !scenarios.Any(s => s.Boards.Contains(b))))
            {
                errors = true;
                AnsiConsole.MarkupLineInterpolated($"[red]error[/] --board {unknown}: no scenario given runs on it (boards named: {string.Join(", ", scenarios.SelectMany(s => s.Boards).Distinct())})");
            }
            scenarios = scenarios.Select(s => s with { Boards = s.Boards.Where(only.Contains).ToList() }).Where(s => s.Boards.Count > 0).ToList();
        }
        if (settings.Shard is { } shard)
        {
            scenarios = shard.Of(scenarios);
        }
        var boardRuns = scenarios.Sum(s => s.Boards.Count);
        if (settings.GdbPort is not null && boardRuns != 1)
        {
            errors = true;
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] --debug needs exactly one board run, and these make {boardRuns}: give one scenario and pick its board with --board");
        }
        return errors ? null : scenarios;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> RunAsync(HarnessPaths paths, BoardCatalog catalog, List<Scenario> scenarios, RunSettings settings,
        ReportFolder reports, CancellationToken cancellationToken)
    {
        IReadOnlyList<ScenarioResult> results;
        var options = new RunOptions(Path.Combine(paths.CacheDirectory, "runs"), KeepWarm: !settings.Cold, settings.Jobs, settings.GdbPort, settings.Tflm, settings.Baselines);
        var live = !Console.IsOutputRedirected && settings.Jobs == 1 && settings.GdbPort is null;
        await using (var runner = new ScenarioRunner(paths, catalog, options))
        {
            if (runner.Pruned is { Bytes: > 0 } pruned)
            {
                AnsiConsole.MarkupLineInterpolated($"cache: removed {pruned.RunFolders} run folders older than {CacheRetention.RunsKept.TotalDays:0} days and {pruned.FirmwareEntries} firmware builds unused for {CacheRetention.FirmwareKept.TotalDays:0} days ({pruned.Bytes / 1e6:0.#} MB)");
            }
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
        return results;
    }
}

/// <summary>The options 'run' and 'baseline record' share.</summary>
public sealed class RunOptionSet
{
    private readonly Argument<FileInfo[]> scenarios = new("scenarios") { Description = "Scenario YAML files", Arity = ArgumentArity.OneOrMore };
    private readonly Option<DirectoryInfo> output = new("--out") { Description = "Folder for the JSON, JUnit XML, Markdown summary and console logs", DefaultValueFactory = _ => new DirectoryInfo("results") };
    private readonly Option<string?> emulator = new("--emulator") { Description = "Run on this emulator instead of the one each scenario names (qemu)" };
    private readonly Option<bool> cold = new("--cold") { Description = "Start a fresh emulator for every scenario instead of resetting a warm one" };
    private readonly Option<int> jobs = new("--jobs", "-j") { Description = "Board runs at once, each on its own emulator process (default 1)", DefaultValueFactory = _ => 1 };
    private readonly Option<string[]> board = new("--board") { Description = "Run only on these boards (of those each scenario names)", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> tflm = new("--tflm") { Description = "TensorFlow Lite Micro checkout for model scenarios (wins over HARNESS_TFLM and the settings file)" };

    public void AddTo(Command command)
    {
        command.Add(scenarios);
        foreach (var option in new Option[] { output, emulator, cold, jobs, board, tflm })
        {
            command.Add(option);
        }
    }

    public RunSettings Read(ParseResult parse) => new(parse.GetValue(scenarios)!, parse.GetValue(output)!, parse.GetValue(emulator), parse.GetValue(cold),
        parse.GetValue(jobs), parse.GetValue(board) ?? [], null, parse.GetValue(tflm));
}
