using Harness.Boards;
using Harness.Models;
using Harness.Tflm;

namespace Harness.Inspection;

/// <summary>A tensor of the arena with its lifetime and planned place, for the report.</summary>
public sealed record TensorUse(int Tensor, string Name, string Shape, string Type, long Bytes, int First, int Last, long Offset);

/// <summary>Everything <c>harness inspect</c> tells about a model, with no emulator and nothing built.</summary>
public sealed record ModelInspection(
    string Model,
    long FileBytes,
    string Sha256,
    IReadOnlyList<LayerCost> Layers,
    IReadOnlyList<OperatorCount> Operators,
    IReadOnlyList<TensorUse> Tensors,
    long PeakLiveBytes,
    int PeakLayer,
    string PeakOperator,
    ArenaEstimate Arena,
    IReadOnlyList<BoardFit> Boards,
    IReadOnlyList<string> Verdicts)
{
    public long Macs => Layers.Sum(l => l.Macs);
    public long WeightBytes => Layers.Sum(l => l.WeightBytes);
}

public sealed record OperatorCount(string Operator, int Count, long Macs);

/// <summary>Reads a model and answers, from the graph alone, what it costs and where it fits.</summary>
public static class ModelInspector
{
    public static ModelInspection Inspect(ModelGraph graph, IEnumerable<BoardDescription> boards, TflmOps? tflm, FirmwareFootprint? footprint = null)
    {
        footprint ??= FirmwareFootprint.TflmRunner;
        var layers = graph.Operators.Select(op => LayerCost.Of(graph, op)).ToList();
        var plan = MemoryPlan.Plan(graph);
        var arena = ArenaEstimate.For(graph, plan);
        var tensors = plan.Tensors.Select(p => graph.Tensors[p.Lifetime.Tensor] is var t
            ? new TensorUse(t.Index, t.Name, t.ShapeText, t.Type.Name(), p.Lifetime.Bytes, p.Lifetime.First, p.Lifetime.Last, p.Offset) : null!).ToList();
        var operators = layers.GroupBy(l => l.Operator).Select(g => new OperatorCount(g.Key, g.Count(), g.Sum(l => l.Macs)))
            .OrderByDescending(o => o.Macs).ThenByDescending(o => o.Count).ThenBy(o => o.Operator, StringComparer.Ordinal).ToList();
        var kinds = graph.Model.UsedOperators.Count;
        var fits = boards.Select(b => BoardFit.For(b, graph.Model.FileBytes, kinds, arena.TotalBytes, footprint)).ToList();
        var peak = plan.PeakOperator;
        return new ModelInspection(graph.Model.Path, graph.Model.FileBytes, graph.Model.Sha256, layers, operators, tensors,
            plan.PeakLiveBytes, peak, peak >= 0 ? graph.Operators[peak].Name : "", arena, fits, Verdicts(graph, tflm));
    }

    public static IReadOnlyList<string> Verdicts(ModelGraph graph, TflmOps? tflm)
    {
        var verdicts = new List<string>();
        foreach (var code in graph.Model.UsedOperators)
        {
            if (AcceleratorOps.Explain(code) is { } accelerator)
            {
                verdicts.Add(accelerator);
            }
            else if (tflm is not null && !tflm.Supports(code))
            {
                verdicts.Add($"{BuiltinOperators.NameOf(code)} is not supported by TFLM at this checkout (no MicroMutableOpResolver::Add method for it)");
            }
        }
        var stateful = graph.Model.UsedOperators.Where(c => c.IsCustom && AcceleratorOps.Explain(c) is null).Select(BuiltinOperators.NameOf).ToList();
        if (stateful.Count > 0)
        {
            verdicts.Add($"custom operators ({string.Join(", ", stateful)}) may keep state TFLM allocates at run time, which the graph does not show: the arena prediction is a lower bound");
        }
        if (tflm is null)
        {
            verdicts.Add("operator support not checked: no TFLM checkout found (--tflm, HARNESS_TFLM or the settings file's tflm:)");
        }
        var floatWeights = graph.Tensors.Where(t => t is { IsConstant: true, Type: TensorType.Float32 }).Sum(t => t.DataBytes);
        var floatActivations = graph.Tensors.Any(t => t is { IsConstant: false, Type: TensorType.Float32 });
        if (floatWeights > 0 || floatActivations)
        {
            verdicts.Add(floatWeights > 0
                ? $"float32 model: its {floatWeights:N0} B of float weights would take ≈ {floatWeights / 4:N0} B quantized to int8 (the 4× rule, an estimate), and its activations a quarter of their bytes"
                : "float32 activations: an int8 model would hold them in a quarter of the bytes (the 4× rule, an estimate)");
        }
        else if (graph.Tensors.Any(t => t.Type is TensorType.Int8 or TensorType.UInt8))
        {
            verdicts.Add("quantized (int8): runs on integer kernels, CMSIS-NN applies on Cortex-M");
        }
        return verdicts;
    }
}
