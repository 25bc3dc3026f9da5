using Harness.Firmware;
using Harness.Models;
using Harness.Tflm;

namespace Harness.Tests.Firmware;

/// <summary>A new model with the same operators reuses the compiled runner: its bytes come in by .incbin, only that object and the link are redone.</summary>
[NonParallelizable]
public class ModelRebuildTests
{
    [OneTimeSetUp]
    public Task BuildTflmLibraries()
    {
        TestEnvironment.RequireTflm();
        return Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
    }

    [Test]
    public async Task AnotherModelWithTheSameOperatorsRebuildsOnlyTheModelAndTheLink()
    {
        TestEnvironment.RequireQemuToolchain();
        var tflm = TestEnvironment.RequireTflm();
        var board = TestEnvironment.Boards.Get("mps2-an386");
        var builder = new TflmRunnerBuilder(TestEnvironment.Paths, new FirmwareBuilder(TestEnvironment.Paths));
        // An arena no build folder in the cache has yet (earlier runs leave theirs): a build folder of this test's own.
        var taken = WorkFoldersByArena();
        var arena = Enumerable.Range(0, 100).Select(_ => 2048 + 16 * Random.Shared.Next(1, 4000)).First(size => !taken.ContainsKey(size));
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var first = TfliteModel.Read(TestEnvironment.Shared("models", "hello_world_int8.tflite"));
        var a = await builder.BuildAsync(board, first, tflm, KernelSet.Reference, arena, null, limit.Token);
        var work = WorkFoldersByArena()[arena].Single();
        var runnerObject = Directory.GetFiles(work, "main.cc.obj", SearchOption.AllDirectories).Single();
        var modelObject = Directory.GetFiles(work, "model_data.S.obj", SearchOption.AllDirectories).Single();
        var runnerBuilt = File.GetLastWriteTimeUtc(runnerObject);
        var modelBuilt = File.GetLastWriteTimeUtc(modelObject);

        // Another model with the same operator: hello_world's float variant (FULLY_CONNECTED only, like the int8 one).
        var second = TestEnvironment.Shared("models", "hello_world_float.tflite");
        var bytes = await File.ReadAllBytesAsync(second, limit.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(20), limit.Token);

        var b = await builder.BuildAsync(board, TfliteModel.Read(second), tflm, KernelSet.Reference, arena, null, limit.Token);
        Assert.That(b.Image.FromCache, Is.False);
        Assert.That(b.Image.ElfPath, Is.Not.EqualTo(a.Image.ElfPath), "each model's firmware has its own cache entry");
        Assert.That(File.GetLastWriteTimeUtc(runnerObject), Is.EqualTo(runnerBuilt), "the runner's objects are reused");
        Assert.That(File.GetLastWriteTimeUtc(modelObject), Is.GreaterThan(modelBuilt), "the model's object is assembled again");
        Assert.That(ModelBytesIn(b.Image), Is.EqualTo(bytes), "the new firmware holds the new model's bytes");
        Assert.That(ModelBytesIn(ElfImage(a)), Is.EqualTo(File.ReadAllBytes(first.Path)), "and the first one still its own");
        TestContext.Out.WriteLine($"first build {a.Image.BuildTime.TotalSeconds:0.0} s (from cache: {a.Image.FromCache}), model-only rebuild {b.Image.BuildTime.TotalSeconds:0.0} s");
    }

    /// <summary>The runner's build folders for mps2-an386 in the cache, by the arena size their CMake cache holds.</summary>
    private static Dictionary<int, List<string>> WorkFoldersByArena() =>
        Directory.GetDirectories(Path.Combine(TestEnvironment.Paths.CacheDirectory, "firmware"), "mps2-an386-tflm-runner-*.work")
            .Where(d => File.Exists(Path.Combine(d, "CMakeCache.txt")))
            .Select(d => (Folder: d, Arena: File.ReadLines(Path.Combine(d, "CMakeCache.txt"))
                .Where(l => l.StartsWith("ARENA_SIZE:STRING=", StringComparison.Ordinal))
                .Select(l => int.TryParse(l["ARENA_SIZE:STRING=".Length..], out var size) ? size : -1).FirstOrDefault(-1)))
            .GroupBy(f => f.Arena)
            .ToDictionary(g => g.Key, g => g.Select(f => f.Folder).ToList());

    private static FirmwareImage ElfImage(TflmFirmware built) => FirmwareImage.Load(built.Image.ElfPath, built.Image.Board, "reloaded", true, MeasureSymbols.Harness);

    private static byte[] ModelBytesIn(FirmwareImage image)
    {
        var model = image.Elf.FindSymbol("harness_model") ?? throw new AssertionException("no harness_model symbol");
        var size = image.Elf.ReadWord(image.Elf.FindSymbol("harness_model_size")!.Value) ?? throw new AssertionException("no harness_model_size");
        Assert.That(model.Value % 16, Is.Zero, "16-byte aligned");
        var offset = image.Elf.FileOffset(model.Value) ?? throw new AssertionException("the model is in no section");
        return File.ReadAllBytes(image.ElfPath).AsSpan((int)offset, (int)size).ToArray();
    }

}
