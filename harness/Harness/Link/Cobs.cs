namespace Harness.Link;

/// <summary>Consistent Overhead Byte Stuffing: the encoded form has no zero byte, so 0x00 can delimit frames.</summary>
public static class Cobs
{
    public static byte[] Encode(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length + data.Length / 254 + 2);
        var blockStart = 0;
        while (blockStart <= data.Length)
        {
            var run = 0;
            while (blockStart + run < data.Length && data[blockStart + run] != 0 && run < 254)
            {
                run++;
            }
            output.Add((byte)(run + 1));
            for (var i = 0; i < run; i++)
            {
                output.Add(data[blockStart + i]);
            }
            blockStart += run;
            if (run == 254)
            {
                if (blockStart == data.Length)
                {
                    break;
                }
                continue;
            }
            blockStart++;
        }
        return output.ToArray();
    }

    /// <summary>Decodes one frame (without its delimiters); null when the bytes are not valid COBS.</summary>
    public static byte[]? Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new byte[encoded.Length];
        var read = 0;
        var written = 0;
        while (read < encoded.Length)
        {
            var code = encoded[read++];
            if (code == 0 || read + code - 1 > encoded.Length)
            {
                return null;
            }
            for (var i = 1; i < code; i++)
            {
                output[written++] = encoded[read++];
            }
            if (code != 0xFF && read < encoded.Length)
            {
                output[written++] = 0;
            }
        }
        return output[..written];
    }
}
