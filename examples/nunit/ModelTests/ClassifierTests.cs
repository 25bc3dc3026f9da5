using Harness.Testing;

namespace ModelTests;

/// <summary>
/// A TensorFlow Lite Micro model on an emulated board: the harness's own small int8 classifier (4 inputs, 3 classes),
/// written here so the example needs no download. Needs a TFLM checkout (HARNESS_TFLM, or 'tflm:' in
/// ~/.config/harness/config.yaml); without one these tests are ignored, with the reason.
/// </summary>
[TestFixture("mps2-an386")]
public class ClassifierTests(string board)
{
    private static readonly string[] Labels = ["x0-x3", "x1-x2", "mean"];
    private EmulatedBoard device = null!;

    [OneTimeSetUp]
    public async Task Boot()
    {
        var model = Path.Combine(TestContext.CurrentContext.WorkDirectory, "example-classifier.tflite");
        File.WriteAllBytes(model, Harness.Models.TfliteWriter.ExampleClassifier());
        device = await EmulatedBoard.StartAsync(board, Firmware.ForModel(model, Kernels.Reference, arenaBytes: 4 * 1024));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (device is not null)
        {
            await device.DisposeAsync();
        }
    }

    [Test]
    public async Task ClassifiesTwoInputsOnOneBoot()
    {
        var first = await device.InvokeAsync(Tensor.FromValues(1.0, 0.5, -0.5, 0.2));
        Assert.That(first.Top1(Labels), Is.EqualTo("x1-x2"));
        Assert.That(first.Outputs[0].Values, Is.EqualTo(new[] { 0.8, 1.0, 0.6 }).Within(0.05));

        var second = await device.InvokeAsync(Tensor.FromValues(1.0, 0.0, 0.0, -1.0));
        Assert.That(second.Top1(Labels), Is.EqualTo("x0-x3"));
        Assert.That(second.Instructions, Is.LessThan(50_000));
        Assert.That(second.Operators, Has.Count.GreaterThan(0));
    }

    [Test]
    public void FitsTheBoard()
    {
        Assert.That(device.Memory.FlashBytes, Is.LessThan(128 * 1024));
        Assert.That(device.Memory.ArenaBytes, Is.EqualTo(4 * 1024));
    }
}
