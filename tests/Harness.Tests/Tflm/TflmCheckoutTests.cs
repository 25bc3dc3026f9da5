using Harness.Tflm;

namespace Harness.Tests.Tflm;

/// <summary>Finding the user's TFLM tree and naming its commit, git clone or not.</summary>
public class TflmCheckoutTests
{
    private static string TreeWithoutGit()
    {
        var root = Directory.CreateTempSubdirectory("tflm-export").FullName;
        var makefile = Path.Combine(root, TflmCheckout.MakefilePath);
        Directory.CreateDirectory(Path.GetDirectoryName(makefile)!);
        File.WriteAllText(makefile, "# a TFLM Makefile\n");
        return root;
    }

    [Test]
    public void ATreeThatIsNotAGitCloneSaysSoAndGetsACacheFolderOfItsOwn()
    {
        var root = TreeWithoutGit();
        var tflm = TflmCheckout.Open(root, "test");
        Assert.That(tflm.Commit, Is.EqualTo("unknown (not a git checkout)"));
        Assert.That(TflmCheckout.Short(tflm.Commit), Is.EqualTo("unknown (not a git checkout)"), "never sliced into a wrong 12 characters");
        Assert.That(tflm.CacheKey, Does.Match("^nogit-[0-9a-f]{12}$"));
        Assert.That(TflmCheckout.Open(TreeWithoutGit(), "test").CacheKey, Is.Not.EqualTo(tflm.CacheKey), "two such trees never share libraries");
    }

    [Test]
    public void TheSettingsFileCanNameTheCommitOfSuchATree()
    {
        var root = TreeWithoutGit();
        var settings = Path.Combine(root, "config.yaml");
        File.WriteAllText(settings, $"tflm: {root}\ntflm_commit: 90b983c2b3f1480642e040bbd2ddb37b998f3424\n");
        var tflm = TflmCheckout.OpenConfigured(null, Harness.Tools.HarnessSettings.Load(settings), out var source)!;
        Assert.That((tflm.Commit, tflm.CacheKey), Is.EqualTo(("90b983c2b3f1480642e040bbd2ddb37b998f3424", "90b983c2b3f1")));
        Assert.That(source, Does.Contain("tflm: in"));
        File.WriteAllText(settings, $"tflm: {root}\ntflm_commit: main\n");
        var error = Assert.Throws<Harness.Yaml.YamlInputException>(() => Harness.Tools.HarnessSettings.Load(settings))!;
        Assert.That(error.Message, Does.Contain("tflm_commit 'main' is not a git commit"));
    }

    [Test]
    public void AFolderWithoutTflmsMakefileIsNotTakenForACheckout()
    {
        var error = Assert.Throws<TflmException>(() => TflmCheckout.Open(Path.GetTempPath(), "--tflm"))!;
        Assert.That(error.Message, Does.Contain("is not a TensorFlow Lite Micro checkout: it has no tensorflow/lite/micro/tools/make/Makefile"));
    }
}
