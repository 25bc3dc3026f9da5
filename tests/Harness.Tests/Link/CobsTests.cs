using Harness.Link;

namespace Harness.Tests.Link;

public class CobsTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(253)]
    [TestCase(254)]
    [TestCase(255)]
    [TestCase(508)]
    [TestCase(1000)]
    public void RoundTripsAnyBytesWithoutZerosInTheEncoding(int length)
    {
        var random = new Random(length);
        foreach (var zeroEvery in new[] { 0, 1, 3, 300 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            for (var i = 0; i < length; i++)
            {
                if (zeroEvery == 0 ? data[i] == 0 : i % zeroEvery == 0)
                {
                    data[i] = zeroEvery == 0 ? (byte)1 : (byte)0;
                }
            }
            var encoded = Cobs.Encode(data);
            Assert.That(encoded, Does.Not.Contain((byte)0));
            Assert.That(Cobs.Decode(encoded), Is.EqualTo(data), $"length {length}, zero every {zeroEvery}");
        }
    }

    [Test]
    public void RejectsACodeThatPointsPastTheEnd() => Assert.That(Cobs.Decode([0x05, 0x11, 0x22]), Is.Null);
}
