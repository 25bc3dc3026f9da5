using Harness.Testing;

namespace ModelTests;

/// <summary>Every YAML scenario in scenarios/ as test cases, one per scenario and board, in the same test report as the code's own tests.</summary>
public class ScenarioSuite
{
    public static IEnumerable<TestCaseData> Scenarios() => ScenarioCases.From("scenarios");

    [TestCaseSource(nameof(Scenarios))]
    public Task Runs(ScenarioCase scenario) => scenario.RunAsync();
}
