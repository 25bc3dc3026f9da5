using Harness.Measurement;
using Harness.Scenarios;

namespace Harness.Baselines;

/// <summary>
/// The regression gate: a board run against its baseline, figure by figure and operator by operator,
/// with the scenario's allowed growth. A pure function: the run fails only through the checks it
/// returns. A baseline of another board, emulator, TFLM commit or kernel set is never compared.
/// </summary>
public static class BaselineComparison
{
    public static (BaselineReport Report, IReadOnlyList<Check> Checks) Compare(Baseline? then, BoardResult now, RegressThresholds allowed, string path)
    {
        if (then is null)
        {
            var missing = new BaselineReport(path, $"no baseline at {path}", [], null);
            return (missing, [new Check("baseline", false, "a baseline of this scenario, board and emulator", $"none at {path}: record one with 'harness baseline record'")]);
        }
        if (now.Identity is not { } id)
        {
            return (new BaselineReport(path, "the run measured nothing to compare", [], then.Identity.Fingerprint), []);
        }
        if (NotComparable(then.Identity, id) is { } why)
        {
            // Another board or emulator: its figures say nothing about this run. Another TFLM commit or
            // kernel set: still shown figure by figure (that is the change a reader wants to see), but
            // never taken as a pass or a regression: the baseline must be recorded again.
            var sameMachine = then.Identity.Board == id.Board && then.Identity.Emulator == id.Emulator;
            var shown = sameMachine ? Deltas(then, now, allowed) : [];
            var report = new BaselineReport(path, why, shown, then.Identity.Fingerprint);
            return (report, [new Check("baseline", false, "a baseline measured the same way", $"not comparable: {why}")]);
        }
        var deltas = Deltas(then, now, allowed);
        var checks = deltas.Where(d => d.Regressed)
            .Select(d => new Check($"regress {d.Name}", false, d.Kind == DeltaKind.Regressed ? $"at most {d.Allowed} above the baseline" : "as in the baseline", d.Describe())).ToList();
        if (checks.Count == 0)
        {
            var improved = deltas.Count(d => d.Kind == DeltaKind.Improved);
            checks.Add(new Check("baseline", true, "no figure above its allowed growth",
                improved > 0 ? $"none; {improved} improved" : deltas.Any(d => d.Kind == DeltaKind.Grew) ? "none above its allowance" : "identical figures"));
        }
        return (new BaselineReport(path, null, deltas, then.Identity.Fingerprint), checks);
    }

    private static List<Delta> Deltas(Baseline then, BoardResult now, RegressThresholds allowed)
    {
        var deltas = new List<Delta>();
        void Figure(string name, string unit, double? before, double? after, Threshold threshold)
        {
            if (before is null && after is null)
            {
                return;
            }
            if (before is not { } b || after is not { } a)
            {
                deltas.Add(new Delta(name, unit, before, after, threshold.Describe(unit), before is null ? DeltaKind.New : DeltaKind.Gone));
                return;
            }
            var kind = a == b ? DeltaKind.Same : a < b ? DeltaKind.Improved : threshold.Allows(b, a) ? DeltaKind.Grew : DeltaKind.Regressed;
            deltas.Add(new Delta(name, unit, b, a, threshold.Describe(unit), kind));
        }
        var f = now.Figures;
        Figure("inference", "instructions", then.Instructions, f.Instructions, allowed.Instructions);
        Figure("inference cycles", "cycles", then.Cycles, f.Cycles, allowed.Cycles);
        Figure("flash", "B", then.FlashBytes, f.FlashBytes, allowed.Flash);
        Figure("static RAM", "B", then.StaticRamBytes, f.StaticRamBytes, allowed.Ram);
        Figure("RAM (static + stack)", "B", then.RamBytes, f.RamBytes, allowed.Ram);
        Figure("arena used", "B", then.ArenaUsedBytes, now.Model?.ArenaUsedBytes, allowed.Ram);
        Operators(then, now, allowed, deltas);
        Outputs(then, now, allowed, deltas);
        return deltas;
    }

    /// <summary>Why figures measured one way cannot be held against figures measured another, or null when they can.</summary>
    public static string? NotComparable(RunIdentity then, RunIdentity now)
    {
        var differences = new List<string>();
        void Differ(string what, string? before, string? after)
        {
            if (!string.Equals(before ?? "", after ?? "", StringComparison.Ordinal))
            {
                differences.Add($"{what} {before ?? "none"} then, {after ?? "none"} now");
            }
        }
        Differ("board", then.Board, now.Board);
        Differ("emulator", then.Emulator, now.Emulator);
        Differ("TFLM commit", then.TflmCommit, now.TflmCommit);
        Differ("kernels", then.Kernels, now.Kernels);
        return differences.Count == 0 ? null : $"recorded with {string.Join("; ", differences)} (record the baseline again to accept the change)";
    }

    private static void Operators(Baseline then, BoardResult now, RegressThresholds allowed, List<Delta> deltas)
    {
        var current = now.Model?.Operators ?? [];
        for (var i = 0; i < Math.Max(then.Operators.Count, current.Count); i++)
        {
            var before = then.Operators.ElementAtOrDefault(i);
            var after = current.ElementAtOrDefault(i);
            var name = $"{after?.Operator ?? before!.Op} #{i}";
            if (before is not null && after is not null && before.Op != after.Operator)
            {
                deltas.Add(new Delta($"operator #{i}", "", null, null, "", DeltaKind.Changed, $"{before.Op} in the baseline, {after.Operator} now"));
                continue;
            }
            // The emulator's exact count where both have it, else the firmware counter's cycles.
            var exact = (before is null || before.Instructions is not null) && (after is null || after.Instructions is not null);
            var unit = exact ? "instructions" : "cycles";
            double? Value(long? instructions, long cycles) => exact ? instructions : cycles;
            var thenValue = before is null ? null : Value(before.Instructions, before.Cycles);
            var nowValue = after is null ? null : Value(after.Instructions, after.Cycles);
            if (thenValue is null && nowValue is null)
            {
                continue;
            }
            if (thenValue is not { } b || nowValue is not { } a)
            {
                deltas.Add(new Delta(name, unit, thenValue, nowValue, allowed.Operators.Describe(unit), before is null ? DeltaKind.New : DeltaKind.Gone));
                continue;
            }
            var kind = a == b ? DeltaKind.Same : a < b ? DeltaKind.Improved : allowed.Operators.Allows(b, a) ? DeltaKind.Grew : DeltaKind.Regressed;
            deltas.Add(new Delta(name, unit, b, a, allowed.Operators.Describe(unit), kind));
        }
    }

    private static void Outputs(Baseline then, BoardResult now, RegressThresholds allowed, List<Delta> deltas)
    {
        var current = now.Model?.Outputs ?? [];
        for (var i = 0; i < Math.Max(then.Outputs.Count, current.Count); i++)
        {
            var before = then.Outputs.ElementAtOrDefault(i);
            var after = current.ElementAtOrDefault(i);
            if (before is null || after is null)
            {
                deltas.Add(new Delta($"output {i}", "", null, null, "", before is null ? DeltaKind.New : DeltaKind.Gone));
                continue;
            }
            var tolerance = allowed.OutputTolerance;
            var (a, b) = tolerance is null ? (after.Raw, before.Raw) : (after.Values, before.Values);
            var largest = a.Count == b.Count ? a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max() : double.PositiveInfinity;
            var same = tolerance is null ? largest == 0 : largest <= tolerance;
            deltas.Add(new Delta($"output {i}", "", null, null, tolerance is null ? "exact" : $"± {tolerance}",
                largest == 0 ? DeltaKind.Same : same ? DeltaKind.Grew : DeltaKind.Changed,
                same ? null : $"{(a.Count != b.Count ? "a different number of values" : $"largest difference {largest:G6}")}: [{Preview(b)}] then, [{Preview(a)}] now"));
        }
    }

    private static string Preview(IReadOnlyList<double> values) =>
        string.Join(", ", values.Take(6).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))) + (values.Count > 6 ? ", …" : "");
}
