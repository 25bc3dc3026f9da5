using System.CommandLine;
using System.Globalization;
using Harness.Runner;
using Harness.Tools;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness prepare: build everything the scenarios need (TFLM libraries, firmware, host golden runs) without running them.</summary>
public static class PrepareCommand
{
    public static Command Create()
    {
        var scenarios = new Argument<FileInfo[]>("scenarios") { Description = "Scenario YAML files", Arity = ArgumentArity.OneOrMore };
        var emulator = new Option<string?>("--emulator") { Description = "The emulator the scenarios will run on (decides which boards they may name)" };
        var tflm = new Option<string?>("--tflm") { Description = "TensorFlow Lite Micro checkout for model scenarios (wins over HARNESS_TFLM and the settings file)" };
        var command = new Command("prepare", "Build what the scenarios need (TFLM libraries, firmware, host golden outputs) without running them: a CI cache step")
        {
            scenarios, emulator, tflm,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(scenarios)!, parse.GetValue(emulator), parse.GetValue(tflm), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo[] files, string? emulator, string? tflm, CancellationToken cancellationToken)
    {
        var paths = HarnessPaths.Default();
        if (ScenarioFiles.Load(paths, files, emulator) is not { } loaded)
        {
            return RunCommand.ExitBadInput;
        }
        var (catalog, scenarios) = loaded;
        IReadOnlyList<PreparedBoard> prepared;
        await using (var runner = new ScenarioRunner(paths, catalog, new RunOptions(Path.Combine(paths.CacheDirectory, "runs"), TflmRoot: tflm)))
        {
            prepared = await runner.PrepareAsync(scenarios, new Progress<string>(s => Console.Error.WriteLine($"… {s}")), cancellationToken);
        }
        var table = new Table().AddColumns("scenario", "board", "result", "time");
        foreach (var board in prepared)
        {
            table.AddRow(Markup.Escape(board.Scenario), Markup.Escape(board.Board),
                board.Error is null ? $"[green]built[/] {Markup.Escape(board.Firmware ?? "")}" : $"[red]ERROR[/] {Markup.Escape(board.Error)}",
                board.Elapsed.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        return prepared.All(p => p.Error is null) ? RunCommand.ExitPassed : RunCommand.ExitFailed;
    }
}
