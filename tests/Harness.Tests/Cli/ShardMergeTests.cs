using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Harness.Tests.Cli;

/// <summary>--shard I/N splits a suite for a CI job matrix; report merge joins the shards into what one run of the whole suite writes.</summary>
[NonParallelizable]
public partial class ShardMergeTests
{
    [Test]
    public async Task ThreeShardsTogetherAreTheWholeSuiteAndMergeIntoItsReports()
    {
        TestEnvironment.RequireQemuToolchain();
        var directory = Directory.CreateTempSubdirectory("harness-shards").FullName;
        string Write(string name, string text)
        {
            var path = Path.Combine(directory, $"{name}.yaml");
            File.WriteAllText(path, text);
            return path;
        }
        var suite = new[]
        {
            Write("alpha", "name: alpha\nboards: [mps2-an386, stm32f4, microbit]\nfirmware: diag\ndiag: { upload: 512, workload: 2000 }\n"),
            Write("beta", "name: beta\nboards: [stm32f4, microbit]\nfirmware: diag\ndiag: { upload: 256, workload: 100, then: fault }\n"),
            Write("gamma", "name: gamma\nboards: [mps2-an386]\nfirmware: hello\nconsole: { pass: PASS }\n"),
        };
        var whole = Path.Combine(directory, "whole");
        Assert.That((await HarnessCli.RunAsync(["run", .. suite, "--out", whole])).ExitCode, Is.EqualTo(1), "beta faults on purpose");
        var shards = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var folder = Path.Combine(directory, $"shard{i}");
            shards.Add(folder);
            await HarnessCli.RunAsync(["run", .. suite, "--out", folder, "--shard", $"{i}/3"]);
        }
        var runs = shards.Select(s => Cases(Path.Combine(s, "junit.xml"))).ToList();
        Assert.That(runs.Select(r => r.Count), Is.All.EqualTo(2), "six board runs in three equal shards");
        Assert.That(runs.SelectMany(r => r).Order(), Is.EqualTo(Cases(Path.Combine(whole, "junit.xml")).Order()), "disjoint, and together the whole suite");

        var merged = Path.Combine(directory, "merged");
        var merge = await HarnessCli.RunAsync(["report", "merge", .. shards, "--out", merged]);
        Assert.That(merge.ExitCode, Is.EqualTo(1), "the merged suite failed as the whole one did");
        Assert.That(Cases(Path.Combine(merged, "junit.xml")), Is.EqualTo(Cases(Path.Combine(whole, "junit.xml"))), "the same test cases, outcomes and order");
        Assert.That(Counts(Path.Combine(merged, "junit.xml")), Is.EqualTo(Counts(Path.Combine(whole, "junit.xml"))));
        Assert.That(Normalized(Path.Combine(merged, "summary.md")), Is.EqualTo(Normalized(Path.Combine(whole, "summary.md"))), "the same summary but for wall times");
    }

    private static List<string> Cases(string junit) => XDocument.Load(junit).Descendants("testcase")
        .Select(c => $"{c.Attribute("classname")!.Value}/{c.Attribute("name")!.Value}:{(c.Element("failure") is not null ? "failure" : c.Element("error") is not null ? "error" : "pass")}").ToList();

    private static (int Tests, int Failures, int Errors) Counts(string junit)
    {
        var suites = XDocument.Load(junit).Descendants("testsuite").ToList();
        int Sum(string attribute) => suites.Sum(s => int.Parse(s.Attribute(attribute)!.Value));
        return (Sum("tests"), Sum("failures"), Sum("errors"));
    }

    private static string Normalized(string summary) => WallTime().Replace(File.ReadAllText(summary), "x s");

    [GeneratedRegex(@"\d+\.\d\d s")]
    private static partial Regex WallTime();
}
