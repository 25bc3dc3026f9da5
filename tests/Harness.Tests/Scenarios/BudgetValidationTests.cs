using Harness.Yaml;

namespace Harness.Tests.Scenarios;

/// <summary>A budget is accepted only where it can be judged: firmware that does not speak the link reports no counter, stack or full RAM.</summary>
public class BudgetValidationTests
{
    private static string Elf()
    {
        // Any ELF of the harness's own: the parser reads its sections and symbols, nothing runs.
        var image = new Harness.Firmware.FirmwareBuilder(TestEnvironment.Paths).BuildAsync(TestEnvironment.Boards.Get("stm32f4"), "hello", CancellationToken.None).GetAwaiter().GetResult();
        return image.ElfPath;
    }

    private static YamlInputException Refused(string yaml) =>
        Assert.Throws<YamlInputException>(() => TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile(yaml)))!;

    [Test]
    public void CyclesRamAndStackForAUsersElfAreRefusedWithWhatToBudgetInstead()
    {
        TestEnvironment.RequireQemuToolchain();
        var error = Refused($$"""
            name: byo-budgets
            boards: [stm32f4]
            firmware: { elf: "{{Elf()}}", measure: { begin: harness_measure_begin, end: harness_measure_end } }
            console: { pass: PASS }
            expect:
              cycles: { max: 1M }
              ram: { max: 16KiB }
              stack: { max: 2KiB }
            """);
        var messages = error.Errors.Select(e => e.ToString()).ToList();
        Assert.That(messages, Has.Count.EqualTo(3));
        Assert.That(messages[0], Does.Contain(":6:11: 'cycles' cannot be judged for this firmware").And.Contain("budget 'instructions'"));
        Assert.That(messages[1], Does.Contain(":7:8: 'ram' cannot be judged").And.Contain("budget 'static_ram'"));
        Assert.That(messages[2], Does.Contain(":8:10: 'stack' cannot be judged"));
    }

    [Test]
    public void InstructionsForAUsersElfNeedTheMeasureSymbols()
    {
        TestEnvironment.RequireQemuToolchain();
        var error = Refused($$"""
            name: byo-instructions
            boards: [stm32f4]
            firmware: { elf: "{{Elf()}}" }
            console: { pass: PASS }
            expect: { instructions: { max: 1M } }
            """);
        Assert.That(error.Errors.Single().ToString(), Does.Contain("name them under firmware: { measure: { begin: ..., end: ... } }"));
    }

    [Test]
    public void StaticRamAndFlashAreJudgedForEveryFirmware()
    {
        TestEnvironment.RequireQemuToolchain();
        var scenario = TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile($$"""
            name: byo-static
            boards: [stm32f4]
            firmware: { elf: "{{Elf()}}" }
            console: { pass: PASS }
            expect: { static_ram: { max: 4KiB }, flash: { max: 64KiB } }
            """));
        Assert.That((scenario.Budgets.StaticRamBytes, scenario.Budgets.FlashBytes), Is.EqualTo((4096L, 65536L)));
    }

    [Test]
    public void ACorruptModelIsOneErrorNotTwo()
    {
        var model = Path.Combine(Path.GetTempPath(), $"cut-{Guid.NewGuid():N}.tflite");
        File.WriteAllBytes(model, Harness.Models.TfliteWriter.ExampleClassifier()[..200]);
        var error = Refused($$"""
            name: corrupt
            boards: [mps2-an386]
            model: {{model}}
            inputs: [ { values: [1, 2, 3, 4] } ]
            expect: { golden: host }
            """);
        Assert.That(error.Errors.Single().ToString(), Does.Contain(":3:8:").And.Match("truncated|corrupt"));
    }
}
