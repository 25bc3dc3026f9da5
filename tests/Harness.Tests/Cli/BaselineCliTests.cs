namespace Harness.Tests.Cli;

/// <summary>'harness baseline record' then 'harness run --baselines', as a user types them: files beside the scenario, exit codes.</summary>
[NonParallelizable]
public class BaselineCliTests
{
    [Test]
    public async Task RecordWritesABaselineBesideTheScenarioAndARunAgainstItPassesUntilTheWorkGrows()
    {
        TestEnvironment.RequireQemuToolchain();
        var directory = Directory.CreateTempSubdirectory("harness-baseline-cli").FullName;
        var scenario = Path.Combine(directory, "gate.yaml");
        await File.WriteAllTextAsync(scenario, "name: gate\nboards: [mps2-an386]\nfirmware: diag\ndiag: { upload: 512, workload: 5000 }\n");
        var record = await HarnessCli.RunAsync(["baseline", "record", scenario, "--out", Path.Combine(directory, "r0")]);
        Assert.That(record.ExitCode, Is.EqualTo(0));
        var file = Path.Combine(directory, "baselines", "gate", "mps2-an386.qemu.yaml");
        Assert.That(record.StandardOutput, Does.Contain(file));
        Assert.That(await File.ReadAllTextAsync(file), Does.Contain("instructions: 50013"));

        var same = await HarnessCli.RunAsync(["run", scenario, "--baselines", Path.Combine(directory, "baselines"), "--out", Path.Combine(directory, "r1")]);
        Assert.That(same.ExitCode, Is.EqualTo(0));
        Assert.That(same.StandardOutput, Does.Contain("every figure and output as in the baseline"));

        await File.WriteAllTextAsync(scenario, "name: gate\nboards: [mps2-an386]\nfirmware: diag\ndiag: { upload: 512, workload: 5100 }\n");
        var grown = await HarnessCli.RunAsync(["run", scenario, "--baselines", Path.Combine(directory, "baselines"), "--out", Path.Combine(directory, "r2")]);
        Assert.That(grown.ExitCode, Is.EqualTo(1));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(directory, "r2", "summary.md")), Does.Contain("| gate | mps2-an386 | inference | 50,013 | 51,013 | +2 % | 0.5% | **▲ regressed** |"));
        var refused = await HarnessCli.RunAsync(["baseline", "record", Path.Combine(directory, "missing.yaml")]);
        Assert.That(refused.ExitCode, Is.EqualTo(2), "a scenario file that is not there: nothing runs, nothing is written");
    }
}
