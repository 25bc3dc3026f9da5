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

    [Test]
    public async Task TheBuildShowsABarWithTheShareOfObjectsCompiled()
    {
        TestEnvironment.RequireQemuToolchain();
        // A Makefile that behaves like TFLM's: commands echoed only with V=1, objects listed in its variables, the archive last.
        var root = Directory.CreateTempSubdirectory("tflm-like").FullName;
        var makefile = Path.Combine(root, TflmCheckout.MakefilePath);
        Directory.CreateDirectory(Path.GetDirectoryName(makefile)!);
        await File.WriteAllTextAsync(makefile, string.Join('\n',
            "ifeq ($(V),1)", "  Q :=", "else", "  Q := @", "endif",
            "OBJ := $(BASE_GENDIR)/obj",
            "MICROLITE_LIB_OBJS := $(OBJ)/a.o $(OBJ)/b.o $(OBJ)/c.o $(OBJ)/d.o",
            "MICROLITE_LIB_PATH := $(BASE_GENDIR)/lib/libtensorflow-microlite.a",
            "INCLUDES := -I.", "CXXFLAGS := -DTF_LITE_STATIC_MEMORY -std=c++17",
            "microlite: $(MICROLITE_LIB_PATH)",
            "$(OBJ)/%.o:", "\t@mkdir -p $(OBJ)", "\t$(Q)true -O2 -c $*.cc -o $@ && touch $@",
            "$(MICROLITE_LIB_PATH): $(MICROLITE_LIB_OBJS)", "\t@mkdir -p $(dir $@)", "\t@printf '!<arch>\\n' > $@", ""));
        var cache = Directory.CreateTempSubdirectory("tflm-cache").FullName;
        var builder = new TflmLibraryBuilder(TestEnvironment.Paths with { LibraryCacheDirectory = cache }, TflmCheckout.Open(root, "test"));
        var progress = new List<string>();
        var library = await builder.BuildAsync(TflmBuildConfig.For(TestEnvironment.Boards.Get("stm32f4"), KernelSet.Reference), new SynchronousProgress(progress), CancellationToken.None);
        Assert.That(library.FromCache, Is.False);
        Assert.That(progress.Where(p => p.Contains(" objects,")), Is.Not.Empty, string.Join(Environment.NewLine, progress));
        Assert.That(progress, Has.Some.Contains("] 100 % (4 of 4 objects"), "the Makefile's own count of objects is the total");
    }

    private sealed class SynchronousProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
