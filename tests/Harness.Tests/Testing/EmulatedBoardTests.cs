using Harness.Scenarios;
using Harness.Testing;
using HarnessFirmware = Harness.Testing.Firmware;

namespace Harness.Tests.Testing;

/// <summary>The NUnit API on real boards: the diag app on QEMU (runs everywhere), several steps on one boot, a reset, failures as test failures.</summary>
[NonParallelizable]
public class EmulatedBoardTests
{
    [Test]
    public async Task TheDiagAppUploadsAndRunsItsWorkloadSeveralTimesOnOneBoot()
    {
        TestEnvironment.RequireQemuToolchain();
        await using var device = await EmulatedBoard.StartAsync("stm32f4", HarnessFirmware.Diag);
        Assert.That(device.Emulator, Is.EqualTo("qemu"), "QEMU is the first emulator of a board that has it");
        var data = new byte[64 * 1024];
        new Random(7).NextBytes(data);
        var upload = await device.UploadAsync(data);
        Assert.That(upload.Intact, Is.True, $"CRC 0x{upload.HostCrc:x8} sent, 0x{upload.DeviceCrc:x8} received");
        Assert.That(upload.DeviceBytes, Is.EqualTo(data.Length));
        Assert.That(upload.Path, Is.EqualTo("bulk (QEMU gdbstub)"), "64 KiB go by the bulk path");
        var byUart = await device.UploadAsync(data.AsSpan(0, 2048).ToArray(), path: Harness.Link.UploadPath.Uart);
        Assert.That((byUart.Intact, byUart.Path), Is.EqualTo((true, "uart")));

        var small = await device.WorkloadAsync(1_000);
        var middle = await device.WorkloadAsync(3_000);
        var large = await device.WorkloadAsync(5_000);
        Assert.That(small.Correct && middle.Correct && large.Correct, Is.True, "the device computed the workload right each time");
        Assert.That(large.Instructions - middle.Instructions, Is.EqualTo(middle.Instructions - small.Instructions).And.GreaterThan(0),
            "three workloads on one boot: every 2,000 iterations cost the same instructions");
        Assert.That(small.Instructions.Context, Does.Contain("diag on stm32f4, qemu"));
        Assert.That(small.Cycles.Value, Is.InRange(small.Instructions.Value, small.Instructions.Value + 64), "the firmware's counter agrees with the emulator");
        Assert.That(small.Silicon, Is.Not.Null, "the STM32F405 has a timing table: the workload is estimated on silicon");
        Assert.That(device.Memory.FlashBytes, Is.LessThan(device.Memory.FlashCapacityBytes));
        Assert.That(device.Memory.RamBytes.Value, Is.GreaterThan(device.Memory.StaticRamBytes.Value), "RAM includes the stack's high-water mark once measured");

        await device.ResetAsync();
        var again = await device.WorkloadAsync(1_000);
        Assert.That(again.Instructions, Is.EqualTo(small.Instructions.Value), "after a reset the same workload counts the same");
        Assert.That(device.ConsoleLines, Has.Some.Contains("boot"), "the console transcript is kept");
    }

    [Test]
    public async Task AModelCallOnTheDiagAppIsAClearMisuse()
    {
        TestEnvironment.RequireQemuToolchain();
        await using var device = await EmulatedBoard.StartAsync("mps2-an386", HarnessFirmware.Diag);
        var misuse = Assert.ThrowsAsync<InvalidOperationException>(() => device.InvokeAsync(Tensor.FromValues(1.0)))!;
        Assert.That(misuse.Message, Does.Contain("start it with Firmware.ForModel"));
    }

    [Test]
    public void AnUnknownBoardOrEmulatorIsNamedWithTheChoices()
    {
        var board = Assert.ThrowsAsync<ArgumentException>(() => EmulatedBoard.StartAsync("stm32f999", HarnessFirmware.Diag))!;
        Assert.That(board.Message, Does.Contain("unknown board 'stm32f999'").And.Contain("stm32f4").And.Contain("nrf52840"));
        var emulator = Assert.ThrowsAsync<ArgumentException>(() => EmulatedBoard.StartAsync("nrf52840", HarnessFirmware.Diag, new BoardOptions(Emulator: "qemu")))!;
        Assert.That(emulator.Message, Does.Contain("does not run on qemu (it runs on: renode)"));
    }

    [Test]
    public async Task AStepPastItsTimeoutFailsTheTestWithWhatItWaitedFor()
    {
        TestEnvironment.RequireQemuToolchain();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var device = await EmulatedBoard.StartAsync("mps2-an386", HarnessFirmware.Diag, new BoardOptions(Timeout: TimeSpan.FromSeconds(3)));
        // 4 billion iterations take minutes: the step's limit ends it, as a test failure that says where it waited.
        var failure = Assert.ThrowsAsync<AssertionException>(() => device.WorkloadAsync(uint.MaxValue))!;
        Assert.That(failure.Message, Does.StartWith("diag on mps2-an386, qemu: the workload: timed out after 3 s (wall clock) waiting for the workload result"), failure.Message);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
    }
}
