using Harness.Link;
using Harness.Models;
using System.Globalization;
using Harness.Emulation;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Yaml;

namespace Harness.Measurement;

/// <summary>The single checks the verdicts are made of: budgets, outputs, tensors, golden runs, the counter against the emulator.</summary>
public static partial class Judge
{
    public static IReadOnlyList<Check> Budgets(Budgets budgets, Figures figures)
    {
        var checks = new List<Check>();
        void Limit(string name, long? max, long? actual, Func<long, string> format)
        {
            if (max is null)
            {
                return;
            }
            checks.Add(actual is null
                ? new Check(name, false, $"≤ {format(max.Value)}", "not measured")
                : new Check(name, actual <= max, $"≤ {format(max.Value)}", format(actual.Value)));
        }
        // Counts in full: a budget missed by a few instructions must show them.
        static string Exact(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
        Limit("instructions", budgets.Instructions, figures.Instructions, Exact);
        Limit("cycles", budgets.Cycles, figures.Cycles, Exact);
        Limit("flash", budgets.FlashBytes, figures.FlashBytes, Quantity.FormatBytes);
        Limit("ram", budgets.RamBytes, figures.RamBytes, Quantity.FormatBytes);
        Limit("stack", budgets.StackBytes, figures.StackHighWaterBytes, Quantity.FormatBytes);
        Limit("static ram", budgets.StaticRamBytes, figures.StaticRamBytes, Quantity.FormatBytes);
        if (budgets.SiliconMilliseconds is { } ms)
        {
            var expected = $"≤ {ms.ToString("0.###", CultureInfo.InvariantCulture)} ms on silicon (typical estimate)";
            checks.Add(figures.Estimate is { } estimate
                ? new Check("silicon time", estimate.Milliseconds.Typical <= ms, expected,
                    $"{Silicon.SiliconEstimate.Format(estimate.Milliseconds, "ms")} on {estimate.Profile}, estimated")
                : new Check("silicon time", false, expected, figures.Mix is null ? "not measured: the emulator gave no instruction mix" : "not estimated: no timing table for this core"));
        }
        return checks;
    }

    /// <summary>An output against its expectation: values within the tolerance, exact stored values, the top class.</summary>
    public static IReadOnlyList<Check> Output(OutputExpectation expected, OutputValues actual)
    {
        var checks = new List<Check>();
        var name = $"output {expected.Index}";
        if (expected.Values is { } values)
        {
            var worst = values.Zip(actual.Values, (e, a) => Math.Abs(e - a)).DefaultIfEmpty(0).Max();
            var outside = values.Zip(actual.Values, (e, a) => (e, a)).Select((p, i) => (p.e, p.a, i))
                .Where(p => !(Math.Abs(p.e - p.a) <= expected.Tolerance + expected.RelativeTolerance * Math.Abs(p.e))).ToList();
            var allowed = expected.RelativeTolerance > 0
                ? $"± ({expected.Tolerance.ToString(CultureInfo.InvariantCulture)} + {expected.RelativeTolerance.ToString(CultureInfo.InvariantCulture)} × |expected|)"
                : $"± {expected.Tolerance.ToString(CultureInfo.InvariantCulture)}";
            var where = outside.Count > 0 ? $"; {outside.Count} outside, first at [{outside[0].i}]: {outside[0].a.ToString("G6", CultureInfo.InvariantCulture)} for {outside[0].e.ToString("G6", CultureInfo.InvariantCulture)}" : "";
            checks.Add(new Check($"{name} values", outside.Count == 0 && values.Count == actual.Values.Count,
                $"[{Format(values)}] {allowed}", $"[{Format(actual.Values)}] (largest difference {worst.ToString("G4", CultureInfo.InvariantCulture)}{where})"));
        }
        if (expected.Raw is { } raw)
        {
            checks.Add(new Check($"{name} stored values", raw.Select(r => (double)r).SequenceEqual(actual.Raw), $"[{string.Join(", ", raw)}]", $"[{Format(actual.Raw)}]"));
        }
        if (expected.Top1 is { } top)
        {
            var best = actual.Values.Select((v, i) => (v, i)).MaxBy(p => p.v).i;
            checks.Add(new Check($"{name} top-1", best == top, expected.ClassName(top), $"{expected.ClassName(best)} ([{Format(actual.Values)}])"));
        }
        return checks;
    }

    /// <summary>
    /// The model's tensors as the board's interpreter allocated them against what the harness read from
    /// the .tflite: type, shape, quantization and bytes of every input and output, and no more of them.
    /// </summary>
    public static Check TensorsAsDescribed(IReadOnlyList<TensorInfo> inputs, IReadOnlyList<TensorInfo> outputs,
        IReadOnlyList<DeviceTensor?> boardInputs, IReadOnlyList<DeviceTensor?> boardOutputs)
    {
        var problems = new List<string>();
        void Compare(string kind, IReadOnlyList<TensorInfo> expected, IReadOnlyList<DeviceTensor?> actual)
        {
            for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
            {
                var (model, board) = (expected.ElementAtOrDefault(i), actual.ElementAtOrDefault(i));
                if (model is null || board is null)
                {
                    problems.Add(model is null ? $"{kind} {i} exists on the board only ({board})" : $"{kind} {i} {model} is missing on the board");
                }
                else if (!string.Equals(board.Type, model.Type.Name(), StringComparison.OrdinalIgnoreCase) || !board.Shape.SequenceEqual(model.Shape)
                         || board.Bytes != model.Bytes || (model.Quantization is { } q && (board.Scale != q.Scale || board.ZeroPoint != q.ZeroPoint)))
                {
                    problems.Add($"{kind} {i}: the .tflite says {model}, the board allocated {board}");
                }
            }
        }
        Compare("input", inputs, boardInputs);
        Compare("output", outputs, boardOutputs);
        return new Check("tensors on the board", problems.Count == 0, $"{inputs.Count} inputs and {outputs.Count} outputs as in the .tflite",
            problems.Count == 0 ? "the same types, shapes, quantization and sizes" : string.Join("; ", problems));
    }

    /// <summary>
    /// An output against the host-native run (TFLM reference kernels): bit-exact for reference kernels on
    /// the board; with optimized kernels the largest difference in stored values is reported and may be 1.
    /// </summary>
    public static Check AgainstGolden(int index, IReadOnlyList<double> host, IReadOnlyList<double> board, KernelSet kernels, string? name = null)
    {
        var bitExact = kernels == KernelSet.Reference;
        var largest = host.Zip(board, (h, b) => Math.Abs(h - b)).DefaultIfEmpty(0).Max();
        var allowed = bitExact ? 0 : 1;
        return new Check(name ?? $"output {index} vs host golden", largest <= allowed && host.Count == board.Count,
            bitExact ? "bit-exact with the host run (reference kernels)" : $"within {allowed} of the host run (reference kernels; board: {kernels.Name()})",
            largest == 0 ? "identical" : $"largest difference {largest.ToString(CultureInfo.InvariantCulture)} (board [{Format(board)}], host [{Format(host)}])");
    }

    private static string Format(IEnumerable<double> values) =>
        string.Join(", ", values.Take(12).Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + (values.Skip(12).Any() ? ", …" : "");

    /// <summary>
    /// The firmware's counter must tell the same story as the emulator's instruction count: equal
    /// up to the counter's resolution and the few instructions between reading it and the markers.
    /// </summary>
    public static Check CounterAgreesWithEmulator(long instructions, long cycles, ClockModel clock, DeviceCounter counter)
    {
        var tolerance = (long)Math.Ceiling(2 * clock.InstructionsPerTick(counter.CountsCoreCycles)) + 100 + instructions / 1000;
        var difference = Math.Abs(cycles - instructions);
        return new Check("counter vs emulator", difference <= tolerance,
            $"|cycles − instructions| ≤ {tolerance}", $"{difference} ({counter}: {cycles} cycles, {instructions} instructions)");
    }
}
