using Harness.Models;
using Harness.Tflm;

namespace Harness.Tests.Models;

/// <summary>The .tflite reader against the real models in ../shared, and against broken files.</summary>
public class TfliteModelTests
{
    [Test]
    public void HelloWorldInt8HasOneQuantizedInputAndOutputAndThreeFullyConnectedLayers()
    {
        var model = TfliteModel.Read(TestEnvironment.Shared("models", "hello_world_int8.tflite"));
        Assert.That(model.Inputs, Has.Count.EqualTo(1));
        var input = model.Inputs[0];
        Assert.That((input.Type, input.Shape), Is.EqualTo((TensorType.Int8, (IReadOnlyList<int>)[1, 1])));
        Assert.That(input.Quantization, Is.Not.Null);
        Assert.That(input.Quantization!.Scale, Is.GreaterThan(0));
        Assert.That(model.Outputs.Single().Type, Is.EqualTo(TensorType.Int8));
        Assert.That(model.OperatorCodeUse, Has.Count.EqualTo(3), "three operators in the graph");
        Assert.That(model.UsedOperators, Has.Count.EqualTo(1), "all of them FULLY_CONNECTED");
    }

    [Test]
    public void TensorsTheBoardAllocatedDifferentlyFromTheTfliteAreNamedSideBySide()
    {
        var model = TfliteModel.Read(TestEnvironment.Shared("models", "hello_world_int8.tflite"));
        var (input, output) = (model.Inputs[0], model.Outputs[0]);
        Harness.Link.DeviceTensor AsAllocated(TensorInfo t, int[]? shape = null) =>
            new(t.Type.Name().ToUpperInvariant(), shape ?? t.Shape.ToArray(), t.Quantization!.Scale, (int)t.Quantization.ZeroPoint, (uint)t.Bytes);

        var same = Harness.Measurement.Judge.TensorsAsDescribed(model.Inputs, model.Outputs, [AsAllocated(input)], [AsAllocated(output)]);
        Assert.That(same.Passed, Is.True, same.Actual);

        var reshaped = Harness.Measurement.Judge.TensorsAsDescribed(model.Inputs, model.Outputs, [AsAllocated(input, [1, 2])], [AsAllocated(output), AsAllocated(output)]);
        Assert.That(reshaped.Passed, Is.False);
        Assert.That(reshaped.Actual, Does.Contain($"input 0: the .tflite says {input}, the board allocated int8 [1, 2]"));
        Assert.That(reshaped.Actual, Does.Contain("output 1 exists on the board only"));
    }

    [Test]
    public void PersonDetectTakesA96By96GrayImageAndGivesTwoScores()
    {
        var model = TfliteModel.Read(TestEnvironment.Shared("models", "person_detect.tflite"));
        Assert.That(model.Inputs.Single().Shape, Is.EqualTo(new[] { 1, 96, 96, 1 }));
        Assert.That(model.Inputs.Single().Type, Is.EqualTo(TensorType.Int8));
        Assert.That(model.Outputs.Single().ElementCount, Is.EqualTo(2));
        Assert.That(model.FileBytes, Is.EqualTo(new FileInfo(model.Path).Length));
    }

    [Test]
    public void ATruncatedModelIsReportedAsTruncatedOrCorrupt()
    {
        var bytes = File.ReadAllBytes(TestEnvironment.Shared("models", "person_detect.tflite"));
        var error = Assert.Throws<ModelException>(() => TfliteModel.Parse("cut.tflite", bytes[..(bytes.Length / 2)]))!;
        Assert.That(error.Message, Does.StartWith("cut.tflite is").And.Match("truncated|corrupt"));
    }

    [Test]
    public void AFileThatIsNotAModelSaysWhatItFound()
    {
        var error = Assert.Throws<ModelException>(() => TfliteModel.Parse("notes.tflite", "just some text, not a model"u8.ToArray()))!;
        Assert.That(error.Message, Is.EqualTo("notes.tflite is not a TensorFlow Lite model: its FlatBuffer identifier is ' som', not 'TFL3'"));
    }

    [Test]
    public void TheOpResolverIsGeneratedFromTheModelsOperatorsWithTflmsOwnMethodNames()
    {
        var tflm = TestEnvironment.RequireTflm();
        var ops = TflmOps.Load(tflm);
        var person = TfliteModel.Read(TestEnvironment.Shared("models", "person_detect.tflite"));
        Assert.That(ops.ResolverCalls(person), Is.EquivalentTo(new[] { "AddAveragePool2D", "AddConv2D", "AddDepthwiseConv2D", "AddReshape", "AddSoftmax" }));
        Assert.That(ops.ResolverSource(person), Does.Contain("tflite::MicroMutableOpResolver<5>").And.Contain("resolver.AddConv2D()"));
    }

    [Test]
    public void KeywordScrambledRegistersEachOfItsRepeatedOperatorsOnceWithTflmsOwnSources()
    {
        var ops = TflmOps.Load(TestEnvironment.RequireTflm());
        var model = TfliteModel.Read(TestEnvironment.Shared("models", "keyword_scrambled_8bit.tflite"));
        var names = model.OperatorCodes.Select(ops.NameOf).ToList();
        Assert.That(names.Count(n => n == "SVDF"), Is.GreaterThan(1), "the table repeats SVDF");
        var calls = ops.ResolverCalls(model);
        Assert.That(calls, Is.Unique);
        Assert.That(calls, Does.Contain("AddSvdf").And.Contain("AddFullyConnected"));
        Assert.That(ops.ResolverSource(model), Does.Contain($"tflite::MicroMutableOpResolver<{calls.Count}>"));
    }
}
