using Harness.Baselines;
using Harness.Measurement;
using Harness.Runner;

namespace Harness.Tests.Pipeline;

/// <summary>The regression gate on the real pipeline: record, run again, inject regressions on purpose.</summary>
[NonParallelizable]
public class RegressionGateTests
{
    private static async Task<IReadOnlyList<ScenarioResult>> RunAsync(string baselines, params string[] yamls)
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync(yamls, new RunOptions(PipelineFixture.NewWorkDirectory(), Baselines: baselines));
        return results;
    }

    /// <summary>What 'harness baseline record' does: run, then store every passed board run.</summary>
    private static async Task RecordAsync(string baselines, params string[] yamls)
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync(yamls, new RunOptions(PipelineFixture.NewWorkDirectory()));
        foreach (var result in results)
        {
            foreach (var board in result.Boards)
            {
                var baseline = Baseline.From(result.Scenario.Name, board, out var why) ?? throw new AssertionException($"{board.Board}: {why}");
                await BaselineFile.WriteAsync(BaselineFile.PathFor(baselines, result.Scenario.Name, board.Board, board.Emulator), baseline, CancellationToken.None);
            }
        }
    }

    private static string NewFolder() => Directory.CreateTempSubdirectory("harness-baselines").FullName;

    private static string Diag(uint workload) => $"name: gate-diag\nboards: [mps2-an386, stm32f4]\nfirmware: diag\ndiag: {{ upload: 2KiB, workload: {workload} }}\n";

    [Test]
    public async Task RecordedThenRunTenTimesThereIsNeverAFalseAlarm()
    {
        var baselines = NewFolder();
        await RecordAsync(baselines, Diag(10_000));
        var fingerprints = new HashSet<string>();
        for (var run = 0; run < 10; run++)
        {
            foreach (var board in (await RunAsync(baselines, Diag(10_000))).Single().Boards)
            {
                Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), $"run {run}, {board.Board}: {board.Summary}");
                Assert.That(board.Baseline!.Changes, Is.Empty, $"run {run}, {board.Board}: {string.Join("; ", board.Baseline.Changes)}");
                fingerprints.Add($"{board.Board} {board.Identity!.Fingerprint}");
            }
        }
        Assert.That(fingerprints, Has.Count.EqualTo(2), "each board's fingerprint is the same run after run");
    }

    [Test]
    public async Task OnePercentMoreWorkIsCaughtWithBothNumbersAndAMissingBaselineIsReported()
    {
        var baselines = NewFolder();
        await RecordAsync(baselines, Diag(10_000));
        var board = (await RunAsync(baselines, Diag(10_100))).Single().Boards.First();
        Assert.That(board.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(board.Summary, Does.Contain("regress inference: expected at most 0.5% above the baseline, got 100,013 → 101,013 instructions ▲ (+1%, allowed 0.5%)"));

        var missing = (await RunAsync(NewFolder(), Diag(10_000))).Single().Boards.First();
        Assert.That(missing.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(missing.Summary, Does.StartWith("baseline: expected a baseline of this scenario, board and emulator, got none at"));
    }

    [Test]
    public async Task ABaselineOfAnotherTflmCommitOrEmulatorIsRefusedAsNotComparable()
    {
        var baselines = NewFolder();
        await RecordAsync(baselines, Diag(1_000));
        var file = BaselineFile.PathFor(baselines, "gate-diag", "mps2-an386", "qemu");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("emulator: qemu", "emulator: renode"));
        var board = (await RunAsync(baselines, Diag(1_000))).Single().Boards.First(b => b.Board == "mps2-an386");
        Assert.That(board.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(board.Summary, Does.Contain("not comparable: recorded with emulator renode then, qemu now"));
    }

    private static string Classifier(string model, string arena = "4KiB", string input = "[1.0, 0.5, -0.5, 0.2]") => $$"""
        name: gate-model
        boards: [stm32f4]
        model: {{model}}
        arena: {{arena}}
        inputs:
          - values: {{input}}
        regress: { flash: 0B }
        timeout: 300s
        """;

    private static string Model(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}.tflite");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public async Task ALayerMoreMoreRamAndAChangedOutputAreEachCaughtAndNamed()
    {
        TestEnvironment.RequireTflm();
        await Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
        var baselines = NewFolder();
        var example = Model(Harness.Models.TfliteWriter.ExampleClassifier());
        await RecordAsync(baselines, Classifier(example));

        static string Failed(BoardResult run, string name) => run.Checks.Where(c => !c.Passed && c.Name == name).Select(c => c.Actual).SingleOrDefault() ?? $"no failed check '{name}' in: {run.Summary}";
        var deeper = (await RunAsync(baselines, Classifier(Model(Harness.Models.TfliteWriter.RepeatedOperatorCodes())))).Single().Boards.Single();
        Assert.That(deeper.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(Failed(deeper, "regress FULLY_CONNECTED #1"), Does.Match(@"^– → [\d,]+ instructions \(not in the baseline\)$"));
        Assert.That(Failed(deeper, "regress flash"), Does.Contain("allowed 0 B"), "the second layer's weights take flash");

        var bigger = (await RunAsync(baselines, Classifier(example, arena: "8KiB"))).Single().Boards.Single();
        Assert.That(Failed(bigger, "regress static RAM"), Does.Match(@"^[\d,]+ → [\d,]+ B ▲ \(\+[\d.]+%, allowed 0 B\)$"));

        var other = (await RunAsync(baselines, Classifier(example, input: "[0.2, 0.5, -0.5, 1.0]"))).Single().Boards.Single();
        Assert.That(Failed(other, "regress output 0"), Does.StartWith("(largest difference"));
    }

    [Test]
    public async Task ReferenceKernelsAgainstACmsisNnBaselineShowTheOperatorsThatGrewAndAreNotTakenAsComparable()
    {
        TestEnvironment.RequireTflm();
        await Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
        string Person(string kernels) => $$"""
            name: gate-person
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "person_detect.tflite")}}
            kernels: {{kernels}}
            arena: 100KiB
            inputs:
              - bmp: {{TestEnvironment.Shared("testdata", "person.bmp")}}
            timeout: 600s
            """;
        var baselines = NewFolder();
        await RecordAsync(baselines, Person("cmsis-nn"));
        var board = (await RunAsync(baselines, Person("reference"))).Single().Boards.Single();
        Assert.That(board.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(board.Summary, Does.Contain("not comparable: recorded with kernels cmsis_nn then, reference now"));
        var conv = board.Baseline!.Deltas.Where(d => d.Name.StartsWith("CONV_2D", StringComparison.Ordinal) && d.Kind == DeltaKind.Regressed).ToList();
        Assert.That(conv, Is.Not.Empty, "the slower convolutions are named");
        Assert.That(conv[0].Then, Is.LessThan(conv[0].Now!.Value));
        TestContext.Out.WriteLine(string.Join("\n", board.Baseline.Changes.Take(8)));
    }
}
