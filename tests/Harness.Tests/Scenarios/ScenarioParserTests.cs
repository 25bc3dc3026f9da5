using Harness.Scenarios;
using Harness.Yaml;

namespace Harness.Tests.Scenarios;

public class ScenarioParserTests
{
    private static YamlError SingleError(string yaml)
    {
        var file = TestEnvironment.NewScenarioFile(yaml);
        var error = Assert.Throws<YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors, Has.Count.EqualTo(1), string.Join("\n", error.Errors));
        Assert.That(error.Errors[0].File, Is.EqualTo(file));
        return error.Errors[0];
    }

    [Test]
    public void ParsesTheBundledExample()
    {
        var scenario = TestEnvironment.Parser.ParseFile(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "scenarios", "diag.yaml"));
        Assert.That(scenario.Boards, Is.EqualTo(new[] { "stm32f4", "mps2-an386", "microbit" }));
        Assert.That(scenario.Diag!.Upload, Is.EqualTo(new RandomBytes(64 * 1024, 7)));
        Assert.That(scenario.Budgets.Instructions, Is.EqualTo(200_000));
    }

    [Test]
    public void TheDiagUploadsPathIsTheHarnesssChoiceUnlessTheScenarioNamesOne()
    {
        Assert.That(TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile("name: x\nboards: [stm32f4]\nfirmware: diag\n")).Diag?.Via ?? Harness.Link.UploadPath.Auto,
            Is.EqualTo(Harness.Link.UploadPath.Auto));
        var uart = TestEnvironment.Parser.ParseFile(TestEnvironment.NewScenarioFile("name: x\nboards: [stm32f4]\nfirmware: diag\ndiag: { upload: 1MiB, via: uart }\n"));
        Assert.That(uart.Diag!.Via, Is.EqualTo(Harness.Link.UploadPath.Uart));
        var error = SingleError("name: x\nboards: [stm32f4]\nfirmware: diag\ndiag: { via: pigeon }\n");
        Assert.That(error.Message, Does.Contain("unknown upload path 'pigeon'").And.Contain("uart, bulk"));
    }

    [Test]
    public void MalformedYamlNamesLineAndColumn()
    {
        var error = SingleError("name: x\nboards: [stm32f4\nfirmware: diag\n");
        Assert.That(error.Message, Does.StartWith("not valid YAML"));
        Assert.That(error.Line, Is.InRange(2, 3), "at the unclosed list or where it breaks");
    }

    [Test]
    public void UnknownBoardIsPointedAtWithASuggestion()
    {
        var error = SingleError("name: x\nboards: [stm32f4, stm32f5]\nfirmware: diag\n");
        Assert.That((error.Line, error.Column), Is.EqualTo((2L, 19L)));
        Assert.That(error.Message, Does.Contain("unknown board 'stm32f5'").And.Contain("did you mean 'stm32f4'"));
    }

    [Test]
    public void BoardThatTheEmulatorCannotRunIsAnError()
    {
        var error = SingleError("name: x\nboards: [nrf52840]\nfirmware: diag\n");
        Assert.That(error.Message, Does.Contain("does not run on qemu"));
    }

    [Test]
    public void TheEmulatorGivenOnTheCommandLineDecidesWhichBoardsAreValid()
    {
        var file = TestEnvironment.NewScenarioFile("name: x\nboards: [nrf52840]\nfirmware: diag\n");
        var onRenode = new ScenarioParser(TestEnvironment.Boards, new Harness.Firmware.FirmwareBuilder(TestEnvironment.Paths).Apps, "renode").ParseFile(file);
        Assert.That(onRenode.Emulator, Is.EqualTo("renode"));
        var onQemu = new ScenarioParser(TestEnvironment.Boards, new Harness.Firmware.FirmwareBuilder(TestEnvironment.Paths).Apps, "qemu");
        var file2 = TestEnvironment.NewScenarioFile("name: x\nemulator: renode\nboards: [nrf52840]\nfirmware: diag\n");
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => onQemu.ParseFile(file2))!;
        Assert.That(error.Message, Does.Contain("board 'nrf52840' does not run on qemu"));
    }

    [Test]
    public void MissingElfIsReportedWithItsPath()
    {
        var error = SingleError("name: x\nboards: [stm32f4]\nfirmware: { elf: build/app.elf }\nconsole: { pass: OK }\n");
        Assert.That(error.Message, Does.Contain("ELF file not found").And.Contain(Path.Combine("build", "app.elf")));
        Assert.That((error.Line, error.Column), Is.EqualTo((3L, 18L)));
    }

    [Test]
    public void EveryProblemOfAFileIsListed()
    {
        var file = TestEnvironment.NewScenarioFile("name: x\nboard: stm32f4\nfirmware: diag\ndiag: { upload: 64KB }\nexpect: { ram: { max: big } }\ntimeout: forever\nextra: 1\n");
        var error = Assert.Throws<YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Select(e => e.Line), Is.EquivalentTo(new long[] { 7, 4, 5, 6 }));
    }

    [Test]
    public void TextFirmwareNeedsAPassLine()
    {
        var error = SingleError("name: x\nboards: [stm32f4]\nfirmware: hello\n");
        Assert.That(error.Message, Does.Contain("console"));
    }
}
