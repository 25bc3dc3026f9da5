using Harness.Testing;

namespace Harness.Tests.Testing;

/// <summary>Figures compare as numbers under NUnit's constraints and fail with where they were measured.</summary>
public class FigureTests
{
    private static readonly Figure Instructions = new(22_932_395, "instructions", "person_detect.tflite on nrf52840, renode, cmsis_nn kernels");

    [Test]
    public void ComparesAsANumberUnderNUnitsConstraints()
    {
        Assert.That(Instructions, Is.LessThan(30_000_000));
        Assert.That(Instructions, Is.GreaterThan(1_000L));
        Assert.That(Instructions, Is.AtLeast(22_000_000).And.AtMost(23_000_000));
        Assert.That(Instructions, Is.AtMost(22_932_395.0));
        Assert.That(Instructions, Is.EqualTo(22_932_395));
        Assert.That(Instructions, Is.Not.EqualTo(22_932_396));
        Assert.That((long)Instructions + 5, Is.EqualTo(22_932_400L));
    }

    [Test]
    public void AFailedAssertionSaysTheBoardEmulatorKernelsAndTheNumber()
    {
        var failure = Assert.Throws<AssertionException>(() => Assert.That(Instructions, Is.LessThan(20_000_000)))!;
        Assert.That(failure.Message, Does.Contain("22,932,395 instructions (person_detect.tflite on nrf52840, renode, cmsis_nn kernels)"));
        Assert.That(failure.Message, Does.Contain("less than 20000000"));
    }

    [Test]
    public void ComparingWithSomethingThatIsNotANumberIsAnError()
    {
        Assert.Throws<ArgumentException>(() => Instructions.CompareTo("many"));
    }
}
