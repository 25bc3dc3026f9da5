using Harness.Measurement;
using Harness.Testing;

namespace Harness.Tests.Testing;

/// <summary>YAML scenarios as NUnit test cases: one per scenario × board, run through the same pipeline as 'harness run'.</summary>
[NonParallelizable]
public class ScenarioCasesTests
{
    private static ScenarioCase Case(TestCaseData data) => (ScenarioCase)data.Arguments[0]!;

    [Test]
    public void EveryScenarioAndBoardIsOneCaseNamedForBoth()
    {
        var cases = ScenarioCases.From("scenarios/diag.yaml").ToList();
        Assert.That(cases.Select(c => c.TestName), Is.EqualTo(new[] { "diag on stm32f4", "diag on mps2-an386", "diag on microbit" }));
        Assert.That(cases.Select(c => Case(c).Emulator), Is.All.EqualTo("qemu"));
        var folder = ScenarioCases.From("scenarios").Select(c => c.TestName).ToList();
        Assert.That(folder, Does.Contain("diag on microbit").And.Contain("diag-renode on nrf52840"), "a folder gives every scenario in it");
    }

    [Test]
    public void AFileThatDoesNotParseIsOneCaseThatFailsWithTheLocatedError()
    {
        var file = TestEnvironment.NewScenarioFile("name: broken\nboards: [stm32f4]\nfirmware: diag\ndiag: { upload: lots }\n");
        var only = ScenarioCases.From(file).Single();
        Assert.That(only.TestName, Is.EqualTo("scenario.yaml (invalid)"));
        var failure = Assert.ThrowsAsync<AssertionException>(() => Case(only).RunAsync())!;
        Assert.That(failure.Message, Does.Contain($"{file} is not a valid scenario").And.Contain($"{file}:4:"));
    }

    [Test]
    public async Task ACaseRunsThroughThePipelineAndPasses()
    {
        TestEnvironment.RequireQemuToolchain();
        var diag = ScenarioCases.From("scenarios/diag.yaml").Select(Case).Single(c => c.Board == "mps2-an386");
        var result = await diag.RunAsync();
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Passed), result.Summary);
        Assert.That(result.Board, Is.EqualTo("mps2-an386"), "only its own board ran");
        var report = Path.Combine(TestContext.CurrentContext.WorkDirectory, "harness-results", "diag-mps2-an386", "diag.json");
        Assert.That(File.ReadAllText(report), Does.Contain("\"mps2-an386\""), "the JSON report is written for the attachment");
    }

    [Test]
    public void AFailingCaseFailsTheTestWithEveryFailedCheck()
    {
        TestEnvironment.RequireQemuToolchain();
        var file = TestEnvironment.NewScenarioFile("name: tight\nboards: [stm32f4]\nfirmware: diag\ndiag: { upload: 1KiB, workload: 1000 }\nexpect: { instructions: { max: 100 } }\n");
        var failure = Assert.ThrowsAsync<AssertionException>(() => Case(ScenarioCases.From(file).Single()).RunAsync())!;
        Assert.That(failure.Message, Does.StartWith("tight on stm32f4 (qemu) FAILED:").And.Contain("instructions: expected ≤ 100"), failure.Message);
    }

    [Test]
    public void ARenodeCaseIsIgnoredWithTheReasonWhereRenodeIsAbsent()
    {
        var renode = ScenarioCases.From("scenarios/diag-renode.yaml").Select(Case).First();
        var saved = Environment.GetEnvironmentVariable("HARNESS_RENODE");
        Environment.SetEnvironmentVariable("HARNESS_RENODE", "/nonexistent/renode");
        try
        {
            var ignored = Assert.ThrowsAsync<IgnoreException>(() => renode.RunAsync())!;
            Assert.That(ignored.Message, Does.Contain("renode not found"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HARNESS_RENODE", saved);
        }
    }
}
