using Harness.Emulation.Renode;

namespace Harness.Tests.Renode;

/// <summary>The settings and the build stamp that let Renode reuse the hooks' compiled assembly, and only in the same Renode build.</summary>
public class RenodeCompilerCacheTests
{
    [Test]
    public void TheUsersSettingsAreKeptWithTheCompilerCacheTurnedOn()
    {
        var users = "[general]\nterminal = Termsharp\ncompiler-cache-enabled = False\nstore-table-bits = 41\n[monitor]\nnumber-format = Hexadecimal\n";
        Assert.That(RenodeCompilerCache.WithCacheOn(users),
            Is.EqualTo("[general]\nterminal = Termsharp\ncompiler-cache-enabled = True\nstore-table-bits = 41\n[monitor]\nnumber-format = Hexadecimal\n"));
        Assert.That(RenodeCompilerCache.WithCacheOn("[monitor]\nnumber-format = Decimal\n[general]\nterminal = Termsharp\n"),
            Is.EqualTo("[monitor]\nnumber-format = Decimal\n[general]\ncompiler-cache-enabled = True\nterminal = Termsharp\n"));
        Assert.That(RenodeCompilerCache.WithCacheOn(""), Is.EqualTo("[general]\ncompiler-cache-enabled = True\n"), "no settings of the user's: Renode fills in its defaults");
    }

    [Test]
    public void EachRenodeBuildHasAStampOfItsOwnSoNoAssemblyCrossesBuilds()
    {
        var cache = Directory.CreateTempSubdirectory("harness-renode-stamp-").FullName;
        var one = RenodeCompilerCache.BuildStamp(cache, "1.16.1 (1.16.1+20261205git06854d4d1)")!;
        var again = RenodeCompilerCache.BuildStamp(cache, "1.16.1 (1.16.1+20261205git06854d4d1)");
        var other = RenodeCompilerCache.BuildStamp(cache, "1.16.1 (1.16.1+20270101gitabcdef012)")!;
        Assert.That(again, Is.EqualTo(one));
        Assert.That(other, Is.Not.EqualTo(one));
        Assert.That(File.ReadAllText(one), Does.StartWith("//").And.Contain("06854d4d1"), "a comment: it compiles to nothing");
        Assert.That(File.ReadAllText(other), Does.Contain("abcdef012"));
    }

    [Test]
    public void ACacheThatCannotBeWrittenLeavesRenodeWithTheUsersOwnSettings()
    {
        var notAFolder = Path.Combine(Directory.CreateTempSubdirectory("harness-renode-stamp-").FullName, "file");
        File.WriteAllText(notAFolder, "");
        Assert.That(RenodeCompilerCache.SettingsFile(notAFolder), Is.Null);
        Assert.That(RenodeCompilerCache.BuildStamp(notAFolder, "1.16.1"), Is.Null);
        Assert.That(RenodeSession.Arguments(null), Is.EqualTo(new[] { "--console", "--plain", "--disable-xwt", "--hide-log" }));
    }
}
