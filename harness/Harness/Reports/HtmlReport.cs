using System.Globalization;
using System.Net;
using System.Text;
using Harness.Measurement;
using Harness.Tflm;
using ScottPlot;

namespace Harness.Reports;

/// <summary>
/// report.html: one self-contained file (no network, no script) with the plots a person would rather
/// look at than read: each model's operators by cost (against the baseline where there is one), each
/// board's memory stacked up against its capacity, and the model runs side by side. The plots are
/// ScottPlot's, inlined as SVG.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";
    private const int TopOperators = 12;

    public static string Render(IReadOnlyList<ScenarioResult> results)
    {
        var runs = results.SelectMany(r => r.Boards.Select(b => (Scenario: r.Scenario.Name, Board: b))).ToList();
        var failed = runs.Where(r => !r.Board.Passed).ToList();
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harness report</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
                        "td:first-child,th:first-child,td.t{text-align:left}.pass{color:#176f2c}.fail{color:#b00020;font-weight:bold}figure{margin:1em 0}figcaption{color:#555}</style></head><body>");
        html.AppendLine(failed.Count == 0 ? "<h1 class=\"pass\">Harness: all passed</h1>" : "<h1 class=\"fail\">Harness: failed</h1>");
        html.AppendLine($"<p>{runs.Count(r => r.Board.Passed)} of {runs.Count} board runs passed ({results.Count} scenarios).</p>");
        if (failed.Count > 0)
        {
            html.AppendLine("<h2>Failures</h2><ul>");
            failed.ForEach(f => html.AppendLine($"<li><b>{E(f.Scenario)} on {E(f.Board.Board)}</b>: {E(f.Board.Summary)}</li>"));
            html.AppendLine("</ul>");
        }
        html.AppendLine("<h2>Board runs</h2><table><tr><th>scenario</th><th>board</th><th>emulator</th><th>result</th><th>instructions</th><th>flash</th><th>RAM</th><th>fingerprint</th></tr>");
        foreach (var (scenario, board) in runs)
        {
            var f = board.Figures;
            html.AppendLine($"<tr><td>{E(scenario)}</td><td class=\"t\">{E(board.Board)}</td><td class=\"t\">{E(board.Emulator)}</td>" +
                            $"<td class=\"{(board.Passed ? "pass" : "fail")}\">{board.Outcome.ToString().ToLowerInvariant()}</td><td>{Count(f.Instructions)}</td>" +
                            $"<td>{Count(f.FlashBytes)} B</td><td>{Count(f.RamBytes ?? f.StaticRamBytes)} B</td><td class=\"t\"><code>{E(board.Identity?.Fingerprint ?? "–")}</code></td></tr>");
        }
        html.AppendLine("</table>");
        var models = runs.Where(r => r.Board.Model is { Operators.Count: > 0 }).ToList();
        if (models.Count > 0)
        {
            html.AppendLine("<h2>Operators by cost</h2>");
            foreach (var (scenario, board) in models)
            {
                html.AppendLine(Figure(OperatorPlot(board), 900, 120 + 28 * Math.Min(TopOperators, board.Model!.Operators.Count) * (board.Baseline is { NotComparable: null } ? 2 : 1), $"{scenario} on {board.Board}: the {Math.Min(TopOperators, board.Model!.Operators.Count)} costliest of {board.Model.Operators.Count} operators, {board.Model.Kernels.Name()} kernels" +
                                                                   (board.Baseline is { NotComparable: null } ? ", against the baseline" : "")));
            }
        }
        if (runs.Any(r => r.Board.Figures.FlashCapacityBytes > 0))
        {
            html.AppendLine("<h2>Memory against the board's capacity</h2>");
            html.AppendLine(Figure(MemoryPlot(runs.Where(r => r.Board.Figures.FlashCapacityBytes > 0).ToList()), 900, 80 + 70 * runs.Count(r => r.Board.Figures.FlashCapacityBytes > 0), "flash (code, model, rest) and RAM (static, tensor arena, stack high-water), as a share of what the board has"));
        }
        var comparable = models.Where(r => r.Board.Figures.Instructions is not null).ToList();
        if (comparable.Count > 1)
        {
            html.AppendLine("<h2>Models side by side</h2>");
            html.AppendLine(Figure(SideBySidePlot(comparable), 900, 120 + 40 * comparable.Count, "instructions per inference of every model run, per board (kernel sets and int8/float side by side)"));
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static Plot OperatorPlot(BoardResult board)
    {
        var model = board.Model!;
        var exact = model.Operators.All(o => o.Instructions is not null);
        double Cost(OperatorCycles o) => exact ? o.Instructions!.Value : o.Cycles;
        var top = model.Operators.OrderByDescending(Cost).Take(TopOperators).ToList();
        var plot = new Plot();
        var baseline = board.Baseline is { NotComparable: null } report ? report.Deltas : null;
        var bars = new List<Bar>();
        for (var i = 0; i < top.Count; i++)
        {
            var op = top[i];
            var then = baseline?.FirstOrDefault(d => d.Name == $"{op.Operator} #{op.Index}")?.Then;
            if (then is { } before)
            {
                bars.Add(new Bar { Position = i * 3, Value = before, FillColor = Colors.Gray });
            }
            bars.Add(new Bar { Position = i * 3 + (then is null ? 0.5 : 1), Value = Cost(op), FillColor = Colors.SteelBlue });
        }
        // Horizontal bars, costliest at the top: operator names stay readable.
        var placed = bars.Select(b => new Bar { Position = -b.Position, Value = b.Value, FillColor = b.FillColor }).ToList();
        plot.Add.Bars(placed).Horizontal = true;
        plot.Axes.Left.SetTicks(top.Select((_, i) => -(i * 3 + 0.5)).ToArray(), top.Select(o => $"{o.Operator} #{o.Index}").ToArray());
        plot.Axes.Bottom.Label.Text = exact ? "instructions" : "cycles (firmware counter)";
        if (baseline is not null)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "baseline", FillColor = Colors.Gray });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "this run", FillColor = Colors.SteelBlue });
            plot.ShowLegend();
        }
        plot.Axes.Margins(left: 0);
        return plot;
    }

    private static Plot MemoryPlot(IReadOnlyList<(string Scenario, BoardResult Board)> runs)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        var labels = new List<string>();
        var colors = new[] { Colors.SteelBlue, Colors.Orange, Colors.LightGray, Colors.SeaGreen, Colors.Gold, Colors.IndianRed };
        var row = 0;
        foreach (var (scenario, board) in runs)
        {
            var f = board.Figures;
            var code = f.Sections.Where(s => s.Key.StartsWith(".text", StringComparison.Ordinal)).Sum(s => s.Value);
            var flashParts = new[] { code, f.ModelBytes, Math.Max(0, f.FlashBytes - code - f.ModelBytes) };
            var ramParts = new[] { Math.Max(0, f.StaticRamBytes - f.ArenaBytes), f.ArenaBytes, f.StackHighWaterBytes ?? 0 };
            void Stack(long[] parts, long capacity, int offset)
            {
                double start = 0;
                for (var p = 0; p < parts.Length; p++)
                {
                    var share = capacity > 0 ? 100.0 * parts[p] / capacity : 0;
                    bars.Add(new Bar { Position = row, ValueBase = start, Value = start + share, FillColor = colors[offset + p] });
                    start += share;
                }
            }
            Stack(flashParts, f.FlashCapacityBytes, 0);
            labels.Add($"{scenario} on {board.Board}: flash");
            row++;
            Stack(ramParts, f.RamCapacityBytes, 3);
            labels.Add($"{scenario} on {board.Board}: RAM");
            row++;
        }
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        plot.Axes.Bottom.Label.Text = "% of the board's capacity";
        plot.Axes.SetLimitsX(0, 100);
        foreach (var (name, color) in new[] { "code", "model", "other flash", "static RAM", "tensor arena", "stack high-water" }.Zip(colors))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = color });
        }
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static Plot SideBySidePlot(IReadOnlyList<(string Scenario, BoardResult Board)> runs)
    {
        var plot = new Plot();
        var ordered = runs.OrderBy(r => r.Board.Board, StringComparer.Ordinal).ThenBy(r => r.Scenario, StringComparer.Ordinal).ToList();
        plot.Add.Bars(ordered.Select((r, i) => new Bar
        {
            Position = -i,
            Value = r.Board.Figures.Instructions!.Value,
            FillColor = r.Board.Model!.Kernels == KernelSet.CmsisNn ? Colors.SeaGreen : Colors.SteelBlue,
        }).ToList()).Horizontal = true;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, ordered.Count).Select(i => (double)-i).ToArray(), ordered.Select(r => $"{r.Board.Board}: {r.Scenario}").ToArray());
        plot.Axes.Bottom.Label.Text = "instructions per inference";
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "reference kernels", FillColor = Colors.SteelBlue });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "CMSIS-NN", FillColor = Colors.SeaGreen });
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.Margins(left: 0);
        return plot;
    }

    private static string Figure(Plot plot, int width, int height, string caption) =>
        $"<figure>{plot.GetSvgXml(width, height)}<figcaption>{E(caption)}</figcaption></figure>";

    private static string Count(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "–";
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
