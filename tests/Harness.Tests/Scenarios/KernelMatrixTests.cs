using Harness.Tflm;

namespace Harness.Tests.Scenarios;

/// <summary>kernels: [reference, cmsis-nn] makes one scenario per kernel set, each with its own name (and so its own reports and baselines).</summary>
public class KernelMatrixTests
{
    private static string File(string kernels)
    {
        var model = Path.Combine(Path.GetTempPath(), $"matrix-{Guid.NewGuid():N}.tflite");
        System.IO.File.WriteAllBytes(model, Harness.Models.TfliteWriter.ExampleClassifier());
        return TestEnvironment.NewScenarioFile($"name: person\nboards: [mps2-an386, stm32f4]\nmodel: {model}\nkernels: {kernels}\narena: 4KiB\ninputs: [ {{ values: [1, 2, 3, 4] }} ]\n");
    }

    [Test]
    public void AListOfKernelSetsExpandsToOneScenarioEach()
    {
        var scenarios = TestEnvironment.Parser.ParseFileAll(File("[reference, cmsis-nn]"));
        Assert.That(scenarios.Select(s => (s.Name, s.Model!.Kernels, ((Harness.Scenarios.ModelFirmware)s.Firmware).Kernels)),
            Is.EqualTo(new[] { ("person.reference", KernelSet.Reference, KernelSet.Reference), ("person.cmsis-nn", KernelSet.CmsisNn, KernelSet.CmsisNn) }));
        Assert.That(scenarios.All(s => s.Boards.SequenceEqual(["mps2-an386", "stm32f4"])), Is.True, "every board × every kernel set");
    }

    [Test]
    public void OneKernelSetStaysOneScenarioWithItsName()
    {
        var scenario = TestEnvironment.Parser.ParseFile(File("cmsis-nn"));
        Assert.That((scenario.Name, scenario.Model!.Kernels), Is.EqualTo(("person", KernelSet.CmsisNn)));
    }

    [Test]
    public void AMatrixIsNotTakenForOneScenarioAndARepeatIsAnError()
    {
        var matrix = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(File("[reference, cmsis-nn]")))!;
        Assert.That(matrix.Message, Does.Contain("is a matrix of 2 scenarios (person.reference, person.cmsis-nn)"));
        var repeated = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFileAll(File("[reference, reference]")))!;
        Assert.That(repeated.Message, Does.Contain("a kernel set is listed twice"));
        var unknown = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFileAll(File("[reference, ethos]")))!;
        Assert.That(unknown.Message, Does.Contain("unknown kernel set 'ethos'"));
    }
}
