using System.Globalization;
using Harness.Inspection;
using Harness.Measurement;
using Harness.Models;
using Harness.Runner;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Inspection;

/// <summary>
/// The inspector's predictions against TFLM itself: every model of ../shared run on a Cortex-M4 board
/// (QEMU mps2-an386, reference kernels); the predicted arena must be within 10 % + 512 B of TFLM's
/// arena_used_bytes (a lower bound, said so, for a model whose custom operators keep state), and the code
/// the runner adds within 20 % + 4 KiB of the footprint's estimate.
/// </summary>
[NonParallelizable]
public class ArenaPredictionTests
{
    private static readonly string[] Models =
    [
        "hello_world_int8.tflite", "hello_world_float.tflite", "keyword_scrambled_8bit.tflite", "micro_speech_quantized.tflite",
        "audio_preprocessor_int8.tflite", "mlperf_tiny_kws_ref_model.tflite", "mlperf_tiny_vww_96_int8.tflite", "person_detect.tflite", "simple_add_model.tflite",
    ];

    [Test]
    public async Task ThePredictedArenaIsWithinTenPercentOfTflmsOwnFigureForEverySharedModel()
    {
        TestEnvironment.RequireQemuToolchain();
        TestEnvironment.RequireTflm();
        await Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
        var scenarios = Models.Select(name =>
        {
            var model = TfliteModel.Read(TestEnvironment.Shared("models", name));
            // Arena use does not depend on the values: zeros of each input's size.
            var inputs = string.Join("\n", model.Inputs.Select(t => $"  - values: [{string.Join(", ", Enumerable.Repeat("0", (int)t.ElementCount))}]"));
            return $"name: arena-{Path.GetFileNameWithoutExtension(name)}\nboards: [mps2-an386]\nmodel: {model.Path}\narena: 400KiB\ninputs:\n{inputs}\ntimeout: 600s\n";
        }).ToList();
        var (results, _, _) = await PipelineFixture.RunManyAsync(scenarios, new RunOptions(PipelineFixture.NewWorkDirectory(), Jobs: 2));
        var boards = TestEnvironment.Boards;
        Assert.Multiple(() =>
        {
            foreach (var (name, result) in Models.Zip(results))
            {
                var run = result.Boards.Single();
                Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), $"{name}: {run.Summary}");
                if (run.Model is not { } model)
                {
                    continue;
                }
                var inspection = ModelInspector.Inspect(ModelGraph.Read(TestEnvironment.Shared("models", name)), [boards.Get("mps2-an386")], tflm: null);
                var predicted = inspection.Arena.TotalBytes;
                var measured = model.ArenaUsedBytes;
                var code = run.Figures.FlashBytes - run.Figures.ModelBytes;
                var staticRam = run.Figures.StaticRamBytes - run.Figures.ArenaBytes;
                var estimatedCode = FirmwareFootprint.TflmRunner.CodeFor(ModelGraph.Read(TestEnvironment.Shared("models", name)).Model.UsedOperators.Count);
                TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: arena predicted {predicted} B (planned {inspection.Arena.PlannedBytes} + persistent {inspection.Arena.PersistentBytes} + variables {inspection.Arena.VariableBytes}), TFLM {measured} B ({100.0 * (predicted - measured) / measured:+0.0;-0.0;0.0} %); code {code} B (estimated {estimatedCode}), runner static RAM {staticRam} B"));
                if (inspection.Verdicts.Any(v => v.Contains("lower bound", StringComparison.Ordinal)))
                {
                    // Custom operators (the signal library's) keep state the graph does not show: a lower bound, said so.
                    Assert.That(predicted, Is.LessThan(measured), $"{name}: the prediction is a lower bound");
                }
                else
                {
                    Assert.That(Math.Abs(predicted - measured), Is.LessThanOrEqualTo(measured / 10 + 512), $"{name}: predicted {predicted} B, TFLM used {measured} B");
                }
                Assert.That(Math.Abs(estimatedCode - code), Is.LessThanOrEqualTo(code / 5 + 4096), $"{name}: code estimated {estimatedCode} B, built {code} B");
                Assert.That(staticRam, Is.LessThanOrEqualTo(FirmwareFootprint.TflmRunner.StaticRamBytes), $"{name}: the runner's static RAM");
            }
        });
    }
}
