using Harness.Link;

namespace Harness.Emulation.Renode;

/// <summary>
/// Renode's system bus as the harness's debug probe: the bytes go to a file in the session's folder, then
/// `sysbus LoadBinary` puts them at the address, one monitor command per write (the board waits for the link meanwhile).
/// </summary>
public sealed class SysbusMemory(RenodeMonitor monitor, string workDirectory) : ITargetMemory
{
    private readonly string file = Path.Combine(workDirectory, "bulk-write.bin");

    public string Name => "Renode sysbus";

    public async Task WriteAsync(uint address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await File.WriteAllBytesAsync(file, data, cancellationToken);
        await monitor.ExecuteAsync($"sysbus LoadBinary @{file} 0x{address:x}", cancellationToken);
    }
}
