using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Models;
using Harness.Runner;
using Harness.Tflm;

namespace Harness.Tests.Reliability;

/// <summary>
/// A fault inside a TFLM kernel names the kernel's function and source line: the TFLM libraries carry debug information.
/// The runner for hello_world is built as usual, then the first instruction of fully-connected's Eval in a copy of its
/// ELF is replaced by UDF (permanently undefined), so the CPU faults inside the kernel during Invoke() on QEMU.
/// </summary>
[NonParallelizable]
public class KernelFaultTests
{
    [OneTimeSetUp]
    public Task BuildTflmLibraries()
    {
        TestEnvironment.RequireTflm();
        return Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
    }

    [Test]
    public async Task AFaultInsideAKernelIsReportedWithTheKernelsFunctionAndLine()
    {
        TestEnvironment.RequireQemuToolchain();
        var tflm = TestEnvironment.RequireTflm();
        var board = TestEnvironment.Boards.Get("mps2-an386");
        var model = TfliteModel.Read(TestEnvironment.Shared("models", "hello_world_int8.tflite"));
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var built = await new TflmRunnerBuilder(TestEnvironment.Paths, new FirmwareBuilder(TestEnvironment.Paths))
            .BuildAsync(board, model, tflm, KernelSet.Reference, 2048, null, limit.Token);
        var kernel = built.Image.Elf.Symbols.Where(s => s.IsFunction && s.Name.Contains("FullyConnectedEval", StringComparison.Ordinal)).ToList();
        Assert.That(kernel, Has.Count.EqualTo(1), $"one fully-connected Eval in the runner: {string.Join(", ", kernel.Select(k => k.Name))}");
        var entry = kernel[0].Value & ~1u;

        var patched = Path.Combine(Directory.CreateTempSubdirectory("kernel-fault").FullName, "runner.elf");
        var bytes = await File.ReadAllBytesAsync(built.Image.ElfPath, limit.Token);
        var offset = built.Image.Elf.FileOffset(entry) ?? throw new AssertionException($"0x{entry:x8} is in no section of the ELF");
        bytes[offset] = 0x00; // UDF #0: 0xDE00, little-endian
        bytes[offset + 1] = 0xDE;
        await File.WriteAllBytesAsync(patched, bytes, limit.Token);
        var image = FirmwareImage.Load(patched, board, "hello_world runner, its fully-connected kernel patched to fault", speaksLink: true, MeasureSymbols.Harness)
            with { ArenaBytes = 2048 };

        await using var pool = new SessionPool(keepWarm: false);
        var step = new BoardStep(pool, EmulatorRegistry.Create("qemu", TestEnvironment.Paths), Path.Combine(TestEnvironment.Paths.CacheDirectory, "runs"), null);
        var input = TensorData.Encode(model.Inputs[0], new InlineValues([1.0]));
        var window = new RunWindow(limit.Token, CancellationToken.None, TimeSpan.FromMinutes(5));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = Assert.ThrowsAsync<BoardRunFailure>(() => step.RunAsync(image, "kernel-fault", new ConsoleTranscript(),
            (link, watch, token) => ModelDriver.RunAsync(link, watch, model, [input], null, token), window, null))!;
        TestContext.Out.WriteLine(failure.Message);
        Assert.That(failure.Message, Does.Contain($"at PC 0x{entry:x8} in ").And.Contain("FullyConnectedEval"), "the faulting function");
        Assert.That(failure.Message, Does.Match(@"FullyConnectedEval[^;]* at \S*tensorflow/lite/micro/kernels/fully_connected\.cc:\d+"), "the kernel's source line");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "reported as it happens, not at a timeout");
    }
}
