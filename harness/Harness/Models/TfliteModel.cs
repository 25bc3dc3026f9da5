using Google.FlatBuffers;

namespace Harness.Models;

/// <summary>Element types of TFLite tensors (schema enum TensorType).</summary>
public enum TensorType
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5, Bool = 6, Int16 = 7, Complex64 = 8,
    Int8 = 9, Float64 = 10, Complex128 = 11, UInt64 = 12, Resource = 13, Variant = 14, UInt32 = 15, UInt16 = 16,
    Int4 = 17, BFloat16 = 18,
}

public static class TensorTypes
{
    public static int ElementSize(this TensorType type) => type switch
    {
        TensorType.Float32 or TensorType.Int32 or TensorType.UInt32 => 4,
        TensorType.Int8 or TensorType.UInt8 or TensorType.Bool => 1,
        TensorType.Int16 or TensorType.UInt16 or TensorType.Float16 or TensorType.BFloat16 => 2,
        TensorType.Int64 or TensorType.UInt64 or TensorType.Float64 or TensorType.Complex64 => 8,
        _ => 0,
    };

    public static string Name(this TensorType type) => type.ToString().ToLowerInvariant();
}

/// <summary>Per-tensor affine quantization: real = scale × (q − zero_point).</summary>
public sealed record Quantization(float Scale, long ZeroPoint);

public sealed record TensorInfo(int Index, string Name, TensorType Type, IReadOnlyList<int> Shape, Quantization? Quantization)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * Math.Max(dimension, 1));
    public long Bytes => ElementCount * Type.ElementSize();
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
    public override string ToString() => $"'{Name}' {Type.Name()} {ShapeText}{(Quantization is { } q ? $" (scale {q.Scale:G6}, zero point {q.ZeroPoint})" : "")}";
}

/// <summary>An operator code: a builtin number (names come from TFLM's schema) or a custom op's name.</summary>
public sealed record OperatorCode(int Builtin, string? Custom, int Version)
{
    public const int CustomBuiltin = 32;
    public bool IsCustom => Builtin == CustomBuiltin;
}

/// <summary>
/// What the harness needs to know of a .tflite model: its operators (to generate the op resolver),
/// its input and output tensors (shapes, types, quantization) and its size. Read with FlatBuffers.
/// </summary>
public sealed record TfliteModel(
    string Path,
    long FileBytes,
    uint SchemaVersion,
    string? Description,
    IReadOnlyList<OperatorCode> OperatorCodes,
    IReadOnlyList<int> OperatorCodeUse,
    IReadOnlyList<TensorInfo> Inputs,
    IReadOnlyList<TensorInfo> Outputs,
    int Subgraphs)
{
    /// <summary>SHA-256 of the file's bytes (hex): what a baseline and a run's fingerprint name the model by.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>
    /// The operators the graphs actually use, each once: a table that lists the same builtin (or custom
    /// name) in several entries, as converters may write (one per version), still names one operator.
    /// </summary>
    public IReadOnlyList<OperatorCode> UsedOperators => OperatorCodeUse.Distinct().Order().Select(i => OperatorCodes[i])
        .DistinctBy(code => (code.Builtin, code.IsCustom ? code.Custom : null)).ToList();

    public static TfliteModel Read(string path) => Parse(path, ReadBytes(path));

    /// <summary>A model file's bytes; an unreadable file is a ModelException naming it.</summary>
    internal static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException(path, $"cannot be read: {e.Message}");
        }
    }

    public static TfliteModel Parse(string path, byte[] bytes)
    {
        if (bytes.Length < 8)
        {
            throw new ModelException(path, $"is not a TensorFlow Lite model: {bytes.Length} bytes is too short to hold one");
        }
        var identifier = System.Text.Encoding.ASCII.GetString(bytes, 4, 4);
        if (identifier != "TFL3")
        {
            throw new ModelException(path, $"is not a TensorFlow Lite model: its FlatBuffer identifier is '{Printable(identifier)}', not 'TFL3'");
        }
        try
        {
            var model = FlatTable.Root(new ByteBuffer(bytes));
            var codes = model.Tables(1).Select(code =>
            {
                // Old files keep the code in the deprecated byte field; 127 there means "look in builtin_code".
                var deprecated = code.SByte(0);
                var builtin = Math.Max(deprecated, code.Int(3));
                return new OperatorCode(builtin, code.String(1), code.Int(2, 1));
            }).ToList();
            var subgraphs = model.Tables(2);
            if (subgraphs.Count == 0)
            {
                throw new ModelException(path, "has no subgraph: there is no graph to run");
            }
            var used = new List<int>();
            foreach (var subgraph in subgraphs)
            {
                foreach (var op in subgraph.Tables(3))
                {
                    var index = (int)op.UInt(0);
                    if (index < 0 || index >= codes.Count)
                    {
                        throw new ModelException(path, $"is corrupt: an operator names opcode {index} but the model has {codes.Count}");
                    }
                    used.Add(index);
                }
            }
            var main = subgraphs[0];
            var tensors = main.Tables(0);
            TensorInfo Tensor(int index)
            {
                if (index < 0 || index >= tensors.Count)
                {
                    throw new ModelException(path, $"is corrupt: the graph names tensor {index} but has {tensors.Count}");
                }
                var tensor = tensors[index];
                Quantization? quantization = null;
                if (tensor.Table(4) is { } q && q.Floats(2) is { Length: > 0 } scales)
                {
                    quantization = new Quantization(scales[0], q.Longs(3) is { Length: > 0 } zeros ? zeros[0] : 0);
                }
                return new TensorInfo(index, tensor.String(3) ?? $"tensor {index}", (TensorType)tensor.SByte(1), tensor.Ints(0), quantization);
            }
            var buffers = model.Tables(4);
            foreach (var buffer in buffers)
            {
                var (offset, length) = buffer.Bytes(0);
                if (length > 0 && (long)offset + length > bytes.Length)
                {
                    throw new ModelException(path, $"is truncated: a weight buffer of {length} bytes runs past the end of the {bytes.Length}-byte file");
                }
            }
            return new TfliteModel(path, bytes.Length, model.UInt(0), model.String(3), codes, used,
                main.Ints(1).Select(Tensor).ToList(), main.Ints(2).Select(Tensor).ToList(), subgraphs.Count)
            {
                Sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant(),
            };
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new ModelException(path, $"is corrupt or truncated ({bytes.Length} bytes): its FlatBuffer cannot be read ({e.Message})");
        }
    }

    private static string Printable(string text) => new(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}

public sealed class ModelException(string path, string problem) : HarnessException($"{path} {problem}")
{
    public string ModelPath { get; } = path;
}
