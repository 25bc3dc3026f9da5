using Google.FlatBuffers;

namespace Harness.Models;

/// <summary>One tensor of the main graph: constant ones carry their data in the file (weights, biases).</summary>
/// <param name="Channels">How many quantization scales it has: 1 per-tensor, the channel count per-channel, 0 unquantized.</param>
public sealed record GraphTensor(int Index, string Name, TensorType Type, IReadOnlyList<int> Shape, bool IsConstant, bool IsVariable, long DataBytes, int Channels)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * Math.Max(dimension, 1));

    /// <summary>Bytes the tensor takes in memory (int4 is stored one value per byte unpacked by TFLM, so counted as its data).</summary>
    public long Bytes => Type.ElementSize() is > 0 and var size ? ElementCount * size : DataBytes;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>Parameters of the operators whose cost depends on them (convolutions, pooling).</summary>
public sealed record WindowOptions(string Padding, int StrideW, int StrideH, int FilterW, int FilterH, int DilationW, int DilationH, string Activation)
{
    public override string ToString() =>
        $"{(FilterW > 0 ? $"{FilterW}×{FilterH} " : "")}stride {StrideW}×{StrideH} {Padding}{(DilationW > 1 || DilationH > 1 ? $" dilation {DilationW}×{DilationH}" : "")}{(Activation == "NONE" ? "" : $" {Activation}")}";
}

/// <summary>One operator of the main graph, in execution order. Inputs may hold -1 for an optional input left out.</summary>
public sealed record GraphOperator(int Index, OperatorCode Code, string Name, IReadOnlyList<int> Inputs, IReadOnlyList<int> Outputs, WindowOptions? Window, string? Activation);

/// <summary>
/// The main graph of a .tflite model as the inspector needs it: every tensor and every operator with
/// its inputs and outputs, read with FlatBuffers after <see cref="TfliteModel.Parse"/> has checked the file.
/// </summary>
public sealed record ModelGraph(TfliteModel Model, IReadOnlyList<GraphTensor> Tensors, IReadOnlyList<GraphOperator> Operators, IReadOnlyList<int> Inputs, IReadOnlyList<int> Outputs)
{
    private static readonly string[] Paddings = ["SAME", "VALID"];
    private static readonly string[] Activations = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"];

    public GraphTensor? Tensor(int index) => index >= 0 && index < Tensors.Count ? Tensors[index] : null;

    public static ModelGraph Read(string path) => Parse(path, TfliteModel.ReadBytes(path));

    public static ModelGraph Parse(string path, byte[] bytes)
    {
        var model = TfliteModel.Parse(path, bytes);
        try
        {
            var root = FlatTable.Root(new ByteBuffer(bytes));
            var buffers = root.Tables(4);
            var main = root.Tables(2)[0];
            var tensorTables = main.Tables(0);
            var tensors = tensorTables.Select((tensor, index) =>
            {
                var buffer = (int)tensor.UInt(2);
                long dataBytes = 0;
                if (buffer > 0 && buffer < buffers.Count)
                {
                    var (_, length) = buffers[buffer].Bytes(0);
                    dataBytes = length > 0 ? length : (long)buffers[buffer].ULong(2);
                }
                var channels = tensor.Table(4) is { } q ? q.VectorLength(2) : 0;
                return new GraphTensor(index, tensor.String(3) ?? $"tensor {index}", (TensorType)tensor.SByte(1), tensor.Ints(0),
                    dataBytes > 0, tensor.Bool(5), dataBytes, channels);
            }).ToList();
            var operators = main.Tables(3).Select((op, index) =>
            {
                var code = model.OperatorCodes[(int)op.UInt(0)];
                var name = BuiltinOperators.NameOf(code);
                var inputs = op.Ints(1);
                var outputs = op.Ints(2);
                foreach (var tensor in inputs.Concat(outputs))
                {
                    if (tensor < -1 || tensor >= tensors.Count)
                    {
                        throw new ModelException(path, $"is corrupt: operator #{index} ({name}) names tensor {tensor} but the graph has {tensors.Count}");
                    }
                }
                var (window, activation) = Options(name, op.Byte(3), op.Table(4));
                return new GraphOperator(index, code, name, inputs, outputs, window, activation);
            }).ToList();
            return new ModelGraph(model, tensors, operators, main.Ints(1), main.Ints(2));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new ModelException(path, $"is corrupt or truncated ({bytes.Length} bytes): its graph cannot be read ({e.Message})");
        }
    }

    // Slots and union numbers from TFLite's schema.fbs: Conv2DOptions = 1, DepthwiseConv2DOptions = 2,
    // Pool2DOptions = 5, FullyConnectedOptions = 8.
    private static (WindowOptions? Window, string? Activation) Options(string name, byte type, FlatTable? options)
    {
        if (options is not { } o)
        {
            return (null, null);
        }
        string Padding(int slot) => Paddings.ElementAtOrDefault(o.Byte(slot)) ?? $"padding {o.Byte(slot)}";
        string Activation(int slot) => Activations.ElementAtOrDefault(o.Byte(slot)) ?? $"activation {o.Byte(slot)}";
        return (name, type) switch
        {
            ("CONV_2D", 1) => (new WindowOptions(Padding(0), o.Int(1), o.Int(2), 0, 0, o.Int(4, 1), o.Int(5, 1), Activation(3)), Activation(3)),
            ("DEPTHWISE_CONV_2D", 2) => (new WindowOptions(Padding(0), o.Int(1), o.Int(2), 0, 0, o.Int(5, 1), o.Int(6, 1), Activation(4)), Activation(4)),
            ("AVERAGE_POOL_2D" or "MAX_POOL_2D" or "L2_POOL_2D", 5) => (new WindowOptions(Padding(0), o.Int(1), o.Int(2), o.Int(3), o.Int(4), 1, 1, Activation(5)), Activation(5)),
            ("FULLY_CONNECTED", 8) => (null, Activation(0)),
            _ => (null, null),
        };
    }
}
