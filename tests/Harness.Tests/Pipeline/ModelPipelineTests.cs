using Harness.Measurement;
using Harness.Runner;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Pipeline;

/// <summary>
/// Real TFLM models from ../shared through the whole pipeline: TFLM's Makefile builds the library,
/// the runner is built around the model, QEMU runs it, the outputs come back over the link.
/// Skipped, with the reason, where no TFLM checkout is configured.
/// </summary>
[NonParallelizable]
public class ModelPipelineTests
{
    /// <summary>The TFLM libraries first, under their own limit: a cold cache makes this fixture slower, never red.</summary>
    [OneTimeSetUp]
    public Task BuildTflmLibraries()
    {
        TestEnvironment.RequireTflm();
        return Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
    }

    private static async Task<ScenarioResult> RunAsync(string yaml)
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync([yaml], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var result = results.Single();
        foreach (var board in result.Boards.Where(b => b.Model is not null))
        {
            var model = board.Model!;
            TestContext.Out.WriteLine($"{board.Board}: {board.Figures.Instructions} instructions, {board.Figures.FlashBytes} B flash, arena {model.ArenaUsedBytes}/{model.ArenaBytes} B, " +
                                      $"outputs [{string.Join("; ", model.Outputs.Select(o => string.Join(", ", o.Raw.Take(8)) + (o.Raw.Count > 8 ? $", … ({o.Raw.Count} values)" : "")))}], TFLM {Harness.Tflm.TflmCheckout.Short(model.TflmCommit)} {model.Kernels}");
        }
        return result;
    }

    [Test]
    public async Task HelloWorldInt8AndFloatComputeTheSineOnEveryQemuBoard()
    {
        string Yaml(string variant) => $$"""
            name: hello-{{variant}}
            boards: [mps2-an386, stm32f4, microbit]
            model: {{TestEnvironment.Shared("models", $"hello_world_{variant}.tflite")}}
            arena: 2KiB
            inputs:
              - values: [1.5708]
            outputs:
              - { values: [1.0], tolerance: 0.05 }
            timeout: 300s
            """;
        var int8 = await RunAsync(Yaml("int8"));
        var real = await RunAsync(Yaml("float"));
        foreach (var board in int8.Boards.Concat(real.Boards))
        {
            Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), $"{board.Board}: {board.Summary}");
            Assert.That(board.Model!.TflmCommit, Has.Length.EqualTo(40), "the report names the TFLM commit");
            Assert.That(board.Model.Kernels, Is.EqualTo(Harness.Tflm.KernelSet.Reference));
            Assert.That(board.Model.Operators.Select(o => o.Operator), Is.EqualTo(new[] { "FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED" }));
            Assert.That(board.Model.Operators.Sum(o => o.Cycles), Is.InRange(board.Figures.Cycles!.Value * 8 / 10, board.Figures.Cycles!.Value),
                "the per-operator cycles account for most of the inference");
            Assert.That(board.Model.Operators.Select(o => o.Instructions), Is.All.Not.Null, "the emulator counts each operator exactly too");
            Assert.That(board.Model.Operators.Sum(o => o.Instructions!.Value), Is.InRange(board.Figures.Instructions!.Value * 8 / 10, board.Figures.Instructions!.Value));
        }
        foreach (var (i8, f32) in int8.Boards.Zip(real.Boards))
        {
            // The quantization trade-off, side by side.
            TestContext.Out.WriteLine($"{i8.Board}: int8 {i8.Figures.Instructions} instructions, {i8.Figures.FlashBytes} B flash, {i8.Model!.ArenaUsedBytes} B arena | " +
                                      $"float {f32.Figures.Instructions} instructions, {f32.Figures.FlashBytes} B flash, {f32.Model!.ArenaUsedBytes} B arena");
            Assert.That(i8.Model.ArenaUsedBytes, Is.LessThan(f32.Model.ArenaUsedBytes), $"{i8.Board}: int8 tensors take less arena than float32");
        }
        var microbit = (int8.Boards.Single(b => b.Board == "microbit"), real.Boards.Single(b => b.Board == "microbit"));
        Assert.That(microbit.Item2.Figures.Instructions, Is.GreaterThan(microbit.Item1.Figures.Instructions!.Value * 3),
            "without an FPU (Cortex-M0) the float model costs several times the int8 one");
    }

    [TestCase("person.bmp", 1)]
    [TestCase("no_person.bmp", 0)]
    public async Task PersonDetectTellsAPersonFromNoPersonOnMps2(string image, int expectedClass)
    {
        var result = await RunAsync($$"""
            name: person-{{expectedClass}}
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "person_detect.tflite")}}
            arena: 100KiB
            inputs:
              - bmp: {{TestEnvironment.Shared("testdata", image)}}
            outputs:
              - { top1: {{expectedClass}} }
            timeout: 600s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Model!.ArenaUsedBytes, Is.InRange(60_000, 100 * 1024));
        Assert.That(run.Model.Operators, Has.Count.EqualTo(31), "one profile event per operator of MobileNet v1 0.25");
        Assert.That(run.Figures.Instructions, Is.GreaterThan(10_000_000));
    }

    [Test]
    public async Task PersonDetectWithCmsisNnMatchesTheHostGoldenRunAndTakesFarFewerInstructions()
    {
        string Yaml(string kernels) => $$"""
            name: person-{{kernels}}
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "person_detect.tflite")}}
            kernels: {{kernels}}
            arena: 100KiB
            inputs:
              - bmp: {{TestEnvironment.Shared("testdata", "person.bmp")}}
            outputs:
              - { top1: 1 }
            expect:
              golden: host
            timeout: 600s
            """;
        var referenceResult = await RunAsync(Yaml("reference"));
        var cmsisResult = await RunAsync(Yaml("cmsis-nn"));
        var (reference, cmsis) = (referenceResult.Boards.Single(), cmsisResult.Boards.Single());
        Assert.That((reference.Outcome, cmsis.Outcome), Is.EqualTo((Outcome.Passed, Outcome.Passed)), $"{reference.Summary} / {cmsis.Summary}");
        Assert.That(reference.Checks.Single(c => c.Name == "output 0 vs host golden").Actual, Is.EqualTo("identical"), "reference kernels: bit-exact with the host");
        Assert.That(cmsis.Model!.Kernels, Is.EqualTo(Harness.Tflm.KernelSet.CmsisNn));
        Assert.That(cmsis.Figures.Instructions, Is.LessThan(reference.Figures.Instructions!.Value / 3), "CMSIS-NN's optimized kernels");
        TestContext.Out.WriteLine($"person_detect on mps2-an386: reference {reference.Figures.Instructions:N0}, CMSIS-NN {cmsis.Figures.Instructions:N0} instructions " +
                                  $"({(double)reference.Figures.Instructions! / cmsis.Figures.Instructions!:0.0}x)");

        // The Markdown report puts the two kernel sets side by side, with the TFLM commit and the ratio.
        var markdown = Harness.Reports.MarkdownReport.Render([referenceResult, cmsisResult]);
        var ratio = ((double)cmsis.Figures.Instructions! / reference.Figures.Instructions!.Value).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(markdown, Does.Contain($"| mps2-an386 | person-cmsis-nn | person_detect.tflite | {Harness.Tflm.TflmCheckout.Short(cmsis.Model.TflmCommit)} | cmsis_nn | {cmsis.Figures.Instructions:N0} | {ratio} |"));
        Assert.That(markdown, Does.Contain($"| mps2-an386 | person-reference | person_detect.tflite | {Harness.Tflm.TflmCheckout.Short(reference.Model!.TflmCommit)} | reference | {reference.Figures.Instructions:N0} | 1.00 |"));
        Assert.That(markdown, Does.Contain("<details><summary>person-cmsis-nn on mps2-an386: 31 operators, cmsis_nn kernels</summary>"));
    }

    /// <summary>A classifier written by the harness (4 inputs → 3 scores), run on stm32f4 against its expected scores and the host.</summary>
    private static async Task<BoardResult> RunClassifierAsync(string name, byte[] model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.tflite");
        await File.WriteAllBytesAsync(path, model);
        return (await RunAsync($$"""
            name: {{name}}
            boards: [stm32f4]
            model: {{path}}
            arena: 4KiB
            inputs:
              - values: [1.0, 0.5, -0.5, 0.2]
            outputs:
              - { values: [0.8, 1.0, 0.6], tolerance: 0.05, top1: 1 }
            expect:
              golden: host
            timeout: 300s
            """)).Boards.Single();
    }

    [Test]
    public async Task TheHarnessesOwnExampleModelRunsAndMatchesTheHostGolden()
    {
        var run = await RunClassifierAsync("example-model", Harness.Models.TfliteWriter.ExampleClassifier());
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Model!.Outputs.Single().Raw, Is.EqualTo(new double[] { 16, 20, 12 }), "the stored int8 scores, worked out by hand");
    }

    [Test]
    public async Task SimpleAddOnNpyInputsMatchesTheHostWhereItFitsAndSaysWhyWhereItDoesNot()
    {
        static string Npy(string name, Func<int, float> value)
        {
            const string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 128, 128, 1), }";
            // .npy v1: magic, version, u16 header length; the header is padded so the data starts 64-byte aligned.
            var padded = header.PadRight((10 + header.Length + 1 + 63) / 64 * 64 - 10 - 1) + "\n";
            using var stream = new MemoryStream();
            stream.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)padded.Length, 0]);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(padded));
            for (var i = 0; i < 128 * 128; i++)
            {
                stream.Write(BitConverter.GetBytes(value(i)));
            }
            var path = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.npy");
            File.WriteAllBytes(path, stream.ToArray());
            return path;
        }
        var x = Npy("x", i => 2 * MathF.Sin(i / 100f));
        var y = Npy("y", i => 2 * MathF.Cos(i / 50f));
        var result = await RunAsync($$"""
            name: simple-add
            boards: [stm32f4, mps2-an386, microbit]
            model: {{TestEnvironment.Shared("models", "simple_add_model.tflite")}}
            inputs:
              - npy: {{x}}
              - npy: {{y}}
            expect:
              golden: host
            timeout: 300s
            """);
        foreach (var board in result.Boards.Where(b => b.Board != "microbit"))
        {
            Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), $"{board.Board}: {board.Summary}");
            var sums = board.Model!.Outputs.Single().Values;
            Assert.That(sums[1000], Is.EqualTo(2 * Math.Sin(10) + 2 * Math.Cos(20)).Within(0.2), "x + y, dequantized");
            // arena: auto is the smallest whole KiB TFLM can set the model up in on the (64-bit) host: enough on the board, not much more.
            Assert.That(board.Model.ArenaBytes % 1024, Is.Zero);
            Assert.That(board.Model.ArenaUsedBytes, Is.InRange(board.Model.ArenaBytes - 2048, board.Model.ArenaBytes));
        }
        var microbit = result.Boards.Single(b => b.Board == "microbit");
        Assert.That(microbit.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(microbit.Summary, Does.Match(@"^firmware: simple_add_model\.tflite needs a \d+ KiB tensor arena \(the smallest TFLM can set it up in on the host; \d+ B used\) \+ 2048 B of stack, before any other static data; microbit has 16 KiB of RAM$"));
        Assert.That(microbit.CommandLine, Is.Null, "refused before anything booted");
    }

    [Test]
    public async Task MicroSpeechHearsYesNoAndSilenceInFeaturesTheAudioPreprocessorMadeOnTheHost()
    {
        string Yaml(string clip, string expected) => $$"""
            name: micro-speech-{{clip}}
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "micro_speech_quantized.tflite")}}
            inputs:
              - features:
                  model: {{TestEnvironment.Shared("models", "audio_preprocessor_int8.tflite")}}
                  audio: {{TestEnvironment.Shared("testdata", $"{clip}_1000ms.wav")}}
                  stride_ms: 20
            outputs:
              - labels: [silence, unknown, "yes", "no"]
                top1: "{{expected}}"
            expect:
              golden: host
            timeout: 300s
            """;
        var (results, _, _) = await PipelineFixture.RunManyAsync([Yaml("yes", "yes"), Yaml("no", "no"), Yaml("silence", "silence")],
            new RunOptions(PipelineFixture.NewWorkDirectory()));
        var scores = new List<IReadOnlyList<double>>();
        foreach (var board in results.Select(r => r.Boards.Single()))
        {
            TestContext.Out.WriteLine($"{board.Board}: {board.Summary}; {board.Figures.Instructions} instructions, arena {board.Model?.ArenaUsedBytes} B, scores [{string.Join(", ", board.Model?.Outputs.Single().Values ?? [])}]");
            Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), board.Summary);
            Assert.That(board.Checks.Select(c => c.Name), Does.Contain("output 0 top-1").And.Contain("output 0 vs host golden"));
            scores.Add(board.Model!.Outputs.Single().Values);
        }
        Assert.That(scores.Distinct(new SequenceComparer()).Count(), Is.EqualTo(3), "each clip gives its own scores");
    }

    [Test]
    public async Task TheAudioPreprocessorRunOnTheBoardMakesTheSameFeaturesAsTheHost()
    {
        var result = await RunAsync($$"""
            name: micro-speech-board-features
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "micro_speech_quantized.tflite")}}
            inputs:
              - features:
                  model: {{TestEnvironment.Shared("models", "audio_preprocessor_int8.tflite")}}
                  audio: {{TestEnvironment.Shared("testdata", "no_1000ms.wav")}}
                  on: board
            outputs:
              - labels: [silence, unknown, "yes", "no"]
                top1: "no"
            expect:
              golden: host
            timeout: 300s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Checks.Single(c => c.Name == "input 0 features (board) vs host").Actual, Is.EqualTo("identical"),
            "the signal ops on the Cortex-M4 agree bit for bit with the host's");
        var features = run.Model!.Features!;
        TestContext.Out.WriteLine($"preprocessor on mps2-an386: {features.Windows} windows, {features.MeanWindowInstructions} instructions per window (max {features.MaxWindowInstructions}), arena {features.ArenaUsedBytes} B");
        Assert.That(features.Windows, Is.EqualTo(49));
        Assert.That(features.MaxWindowInstructions, Is.GreaterThan(10_000).And.GreaterThanOrEqualTo(features.MeanWindowInstructions));
        Assert.That(features.TotalInstructions, Is.EqualTo(features.MeanWindowInstructions * 49).Within(49));
    }

    private sealed class SequenceComparer : IEqualityComparer<IReadOnlyList<double>>
    {
        public bool Equals(IReadOnlyList<double>? x, IReadOnlyList<double>? y) => x!.SequenceEqual(y!);
        public int GetHashCode(IReadOnlyList<double> values) => values.Count;
    }

    [Test]
    public async Task AnArenaTooSmallFailsWithTflmsOwnMessage()
    {
        var result = await RunAsync($$"""
            name: small-arena
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "hello_world_int8.tflite")}}
            arena: 256
            inputs:
              - values: [0.5]
            timeout: 300s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(run.Summary, Does.Contain("allocate-tensors-failed").And.Contain("Failed to resize buffer"), "TFLM's own words reach the result");
    }

    [Test]
    public async Task KeywordScrambledWhoseOperatorTableRepeatsEntriesRunsBitExactWithTheHost()
    {
        // 96 int16 values of a slow sine, quantized with the input's own scale.
        var values = string.Join(", ", Enumerable.Range(0, 96).Select(i => (0.05 * Math.Sin(i / 7.0)).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)));
        var run = (await RunAsync($$"""
            name: keyword-scrambled
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "keyword_scrambled_8bit.tflite")}}
            arena: auto
            inputs:
              - values: [{{values}}]
            expect:
              golden: host
            timeout: 300s
            """)).Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Checks.Where(c => c.Name.EndsWith("vs host golden", StringComparison.Ordinal)).Select(c => c.Actual), Is.All.EqualTo("identical"));
        Assert.That(run.Model!.Operators.Select(o => o.Operator), Does.Contain("SVDF"));
    }

    [Test]
    public async Task AModelWrittenWithRepeatedOperatorCodesRunsAndMatchesTheHost()
    {
        var run = await RunClassifierAsync("repeated-codes", Harness.Models.TfliteWriter.RepeatedOperatorCodes());
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Model!.Operators.Select(o => o.Operator), Is.EqualTo(new[] { "FULLY_CONNECTED", "FULLY_CONNECTED" }));
    }
}
