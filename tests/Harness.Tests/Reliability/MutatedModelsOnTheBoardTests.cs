using Harness.Measurement;
using Harness.Models;
using Harness.Runner;
using Harness.Tests.Pipeline;
using Harness.Yaml;

namespace Harness.Tests.Reliability;

/// <summary>
/// What happens on the device with a mutated model the host accepted: each is built into the TFLM runner and run on QEMU.
/// Every one must end with a verdict (it ran; TFLM refused it with its own message; it faulted, symbolized; it ran past its
/// emulated-time bound), never a harness bug and never a hang past the bound. The figures are printed.
/// </summary>
[NonParallelizable]
public class MutatedModelsOnTheBoardTests
{
    private const int PerModel = 4;

    [Test]
    public async Task EveryMutatedModelTheHostAcceptedEndsOnTheBoardWithAVerdict()
    {
        TestEnvironment.RequireQemuToolchain();
        TestEnvironment.RequireTflm();
        await Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
        var folder = Directory.CreateTempSubdirectory("harness-mutated-on-board").FullName;
        var scenarios = new List<string>();
        var refusedByHost = 0;
        foreach (var name in new[] { "hello_world_int8.tflite", "keyword_scrambled_8bit.tflite" })
        {
            var original = File.ReadAllBytes(TestEnvironment.Shared("models", name));
            var random = new Random(name.Length * 104_729 + 3);
            for (var tries = 0; scenarios.Count(s => s.Contains(Path.GetFileNameWithoutExtension(name), StringComparison.Ordinal)) < PerModel && tries < 400; tries++)
            {
                var bytes = Mutations.Mutate(original, random, out _);
                var path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)}-{tries}.tflite");
                await File.WriteAllBytesAsync(path, bytes);
                TfliteModel model;
                try
                {
                    model = TfliteModel.Read(path);
                }
                catch (ModelException)
                {
                    refusedByHost++;
                    continue;
                }
                if (model.Inputs.Any(t => t.ElementCount is <= 0 or > 4096))
                {
                    refusedByHost++;
                    continue;
                }
                var inputs = string.Join("\n", model.Inputs.Select(t => $"  - values: [{string.Join(", ", Enumerable.Repeat("0", (int)t.ElementCount))}]"));
                var yaml = $"name: {Path.GetFileNameWithoutExtension(path)}\nboards: [mps2-an386]\nmodel: {path}\narena: 64KiB\ninputs:\n{inputs}\ntimeout: {{ emulated: 4s, wall: 240s }}\n";
                try
                {
                    TestEnvironment.Parser.ParseText(Path.Combine(folder, "check.yaml"), yaml);
                }
                catch (YamlInputException)
                {
                    refusedByHost++;
                    continue;
                }
                scenarios.Add(yaml);
            }
        }
        Assert.That(scenarios, Has.Count.EqualTo(2 * PerModel), "enough mutated models pass the host's checks");
        var (results, _, _) = await PipelineFixture.RunManyAsync(scenarios, new RunOptions(PipelineFixture.NewWorkDirectory(), Jobs: 2));
        var runs = results.Select(r => r.Boards.Single()).ToList();
        string Kind(BoardResult run) => run switch
        {
            { Outcome: Outcome.Passed } => "ran",
            _ when run.Summary.Contains("timed out after", StringComparison.Ordinal) => "ran past its bound",
            _ when run.Checks.Any(c => !c.Passed && c.Name == "model set-up") => "refused by TFLM",
            _ when run.Summary.Contains("Fault", StringComparison.Ordinal) || run.Summary.Contains("stack overflow", StringComparison.Ordinal) => "faulted",
            _ => $"{run.Outcome.ToString().ToLowerInvariant()}",
        };
        var kinds = runs.GroupBy(Kind).ToDictionary(g => g.Key, g => g.Count());
        TestContext.Out.WriteLine($"mutated models on the board: {runs.Count} run after {refusedByHost} refused by the host; " +
                                  string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Value} {k.Key}")));
        Assert.Multiple(() =>
        {
            foreach (var run in runs)
            {
                Assert.That(run.Outcome, Is.Not.EqualTo(Outcome.NotRun), run.Summary);
                Assert.That(run.Summary, Does.Not.Contain("harness bug"), run.Summary);
            }
        });
        Directory.Delete(folder, true);
    }
}
