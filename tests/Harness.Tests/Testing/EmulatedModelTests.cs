using Harness.Testing;
using HarnessFirmware = Harness.Testing.Firmware;

namespace Harness.Tests.Testing;

/// <summary>Real TFLM models through the NUnit API: several inferences on one boot, outputs, per-operator figures, the baseline gate, TFLM's own errors.</summary>
[NonParallelizable]
public class EmulatedModelTests
{
    private static string HelloWorld => TestEnvironment.Shared("models", "hello_world_int8.tflite");

    [OneTimeSetUp]
    public Task BuildTflmLibraries()
    {
        TestEnvironment.RequireTflm();
        return Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
    }

    [TestCase("mps2-an386")]
    [TestCase("nrf52840")]
    public async Task HelloWorldComputesTheSineTwiceOnOneBoot(string board)
    {
        if (board == "nrf52840")
        {
            TestEnvironment.RequireRenode();
        }
        await using var device = await EmulatedBoard.StartAsync(board, HarnessFirmware.ForModel(HelloWorld, Kernels.Reference, arenaBytes: 2048));
        Assert.That(device.InputTensors.Single()!.Type, Is.EqualTo("INT8"));
        var top = await device.InvokeAsync(Tensor.FromValues(Math.PI / 2));
        var zero = await device.InvokeAsync(Tensor.FromValues(0.0));
        Assert.That(top.Outputs[0].Values[0], Is.EqualTo(1.0).Within(0.1), "sin(π/2)");
        Assert.That(zero.Outputs[0].Values[0], Is.EqualTo(0.0).Within(0.1), "sin(0), on the same boot");
        Assert.That(top.Outputs[0].Raw[0], Is.Not.EqualTo(zero.Outputs[0].Raw[0]), "the second inference used its own input");
        Assert.That(top.Operators.Select(o => o.Operator), Is.EqualTo(new[] { "FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED" }));
        Assert.That(top.Operators.Select(o => o.Instructions), Is.All.Not.Null, "the emulator counts each operator");
        Assert.That(top.Instructions, Is.GreaterThan(top.Operators.Sum(o => o.Instructions!.Value.Value)));
        Assert.That(top.Instructions.Context, Is.EqualTo($"hello_world_int8.tflite on {board}, {device.Emulator}, reference kernels"));
        Assert.That(top.Silicon, Is.Not.Null, "the board's part has a timing table");
        Assert.That(device.Memory.ArenaBytes, Is.EqualTo(2048));
        Assert.That(top.ArenaUsedBytes, Is.LessThanOrEqualTo(2048).And.GreaterThan(0));
        Assert.That(device.Memory.RamBytes.Value, Is.GreaterThan(device.Memory.StaticRamBytes.Value));

        await device.ResetAsync();
        var again = await device.InvokeAsync(Tensor.FromValues(Math.PI / 2));
        Assert.That(again.Outputs[0].Raw, Is.EqualTo(top.Outputs[0].Raw), "after a reset the same input gives the same output");
    }

    [Test]
    public async Task TheBaselineGateInCodeFailsNamingTheFigureThatGrew()
    {
        await using var device = await EmulatedBoard.StartAsync("mps2-an386", HarnessFirmware.ForModel(HelloWorld, Kernels.Reference, arenaBytes: 2048));
        var run = await device.InvokeAsync(Tensor.FromValues(1.0));
        var folder = Directory.CreateTempSubdirectory("harness-baseline").FullName;
        var baseline = Path.Combine(folder, "hello.mps2-an386.qemu.yaml");
        var missing = Assert.Throws<AssertionException>(() => run.AssertNoRegression(baseline))!;
        Assert.That(missing.Message, Does.Contain("HARNESS_UPDATE_BASELINES=1"));

        run.RecordBaseline(baseline);
        run.AssertNoRegression(baseline);
        var again = await device.InvokeAsync(Tensor.FromValues(1.0));
        again.AssertNoRegression(baseline);

        // The same baseline claiming 10 % fewer instructions: this run now exceeds it.
        var text = File.ReadAllLines(baseline);
        var line = Array.FindIndex(text, l => l.TrimStart().StartsWith("instructions:", StringComparison.Ordinal));
        var recorded = long.Parse(text[line].Split(':')[1].Trim().Replace(",", "").Replace("_", ""));
        text[line] = text[line].Split(':')[0] + $": {recorded * 9 / 10}";
        File.WriteAllLines(baseline, text);
        var regressed = Assert.Throws<AssertionException>(() => run.AssertNoRegression(baseline))!;
        Assert.That(regressed.Message, Does.Contain("regress inference").And.Contain("instructions ▲").And.Contain("hello_world_int8.tflite on mps2-an386, qemu"), regressed.Message);
    }

    [Test]
    public void AnArenaTooSmallFailsWithTflmsOwnMessage()
    {
        var failure = Assert.ThrowsAsync<AssertionException>(() => EmulatedBoard.StartAsync("mps2-an386", HarnessFirmware.ForModel(HelloWorld, Kernels.Reference, arenaBytes: 256)))!;
        Assert.That(failure.Message, Does.StartWith("hello_world_int8.tflite on mps2-an386, qemu, reference kernels: model set-up"), failure.Message);
        Assert.That(failure.Message, Does.Contain("Failed to resize buffer"), "TFLM's own words reach the test");
        Assert.That(failure.Message, Does.Contain("tensor arena of 256 bytes is too small"), "the message names the arena it had");
    }

    [Test]
    public async Task TheWrongNumberOfInputsIsNamedWithTheModelsTensors()
    {
        await using var device = await EmulatedBoard.StartAsync("mps2-an386", HarnessFirmware.ForModel(HelloWorld, Kernels.Reference, arenaBytes: 2048));
        var wrong = Assert.ThrowsAsync<ArgumentException>(() => device.InvokeAsync(Tensor.FromValues(1.0), Tensor.FromValues(2.0)))!;
        Assert.That(wrong.Message, Does.Contain("has 1 input tensor(s)").And.Contain("2 given"));
    }
}
