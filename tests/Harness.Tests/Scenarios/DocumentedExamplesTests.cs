using System.Text.RegularExpressions;
using Harness.Models;
using YamlDotNet.RepresentationModel;

namespace Harness.Tests.Scenarios;

/// <summary>The examples the README, docs/ and scenarios/ show, as a user would copy them: they must be valid as written.</summary>
public partial class DocumentedExamplesTests
{
    private static IEnumerable<string> Documents()
    {
        var root = FindRepository();
        yield return Path.Combine(root, "README.md");
        foreach (var doc in Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
        {
            yield return doc;
        }
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Harness.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("no Harness.sln above the test binaries");
    }

    [Test]
    public void EveryYamlBlockOfTheDocsIsValidYaml()
    {
        var blocks = Documents().SelectMany(doc => YamlBlock().Matches(File.ReadAllText(doc)).Select(m => (Doc: Path.GetFileName(doc), Text: m.Groups["body"].Value))).ToList();
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(4));
        foreach (var (doc, text) in blocks)
        {
            Assert.DoesNotThrow(() => new YamlStream().Load(new StringReader(text)), $"{doc}:\n{text}");
        }
    }

    [Test]
    public void EveryAlternativeShownInACommentIsValidYamlWhenUncommented()
    {
        var alternatives = Documents().SelectMany(doc => YamlBlock().Matches(File.ReadAllText(doc)))
            .SelectMany(m => m.Groups["body"].Value.Split('\n'))
            .Select(line => CommentedKey().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["yaml"].Value)
            .ToList();
        Assert.That(alternatives, Has.Some.StartsWith("firmware: { elf:"), "the docs show the user's-own-ELF form");
        foreach (var line in alternatives)
        {
            Assert.DoesNotThrow(() => new YamlStream().Load(new StringReader(line)), line);
        }
    }

    [Test]
    public void YamlShownInlineInTheReadmeIsValidYaml()
    {
        var inline = InlineYaml().Matches(File.ReadAllText(Path.Combine(FindRepository(), "README.md"))).Select(m => m.Groups["yaml"].Value).ToList();
        Assert.That(inline, Has.Some.StartsWith("firmware: { elf:"));
        foreach (var snippet in inline)
        {
            Assert.DoesNotThrow(() => new YamlStream().Load(new StringReader(snippet)), snippet);
        }
    }

    [Test]
    public void TheBundledScenariosAreValidScenarios()
    {
        var scenarios = Path.Combine(FindRepository(), "scenarios");
        var copy = Directory.CreateTempSubdirectory("harness-scenarios").FullName;
        Directory.CreateDirectory(Path.Combine(copy, "scenarios"));
        Directory.CreateDirectory(Path.Combine(copy, "out"));
        // example-model.yaml reads the model example.sh writes first.
        File.WriteAllBytes(Path.Combine(copy, "out", "example-model.tflite"), TfliteWriter.ExampleClassifier());
        foreach (var file in Directory.GetFiles(scenarios, "*.yaml"))
        {
            var target = Path.Combine(copy, "scenarios", Path.GetFileName(file));
            File.Copy(file, target);
            var text = File.ReadAllText(file);
            var emulator = text.Contains("emulator: renode", StringComparison.Ordinal) ? "renode" : "qemu";
            var scenario = new Harness.Scenarios.ScenarioParser(TestEnvironment.Boards, new Harness.Firmware.FirmwareBuilder(TestEnvironment.Paths).Apps, emulator).ParseFile(target);
            Assert.That(scenario.Boards, Is.Not.Empty, file);
        }
    }

    [GeneratedRegex("```yaml\\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"^\s*#\s(?<yaml>(?:-\s)?[a-z_]+:\s[^#]*?)(\s+#.*)?$")]
    private static partial Regex CommentedKey();

    [GeneratedRegex(@"`(?<yaml>[a-z_]+: \{[^`]*\})`")]
    private static partial Regex InlineYaml();
}
