using Harness.Testing;

namespace ModelTests;

/// <summary>The harness's diagnostic firmware on two QEMU boards: runs anywhere QEMU and arm-none-eabi-gcc are installed.</summary>
[TestFixture("stm32f4")]
[TestFixture("mps2-an386")]
public class DiagTests(string board)
{
    private EmulatedBoard device = null!;

    // One boot per fixture, a reset before each test: the tests share the board, not its state.
    [OneTimeSetUp]
    public async Task Boot() => device = await EmulatedBoard.StartAsync(board, Firmware.Diag);

    [SetUp]
    public Task Reset() => device.ResetAsync();

    [OneTimeTearDown]
    public async Task Stop() => await device.DisposeAsync();

    [Test]
    public async Task AnUploadArrivesIntact()
    {
        var data = new byte[16 * 1024];
        new Random(1).NextBytes(data);
        var upload = await device.UploadAsync(data);
        Assert.That(upload.Intact, Is.True, $"CRC-32 0x{upload.HostCrc:x8} sent, 0x{upload.DeviceCrc:x8} received");
    }

    [Test]
    public async Task TheWorkloadStaysWithinItsBudget()
    {
        var workload = await device.WorkloadAsync(10_000);
        Assert.That(workload.Correct, Is.True);
        Assert.That(workload.Instructions, Is.LessThan(200_000));
        Assert.That(device.Memory.RamBytes, Is.LessThan(16 * 1024));
    }
}
