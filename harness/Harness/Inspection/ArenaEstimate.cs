using Harness.Models;

namespace Harness.Inspection;

/// <summary>
/// The whole arena TFLM will use on a 32-bit Cortex-M, predicted: the planned activations plus what
/// TFLM keeps for the life of the interpreter, each allocation rounded to 16 bytes as TFLM does.
/// The persistent part is counted from TFLM's structures (TF_LITE_STATIC_MEMORY, 4-byte pointers):
/// a TfLiteEvalTensor (12 B) per tensor, a NodeAndRegistration (32 B) per operator, the parsed builtin
/// options (≤ 32 B), a convolution's or fully-connected layer's OpData (64 B) with its per-channel
/// output multipliers and shifts (8 B per channel, int8 only), variable tensors, and the interpreter's
/// own objects. Scratch buffers a kernel asks for (CMSIS-NN's im2col, for one) are not known from the
/// graph, so optimized kernels may use more.
/// </summary>
public sealed record ArenaEstimate(long PlannedBytes, long PersistentBytes, long VariableBytes)
{
    /// <summary>The allocator, planner and interpreter objects TFLM places in the arena itself, and the input and output TfLiteTensors.</summary>
    public const long FixedBytes = 256;

    public long TotalBytes => PlannedBytes + PersistentBytes + VariableBytes;

    public static ArenaEstimate For(ModelGraph graph, MemoryPlan plan)
    {
        static long Align(long bytes) => MemoryPlan.Align(bytes);
        long persistent = FixedBytes + Align(12L * graph.Tensors.Count) + Align(32L * graph.Operators.Count);
        foreach (var op in graph.Operators)
        {
            if (op.Window is not null || op.Activation is not null)
            {
                persistent += 32;
            }
            if (op.Name is "CONV_2D" or "DEPTHWISE_CONV_2D" or "FULLY_CONNECTED" or "TRANSPOSE_CONV")
            {
                persistent += 64;
                var filter = graph.Tensor(op.Inputs.Count > 1 ? op.Inputs[1] : -1);
                var output = graph.Tensor(op.Outputs.Count > 0 ? op.Outputs[0] : -1);
                var perChannel = op.Name != "FULLY_CONNECTED" || filter is { Channels: > 1 };
                if (perChannel && output is { Type: TensorType.Int8 or TensorType.Int16 } && output.Shape.Count > 0)
                {
                    persistent += 2 * Align(4L * Math.Max(output.Shape[^1], 1));
                }
            }
        }
        var variables = graph.Tensors.Where(t => t.IsVariable).Sum(t => Align(t.Bytes));
        return new ArenaEstimate(plan.PlannedBytes, persistent, variables);
    }
}
