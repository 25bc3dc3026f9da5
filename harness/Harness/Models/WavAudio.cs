using System.Buffers.Binary;
using System.Text;

namespace Harness.Models;

/// <summary>A mono 16-bit PCM WAV file: its sample rate and samples.</summary>
public sealed record WavAudio(string Path, int SampleRate, short[] Samples)
{
    public double Seconds => (double)Samples.Length / SampleRate;

    public static WavAudio Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || Encoding.ASCII.GetString(bytes, 0, 4) != "RIFF" || Encoding.ASCII.GetString(bytes, 8, 4) != "WAVE")
        {
            throw new ModelException(path, "is not a WAV file (no RIFF/WAVE header)");
        }
        (int Format, int Channels, int Rate, int Bits)? format = null;
        for (var at = 12; at + 8 <= bytes.Length;)
        {
            var id = Encoding.ASCII.GetString(bytes, at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            var body = at + 8;
            if (size < 0 || body + size > bytes.Length)
            {
                throw new ModelException(path, $"is truncated: its '{id}' chunk claims {size} bytes, {bytes.Length - body} remain");
            }
            if (id == "fmt " && size >= 16)
            {
                format = (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body)), BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body + 2)),
                    BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(body + 4)), BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body + 14)));
            }
            else if (id == "data")
            {
                if (format is not { } f)
                {
                    throw new ModelException(path, "has its 'data' chunk before a 'fmt ' chunk");
                }
                if (f.Format != 1 || f.Bits != 16 || f.Channels != 1)
                {
                    throw new ModelException(path, $"holds {f.Channels}-channel {f.Bits}-bit audio in format {f.Format}; the harness reads mono 16-bit PCM (format 1), as TFLM's audio examples use");
                }
                var samples = new short[size / 2];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(body + 2 * i));
                }
                return new WavAudio(path, f.Rate, samples);
            }
            at = body + size + (size & 1);
        }
        throw new ModelException(path, "has no 'data' chunk");
    }
}
