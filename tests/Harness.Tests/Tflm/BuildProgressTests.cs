using Harness.Tflm;

namespace Harness.Tests.Tflm;

public class BuildProgressTests
{
    [Test]
    public void EveryFivePercentABarTheShareAndTheTimeLeftAtTheRateSoFar()
    {
        var progress = new BuildProgress("cortex_m_generic-cortex-m4+fp-reference", total: 200);
        var lines = Enumerable.Range(1, 200).Select(i => progress.Compiled(TimeSpan.FromSeconds(3 * i))).OfType<string>().ToList();
        Assert.That(lines, Has.Count.EqualTo(21), "a line when the first object is done, then one per 5 %");
        Assert.That(lines[0], Does.Contain("[--------------------] 0 % (1 of 200 objects"));
        Assert.That(lines[1], Is.EqualTo("TFLM library cortex_m_generic-cortex-m4+fp-reference: [#-------------------] 5 % (10 of 200 objects, 0.5 min), about 10 min left"));
        Assert.That(lines[10], Does.Contain("[##########----------] 50 % (100 of 200 objects, 5.0 min), about 5 min left"));
        Assert.That(lines[^1], Does.Contain("[####################] 100 % (200 of 200 objects, 10.0 min), done compiling"));
    }

    [Test]
    public void ObjectsAnEarlierBuildLeftCountAsDoneButNotInTheRate()
    {
        var progress = new BuildProgress("x", total: 100, present: 50);
        var first = progress.Compiled(TimeSpan.FromSeconds(6));
        Assert.That(first, Does.Contain("51 % (51 of 100 objects").And.Contain("about 5 min left"), "49 left at 6 s each");
    }

    [Test]
    public void WithoutATotalItCountsEveryTwentyFiveObjects()
    {
        var progress = new BuildProgress("x", total: null);
        var lines = Enumerable.Range(1, 60).Select(_ => progress.Compiled(TimeSpan.FromMinutes(1))).OfType<string>().ToList();
        Assert.That(lines, Is.EqualTo(new[] { "TFLM library x: 25 sources compiled, 1.0 min", "TFLM library x: 50 sources compiled, 1.0 min" }));
    }
}
