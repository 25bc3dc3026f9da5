using Harness.Models;

namespace Harness.Inspection;

/// <summary>What one operator costs: multiply-accumulates and the constant bytes (weights, biases) it reads.</summary>
public sealed record LayerCost(int Index, string Operator, string OutputShape, string Parameters, long Macs, long WeightBytes)
{
    /// <summary>
    /// MACs from the tensor shapes, the usual count for CNNs (one per weight per output position):
    /// CONV_2D N·H·W·Cout·Kh·Kw·Cin/group, DEPTHWISE_CONV_2D N·H·W·C·Kh·Kw, FULLY_CONNECTED outputs·depth,
    /// TRANSPOSE_CONV input positions·Kh·Kw·Cin·Cout; element-wise and data-movement operators count 0.
    /// </summary>
    public static LayerCost Of(ModelGraph graph, GraphOperator op)
    {
        var inputs = op.Inputs.Select(graph.Tensor).ToList();
        var output = op.Outputs.Count > 0 ? graph.Tensor(op.Outputs[0]) : null;
        long Dim(GraphTensor? tensor, int index) => tensor is { Shape.Count: > 0 } t && index < t.Shape.Count ? Math.Max(t.Shape[index], 1) : 1;
        long LastDim(GraphTensor? tensor) => tensor is { Shape.Count: > 0 } t ? Math.Max(t.Shape[^1], 1) : 1;
        var filter = inputs.ElementAtOrDefault(1);
        var macs = op.Name switch
        {
            "CONV_2D" when output is not null && filter is { Shape.Count: 4 } => output.ElementCount * Dim(filter, 1) * Dim(filter, 2) * Dim(filter, 3),
            "DEPTHWISE_CONV_2D" when output is not null && filter is { Shape.Count: 4 } => output.ElementCount * Dim(filter, 1) * Dim(filter, 2),
            "FULLY_CONNECTED" when output is not null && filter is not null => output.ElementCount * LastDim(filter),
            "TRANSPOSE_CONV" when inputs.ElementAtOrDefault(1) is { Shape.Count: 4 } kernel && inputs.ElementAtOrDefault(2) is { } input =>
                input.ElementCount * Dim(kernel, 0) * Dim(kernel, 1) * Dim(kernel, 2),
            "BATCH_MATMUL" when output is not null && inputs.ElementAtOrDefault(0) is { } left => output.ElementCount * LastDim(left),
            _ => 0L,
        };
        var weights = inputs.OfType<GraphTensor>().Where(t => t.IsConstant).Sum(t => t.DataBytes);
        var parameters = op.Name switch
        {
            "CONV_2D" or "DEPTHWISE_CONV_2D" when filter is { Shape.Count: 4 } && op.Window is { } w =>
                $"{Dim(filter, 2)}×{Dim(filter, 1)} stride {w.StrideW}×{w.StrideH} {w.Padding}{(w.DilationW > 1 || w.DilationH > 1 ? $" dilation {w.DilationW}×{w.DilationH}" : "")}{Activation(op)}",
            "FULLY_CONNECTED" when filter is { Shape.Count: 2 } => $"{Dim(filter, 1)} → {Dim(filter, 0)}{Activation(op)}",
            _ when op.Window is { } w => w.ToString(),
            _ => Activation(op).Trim(),
        };
        return new LayerCost(op.Index, op.Name, output?.ShapeText ?? "", parameters, macs, weights);
    }

    private static string Activation(GraphOperator op) => op.Activation is { } a and not "NONE" ? $" {a}" : "";
}
