using Harness.Link;

namespace Harness.Tests.Link;

public class LinkDecoderTests
{
    private static readonly Frame Hello = new((byte)FrameType.Boot, 0, "proto=1;app=diag"u8.ToArray());

    [Test]
    public void SeparatesFramesFromTextLines()
    {
        var bytes = "booting...\r\n"u8.ToArray().Concat(Hello.Encode()).Concat("done\n"u8.ToArray()).ToArray();
        var items = new LinkDecoder().Feed(bytes).ToList();
        Assert.That(items, Has.Count.EqualTo(3));
        Assert.That(items[0], Is.EqualTo(new TextLine("booting...")));
        Assert.That(((FrameItem)items[1]).Frame.Body, Is.EqualTo(Hello.Body));
        Assert.That(items[2], Is.EqualTo(new TextLine("done")));
    }

    [Test]
    public void SkipsGarbageAndResynchronisesOnTheNextFrame()
    {
        var junk = new byte[300];
        new Random(3).NextBytes(junk);
        var decoder = new LinkDecoder();
        var items = decoder.Feed(junk.Concat(Hello.Encode()).ToArray()).ToList();
        Assert.That(items.OfType<FrameItem>().Single().Frame.Body, Is.EqualTo(Hello.Body));
        Assert.That(items.OfType<Garbage>().Sum(g => g.ByteCount), Is.GreaterThan(0));
    }

    [Test]
    public void DropsAFrameWhoseCrcIsWrong()
    {
        var wire = Hello.Encode();
        wire[8] ^= 0x40;
        var items = new LinkDecoder().Feed(wire).ToList();
        Assert.That(items.OfType<FrameItem>(), Is.Empty);
        Assert.That(items.OfType<Garbage>(), Is.Not.Empty);
    }

    [Test]
    public void FramesSplitAcrossReadsStillDecode()
    {
        var wire = Hello.Encode();
        var decoder = new LinkDecoder();
        var items = wire.Select(b => decoder.Feed([b])).SelectMany(x => x).ToList();
        Assert.That(items.OfType<FrameItem>().Single().Frame.Type, Is.EqualTo((byte)FrameType.Boot));
    }
}
