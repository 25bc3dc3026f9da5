using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Harness.Models;

/// <summary>Where an input tensor's data comes from (scenario 'inputs').</summary>
public abstract record TensorSource
{
    public abstract string Describe();
}

/// <summary>Real values from the YAML; quantized with the tensor's scale and zero point when it is an integer tensor.</summary>
public sealed record InlineValues(IReadOnlyList<double> Values) : TensorSource
{
    public override string Describe() => $"values [{string.Join(", ", Values.Take(8).Select(v => v.ToString(CultureInfo.InvariantCulture)))}{(Values.Count > 8 ? ", …" : "")}]";
}

/// <summary>The tensor's bytes, exactly.</summary>
public sealed record RawFile(string Path) : TensorSource
{
    public override string Describe() => $"raw {Path}";
}

/// <summary>A NumPy .npy array: copied when its dtype is the tensor's, quantized when it holds reals for an integer tensor.</summary>
public sealed record NpyFile(string Path) : TensorSource
{
    public override string Describe() => $"npy {Path}";
}

/// <summary>
/// A BMP image as gray pixels, top row first. Into an 8-bit tensor its bytes go as they are, as TFLM's
/// own tooling (generate_cc_arrays.py) feeds images to its examples; into a float tensor as 0..255.
/// </summary>
public sealed record BmpFile(string Path) : TensorSource
{
    public override string Describe() => $"bmp {Path}";
}

/// <summary>A mono 16-bit PCM WAV file's samples, as they are, into an int16 tensor of exactly that many samples.</summary>
public sealed record WavFile(string Path) : TensorSource
{
    public override string Describe() => $"wav {Path}";
}

/// <summary>
/// Features computed from audio by a preprocessor model (e.g. TFLM's audio_preprocessor_int8): the
/// preprocessor runs once per window of its input's length, every <paramref name="StrideMs"/>, keeping its
/// state from window to window as on a device; its outputs, one row per window, make the tensor.
/// </summary>
/// <param name="OnBoard">Run the preprocessor on each board too (its own firmware, before the model's), and use those rows.</param>
public sealed record AudioFeatures(TfliteModel Preprocessor, string AudioPath, int StrideMs, bool OnBoard = false) : TensorSource
{
    public override string Describe() => $"features of {System.IO.Path.GetFileName(AudioPath)} by {System.IO.Path.GetFileName(Preprocessor.Path)}";

    /// <summary>How the audio is cut for a target tensor; every mismatch is an error naming both sides.</summary>
    public FeatureLayout Layout(TensorInfo target)
    {
        if (Preprocessor.Inputs.Count != 1 || Preprocessor.Outputs.Count != 1)
        {
            throw new ModelException(Preprocessor.Path, $"has {Preprocessor.Inputs.Count} inputs and {Preprocessor.Outputs.Count} outputs; a feature preprocessor takes one window of audio and gives one row of features");
        }
        var input = Preprocessor.Inputs[0];
        var output = Preprocessor.Outputs[0];
        if (input.Type != TensorType.Int16)
        {
            throw new ModelException(Preprocessor.Path, $"takes {input}; a feature preprocessor takes int16 audio samples");
        }
        if (output.Type != target.Type)
        {
            throw new ModelException(Preprocessor.Path, $"gives {output.Type.Name()} features ({output}), but input {target} takes {target.Type.Name()}");
        }
        if (target.ElementCount % output.ElementCount != 0)
        {
            throw new ModelException(Preprocessor.Path, $"gives rows of {output.ElementCount} features; input {target} holds {target.ElementCount} values, not a whole number of rows");
        }
        var audio = WavAudio.Read(AudioPath);
        var window = (int)input.ElementCount;
        var stride = StrideMs * audio.SampleRate / 1000;
        var frames = (int)(target.ElementCount / output.ElementCount);
        var available = audio.Samples.Length < window ? 0 : (audio.Samples.Length - window) / stride + 1;
        if (stride <= 0)
        {
            throw new ModelException(AudioPath, $"stride of {StrideMs} ms is not a positive number of samples at {audio.SampleRate} Hz");
        }
        if (available < frames)
        {
            throw new ModelException(AudioPath, $"is {audio.Seconds:0.###} s long ({audio.Samples.Length} samples at {audio.SampleRate} Hz): that gives {available} windows of {window} samples every {stride}; input {target} needs {frames}");
        }
        return new FeatureLayout(audio, window, stride, frames, (int)output.Bytes);
    }
}

/// <summary>The audio and how it is cut: <paramref name="Frames"/> windows of <paramref name="Window"/> samples, <paramref name="Stride"/> apart.</summary>
public sealed record FeatureLayout(WavAudio Audio, int Window, int Stride, int Frames, int RowBytes)
{
    public byte[] WindowBytes(int frame)
    {
        var bytes = new byte[Window * 2];
        for (var i = 0; i < Window; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), Audio.Samples[frame * Stride + i]);
        }
        return bytes;
    }
}

/// <summary>Turns inputs into tensor bytes and tensor bytes into numbers, with the model's quantization.</summary>
public static partial class TensorData
{
    public static byte[] Encode(TensorInfo tensor, TensorSource source)
    {
        switch (source)
        {
            case RawFile raw:
                var bytes = File.ReadAllBytes(raw.Path);
                Require(bytes.Length == tensor.Bytes, tensor, source, $"{bytes.Length} bytes");
                return bytes;
            case InlineValues inline:
                return FromReals(tensor, source, inline.Values);
            case BmpFile bmp:
                var pixels = ReadBmpGray(bmp.Path);
                if (tensor.Type is TensorType.Int8 or TensorType.UInt8)
                {
                    Require(pixels.Length == tensor.ElementCount, tensor, source, $"{pixels.Length} pixels");
                    return pixels;
                }
                return FromReals(tensor, source, pixels.Select(p => (double)p).ToList());
            case WavFile wav:
                var audio = WavAudio.Read(wav.Path);
                if (tensor.Type != TensorType.Int16)
                {
                    throw new ModelException(wav.Path, $"holds int16 samples, but input {tensor} takes {tensor.Type.Name()}; use 'features' to turn audio into a model's features");
                }
                Require(audio.Samples.Length == tensor.ElementCount, tensor, source, $"{audio.Samples.Length} samples ({audio.Seconds:0.###} s at {audio.SampleRate} Hz)");
                return new FeatureLayout(audio, audio.Samples.Length, 0, 1, 0).WindowBytes(0);
            case AudioFeatures features:
                throw new InvalidOperationException($"{features.Describe()} are computed by running the preprocessor (Runner.InputPreparation), not encoded directly");
            case NpyFile npy:
                var (dtype, values, rawBytes) = ReadNpy(npy.Path);
                if (NpyType(dtype) == tensor.Type)
                {
                    Require(rawBytes.Length == tensor.Bytes, tensor, source, $"{rawBytes.Length / Math.Max(1, tensor.Type.ElementSize())} {dtype} values");
                    return rawBytes;
                }
                if (dtype is "<f4" or "<f8")
                {
                    return FromReals(tensor, source, values);
                }
                throw new ModelException(npy.Path, $"holds dtype '{dtype}', but input {tensor} takes {tensor.Type.Name()}: give {tensor.Type.Name()} values, or float32 reals to be quantized");
            default:
                throw new ArgumentOutOfRangeException(nameof(source));
        }
    }

    /// <summary>The tensor's values as reals: dequantized for quantized integer tensors.</summary>
    public static IReadOnlyList<double> Decode(TensorInfo tensor, byte[] bytes)
    {
        var raw = DecodeRaw(tensor, bytes);
        return tensor.Quantization is { } q && tensor.Type is not (TensorType.Float32 or TensorType.Float64)
            ? raw.Select(v => q.Scale * (v - q.ZeroPoint)).ToList()
            : raw;
    }

    /// <summary>The tensor's stored values (integers as they are, floats as floats).</summary>
    public static IReadOnlyList<double> DecodeRaw(TensorInfo tensor, byte[] bytes)
    {
        var size = tensor.Type.ElementSize();
        return Enumerable.Range(0, bytes.Length / Math.Max(1, size)).Select(i =>
        {
            var span = bytes.AsSpan(i * size, size);
            return tensor.Type switch
            {
                TensorType.Int8 => (sbyte)span[0],
                TensorType.UInt8 or TensorType.Bool => span[0],
                TensorType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(span),
                TensorType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(span),
                TensorType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(span),
                TensorType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(span),
                TensorType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(span),
                TensorType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(span),
                TensorType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(span),
                _ => double.NaN,
            };
        }).ToList();
    }

    private static byte[] FromReals(TensorInfo tensor, TensorSource source, IReadOnlyList<double> values)
    {
        Require(values.Count == tensor.ElementCount, tensor, source, $"{values.Count} values");
        var size = tensor.Type.ElementSize();
        var bytes = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            var value = values[i];
            if (tensor.Type == TensorType.Float32)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span, (float)value);
                continue;
            }
            // Half away from zero, as TFLite's own quantization rounds (std::round), not to even.
            var q = tensor.Quantization is { } quantization ? Math.Round(value / quantization.Scale, MidpointRounding.AwayFromZero) + quantization.ZeroPoint : value;
            switch (tensor.Type)
            {
                case TensorType.Int8: span[0] = (byte)(sbyte)Math.Clamp(q, sbyte.MinValue, sbyte.MaxValue); break;
                case TensorType.UInt8: span[0] = (byte)Math.Clamp(q, byte.MinValue, byte.MaxValue); break;
                case TensorType.Int16: BinaryPrimitives.WriteInt16LittleEndian(span, (short)Math.Clamp(q, short.MinValue, short.MaxValue)); break;
                case TensorType.Int32: BinaryPrimitives.WriteInt32LittleEndian(span, (int)Math.Clamp(q, int.MinValue, int.MaxValue)); break;
                default: throw new ModelException(source.Describe(), $"cannot be written into input {tensor}: {tensor.Type.Name()} inputs take raw or npy data");
            }
        }
        return bytes;
    }

    private static void Require(bool ok, TensorInfo tensor, TensorSource source, string got)
    {
        if (!ok)
        {
            throw new ModelException(source.Describe(), $"does not fit input {tensor}: it takes {tensor.ElementCount} values ({tensor.Bytes} bytes), this gives {got}");
        }
    }

    private static TensorType? NpyType(string dtype) => dtype switch
    {
        "<f4" => TensorType.Float32, "|i1" or "<i1" => TensorType.Int8, "|u1" or "<u1" => TensorType.UInt8,
        "<i2" => TensorType.Int16, "<i4" => TensorType.Int32, "<i8" => TensorType.Int64, _ => null,
    };

    /// <summary>Reads a version 1–3 .npy file (little-endian, C order): dtype, values as reals, and the raw data.</summary>
    public static (string Dtype, IReadOnlyList<double> Values, byte[] Raw) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new ModelException(path, "is not a NumPy .npy file (no \\x93NUMPY magic)");
        }
        var major = bytes[6];
        var headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var start = major == 1 ? 10 : 12;
        var header = Encoding.Latin1.GetString(bytes, start, Math.Min(headerLength, bytes.Length - start));
        var dtype = NpyField().Match(header) is { Success: true } d ? d.Groups[1].Value : throw new ModelException(path, $"has an .npy header without 'descr': {header}");
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new ModelException(path, "is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        var raw = bytes[(start + headerLength)..];
        var size = dtype[^1] - '0';
        var values = Enumerable.Range(0, raw.Length / Math.Max(1, size)).Select(i => dtype switch
        {
            "<f4" => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i)),
            "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(8 * i)),
            "|i1" or "<i1" => (sbyte)raw[i],
            "|u1" or "<u1" => raw[i],
            "<i2" => BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(2 * i)),
            "<i4" => BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(4 * i)),
            "<i8" => (double)BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8 * i)),
            _ => throw new ModelException(path, $"has dtype '{dtype}', which the harness does not read (float32/64, int8/16/32/64, uint8)"),
        }).ToList();
        return (dtype, values, raw);
    }

    /// <summary>An uncompressed 8-bit (palette taken as gray) or 24/32-bit BMP as gray pixels, top row first.</summary>
    public static byte[] ReadBmpGray(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 54 || bytes[0] != 'B' || bytes[1] != 'M')
        {
            throw new ModelException(path, "is not a BMP image (no 'BM' header)");
        }
        var dataOffset = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(10));
        var width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
        var height = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22));
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
        var compression = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(30));
        if (compression != 0 || bits is not (8 or 24 or 32))
        {
            throw new ModelException(path, $"is a {bits}-bit BMP with compression {compression}; the harness reads uncompressed 8-, 24- and 32-bit BMPs");
        }
        var bottomUp = height > 0;
        height = Math.Abs(height);
        var stride = (width * bits / 8 + 3) & ~3;
        if (dataOffset + (long)stride * height > bytes.Length)
        {
            throw new ModelException(path, "is truncated: its pixel rows run past the end of the file");
        }
        var gray = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var row = dataOffset + stride * (bottomUp ? height - 1 - y : y);
            for (var x = 0; x < width; x++)
            {
                gray[y * width + x] = bits == 8
                    ? Palette(bytes, bytes[row + x])
                    : (byte)Math.Round(0.299 * bytes[row + x * bits / 8 + 2] + 0.587 * bytes[row + x * bits / 8 + 1] + 0.114 * bytes[row + x * bits / 8]);
            }
        }
        return gray;
    }

    private static byte Palette(byte[] bmp, byte index)
    {
        // The palette follows the info header; a grayscale BMP's entry i is (i, i, i).
        var entry = 14 + BinaryPrimitives.ReadInt32LittleEndian(bmp.AsSpan(14)) + 4 * index;
        return entry + 2 < bmp.Length ? bmp[entry + 1] : index;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex NpyField();
}
