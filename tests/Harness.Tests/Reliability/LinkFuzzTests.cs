using Harness.Link;

namespace Harness.Tests.Reliability;

/// <summary>The host's link decoder fed 10,000 seeded random and mutated frames: each ends as a frame or as counted garbage, and the next good frame always gets through.</summary>
public class LinkFuzzTests
{
    private const int Cases = 10_000;

    [Test]
    public void TenThousandMutatedFramesNeverThrowAndTheLinkResynchronises()
    {
        var random = new Random(20261204);
        var sentinel = new Frame((byte)FrameType.Stats | Frame.ResponseFlag, 0xA5, "sentinel"u8.ToArray());
        var decoder = new LinkDecoder();
        int frames = 0, garbage = 0, text = 0, intact = 0;
        for (var i = 0; i < Cases; i++)
        {
            var body = new byte[random.Next(Frame.MaxBody + 1)];
            random.NextBytes(body);
            var original = new Frame((byte)random.Next(256), (byte)random.Next(256), body);
            var wire = original.Encode();
            var mutated = i % 10 == 0 ? RandomBytes(random) : Mutations.Mutate(wire, random, out _);
            var items = decoder.Feed(mutated).Concat(decoder.Feed(sentinel.Encode())).ToList();
            Assert.That(items, Is.Not.Empty, $"case {i}: nothing came out, not even the sentinel frame");
            Assert.That(items[^1], Is.InstanceOf<FrameItem>(), $"case {i}: the link did not resynchronise on the next good frame");
            Assert.That(((FrameItem)items[^1]).Frame.Body, Is.EqualTo(sentinel.Body), $"case {i}");
            foreach (var decoded in items.Take(items.Count - 1).OfType<FrameItem>().Select(f => f.Frame))
            {
                // A frame that survived a mutation is the original one (the mutation missed its bytes), never a changed one the CRC let through.
                Assert.That((decoded.Type, decoded.Sequence, decoded.Body), Is.EqualTo((original.Type, original.Sequence, original.Body)).Using(FrameComparer.Instance), $"case {i}: a corrupted frame was accepted");
                intact++;
            }
            frames += items.Count(item => item is FrameItem);
            garbage += items.OfType<Garbage>().Count();
            text += items.OfType<TextLine>().Count();
        }
        TestContext.Out.WriteLine($"{Cases} cases: {frames} frames decoded ({intact} mutated frames that survived intact, {Cases} sentinels), {garbage} garbage segments counted, {text} text lines");
        Assert.That(garbage, Is.GreaterThan(Cases / 2), "most mutations are caught as garbage");
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 2 * Frame.MaxEncodedLength)];
        random.NextBytes(bytes);
        return bytes;
    }

    private sealed class FrameComparer : IEqualityComparer<(byte, byte, byte[])>
    {
        public static readonly FrameComparer Instance = new();
        public bool Equals((byte, byte, byte[]) x, (byte, byte, byte[]) y) => x.Item1 == y.Item1 && x.Item2 == y.Item2 && x.Item3.AsSpan().SequenceEqual(y.Item3);
        public int GetHashCode((byte, byte, byte[]) obj) => HashCode.Combine(obj.Item1, obj.Item2, obj.Item3.Length);
    }
}
