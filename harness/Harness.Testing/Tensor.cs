using Harness.Models;

namespace Harness.Testing;

/// <summary>An input tensor's data, encoded for the model's input tensor (its type, and its scale and zero point when quantized).</summary>
public sealed record TensorInput
{
    internal TensorInput(TensorSource? source, byte[]? bytes)
    {
        Source = source;
        Bytes = bytes;
    }

    internal TensorSource? Source { get; }

    internal byte[]? Bytes { get; }

    internal byte[] Encode(TensorInfo tensor, Func<string, string> resolve) => Bytes ?? TensorData.Encode(tensor, Source switch
    {
        RawFile raw => raw with { Path = resolve(raw.Path) },
        NpyFile npy => npy with { Path = resolve(npy.Path) },
        BmpFile bmp => bmp with { Path = resolve(bmp.Path) },
        WavFile wav => wav with { Path = resolve(wav.Path) },
        { } other => other,
        null => throw new InvalidOperationException("a tensor input has neither bytes nor a source"),
    });

    /// <summary>Where the data comes from, for messages.</summary>
    public override string ToString() => Source?.Describe() ?? $"{Bytes!.Length} B as stored";
}

/// <summary>Input tensors from files and values, in the formats scenarios take.</summary>
public static class Tensor
{
    /// <summary>Real values (quantized with the tensor's scale and zero point where it is quantized).</summary>
    public static TensorInput FromValues(params double[] values) => new(new InlineValues(values), null);

    /// <summary>A BMP image as gray pixels, top row first: into an 8-bit tensor as they are (as TFLM's own tooling feeds its examples), into a float tensor as 0..255.</summary>
    public static TensorInput FromBmp(string path) => new(new BmpFile(path), null);

    /// <summary>A NumPy .npy array of the tensor's element count.</summary>
    public static TensorInput FromNpy(string path) => new(new NpyFile(path), null);

    /// <summary>A file of the tensor's bytes exactly as stored.</summary>
    public static TensorInput FromRaw(string path) => new(new RawFile(path), null);

    /// <summary>A mono 16-bit PCM WAV file whose samples fill an int16 tensor.</summary>
    public static TensorInput FromWav(string path) => new(new WavFile(path), null);

    /// <summary>The tensor's bytes exactly as stored.</summary>
    public static TensorInput FromBytes(byte[] bytes) => new(null, bytes);
}
