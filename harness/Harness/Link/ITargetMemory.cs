namespace Harness.Link;

/// <summary>
/// Writes the board's memory from outside its CPU, the way a debug probe does: the link's bulk path for big uploads.
/// An emulator offers it where it can (QEMU's GDB stub, Renode's system bus); the UART still announces and checks each write.
/// </summary>
public interface ITargetMemory
{
    /// <summary>How the bytes get there, as the report names the path ("QEMU gdbstub", "Renode sysbus").</summary>
    string Name { get; }

    Task WriteAsync(uint address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}

/// <summary>Which way an upload goes: the harness's choice, or one forced (a scenario's or a test's).</summary>
public enum UploadPath
{
    /// <summary>Bulk where the emulator offers it, the firmware takes it and the data is big enough to gain; else the UART.</summary>
    Auto,
    Uart,
    Bulk,
}

/// <summary>How an upload went: the path taken ("uart", "bulk (QEMU gdbstub)"), its size and wall time.</summary>
public sealed record UploadReceipt(string Path, long Bytes, TimeSpan Elapsed)
{
    public double BytesPerSecond => Elapsed > TimeSpan.Zero ? Bytes / Elapsed.TotalSeconds : 0;

    /// <summary>Several uploads (a model's inputs) as one: the paths they took, their bytes and time added up.</summary>
    public static UploadReceipt? Combine(IReadOnlyList<UploadReceipt> uploads) => uploads.Count == 0
        ? null
        : new UploadReceipt(string.Join(" + ", uploads.Select(u => u.Path).Distinct()), uploads.Sum(u => u.Bytes),
            TimeSpan.FromTicks(uploads.Sum(u => u.Elapsed.Ticks)));
}
