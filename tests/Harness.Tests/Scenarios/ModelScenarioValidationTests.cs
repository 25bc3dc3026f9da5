using Harness.Measurement;
using Harness.Runner;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Scenarios;

/// <summary>Model scenario errors caught before anything is built (no TFLM needed).</summary>
public class ModelScenarioValidationTests
{
    [Test]
    public void AnInputOfTheWrongSizeIsReportedWithTheTensorsShapeAndType()
    {
        var file = TestEnvironment.NewScenarioFile($$"""
            name: wrong-input
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "hello_world_int8.tflite")}}
            inputs:
              - values: [0.1, 0.2]
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Single().ToString(), Does.Match(@":5:5: values \[0\.1, 0\.2\] does not fit input '.*' int8 \[1, 1\] \(scale .*\): it takes 1 values \(1 bytes\), this gives 2 values$"));
    }

    private static string Wav(short[] samples, int rate = 16000, int channels = 1)
    {
        var path = Path.Combine(Path.GetTempPath(), $"clip-{Guid.NewGuid():N}.wav");
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8); writer.Write(36 + 2 * samples.Length); writer.Write("WAVE"u8);
        writer.Write("fmt "u8); writer.Write(16); writer.Write((short)1); writer.Write((short)channels); writer.Write(rate); writer.Write(rate * 2 * channels);
        writer.Write((short)(2 * channels)); writer.Write((short)16);
        writer.Write("data"u8); writer.Write(2 * samples.Length);
        foreach (var sample in samples)
        {
            writer.Write(sample);
        }
        return path;
    }

    private static string SpeechScenario(string audio) => $$"""
        name: short-clip
        boards: [mps2-an386]
        model: {{TestEnvironment.Shared("models", "micro_speech_quantized.tflite")}}
        inputs:
          - features:
              model: {{TestEnvironment.Shared("models", "audio_preprocessor_int8.tflite")}}
              audio: {{audio}}
        """;

    [Test]
    public void AudioTooShortForTheModelsFeaturesIsReportedWithTheWindowArithmetic()
    {
        var file = TestEnvironment.NewScenarioFile(SpeechScenario(Wav(new short[8000])));
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Single().Message, Does.Contain("is 0.5 s long (8000 samples at 16000 Hz): that gives 24 windows of 480 samples every 320; input '")
            .And.EndWith("needs 49"));
    }

    [Test]
    public void StereoAudioIsRefusedWithTheFormatTheHarnessReads()
    {
        var file = TestEnvironment.NewScenarioFile(SpeechScenario(Wav(new short[32000], channels: 2)));
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Single().Message, Does.Contain("holds 2-channel 16-bit audio in format 1; the harness reads mono 16-bit PCM"));
    }

    [Test]
    public void AWavFileFeedsAnInt16InputOnlyWhenItHasExactlyTheSamples()
    {
        var file = TestEnvironment.NewScenarioFile($$"""
            name: raw-audio
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "audio_preprocessor_int8.tflite")}}
            inputs:
              - wav: {{Wav(new short[500])}}
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Single().Message, Does.Contain("it takes 480 values (960 bytes), this gives 500 samples (0.031 s at 16000 Hz)"));
        var fits = TestEnvironment.NewScenarioFile($$"""
            name: raw-audio
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "audio_preprocessor_int8.tflite")}}
            inputs:
              - wav: {{Wav(Enumerable.Range(0, 480).Select(i => (short)(i * 60)).ToArray())}}
            """);
        var scenario = TestEnvironment.Parser.ParseFile(fits);
        var bytes = Harness.Models.TensorData.Encode(scenario.Model!.Model.Inputs[0], scenario.Model.Inputs[0]);
        Assert.That(BitConverter.ToInt16(bytes, 2 * 479), Is.EqualTo(479 * 60), "samples go in as they are, little-endian");
    }

    [Test]
    public void FeaturesRunOnTheHostOrTheBoardAndNowhereElse()
    {
        var file = TestEnvironment.NewScenarioFile(SpeechScenario(TestEnvironment.Shared("testdata", "yes_1000ms.wav")) + "\n      on: moon\n");
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Single().Message, Is.EqualTo("unknown 'on: moon'; the preprocessor runs on the host (default) or on the board"));
    }

    [Test]
    public void RelativeToleranceScalesWithTheExpectedValueAsNumpysIsclose()
    {
        var file = TestEnvironment.NewScenarioFile($$"""
            name: relative
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "hello_world_float.tflite")}}
            inputs:
              - values: [1.0]
            outputs:
              - { values: [100.0], tolerance: 0.01, relative_tolerance: 0.05 }
            """);
        var expectation = TestEnvironment.Parser.ParseFile(file).Model!.Outputs.Single();
        Harness.Measurement.OutputValues Actual(double v) => new(0, "y", [v], [v]);
        Assert.That(Harness.Measurement.Judge.Output(expectation, Actual(104.9)).Single().Passed, Is.True, "within 0.01 + 5 % of 100");
        var outside = Harness.Measurement.Judge.Output(expectation, Actual(105.2)).Single();
        Assert.That(outside.Passed, Is.False);
        Assert.That(outside.Expected, Is.EqualTo("[100] ± (0.01 + 0.05 × |expected|)"));
        Assert.That(outside.Actual, Does.EndWith("1 outside, first at [0]: 105.2 for 100)"));
    }

    [Test]
    public void TopOneByNameMustBeOneOfTheLabels()
    {
        var file = TestEnvironment.NewScenarioFile($$"""
            name: labels
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "micro_speech_quantized.tflite")}}
            inputs:
              - features:
                  model: {{TestEnvironment.Shared("models", "audio_preprocessor_int8.tflite")}}
                  audio: {{TestEnvironment.Shared("testdata", "yes_1000ms.wav")}}
            outputs:
              - labels: [silence, unknown, "yes"]
                top1: maybe
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        var messages = error.Errors.Select(e => e.Message).ToList();
        Assert.That(messages, Has.Some.Contains("output 0 'labels_softmax' int8 [1, 4]"));
        Assert.That(messages, Has.Some.Contains("has 4 classes; 3 labels given"));
        Assert.That(messages, Has.Some.Contains("top1 'maybe' is none of the labels (silence, unknown, yes)"));
    }

    [Test]
    public void AnInputOfTheWrongTypeSaysWhichTypeTheTensorTakes()
    {
        var npy = Path.Combine(Path.GetTempPath(), $"int16-{Guid.NewGuid():N}.npy");
        var header = "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1), }".PadRight(117) + "\n";
        File.WriteAllBytes(npy, [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.ASCII.GetBytes(header), 7, 0]);
        var file = TestEnvironment.NewScenarioFile($$"""
            name: wrong-type
            boards: [mps2-an386]
            model: {{TestEnvironment.Shared("models", "hello_world_int8.tflite")}}
            inputs:
              - npy: {{npy}}
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Single().Message, Does.Contain("holds dtype '<i2', but input").And.Contain("takes int8: give int8 values, or float32 reals to be quantized"));
    }

    [Test]
    public async Task AModelTooBigForTheBoardIsReportedBeforeBootingWithTheNumbers()
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync([$$"""
            name: too-big
            boards: [microbit]
            model: {{TestEnvironment.Shared("models", "person_detect.tflite")}}
            inputs:
              - bmp: {{TestEnvironment.Shared("testdata", "person.bmp")}}
            """], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var run = results.Single().Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(run.Summary, Is.EqualTo("firmware: the model alone is 300568 B and microbit has 262144 B of flash"));
        Assert.That(run.CommandLine, Is.Null, "no emulator was started");
    }
}
