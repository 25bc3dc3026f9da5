using System.Text.Json;
using Harness.Inspection;
using Harness.Models;
using Harness.Tests.Cli;

namespace Harness.Tests.Inspection;

/// <summary>The model inspector against the real models of ../shared: MACs by hand, a sound memory plan, board fits, verdicts.</summary>
public class ModelInspectorTests
{
    private static ModelGraph Graph(string model) => ModelGraph.Read(TestEnvironment.Shared("models", model));

    private static ModelInspection Inspect(string model) => ModelInspector.Inspect(Graph(model), TestEnvironment.Boards.All, tflm: null);

    [Test]
    public void HelloWorldMacsAreTheThreeDenseLayersByHand()
    {
        // 1 → 16 → 16 → 1 fully connected: 1·16 + 16·16 + 16·1.
        var inspection = Inspect("hello_world_int8.tflite");
        Assert.That(inspection.Layers.Select(l => l.Macs), Is.EqualTo(new long[] { 16, 256, 16 }));
        Assert.That(inspection.Macs, Is.EqualTo(1 * 16 + 16 * 16 + 16 * 1));
        Assert.That(inspection.Layers.Select(l => l.Parameters), Is.EqualTo(new[] { "1 → 16 RELU", "16 → 16 RELU", "16 → 1" }));
    }

    [Test]
    public void PersonDetectMacsAreMobileNetV1QuarterWidthByHand()
    {
        // MobileNet v1, width 0.25, on a 96×96×1 image: a 3×3 stride-2 convolution to 8 channels (here a
        // depthwise one with multiplier 8), then 13 depthwise-separable blocks (3×3 depthwise, 1×1 pointwise),
        // a 3×3 average pool and a 1×1 convolution to the 2 classes.
        long macs = 0;
        var size = 96 / 2;
        macs += (long)size * size * 8 * 9;
        var channels = 8;
        foreach (var (stride, output) in new[] { (1, 16), (2, 32), (1, 32), (2, 64), (1, 64), (2, 128), (1, 128), (1, 128), (1, 128), (1, 128), (1, 128), (2, 256), (1, 256) })
        {
            size /= stride;
            macs += (long)size * size * channels * 9;
            macs += (long)size * size * channels * output;
            channels = output;
        }
        macs += channels * 2;
        var inspection = Inspect("person_detect.tflite");
        Assert.That(inspection.Macs, Is.EqualTo(macs));
        Assert.That(inspection.Operators.First().Operator, Is.EqualTo("CONV_2D"), "pointwise convolutions do most of the work");
        Assert.That(inspection.WeightBytes, Is.LessThan(inspection.FileBytes).And.GreaterThan(inspection.FileBytes / 2));
    }

    [TestCaseSource(nameof(SharedModels))]
    public void NoTwoTensorsAliveAtOnceShareArenaBytes(string model)
    {
        var graph = Graph(model);
        var plan = MemoryPlan.Plan(graph);
        foreach (var a in plan.Tensors)
        {
            foreach (var b in plan.Tensors.Where(b => b.Lifetime.Tensor > a.Lifetime.Tensor && b.Lifetime.Overlaps(a.Lifetime)))
            {
                Assert.That(a.End <= b.Offset || b.End <= a.Offset, $"tensors {a.Lifetime.Tensor} and {b.Lifetime.Tensor} are alive together and overlap in the arena");
            }
        }
        Assert.That(plan.PlannedBytes, Is.GreaterThanOrEqualTo(plan.PeakLiveBytes), "no plan beats the bytes alive at once");
        Assert.That(plan.Tensors.Select(t => t.Lifetime.Tensor), Is.SupersetOf(graph.Inputs.Concat(graph.Outputs)), "graph inputs and outputs are in the arena");
        Assert.That(plan.Tensors.Select(t => graph.Tensors[t.Lifetime.Tensor]), Has.None.Matches<GraphTensor>(t => t.IsConstant), "weights stay in flash");
    }

    [Test]
    public void PersonDetectPeaksAtTheFirstPointwiseConvolution()
    {
        // The first layers dominate (MCUNetV2): the 48×48×8 input and 48×48×16 output of the first pointwise convolution.
        var inspection = Inspect("person_detect.tflite");
        Assert.That(inspection.PeakLayer, Is.EqualTo(2));
        Assert.That(inspection.PeakOperator, Is.EqualTo("CONV_2D"));
        Assert.That(inspection.PeakLiveBytes, Is.EqualTo(48 * 48 * 8 + 48 * 48 * 16));
    }

    [Test]
    public void PersonDetectFitsTheBigBoardsAndNotTheSmallOnes()
    {
        var fits = Inspect("person_detect.tflite").Boards.ToDictionary(b => b.Board);
        Assert.That(fits["stm32f103"].Fits, Is.False, "300 KB of weights do not go into 64 KiB of flash");
        Assert.That(fits["stm32f103"].FlashMargin, Is.Negative);
        Assert.That(fits["microbit"].Fits, Is.False);
        Assert.That(fits["nrf52840"].Fits, Is.True);
        Assert.That(fits["stm32f746"].Fits, Is.True);
        Assert.That(Inspect("hello_world_int8.tflite").Boards, Has.All.Matches<BoardFit>(b => b.Fits), "hello_world fits every board");
    }

    [Test]
    public void VerdictsNameAcceleratorOpsAndFloatModels()
    {
        var vela = ModelGraph.Parse("vela.tflite", TfliteWriter.SingleCustomOp("ethos-u"));
        Assert.That(ModelInspector.Verdicts(vela, tflm: null), Has.Some.Contains("Vela").And.Some.Contains("not checked"));
        var floating = Inspect("hello_world_float.tflite").Verdicts;
        Assert.That(floating, Has.Some.Contains("float32 model").And.Some.Contains("4×"));
        Assert.That(Inspect("hello_world_int8.tflite").Verdicts, Has.None.Contains("float32"));
    }

    [Test]
    public async Task InspectPrintsJsonAndRefusesBadInput()
    {
        var model = TestEnvironment.Shared("models", "person_detect.tflite");
        var result = await HarnessCli.RunAsync(["inspect", model, "--json", "--board", "nrf52840"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.That(json.RootElement.GetProperty("macs").GetInt64(), Is.EqualTo(Inspect("person_detect.tflite").Macs));
        Assert.That(json.RootElement.GetProperty("boards").EnumerateArray().Single().GetProperty("board").GetString(), Is.EqualTo("nrf52840"));

        var text = await HarnessCli.RunAsync(["inspect", model]);
        Assert.That(text.StandardOutput, Does.Contain("peak activations").And.Contain("arena (estimate").And.Contain("stm32f103"));

        var unknownBoard = await HarnessCli.RunAsync(["inspect", model, "--board", "stm32f9"]);
        Assert.That(unknownBoard.ExitCode, Is.EqualTo(2));
        Assert.That(unknownBoard.StandardError, Does.Contain("unknown board 'stm32f9'"));
        var notAModel = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.tflite");
        await File.WriteAllTextAsync(notAModel, "hello");
        var bad = await HarnessCli.RunAsync(["inspect", notAModel]);
        File.Delete(notAModel);
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.StandardError, Does.Contain("is not a TensorFlow Lite model"));
    }

    private static IEnumerable<string> SharedModels() =>
        ["audio_preprocessor_int8.tflite", "hello_world_float.tflite", "hello_world_int8.tflite", "keyword_scrambled_8bit.tflite", "micro_speech_quantized.tflite",
         "mlperf_tiny_kws_ref_model.tflite", "mlperf_tiny_vww_96_int8.tflite", "person_detect.tflite", "simple_add_model.tflite"];
}
