using Harness.Firmware;
using Harness.Measurement;

namespace Harness.Tests.Pipeline;

/// <summary>"Bring your own firmware": an ELF that only prints text, judged by its console lines.</summary>
[NonParallelizable]
public class UserFirmwareTests
{
    private static async Task<string> BuildTextFirmwareAsync(string board)
    {
        TestEnvironment.RequireQemuToolchain();
        var image = await new FirmwareBuilder(TestEnvironment.Paths).BuildAsync(TestEnvironment.Boards.Get(board), "hello", CancellationToken.None);
        return image.ElfPath;
    }

    [Test]
    public async Task PassesWhenTheExpectedLineAppearsAndCountsInstructionsBetweenItsSymbols()
    {
        var elf = await BuildTextFirmwareAsync("mps2-an386");
        var (result, _) = await PipelineFixture.RunAsync($$"""
            name: byo
            boards: [mps2-an386]
            firmware: { elf: {{elf}}, measure: { begin: harness_measure_begin, end: harness_measure_end } }
            console: { pass: PASS, fail: [FAIL] }
            timeout: 20s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Passed), run.Summary);
        Assert.That(run.Console.Select(l => l.Text), Does.Contain("sum of squares = 332833500"));
        Assert.That(run.Figures.Instructions, Is.InRange(5000, 10000), "1000 iterations of the loop between the two symbols");
    }

    [Test]
    public async Task FailsFastOnAFailureLine()
    {
        var elf = await BuildTextFirmwareAsync("stm32f4");
        var (result, _) = await PipelineFixture.RunAsync($$"""
            name: byo-fail
            boards: [stm32f4]
            firmware: { elf: {{elf}} }
            console: { pass: "ALL TESTS PASSED", fail: "/sum of squares = \\d+/" }
            timeout: 60s
            """);
        var run = result.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(run.Summary, Does.Contain("matches fail pattern"));
        Assert.That(run.Console.Select(l => l.Text), Does.Contain("PASS"), "the lines printed after the deciding one are kept until the firmware goes quiet");
        Assert.That(run.Figures.WallSeconds, Is.LessThan(20), "judged on the line, not at the timeout");
    }

    [Test]
    public async Task AMisspeltMeasureSymbolIsRefusedBeforeAnythingBootsWithTheSymbolsThatLookLikeIt()
    {
        var elf = await BuildTextFirmwareAsync("stm32f4");
        var file = TestEnvironment.NewScenarioFile($$"""
            name: byo-nosym
            boards: [stm32f4]
            firmware:
              elf: {{elf}}
              measure: { begin: harness_measure_begni, end: harness_measure_end }
            console: { pass: PASS }
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Message, Does.Contain(":5:21:").And.Contain("has no symbol 'harness_measure_begni' (the start of the measured region)")
            .And.Contain("symbols that look like it: harness_measure_begin"));
    }

    [Test]
    public void AFileThatIsNotAnElfIsRefusedBeforeAnythingBoots()
    {
        var notElf = Path.Combine(Path.GetTempPath(), $"not-an-elf-{Guid.NewGuid():N}.elf");
        File.WriteAllText(notElf, "hello");
        var file = TestEnvironment.NewScenarioFile($$"""
            name: byo-bad
            boards: [microbit]
            firmware: { elf: {{notElf}} }
            console: { pass: PASS }
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Message, Does.Contain("is not an ELF file"));
    }
}
