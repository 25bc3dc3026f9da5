using System.Buffers.Binary;
using System.IO.Hashing;

namespace Harness.Link;

public enum FrameType : byte
{
    Hello = 0x01,
    UploadBegin = 0x02,
    UploadChunk = 0x03,
    Invoke = 0x04,
    Stats = 0x05,
    Download = 0x06,
    BulkBegin = 0x07,
    BulkCommit = 0x08,
    Boot = 0x70,
    Log = 0x71,
    Fault = 0x72,
    Error = 0x7F,
}

/// <summary>One message of the link protocol (docs/link-protocol.md).</summary>
public sealed record Frame(byte Type, byte Sequence, byte[] Body)
{
    public const byte ResponseFlag = 0x80;
    public const int MaxBody = 256;
    public const int HeaderLength = 5;
    public const int CrcLength = 4;
    public const int ProtocolVersion = 1;

    /// <summary>Longest possible encoded frame (without delimiters): anything longer on the wire is garbage.</summary>
    public const int MaxEncodedLength = HeaderLength + MaxBody + CrcLength + (HeaderLength + MaxBody + CrcLength) / 254 + 2;

    public static byte ResponseTo(FrameType request) => (byte)((byte)request | ResponseFlag);

    /// <summary>The bytes to put on the wire: 0x00, COBS(payload), 0x00.</summary>
    public byte[] Encode()
    {
        if (Body.Length > MaxBody)
        {
            throw new ArgumentException($"frame body of {Body.Length} bytes exceeds the protocol's {MaxBody}");
        }
        var payload = new byte[HeaderLength + Body.Length + CrcLength];
        payload[0] = 0; // sync: makes every encoded frame start with 0x01, never with printable text
        payload[1] = Type;
        payload[2] = Sequence;
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(3), (ushort)Body.Length);
        Body.CopyTo(payload, HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(HeaderLength + Body.Length), Crc32.HashToUInt32(payload.AsSpan(0, HeaderLength + Body.Length)));
        var encoded = Cobs.Encode(payload);
        var wire = new byte[encoded.Length + 2];
        encoded.CopyTo(wire, 1);
        return wire;
    }

    /// <summary>Parses the bytes between two delimiters; null when they are not a well-formed frame.</summary>
    public static Frame? TryDecode(ReadOnlySpan<byte> encoded)
    {
        var payload = Cobs.Decode(encoded);
        if (payload is null || payload.Length < HeaderLength + CrcLength || payload[0] != 0)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(3));
        if (length > MaxBody || payload.Length != HeaderLength + length + CrcLength)
        {
            return null;
        }
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(HeaderLength + length));
        if (crc != Crc32.HashToUInt32(payload.AsSpan(0, HeaderLength + length)))
        {
            return null;
        }
        return new Frame(payload[1], payload[2], payload[HeaderLength..(HeaderLength + length)]);
    }
}
