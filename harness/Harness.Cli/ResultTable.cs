using System.Globalization;
using Harness.Measurement;
using Harness.Reports;
using Harness.Tflm;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>The result table people read: one row per board, exact figures with units, then why anything failed.</summary>
public static class ResultTable
{
    public static void Print(ScenarioResult result)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(result.Scenario.Name)}[/] ({Markup.Escape(result.Scenario.Emulator)})");
        foreach (var (header, right) in new[] { ("board", false), ("result", false), ("instructions", true), ("cycles", true), ("RAM", true), ("flash", true), ("wall", true), ("fingerprint", false) })
        {
            var column = new TableColumn(header).NoWrap();
            table.AddColumn(right ? column.RightAligned() : column);
        }
        foreach (var board in result.Boards)
        {
            var outcome = board.Outcome switch
            {
                Outcome.Passed => "[green]PASS[/]",
                Outcome.Failed => "[red]FAIL[/]",
                Outcome.NotRun => "[grey]NOT RUN[/]",
                _ => "[red]ERROR[/]",
            };
            var f = board.Figures;
            table.AddRow(
                Markup.Escape(board.Board),
                outcome,
                f.Instructions is { } i ? Exact(i) : "–",
                f.Cycles is { } c ? $"{Exact(c)} ({Markup.Escape(f.CounterSource ?? "")})" : "–",
                f.RamBytes is { } ram ? Quantity.FormatBytes(ram) : f.StaticRamBytes > 0 ? $"{Quantity.FormatBytes(f.StaticRamBytes)} static" : "–",
                f.FlashBytes > 0 ? Quantity.FormatBytes(f.FlashBytes) : "–",
                f.WallSeconds.ToString("0.00 s", CultureInfo.InvariantCulture),
                board.Identity?.Fingerprint ?? "–");
        }
        AnsiConsole.Write(table);
        foreach (var board in result.Boards.Where(b => b.Model is not null))
        {
            var m = board.Model!;
            AnsiConsole.MarkupLineInterpolated($"{board.Board}: {Path.GetFileName(m.Model)} on TFLM {TflmCheckout.Short(m.TflmCommit)}, {m.Kernels.Name()} kernels, arena {Quantity.FormatBytes(m.ArenaUsedBytes)} used of {Quantity.FormatBytes(m.ArenaBytes)}");
        }
        foreach (var board in result.Boards.Where(b => b.Figures.Estimate is not null))
        {
            var e = board.Figures.Estimate!;
            AnsiConsole.MarkupLineInterpolated($"{board.Board}: [bold]estimate[/] {e.Summary}; {e.Cpi.ToString("0.00", CultureInfo.InvariantCulture)} cycles per instruction (JSON: assumptions)");
        }
        foreach (var board in result.Boards.Where(b => b.Baseline is not null))
        {
            var baseline = board.Baseline!;
            if (baseline.NotComparable is { } why)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]{board.Board}[/]: not compared with the baseline: {why}");
                continue;
            }
            var changes = baseline.Changes.ToList();
            AnsiConsole.MarkupLineInterpolated($"{board.Board} against {baseline.Path}: {(changes.Count == 0 ? "every figure and output as in the baseline" : $"{changes.Count} changed")}");
            foreach (var delta in changes)
            {
                var color = delta.Regressed ? "red" : delta.Kind == DeltaKind.Improved ? "green" : "yellow";
                AnsiConsole.MarkupLineInterpolated($"  [{color}]{delta.ToString()}[/]");
            }
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
        var table = new Table().Title("[bold]models side by side[/]");
        foreach (var header in new[] { "board", "scenario", "kernels", "instructions", "× reference", "flash", "arena used" })
        {
            table.AddColumn(new TableColumn(header).NoWrap());
        }
        foreach (var (name, board) in runs.OrderBy(r => r.Board.Board, StringComparer.Ordinal))
        {
            var m = board.Model!;
            table.AddRow(Markup.Escape(board.Board), Markup.Escape(name), Markup.Escape(m.Kernels.Name()), Exact(board.Figures.Instructions!.Value),
                MarkdownReport.AgainstReference(board, runs.Select(r => r.Board)), Quantity.FormatBytes(board.Figures.FlashBytes), Quantity.FormatBytes(m.ArenaUsedBytes));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Counts in full, with thousands separators: a regression of a few instructions must be visible.</summary>
    private static string Exact(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));
}
