using Harness.Firmware;
using Harness.Measurement;
using Harness.Reports;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Yaml;

namespace Harness.Testing;

/// <summary>
/// YAML scenarios as NUnit test cases, one per scenario × board, so a YAML suite shows in <c>dotnet test</c> and its
/// JUnit logger like any test:
/// <code>
/// public static IEnumerable&lt;TestCaseData&gt; Suite() =&gt; ScenarioCases.From("scenarios");
/// [TestCaseSource(nameof(Suite))]
/// public Task Scenario(ScenarioCase scenario) =&gt; scenario.RunAsync();
/// </code>
/// </summary>
public static class ScenarioCases
{
    /// <summary>
    /// One test case per scenario and board of the given YAML files, or of every *.yaml in the given folders (not below).
    /// Relative paths are found from the current folder, then from the test assembly's folder upwards. A file that does
    /// not parse becomes one test case that fails with every error located (file:line:col), so it is never silently left out.
    /// </summary>
    /// <param name="paths">Scenario files or folders.</param>
    public static IEnumerable<TestCaseData> From(params string[] paths)
    {
        foreach (var path in paths)
        {
            var resolved = TestFiles.Resolve(path);
            IEnumerable<string> files = Directory.Exists(resolved)
                ? Directory.EnumerateFiles(resolved, "*.yaml").Order(StringComparer.Ordinal)
                : [resolved];
            foreach (var file in files)
            {
                foreach (var scenarioCase in Cases(file))
                {
                    yield return new TestCaseData(scenarioCase).SetName(scenarioCase.ToString()).SetCategory(scenarioCase.Emulator ?? "invalid");
                }
            }
        }
    }

    private static IEnumerable<ScenarioCase> Cases(string file)
    {
        IReadOnlyList<Scenario> scenarios;
        try
        {
            var harness = TestHarness.Shared;
            scenarios = new ScenarioParser(harness.Boards, new FirmwareBuilder(harness.Paths).Apps).ParseFileAll(file);
        }
        catch (YamlInputException e)
        {
            return [new ScenarioCase(file, null, null, string.Join(Environment.NewLine, e.Errors))];
        }
        catch (IOException e)
        {
            return [new ScenarioCase(file, null, null, e.Message)];
        }
        return scenarios.SelectMany(s => s.Boards.Select(board => new ScenarioCase(file, s with { Boards = [board] }, board, null)));
    }
}

/// <summary>One scenario on one board, as a test case: <see cref="RunAsync"/> runs it through the harness and asserts its verdict.</summary>
public sealed class ScenarioCase
{
    private static readonly Lazy<ScenarioRunner> Runner = new(() =>
    {
        var harness = TestHarness.Shared;
        var runner = new ScenarioRunner(harness.Paths, harness.Boards, new RunOptions(harness.WorkDirectory));
        // Warm sessions kept between cases end with the test run (the tether ends them even if the test host is killed).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => runner.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return runner;
    });

    private readonly Scenario? scenario;
    private readonly string? error;

    internal ScenarioCase(string file, Scenario? scenario, string? board, string? error)
    {
        File = file;
        this.scenario = scenario;
        Board = board;
        this.error = error;
    }

    /// <summary>The scenario file.</summary>
    public string File { get; }

    /// <summary>The scenario's name (null when the file does not parse).</summary>
    public string? Scenario => scenario?.Name;

    /// <summary>The board (null when the file does not parse).</summary>
    public string? Board { get; }

    /// <summary>The emulator the scenario runs on (null when the file does not parse).</summary>
    public string? Emulator => scenario?.Emulator;

    /// <summary>
    /// Runs the scenario on the board and asserts it passed: a failed check fails the test with every failed check, and
    /// an error (fault, hang, crash) with its cause; where Renode or a TFLM checkout is absent the test is ignored with the
    /// reason. The JSON report and the console log are attached to the test.
    /// </summary>
    /// <param name="baselines">A folder of baselines (harness baseline record) to compare the run with: the regression gate.</param>
    /// <param name="cancellationToken">Cancels the run (e.g. NUnit's [CancelAfter]).</param>
    public async Task<BoardResult> RunAsync(string? baselines = null, CancellationToken cancellationToken = default)
    {
        if (scenario is null)
        {
            Assert.Fail($"{File} is not a valid scenario:{Environment.NewLine}{error}");
        }
        Requirements.Emulator(scenario!.Emulator);
        if (scenario.Model is not null)
        {
            Requirements.Tflm();
        }
        var result = baselines is null
            ? await Runner.Value.RunAsync(scenario, null, cancellationToken)
            : await RunWithBaselinesAsync(scenario, TestFiles.Resolve(baselines), cancellationToken);
        var board = result.Boards.Single();
        Attach(result, board);
        switch (board.Outcome)
        {
            case Outcome.Passed:
                TestContext.Out.WriteLine($"{this}: {board.Summary}");
                break;
            case Outcome.NotRun:
                Assert.Ignore($"{this}: {board.Summary}");
                break;
            default:
                var failed = board.Checks.Where(c => !c.Passed).Select(c => $"  {c.Name}: expected {c.Expected}, got {c.Actual}").ToList();
                Assert.Fail($"{this} ({board.Emulator}) {board.Outcome.ToString().ToUpperInvariant()}: {board.Summary}" +
                    (failed.Count > 0 ? Environment.NewLine + string.Join(Environment.NewLine, failed) : "") +
                    (board.Detail is { } detail ? Environment.NewLine + detail : ""));
                break;
        }
        return board;
    }

    private static async Task<ScenarioResult> RunWithBaselinesAsync(Scenario scenario, string baselines, CancellationToken cancellationToken)
    {
        var harness = TestHarness.Shared;
        await using var runner = new ScenarioRunner(harness.Paths, harness.Boards, new RunOptions(harness.WorkDirectory, Baselines: baselines));
        return await runner.RunAsync(scenario, null, cancellationToken);
    }

    private void Attach(ScenarioResult result, BoardResult board)
    {
        try
        {
            var folder = new ReportFolder(Path.Combine(TestContext.CurrentContext.WorkDirectory, "harness-results", $"{result.Scenario.Name}-{Board}"));
            folder.WriteScenario(result);
            TestContext.AddTestAttachment(Path.Combine(folder.Directory, $"{result.Scenario.Name}.json"), $"harness report of {this}");
            if (board.Outcome != Outcome.NotRun)
            {
                TestContext.AddTestAttachment(Path.Combine(folder.Directory, result.Scenario.Name, $"{board.Board}.log"), $"console of {this}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TestContext.Out.WriteLine($"(the reports could not be written: {e.Message})");
        }
    }

    /// <summary>The test case's name: "scenario on board", or the file's name when it does not parse.</summary>
    public override string ToString() => scenario is null ? $"{Path.GetFileName(File)} (invalid)" : $"{scenario.Name} on {Board}";
}
