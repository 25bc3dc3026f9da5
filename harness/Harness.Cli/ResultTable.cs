using System.Globalization;
using Harness.Measurement;
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
        foreach (var board in result.Boards.Where(b => !b.Passed))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{board.Board}[/]: {board.Summary}");
            if (board.Detail is { Length: > 0 } detail)
            {
                AnsiConsole.WriteLine(Indent(detail));
            }
        }
    }

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));
}
