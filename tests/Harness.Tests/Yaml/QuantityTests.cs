using Harness.Yaml;

namespace Harness.Tests.Yaml;

public class QuantityTests
{
    [TestCase("4096", 4096)]
    [TestCase("64KiB", 65536)]
    [TestCase("1.5MiB", 1572864)]
    [TestCase("0x1000", 4096)]
    public void ParsesSizes(string text, long bytes)
    {
        Assert.That(Quantity.TryParseBytes(text, out var value, out var problem), Is.True, problem);
        Assert.That(value, Is.EqualTo(bytes));
    }

    [TestCase("64KB")]
    [TestCase("64 k")]
    [TestCase("lots")]
    public void RejectsAmbiguousOrUnknownSizes(string text) =>
        Assert.That(Quantity.TryParseBytes(text, out _, out var problem), Is.False, problem);

    [TestCase("30M", 30_000_000)]
    [TestCase("200k", 200_000)]
    [TestCase("12345", 12345)]
    public void ParsesCounts(string text, long count)
    {
        Assert.That(Quantity.TryParseCount(text, out var value, out _), Is.True);
        Assert.That(value, Is.EqualTo(count));
    }

    [TestCase("500ms", 0.5)]
    [TestCase("10s", 10)]
    [TestCase("2m", 120)]
    public void ParsesDurations(string text, double seconds)
    {
        Assert.That(Quantity.TryParseDuration(text, out var value, out _), Is.True);
        Assert.That(value.TotalSeconds, Is.EqualTo(seconds));
    }
}
