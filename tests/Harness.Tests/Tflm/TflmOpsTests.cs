using Harness.Models;
using Harness.Tflm;

namespace Harness.Tests.Tflm;

/// <summary>The op resolver generated from a model's operator table, against a small stand-in for TFLM's own sources.</summary>
public class TflmOpsTests
{
    private const string Schema = """
        enum BuiltinOperator : int32 {
          ADD = 0,
          FULLY_CONNECTED = 9,
          SVDF = 27,
          CUSTOM = 32,
        }
        """;

    private const string Resolver = """
          TfLiteStatus AddAdd(const TFLMRegistration& registration = Register_ADD()) {
            return AddBuiltin(BuiltinOperator_ADD, registration, ParseAdd);
          }
          TfLiteStatus AddFullyConnected(const TFLMRegistration& registration = Register_FULLY_CONNECTED()) {
            return AddBuiltin(BuiltinOperator_FULLY_CONNECTED, registration, ParseFullyConnected);
          }
          TfLiteStatus AddSvdf(const TFLMRegistration& registration = Register_SVDF()) {
            return AddBuiltin(BuiltinOperator_SVDF, registration, ParseSvdf);
          }
          TfLiteStatus AddEthosU() {
            TFLMRegistration* registration = tflite::Register_ETHOSU();
            if (registration) {
              return AddCustom(tflite::GetString_ETHOSU(), registration);
            }
            return kTfLiteOk;
          }
        """;

    private static TflmOps Ops => TflmOps.Parse(Schema, Resolver) ?? throw new InvalidOperationException("the stand-in sources did not parse");

    private static TfliteModel Model(byte[] bytes, string name) => TfliteModel.Parse(name, bytes);

    [Test]
    public void AnOperatorTableThatRepeatsABuiltinRegistersItOnce()
    {
        var model = Model(TfliteWriter.RepeatedOperatorCodes(), "repeated.tflite");
        Assert.That(model.OperatorCodes, Has.Count.EqualTo(2), "the table lists FULLY_CONNECTED twice");
        Assert.That(model.UsedOperators, Has.Count.EqualTo(1));
        var source = Ops.ResolverSource(model);
        Assert.That(source, Does.Contain("tflite::MicroMutableOpResolver<1>"));
        Assert.That(source.Split("resolver.AddFullyConnected()").Length - 1, Is.EqualTo(1), source);
    }

    [Test]
    public void TheResolverIsSizedForTheDistinctOperators()
    {
        var model = Model(TfliteWriter.ExampleClassifier(), "example.tflite");
        Assert.That(Ops.ResolverCalls(model), Is.EqualTo(new[] { "AddFullyConnected" }));
    }

    [Test]
    public void AVelaModelIsRejectedSayingItWasCompiledForAnEthosUNpu()
    {
        var model = Model(TfliteWriter.SingleCustomOp("ethos-u"), "person_detect_vela.tflite");
        var error = Assert.Throws<ModelException>(() => Ops.ResolverCalls(model))!;
        Assert.That(error.Message, Does.Contain("custom op 'ethos-u'").And.Contain("Vela").And.Contain("Ethos-U NPU").And.Contain("from before Vela"));
    }

    [Test]
    public void AnEdgeTpuModelIsRejectedSayingItWasCompiledForTheCoral()
    {
        var model = Model(TfliteWriter.SingleCustomOp("edgetpu-custom-op"), "edgetpu.tflite");
        var error = Assert.Throws<ModelException>(() => Ops.ResolverCalls(model))!;
        Assert.That(error.Message, Does.Contain("custom op 'edgetpu-custom-op'").And.Contain("Coral Edge TPU").And.Contain("edgetpu.tflite"));
    }

    [Test]
    public void AnOperatorTflmLacksIsNamedWithEveryOtherProblemInOneError()
    {
        var model = Model(TfliteWriter.SingleCustomOp("MyOwnOp"), "custom.tflite");
        var error = Assert.Throws<ModelException>(() => Ops.ResolverCalls(model))!;
        Assert.That(error.Message, Does.Contain("custom op 'MyOwnOp' is not registered by TFLM's MicroMutableOpResolver"));
    }

    [Test]
    public void SourcesWithoutAnOperatorListAreNotMistakenForOne()
    {
        Assert.That(TflmOps.Parse("table Model {}", Resolver), Is.Null);
    }
}
