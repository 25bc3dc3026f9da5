using System.Globalization;
using Harness.Measurement;
using Harness.Reports;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>The result table people read: one row per board, figures with units, then why anything failed.</summary>
public static class ResultTable
{
    public static void Print(ScenarioResult result)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(result.Scenario.Name)}[/] ({Markup.Escape(result.Scenario.Emulator)})")
            .AddColumns("board", "result", "instructions", "cycles", "RAM", "flash", "wall");
        foreach (var board in result.Boards)
        {
            var outcome = board.Outcome switch
            {
                Outcome.Passed => "[green]PASS[/]",
                Outcome.Failed => "[red]FAIL[/]",
                _ => "[red]ERROR[/]",
            };
            var f = board.Figures;
            table.AddRow(
                Markup.Escape(board.Board),
                outcome,
                f.Instructions is { } i ? Quantity.FormatCount(i) : "–",
                f.Cycles is { } c ? $"{Quantity.FormatCount(c)} ({Markup.Escape(f.CounterSource ?? "")})" : "–",
                f.RamBytes is { } ram ? Quantity.FormatBytes(ram) : f.StaticRamBytes > 0 ? $"{Quantity.FormatBytes(f.StaticRamBytes)} static" : "–",
                f.FlashBytes > 0 ? Quantity.FormatBytes(f.FlashBytes) : "–",
                f.WallSeconds.ToString("0.00 s", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        foreach (var board in result.Boards.Where(b => b.Model is not null))
        {
            var m = board.Model!;
            AnsiConsole.MarkupLineInterpolated($"{board.Board}: {Path.GetFileName(m.Model)} on TFLM {m.TflmCommit[..Math.Min(12, m.TflmCommit.Length)]}, {m.Kernels} kernels, arena {Quantity.FormatBytes(m.ArenaUsedBytes)} used of {Quantity.FormatBytes(m.ArenaBytes)}");
        }
        foreach (var board in result.Boards.Where(b => !b.Passed))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{board.Board}[/]: {board.Summary}");
            if (board.Detail is { Length: > 0 } detail)
            {
                AnsiConsole.WriteLine(Indent(detail));
            }
        }
    }

    /// <summary>When a run holds several model runs: them side by side, per board (int8 against float, kernels against kernels).</summary>
    public static void PrintModelComparison(IReadOnlyList<ScenarioResult> results)
    {
        var runs = results.SelectMany(r => r.Boards.Where(b => b.Model is not null && b.Figures.Instructions is not null).Select(b => (r.Scenario.Name, Board: b))).ToList();
        if (runs.Count < 2)
        {
            return;
        }
        var table = new Table().Title("[bold]models side by side[/]").AddColumns("board", "scenario", "kernels", "instructions", "× reference", "flash", "arena used");
        foreach (var (name, board) in runs.OrderBy(r => r.Board.Board, StringComparer.Ordinal))
        {
            var m = board.Model!;
            table.AddRow(Markup.Escape(board.Board), Markup.Escape(name), Markup.Escape(m.Kernels), Quantity.FormatCount(board.Figures.Instructions!.Value),
                MarkdownReport.AgainstReference(board, runs.Select(r => r.Board)), Quantity.FormatBytes(board.Figures.FlashBytes), Quantity.FormatBytes(m.ArenaUsedBytes));
        }
        AnsiConsole.Write(table);
    }

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));
}
