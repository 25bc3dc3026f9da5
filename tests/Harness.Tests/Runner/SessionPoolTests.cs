using Harness.Emulation;
using Harness.Runner;
using Harness.Tests.Fakes;

namespace Harness.Tests.Runner;

/// <summary>Warm sessions: kept when healthy, reused for firmware they can run, stopped otherwise and when too many wait.</summary>
public class SessionPoolTests
{
    private static FakeEmulator Emulator() => new(_ => new FakeFirmware(null, (_, _) => Task.CompletedTask));

    private static EmulationRequest Request(Harness.Firmware.FirmwareImage image) => new(image, Path.Combine(Path.GetTempPath(), "harness-pool-tests", Guid.NewGuid().ToString("N")));

    [Test]
    public async Task AHealthySessionIsResetAndReusedForTheSameBoard()
    {
        var diag = await TestFirmware.BuildAsync("mps2-an386", "diag");
        var hello = await TestFirmware.BuildAsync("mps2-an386", "hello");
        var emulator = Emulator();
        await using var pool = new SessionPool(keepWarm: true);
        var first = await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        await first.BeginScenarioAsync(diag, CancellationToken.None);
        await pool.ReleaseAsync(first, healthy: true);
        var second = await pool.AcquireAsync(emulator, Request(hello), CancellationToken.None);
        await second.BeginScenarioAsync(hello, CancellationToken.None);
        Assert.That(second, Is.SameAs(first));
        Assert.That((pool.Started, pool.Reused, emulator.Sessions.Single().Resets), Is.EqualTo((1, 1, 1)));
        Assert.That(emulator.Sessions.Single().Firmware, Is.SameAs(hello), "the reset loaded the next firmware");
    }

    [Test]
    public async Task AKeptSessionWaitsParkedAndOneThatCannotParkIsStopped()
    {
        var diag = await TestFirmware.BuildAsync("mps2-an386", "diag");
        var emulator = Emulator();
        await using var pool = new SessionPool(keepWarm: true);
        var first = await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        await pool.ReleaseAsync(first, healthy: true);
        var fake = emulator.Sessions.Single();
        Assert.That((fake.Parks, fake.Disposed), Is.EqualTo((1, false)), "kept, and parked while it waits");
        var again = await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        Assert.That(again, Is.SameAs(first));
        fake.ParkFails = new EmulatorException("Renode exited");
        await pool.ReleaseAsync(again, healthy: true);
        Assert.That((fake.Parks, fake.Disposed), Is.EqualTo((2, true)), "a session that cannot park is not kept");
        await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        Assert.That(pool.Started, Is.EqualTo(2));
    }

    [Test]
    public async Task AnUnhealthyOrColdSessionIsStoppedNotKept()
    {
        var diag = await TestFirmware.BuildAsync("mps2-an386", "diag");
        var emulator = Emulator();
        await using (var pool = new SessionPool(keepWarm: true))
        {
            var session = await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
            await pool.ReleaseAsync(session, healthy: false);
            Assert.That(emulator.Sessions[0].Disposed, Is.True, "a session whose run went wrong is not reused");
            await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
            Assert.That(pool.Started, Is.EqualTo(2));
        }
        await using var cold = new SessionPool(keepWarm: false);
        var once = await cold.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        await cold.ReleaseAsync(once, healthy: true);
        Assert.That(emulator.Sessions[^1].Disposed, Is.True, "--cold: every scenario gets a fresh emulator");
    }

    [Test]
    public async Task ASessionForAnotherBoardIsNotReusedAndTheLongestIdleIsStoppedToMakeRoom()
    {
        var mps2 = await TestFirmware.BuildAsync("mps2-an386", "diag");
        var stm32 = await TestFirmware.BuildAsync("stm32f4", "diag");
        var emulator = Emulator();
        await using var pool = new SessionPool(keepWarm: true, maxIdle: 1);
        var a = await pool.AcquireAsync(emulator, Request(mps2), CancellationToken.None);
        var b = await pool.AcquireAsync(emulator, Request(stm32), CancellationToken.None);
        await pool.ReleaseAsync(a, healthy: true);
        await pool.ReleaseAsync(b, healthy: true);
        Assert.That(emulator.Sessions[0].Disposed, Is.True, "only one may wait: the longest idle went");
        var again = await pool.AcquireAsync(emulator, Request(mps2), CancellationToken.None);
        Assert.That(again, Is.Not.SameAs(a));
        Assert.That(pool.Started, Is.EqualTo(3));
    }

    [Test]
    public async Task ASessionWhoseEmulatorDiedIsNeverHandedOut()
    {
        var diag = await TestFirmware.BuildAsync("mps2-an386", "diag");
        var emulator = Emulator();
        await using var pool = new SessionPool(keepWarm: true);
        var session = await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        await pool.ReleaseAsync(session, healthy: true);
        emulator.Sessions[0].Crash();
        var next = await pool.AcquireAsync(emulator, Request(diag), CancellationToken.None);
        Assert.That(next, Is.Not.SameAs(session));
    }
}
