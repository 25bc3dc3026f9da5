using System.Text.Json;
using System.Xml.Linq;
using Harness.Models;

namespace Harness.Tests.Cli;

/// <summary>
/// One failing scenario never takes the others with it: a suite of three where the second fails in
/// each stage in turn (host runner, build, emulator start, link). The first and third run and are
/// reported; the second is an ERROR with its cause in one line; no stack trace; exit code 1.
/// </summary>
[NonParallelizable]
public class SuiteIsolationTests
{
    private static string Diag(string directory, string name) => Write(directory, $"{name}.yaml", $"""
        name: {name}
        boards: [mps2-an386]
        firmware: diag
        diag: {"{"} upload: 512, workload: 1000 {"}"}
        timeout: 60s
        """);

    private static string Write(string directory, string file, string text)
    {
        var path = Path.Combine(directory, file);
        File.WriteAllText(path, text);
        return path;
    }

    private static string WriteModel(string directory, byte[] model)
    {
        var path = Path.Combine(directory, "model.tflite");
        File.WriteAllBytes(path, model);
        return path;
    }

    public static IEnumerable<TestCaseData> Stages()
    {
        yield return new TestCaseData("host-runner", "host golden run: the host runner could not set up the model (allocate-tensors-failed)").SetName("TheOthersAreReportedWhenTheSecondFailsInTheHostRunner");
        yield return new TestCaseData("build", "firmware: firmware build failed").SetName("TheOthersAreReportedWhenTheSecondFailsToBuild");
        yield return new TestCaseData("emulator-start", "Renode").SetName("TheOthersAreReportedWhenTheSecondsEmulatorCannotStart");
        yield return new TestCaseData("link", "printed text but never sent the link's boot frame").SetName("TheOthersAreReportedWhenTheSecondDoesNotSpeakTheLink");
    }

    [TestCaseSource(nameof(Stages))]
    public async Task TheFirstAndThirdAreReportedAndTheSecondIsAnErrorWithItsCause(string stage, string cause)
    {
        TestEnvironment.RequireQemuToolchain();
        var directory = Directory.CreateTempSubdirectory($"harness-suite-{stage}").FullName;
        var environment = new Dictionary<string, string?>();
        string middle;
        switch (stage)
        {
            case "host-runner":
                await NeedTflmAsync();
                middle = Write(directory, "middle.yaml", $$"""
                    name: middle
                    boards: [mps2-an386]
                    model: {{WriteModel(directory, TfliteWriter.HybridFullyConnected())}}
                    arena: 4KiB
                    inputs: [ { values: [0.1, 0.2, 0.3, 0.4] } ]
                    expect: { golden: host }
                    timeout: 60s
                    """);
                break;
            case "build":
                await NeedTflmAsync();
                middle = Write(directory, "middle.yaml", $$"""
                    name: middle
                    boards: [mps2-an386]
                    model: {{WriteModel(directory, TfliteWriter.ExampleClassifier())}}
                    arena: 8MiB
                    inputs: [ { values: [0.1, 0.2, 0.3, 0.4] } ]
                    timeout: 60s
                    """);
                break;
            case "emulator-start":
                var fake = Write(directory, "renode", "#!/bin/sh\necho 'Renode, version 1.16.1 (fake)'; echo 'could not load the platform' >&2; exit 1\n");
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                environment["HARNESS_RENODE"] = fake;
                middle = Write(directory, "middle.yaml", """
                    name: middle
                    emulator: renode
                    boards: [stm32f4]
                    firmware: diag
                    timeout: 60s
                    """);
                break;
            default:
                var hello = await new Harness.Firmware.FirmwareBuilder(TestEnvironment.Paths).BuildAsync(TestEnvironment.Boards.Get("mps2-an386"), "hello", CancellationToken.None);
                middle = Write(directory, "middle.yaml", $$"""
                    name: middle
                    boards: [mps2-an386]
                    firmware: { app: diag, elf: "{{hello.ElfPath}}" }
                    timeout: 5s
                    """);
                break;
        }
        var output = Path.Combine(directory, "results");
        var result = await HarnessCli.RunAsync(["run", Diag(directory, "first"), middle, Diag(directory, "third"), "--out", output], environment);

        Assert.That(result.ExitCode, Is.EqualTo(1), "something failed");
        Assert.That(result.StandardOutput + result.StandardError, Does.Not.Contain("   at Harness.").And.Not.Contain("Exception:"), "no stack trace reaches the user");
        foreach (var name in new[] { "first", "third" })
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, $"{name}.json")));
            Assert.That(json.RootElement.GetProperty("passed").GetBoolean(), Is.True, name);
        }
        using var second = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "middle.json")));
        var board = second.RootElement.GetProperty("boards")[0];
        Assert.That(board.GetProperty("outcome").GetString(), Is.EqualTo("error"));
        Assert.That(board.GetProperty("summary").GetString(), Does.Contain(cause));
        Assert.That(board.GetProperty("summary").GetString(), Does.Not.Contain("\n"), "the cause in one line");
        var junit = XDocument.Load(Path.Combine(output, "junit.xml"));
        Assert.That(junit.Descendants("testsuite").Select(s => (string)s.Attribute("name")!), Is.EqualTo(new[] { "first", "middle", "third" }));
        Assert.That(junit.Descendants("error").Count(), Is.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(output, "summary.md")), Does.Contain("2 of 3 board runs passed"));
    }

    private static async Task NeedTflmAsync()
    {
        TestEnvironment.RequireTflm();
        await Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
    }
}
