using System.Diagnostics;
using Harness.Inspection;
using Harness.Models;

namespace Harness.Tests.Reliability;

/// <summary>
/// 1,200 seeded mutations of the real models of ../shared (bit flips, cuts, offsets and vector lengths
/// pointing outside the buffer): the reader and the inspector answer each with a located ModelException
/// or a model they read, never another exception, and quickly.
/// </summary>
public class ModelFuzzTests
{
    private const int CasesPerModel = 150;

    private static readonly string[] Models =
    [
        "hello_world_int8.tflite", "hello_world_float.tflite", "keyword_scrambled_8bit.tflite", "micro_speech_quantized.tflite",
        "audio_preprocessor_int8.tflite", "mlperf_tiny_kws_ref_model.tflite", "person_detect.tflite", "simple_add_model.tflite",
    ];

    [Test]
    public void MutatedModelsAreRejectedWithALocatedErrorOrRead()
    {
        int rejected = 0, read = 0;
        var slowest = TimeSpan.Zero;
        var boards = TestEnvironment.Boards.All;
        foreach (var name in Models)
        {
            var original = File.ReadAllBytes(TestEnvironment.Shared("models", name));
            var random = new Random(name.Length * 7919 + 17);
            for (var i = 0; i < CasesPerModel; i++)
            {
                var bytes = Mutations.Mutate(original, random, out var how);
                var clock = Stopwatch.StartNew();
                try
                {
                    var graph = ModelGraph.Parse(name, bytes);
                    _ = ModelInspector.Inspect(graph, boards, tflm: null);
                    read++;
                }
                catch (ModelException e)
                {
                    Assert.That(e.Message, Does.StartWith(name), $"{name} ({how}): the error does not name the file");
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{name} mutated ({how}) escaped as {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            }
        }
        TestContext.Out.WriteLine($"{Models.Length * CasesPerModel} mutated models: {rejected} rejected with a located error, {read} read; slowest {slowest.TotalMilliseconds:0} ms");
        Assert.That(rejected, Is.GreaterThan(0));
        Assert.That(slowest, Is.LessThan(TimeSpan.FromSeconds(5)), "no mutated model makes the reader crawl");
    }
}
