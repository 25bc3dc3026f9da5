namespace Harness.Tests.Reliability;

/// <summary>Seeded ways to break a byte string, as fuzzers do: bit flips, byte changes, cuts, insertions, repeats, and 32-bit fields overwritten with extreme values.</summary>
public static class Mutations
{
    public static byte[] Mutate(byte[] original, Random random, out string how)
    {
        var bytes = original.ToList();
        var kinds = new List<string>();
        var count = 1 + random.Next(4);
        for (var i = 0; i < count && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    kinds.Add($"bit flip at {at}");
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    kinds.Add($"byte at {at}");
                    break;
                case 2:
                    var keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    kinds.Add($"truncated to {keep}");
                    break;
                case 3:
                    var inserted = new byte[1 + random.Next(16)];
                    random.NextBytes(inserted);
                    bytes.InsertRange(at, inserted);
                    kinds.Add($"{inserted.Length} bytes inserted at {at}");
                    break;
                case 4:
                    var removed = Math.Min(1 + random.Next(16), bytes.Count - at);
                    bytes.RemoveRange(at, removed);
                    kinds.Add($"{removed} bytes removed at {at}");
                    break;
                case 5:
                    var length = Math.Min(1 + random.Next(32), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    kinds.Add($"{length} bytes repeated at {at}");
                    break;
                default:
                    // An offset or a vector length pointing far outside the buffer, or negative.
                    var word = at & ~3;
                    if (word + 4 <= bytes.Count)
                    {
                        var value = new[] { int.MaxValue, int.MinValue, -1, bytes.Count, bytes.Count * 2, 0x7FFF_FFF0 }[random.Next(6)];
                        BitConverter.GetBytes(value).CopyTo(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)[word..]);
                        kinds.Add($"word at {word} = {value}");
                    }
                    break;
            }
        }
        how = string.Join(", ", kinds);
        return bytes.ToArray();
    }
}
