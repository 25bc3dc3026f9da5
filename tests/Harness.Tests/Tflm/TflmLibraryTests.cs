using Harness.Tflm;

namespace Harness.Tests.Tflm;

/// <summary>A fresh TFLM clone has no third-party pieces: its own Makefile fetches them where there is network, and offline the failure names them.</summary>
public class TflmLibraryTests
{
    [Test]
    public async Task OfflineTheFailureNamesEveryMissingPieceAndWhereItGoes()
    {
        TestEnvironment.RequireQemuToolchain();
        // A tree laid out like TFLM, whose Makefile fails the way TFLM's does when its download has no network.
        var root = Directory.CreateTempSubdirectory("tflm-fresh-clone").FullName;
        var makefile = Path.Combine(root, TflmCheckout.MakefilePath);
        Directory.CreateDirectory(Path.GetDirectoryName(makefile)!);
        await File.WriteAllTextAsync(makefile, "microlite:\n\t@echo 'downloading https://github.com/google/flatbuffers/archive/v25.9.23.zip'\n\t@echo \"wget: unable to resolve host address 'github.com'\" >&2\n\t@exit 1\n");
        var cache = Directory.CreateTempSubdirectory("tflm-cache").FullName;
        var builder = new TflmLibraryBuilder(TestEnvironment.Paths with { LibraryCacheDirectory = cache }, TflmCheckout.Open(root, "test"));
        var progress = new List<string>();
        var error = Assert.ThrowsAsync<TflmException>(() => builder.BuildAsync(TflmBuildConfig.For(TestEnvironment.Boards.Get("stm32f4"), KernelSet.CmsisNn),
            new SynchronousProgress(progress), CancellationToken.None))!;
        Assert.That(progress, Has.Some.Contains("TFLM's Makefile will try to fetch them"), "it lets TFLM's Makefile try first");
        Assert.That(error.Message, Does.Contain("TFLM's Makefile failed (exit 2)").And.Contain("could not fetch its third-party pieces (no network here?)"));
        Assert.That(error.Message, Does.Contain("flatbuffers: " + Path.Combine(root, TflmCheckout.DownloadsPath, "flatbuffers")).And.Contain("CMSIS-NN: ").And.Contain("gemmlowp: "));
        Assert.That(error.Message, Does.Contain("wget: unable to resolve host address"), "TFLM's own words from the log");
    }

    private sealed class SynchronousProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
