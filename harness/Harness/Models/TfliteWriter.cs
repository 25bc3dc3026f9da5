using Google.FlatBuffers;

namespace Harness.Models;

public sealed record WriterTensor(string Name, TensorType Type, int[] Shape, byte[]? Data = null, Quantization? Quantization = null);

/// <param name="OptionsType">The BuiltinOptions union tag (schema order, e.g. 8 = FullyConnectedOptions), 0 for none.</param>
public sealed record WriterOperator(int OpcodeIndex, int[] Inputs, int[] Outputs, byte OptionsType = 0, Func<FlatBufferBuilder, int>? Options = null);

/// <summary>
/// Writes small .tflite models with FlatBuffers, field slots as in TFLite's schema: the harness's
/// own example models (so examples need no downloaded model) and broken models for tests.
/// </summary>
public static class TfliteWriter
{
    public static byte[] Write(IReadOnlyList<OperatorCode> codes, IReadOnlyList<WriterTensor> tensors, IReadOnlyList<WriterOperator> operators,
        int[] inputs, int[] outputs, string description)
    {
        var builder = new FlatBufferBuilder(1024);

        // Buffers: 0 is the empty sentinel; each constant tensor gets its own.
        var bufferOffsets = new List<int> { EmptyTable(builder) };
        var tensorBuffer = new int[tensors.Count];
        foreach (var (tensor, i) in tensors.Select((t, i) => (t, i)))
        {
            if (tensor.Data is null)
            {
                continue;
            }
            builder.StartVector(1, tensor.Data.Length, 16);
            for (var b = tensor.Data.Length - 1; b >= 0; b--)
            {
                builder.AddByte(tensor.Data[b]);
            }
            var data = builder.EndVector();
            builder.StartTable(3);
            builder.AddOffset(0, data.Value, 0);
            bufferOffsets.Add(builder.EndTable());
            tensorBuffer[i] = bufferOffsets.Count - 1;
        }

        var tensorOffsets = tensors.Select((tensor, i) =>
        {
            var name = builder.CreateString(tensor.Name);
            var shape = IntVector(builder, tensor.Shape);
            var quantization = 0;
            if (tensor.Quantization is { } q)
            {
                builder.StartVector(4, 1, 4);
                builder.AddFloat(q.Scale);
                var scale = builder.EndVector();
                builder.StartVector(8, 1, 8);
                builder.AddLong(q.ZeroPoint);
                var zero = builder.EndVector();
                builder.StartTable(7);
                builder.AddOffset(2, scale.Value, 0);
                builder.AddOffset(3, zero.Value, 0);
                quantization = builder.EndTable();
            }
            builder.StartTable(11);
            builder.AddOffset(0, shape, 0);
            builder.AddSbyte(1, (sbyte)tensor.Type, -1);
            builder.AddUint(2, (uint)tensorBuffer[i], uint.MaxValue);
            builder.AddOffset(3, name.Value, 0);
            if (quantization != 0)
            {
                builder.AddOffset(4, quantization, 0);
            }
            return builder.EndTable();
        }).ToList();

        var operatorOffsets = operators.Select(op =>
        {
            var opInputs = IntVector(builder, op.Inputs);
            var opOutputs = IntVector(builder, op.Outputs);
            var options = op.Options?.Invoke(builder) ?? 0;
            builder.StartTable(6);
            builder.AddUint(0, (uint)op.OpcodeIndex, uint.MaxValue);
            builder.AddOffset(1, opInputs, 0);
            builder.AddOffset(2, opOutputs, 0);
            if (options != 0)
            {
                builder.AddByte(3, op.OptionsType, 0);
                builder.AddOffset(4, options, 0);
            }
            return builder.EndTable();
        }).ToList();

        var subgraphTensors = OffsetVector(builder, tensorOffsets);
        var subgraphInputs = IntVector(builder, inputs);
        var subgraphOutputs = IntVector(builder, outputs);
        var subgraphOperators = OffsetVector(builder, operatorOffsets);
        var subgraphName = builder.CreateString("main");
        builder.StartTable(5);
        builder.AddOffset(0, subgraphTensors, 0);
        builder.AddOffset(1, subgraphInputs, 0);
        builder.AddOffset(2, subgraphOutputs, 0);
        builder.AddOffset(3, subgraphOperators, 0);
        builder.AddOffset(4, subgraphName.Value, 0);
        var subgraph = builder.EndTable();

        var codeOffsets = codes.Select(code =>
        {
            var custom = code.Custom is null ? 0 : builder.CreateString(code.Custom).Value;
            builder.StartTable(4);
            builder.AddSbyte(0, (sbyte)Math.Min(code.Builtin, 127), 0);
            if (custom != 0)
            {
                builder.AddOffset(1, custom, 0);
            }
            builder.AddInt(2, code.Version, 1);
            builder.AddInt(3, code.Builtin, 0);
            return builder.EndTable();
        }).ToList();

        var codeVector = OffsetVector(builder, codeOffsets);
        var subgraphVector = OffsetVector(builder, [subgraph]);
        var descriptionOffset = builder.CreateString(description);
        var bufferVector = OffsetVector(builder, bufferOffsets);
        builder.StartTable(8);
        builder.AddUint(0, 3, 0);
        builder.AddOffset(1, codeVector, 0);
        builder.AddOffset(2, subgraphVector, 0);
        builder.AddOffset(3, descriptionOffset.Value, 0);
        builder.AddOffset(4, bufferVector, 0);
        var model = builder.EndTable();
        builder.Finish(model, "TFL3");
        return builder.SizedByteArray();
    }

    public const int FullyConnected = 9;

    /// <summary>
    /// The harness's own example model, so the examples run without downloaded models: one int8
    /// FULLY_CONNECTED layer, 4 inputs to 3 classes, with weights that make it easy to check by hand
    /// (class 0 = x0 − x3, class 1 = x1 − x2, class 2 = the mean of all four).
    /// </summary>
    public static byte[] ExampleClassifier()
    {
        const float inputScale = 0.05f, weightScale = 0.02f, outputScale = 0.05f;
        sbyte[] weights = [50, 0, 0, -50, 0, 50, -50, 0, 25, 25, 25, 25];
        return Write(
            [new OperatorCode(FullyConnected, null, 1)],
            [
                new WriterTensor("input", TensorType.Int8, [1, 4], null, new Quantization(inputScale, 0)),
                new WriterTensor("weights", TensorType.Int8, [3, 4], weights.Select(w => (byte)w).ToArray(), new Quantization(weightScale, 0)),
                new WriterTensor("bias", TensorType.Int32, [3], new byte[12], new Quantization(inputScale * weightScale, 0)),
                new WriterTensor("scores", TensorType.Int8, [1, 3], null, new Quantization(outputScale, 0)),
            ],
            [new WriterOperator(0, [0, 1, 2], [3])],
            [0], [3], "harness example: int8 fully-connected 4 -> 3 (written by the harness with FlatBuffers)");
    }

    /// <summary>
    /// The example classifier followed by a second FULLY_CONNECTED layer that passes its scores through
    /// (identity weights), each layer naming its own entry of the operator table: FULLY_CONNECTED is
    /// listed twice (versions 1 and 2), as converters write. Outputs are the example classifier's.
    /// </summary>
    public static byte[] RepeatedOperatorCodes()
    {
        const float inputScale = 0.05f, weightScale = 0.02f, outputScale = 0.05f;
        sbyte[] weights = [50, 0, 0, -50, 0, 50, -50, 0, 25, 25, 25, 25];
        sbyte[] identity = [50, 0, 0, 0, 50, 0, 0, 0, 50];
        return Write(
            [new OperatorCode(FullyConnected, null, 1), new OperatorCode(FullyConnected, null, 2)],
            [
                new WriterTensor("input", TensorType.Int8, [1, 4], null, new Quantization(inputScale, 0)),
                new WriterTensor("weights", TensorType.Int8, [3, 4], weights.Select(w => (byte)w).ToArray(), new Quantization(weightScale, 0)),
                new WriterTensor("bias", TensorType.Int32, [3], new byte[12], new Quantization(inputScale * weightScale, 0)),
                new WriterTensor("hidden", TensorType.Int8, [1, 3], null, new Quantization(outputScale, 0)),
                new WriterTensor("identity", TensorType.Int8, [3, 3], identity.Select(w => (byte)w).ToArray(), new Quantization(weightScale, 0)),
                new WriterTensor("bias2", TensorType.Int32, [3], new byte[12], new Quantization(outputScale * weightScale, 0)),
                new WriterTensor("scores", TensorType.Int8, [1, 3], null, new Quantization(outputScale, 0)),
            ],
            [new WriterOperator(0, [0, 1, 2], [3]), new WriterOperator(1, [3, 4, 5], [6])],
            [0], [6], "harness example: two int8 fully-connected layers whose operator codes repeat FULLY_CONNECTED (written by the harness)");
    }

    /// <summary>
    /// A "hybrid" FULLY_CONNECTED: float input and output, int8 weights. A valid model that reads and
    /// builds, and that TFLM refuses when it allocates the tensors (TFLite Micro has no hybrid kernels).
    /// </summary>
    public static byte[] HybridFullyConnected() => Write(
        [new OperatorCode(FullyConnected, null, 1)],
        [
            new WriterTensor("input", TensorType.Float32, [1, 4]),
            new WriterTensor("weights", TensorType.Int8, [3, 4], new byte[12], new Quantization(0.02f, 0)),
            new WriterTensor("bias", TensorType.Float32, [3], new byte[12]),
            new WriterTensor("scores", TensorType.Float32, [1, 3]),
        ],
        [new WriterOperator(0, [0, 1, 2], [3])],
        [0], [3], "a hybrid fully-connected layer (float activations, int8 weights), which TFLM cannot run (written by the harness)");

    /// <summary>One custom operator between a float input and output: enough to test unsupported-op errors.</summary>
    public static byte[] SingleCustomOp(string customName) => Write(
        [new OperatorCode(OperatorCode.CustomBuiltin, customName, 1)],
        [new WriterTensor("input", TensorType.Float32, [1, 4]), new WriterTensor("output", TensorType.Float32, [1, 4])],
        [new WriterOperator(0, [0], [1])],
        [0], [1], $"a single custom op '{customName}' (written by the harness)");

    private static int EmptyTable(FlatBufferBuilder builder)
    {
        builder.StartTable(0);
        return builder.EndTable();
    }

    private static int IntVector(FlatBufferBuilder builder, int[] values)
    {
        builder.StartVector(4, values.Length, 4);
        for (var i = values.Length - 1; i >= 0; i--)
        {
            builder.AddInt(values[i]);
        }
        return builder.EndVector().Value;
    }

    private static int OffsetVector(FlatBufferBuilder builder, IReadOnlyList<int> offsets)
    {
        builder.StartVector(4, offsets.Count, 4);
        for (var i = offsets.Count - 1; i >= 0; i--)
        {
            builder.AddOffset(offsets[i]);
        }
        return builder.EndVector().Value;
    }
}
