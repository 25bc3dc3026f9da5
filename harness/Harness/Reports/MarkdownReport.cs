using System.Globalization;
using System.Text;
using Harness.Measurement;
using Harness.Tflm;
using Harness.Yaml;

namespace Harness.Reports;

/// <summary>
/// The report people read in a CI job summary or a pull request: every board run, then the model runs
/// side by side (int8 against float, reference against CMSIS-NN kernels, board against board) and each
/// model's operators by cycles.
/// </summary>
public static class MarkdownReport
{
    public static string Render(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        var runs = results.SelectMany(r => r.Boards.Select(b => (Scenario: r.Scenario.Name, Board: b))).ToList();
        var passed = runs.Count(r => r.Board.Passed);
        var notRun = runs.Count(r => r.Board.Outcome == Outcome.NotRun);
        var failures = runs.Where(r => !r.Board.Passed).ToList();
        // The verdict first: a pull request's reader wants it before any table.
        text.AppendLine(failures.Count == 0 ? "# ✅ Harness: all passed" : "# ❌ Harness: failed").AppendLine();
        text.AppendLine($"{passed} of {runs.Count} board runs passed ({results.Count} scenarios){(notRun > 0 ? $"; {notRun} did not run" : "")}.").AppendLine();
        if (failures.Count > 0)
        {
            text.AppendLine(notRun == failures.Count ? "## Not run" : "## Failures").AppendLine();
            foreach (var (scenario, board) in failures)
            {
                text.AppendLine($"- **{scenario} on {board.Board}**: {Escape(board.Summary)}");
            }
            text.AppendLine();
        }
        var compared = runs.Where(r => r.Board.Baseline is not null).ToList();
        if (compared.Count > 0)
        {
            text.AppendLine("## Against the baseline").AppendLine();
            var changes = compared.SelectMany(r => r.Board.Baseline!.Changes.Select(d => (r.Scenario, r.Board, Delta: d))).ToList();
            foreach (var (scenario, board) in compared.Where(r => r.Board.Baseline!.NotComparable is not null))
            {
                text.AppendLine($"- **{scenario} on {board.Board}**: not compared: {Escape(board.Baseline!.NotComparable!)}");
            }
            if (changes.Count == 0)
            {
                text.AppendLine($"{compared.Count(r => r.Board.Baseline!.NotComparable is null)} board runs compared: every figure and output as in the baseline.").AppendLine();
            }
            else
            {
                text.AppendLine("| scenario | board | figure | baseline | now | change | allowed | |");
                text.AppendLine("|---|---|---|---:|---:|---:|---:|---|");
                foreach (var (scenario, board, delta) in changes.OrderByDescending(c => c.Delta.Regressed).ThenByDescending(c => Math.Abs(c.Delta.Percent ?? 0)))
                {
                    var mark = delta.Regressed ? "**▲ regressed**" : delta.Kind == DeltaKind.Improved ? "▼ better" : "▲ within allowance";
                    text.AppendLine(Row(scenario, board.Board, delta.Name, Number(delta.Then), Number(delta.Now),
                        delta.Percent is { } p ? $"{(p >= 0 ? "+" : "")}{p.ToString("0.##", CultureInfo.InvariantCulture)} %" : delta.Note ?? delta.Kind.ToString().ToLowerInvariant(),
                        delta.Allowed, mark));
                }
                text.AppendLine();
            }
        }
        text.AppendLine("## Board runs").AppendLine();
        text.AppendLine("| scenario | board | emulator | result | instructions | cycles | flash | RAM | wall | fingerprint |");
        text.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var (scenario, board) in runs)
        {
            var f = board.Figures;
            text.AppendLine(Row(scenario, board.Board, board.Emulator, board.Outcome switch { Outcome.Passed => "pass", Outcome.Failed => "**FAIL**", Outcome.NotRun => "not run", _ => "**ERROR**" },
                Count(f.Instructions), f.Cycles is { } c ? $"{Count(c)} ({f.CounterSource})" : "–", Bytes(f.FlashBytes),
                f.RamBytes is { } ram ? Bytes(ram) : Bytes(f.StaticRamBytes), f.WallSeconds.ToString("0.00 s", CultureInfo.InvariantCulture),
                board.Identity is { } id ? $"`{id.Fingerprint}`" : "–"));
        }
        var estimated = runs.Where(r => r.Board.Figures.Estimate is not null).ToList();
        if (estimated.Count > 0)
        {
            text.AppendLine().AppendLine("## On silicon (estimated)").AppendLine();
            text.AppendLine("From each run's instruction mix and the core's timing table (platforms/cores), with the part's flash wait states and run current (platforms/silicon): an estimate with its range, beside the exact instruction count.").AppendLine();
            text.AppendLine("| scenario | board | as | instructions | cycles (est.) | range | CPI | time (est.) | energy (est.) |");
            text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (scenario, board) in estimated)
            {
                var e = board.Figures.Estimate!;
                text.AppendLine(Row(scenario, board.Board, e.Profile, Count(board.Figures.Instructions), Count((long)Math.Round(e.Cycles.Typical)),
                    $"{Count((long)Math.Round(e.Cycles.Low))}–{Count((long)Math.Round(e.Cycles.High))}", e.Cpi.ToString("0.00", CultureInfo.InvariantCulture),
                    e.Milliseconds.Typical.ToString("0.### ms", CultureInfo.InvariantCulture),
                    e.Microjoules is { } uj ? uj.Typical.ToString("0.# µJ", CultureInfo.InvariantCulture) : "–"));
            }
        }
        var models = runs.Where(r => r.Board.Model is not null).ToList();
        if (models.Count > 0)
        {
            text.AppendLine().AppendLine("## Models side by side").AppendLine();
            text.AppendLine("Per board, in the order the scenarios ran. \"× reference\" is instructions per inference against the same model with reference kernels on the same board.").AppendLine();
            text.AppendLine("| board | scenario | model | TFLM | kernels | instructions | × reference | flash | arena used / size | outputs |");
            text.AppendLine("|---|---|---|---|---|---:|---:|---:|---:|---|");
            foreach (var (scenario, board) in models.OrderBy(r => r.Board.Board, StringComparer.Ordinal))
            {
                var m = board.Model!;
                text.AppendLine(Row(board.Board, scenario, Path.GetFileName(m.Model), TflmCheckout.Short(m.TflmCommit), m.Kernels.Name(),
                    Count(board.Figures.Instructions), AgainstReference(board, models.Select(r => r.Board)), Bytes(board.Figures.FlashBytes),
                    $"{Bytes(m.ArenaUsedBytes)} / {Bytes(m.ArenaBytes)}", Outputs(m)));
            }
            foreach (var (scenario, board) in models.Where(r => r.Board.Model!.Features is not null))
            {
                var f = board.Model!.Features!;
                text.AppendLine().AppendLine($"{scenario} on {board.Board}: input {f.Input} made on the board by {Path.GetFileName(f.Model)}, {f.Windows} windows, " +
                                             $"{Count(f.MeanWindowInstructions)} instructions per window on average (max {Count(f.MaxWindowInstructions)}), {Count(f.TotalInstructions)} in all; " +
                                             $"its firmware {Bytes(f.FlashBytes)} of flash, arena {Bytes(f.ArenaUsedBytes)} used.");
            }
            foreach (var (scenario, board) in models.Where(r => r.Board.Model!.Operators.Count > 0))
            {
                var m = board.Model!;
                var total = Math.Max(1, m.Operators.Sum(o => o.Cycles));
                text.AppendLine().AppendLine($"<details><summary>{scenario} on {board.Board}: {m.Operators.Count} operators, {m.Kernels.Name()} kernels</summary>").AppendLine();
                var perOperator = m.Operators.Any(o => o.Estimate is not null);
                text.AppendLine(perOperator ? "| # | operator | cycles | share | on silicon (est.) |" : "| # | operator | cycles | share |");
                text.AppendLine(perOperator ? "|---:|---|---:|---:|---:|" : "|---:|---|---:|---:|");
                foreach (var op in m.Operators)
                {
                    var share = (100.0 * op.Cycles / total).ToString("0.0", CultureInfo.InvariantCulture) + " %";
                    text.AppendLine(perOperator
                        ? Row(op.Index.ToString(CultureInfo.InvariantCulture), op.Operator, Count(op.Cycles), share,
                            op.Estimate is { } e ? $"{Count((long)Math.Round(e.Cycles.Typical))} cycles, {e.Milliseconds.Typical.ToString("0.###", CultureInfo.InvariantCulture)} ms" : "–")
                        : Row(op.Index.ToString(CultureInfo.InvariantCulture), op.Operator, Count(op.Cycles), share));
                }
                text.AppendLine().AppendLine("</details>");
            }
        }
        return text.ToString();
    }

    public static async Task<string> WriteAsync(IReadOnlyList<ScenarioResult> results, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, Render(results), cancellationToken);
        return path;
    }

    /// <summary>Instructions against the same model file run with reference kernels on the same board ("–" when there is none).</summary>
    public static string AgainstReference(BoardResult run, IEnumerable<BoardResult> all)
    {
        var reference = all.FirstOrDefault(r => r.Board == run.Board && r.Model is { Kernels: KernelSet.Reference } m && m.Model == run.Model!.Model && r.Figures.Instructions > 0);
        return reference is null || run.Figures.Instructions is not { } mine
            ? "–"
            : ((double)mine / reference.Figures.Instructions!.Value).ToString("0.00", CultureInfo.InvariantCulture);
    }

    private static string Outputs(ModelRun model) => string.Join("; ", model.Outputs.Select(o =>
        $"[{string.Join(", ", o.Raw.Take(4).Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}{(o.Raw.Count > 4 ? $", … {o.Raw.Count} values" : "")}]"));

    private static string Number(double? value) => value is { } v ? v.ToString(v == Math.Floor(v) ? "N0" : "G6", CultureInfo.InvariantCulture) : "–";

    private static string Count(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "–";
    private static string Bytes(long value) => value > 0 ? Quantity.FormatBytes(value) : "–";
    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
    private static string Row(params string[] cells) => $"| {string.Join(" | ", cells.Select(Escape))} |";
}
