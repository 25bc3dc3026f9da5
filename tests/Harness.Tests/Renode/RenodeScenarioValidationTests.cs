using Harness.Measurement;
using Harness.Runner;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Renode;

/// <summary>Renode scenario checks that need no Renode: they happen before anything runs.</summary>
public class RenodeScenarioValidationTests
{
    [Test]
    public void ABoardWithoutARenodePlatformIsRejectedBeforeAnythingRunsSayingWhereItRuns()
    {
        var file = TestEnvironment.NewScenarioFile("""
            name: wrong-emulator
            emulator: renode
            boards: [mps2-an386]
            firmware: diag
            """);
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => TestEnvironment.Parser.ParseFile(file))!;
        Assert.That(error.Errors.Select(e => e.ToString()), Has.Some.EndsWith("board 'mps2-an386' does not run on renode (it runs on: qemu)"));
    }
}
