using CliWrap.Buffered;
using Harness.Measurement;
using Harness.Reports;
using Harness.Runner;

namespace Harness.Tests.Pipeline;

/// <summary>harness repro: the folder it writes replays the same failure from its own files alone.</summary>
[NonParallelizable]
public class ReproTests
{
    [TestCase("qemu")]
    [TestCase("renode")]
    public async Task AReproFolderReplaysTheSameFailureFromItsOwnFiles(string emulator)
    {
        if (emulator == "renode")
        {
            TestEnvironment.RequireRenode();
        }
        var upload = Path.Combine(Path.GetTempPath(), $"harness-upload-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(upload, Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());
        var (results, _, _) = await PipelineFixture.RunManyAsync([$$"""
            name: repro-{{emulator}}
            emulator: {{emulator}}
            boards: [stm32f4]
            firmware: diag
            diag: { upload: { file: {{upload}} }, then: fault }
            timeout: 60s
            """], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var original = results.Single();
        var run = original.Boards.Single();
        Assert.That(run.Outcome, Is.EqualTo(Outcome.Failed));

        var folder = Path.Combine(Path.GetTempPath(), $"harness-repro-{Guid.NewGuid():N}");
        await ReproFolder.WriteAsync(original.Scenario, run, TestEnvironment.Boards.Get("stm32f4"), folder, CancellationToken.None);
        File.Delete(upload);
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.SupersetOf(new[]
        {
            "firmware.elf", "scenario.yaml", "upload.bin", "board.yaml", "emulator-command.txt", "result.json", "expected-vs-actual.md", "replay.sh", "expected-summary.txt",
        }));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(folder, "replay.sh")).HasFlag(UnixFileMode.UserExecute));
        }
        if (emulator == "renode")
        {
            Assert.That(File.ReadAllText(Path.Combine(folder, "board.resc")), Does.Contain("$ORIGIN/overlay.repl").And.Contain("sysbus LoadELF $ORIGIN/firmware.elf"));
        }

        var replayScenario = TestEnvironment.Parser.ParseFile(Path.Combine(folder, "scenario.yaml"));
        await using var runner = new ScenarioRunner(TestEnvironment.Paths, TestEnvironment.Boards, new RunOptions(PipelineFixture.NewWorkDirectory()));
        var replay = (await runner.RunAsync(replayScenario, null, CancellationToken.None)).Boards.Single();
        Assert.That(replay.Firmware, Is.EqualTo(Path.Combine(folder, "firmware.elf")), "the replay runs the folder's ELF, not a new build");
        Assert.That(replay.Outcome, Is.EqualTo(run.Outcome));
        Assert.That(replay.Summary, Is.EqualTo(run.Summary), "the same failure, down to PC, LR and source line");
        Assert.That(replay.Checks.Select(c => c.Actual), Is.EqualTo(run.Checks.Select(c => c.Actual)));
    }

    [Test]
    public async Task ReplayShSaysReproducedWithTheHarnessAndCannotReplayWithoutIt()
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync(["""
            name: replay-script
            boards: [mps2-an386]
            firmware: diag
            diag: { upload: 256, then: fault }
            timeout: 60s
            """], new RunOptions(PipelineFixture.NewWorkDirectory()));
        var original = results.Single();
        var folder = Path.Combine(Path.GetTempPath(), $"harness-replay-{Guid.NewGuid():N}");
        await ReproFolder.WriteAsync(original.Scenario, original.Boards.Single(), TestEnvironment.Boards.Get("mps2-an386"), folder, CancellationToken.None);
        async Task<(int Exit, string Output)> ReplayAsync(string harness)
        {
            var result = await CliWrap.Cli.Wrap(Path.Combine(folder, "replay.sh")).WithEnvironmentVariables(new Dictionary<string, string?> { ["HARNESS"] = harness })
                .WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync();
            return (result.ExitCode, result.StandardOutput + result.StandardError);
        }
        var replayed = await ReplayAsync($"dotnet {Harness.Tests.Cli.HarnessCli.Dll}");
        Assert.That(replayed.Exit, Is.EqualTo(0), replayed.Output);
        Assert.That(replayed.Output, Does.Contain("REPRODUCED: the replay failed exactly as recorded"));
        var missing = await ReplayAsync("/nowhere/harness");
        Assert.That(missing.Exit, Is.EqualTo(2));
        Assert.That(missing.Output, Does.Contain("CANNOT REPLAY: the harness was not found").And.Not.Contain("NOT REPRODUCED"));
    }
}
