using System.IO.Hashing;
using Harness.Link;

namespace Harness.Tests.Link;

/// <summary>
/// The bulk path on every board through the real emulators: the emulator writes the board's RAM (QEMU's GDB stub, Renode's
/// system bus) and the UART announces and checks each window; junk on the UART between windows changes nothing, and a
/// window that lands wrong is refused by the device's CRC, never taken.
/// </summary>
[NonParallelizable]
public class BulkPathTests
{
    public static readonly object[] Boards =
    [
        new object[] { "qemu", "mps2-an386" }, new object[] { "qemu", "stm32f4" }, new object[] { "qemu", "microbit" },
        new object[] { "renode", "stm32f4" }, new object[] { "renode", "nrf52840" }, new object[] { "renode", "stm32f746" }, new object[] { "renode", "stm32f103" },
    ];

    [TestCaseSource(nameof(Boards))]
    public async Task AMebibyteArrivesIntactWithJunkBetweenWindowsAndAWrongWriteIsRefused(string emulator, string board)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var session = await TestEnvironment.StartDiagAsync(emulator, board, limit.Token);
        Assert.That(session.TargetMemory, Is.Not.Null, $"{emulator} offers a way to write the board's memory");
        var probe = new MisbehavingMemory(session.TargetMemory!);
        await using var link = new LinkClient(session.Console, new ConsoleTranscript(), probe);
        probe.Link = link;
        var boot = BootInfo.From(await link.WaitForBootAsync(limit.Token));
        var diag = new DiagClient(link);

        var data = new byte[1 << 20];
        new Random(42).NextBytes(data);
        var receipt = await diag.UploadAsync(data, boot.MaxBody, null, limit.Token, UploadPath.Bulk);
        var (crc, bytes) = await diag.ChecksumAsync(limit.Token);
        Assert.That((bytes, crc), Is.EqualTo(((uint)data.Length, Crc32.HashToUInt32(data))), "every byte arrived, in order");
        Assert.That(receipt.Path, Is.EqualTo($"bulk ({session.TargetMemory!.Name})"));
        Assert.That(probe.Writes, Is.GreaterThan(1), "the upload took several windows, with junk on the UART between them");
        TestContext.Out.WriteLine($"{emulator} {board}: 1 MiB in {probe.Writes} windows, {receipt.BytesPerSecond:N0} B/s; {probe.Writing.TotalSeconds:0.000} s of {receipt.Elapsed.TotalSeconds:0.000} s writing memory");

        probe.Corrupt = true;
        var refused = Assert.ThrowsAsync<LinkProtocolException>(() => diag.UploadAsync(data.AsMemory(0, 4096), boot.MaxBody, null, limit.Token, UploadPath.Bulk))!;
        Assert.That(refused.Message, Does.Match($@"bytes 0\.\.4,096 of the upload, written to 0x[0-9a-f]{{8}} by {session.TargetMemory.Name}, were refused by the device: bulk write CRC mismatch: host 0x[0-9a-f]{{8}}, memory 0x[0-9a-f]{{8}}"));

        probe.Corrupt = false;
        await diag.UploadAsync(data.AsMemory(0, 4096), boot.MaxBody, null, limit.Token, UploadPath.Bulk);
        Assert.That(await diag.ChecksumAsync(limit.Token), Is.EqualTo((Crc32.HashToUInt32(data.AsSpan(0, 4096)), 4096u)), "the next upload after a refused one is taken");
    }

    /// <summary>The emulator's probe, with junk sent on the UART after every write and, when told, one byte flipped on its way.</summary>
    private sealed class MisbehavingMemory(ITargetMemory inner) : ITargetMemory
    {
        private readonly Random random = new(7);
        public LinkClient? Link { get; set; }
        public bool Corrupt { get; set; }
        public int Writes { get; private set; }
        public TimeSpan Writing { get; private set; }
        public string Name => inner.Name;

        public async Task WriteAsync(uint address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Writes++;
            var bytes = data.ToArray();
            if (Corrupt)
            {
                bytes[bytes.Length / 2] ^= 0x40;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await inner.WriteAsync(address, bytes, cancellationToken);
            Writing += clock.Elapsed;
            var junk = new byte[1 + random.Next(64)];
            random.NextBytes(junk);
            await Link!.WriteRawAsync(junk, cancellationToken);
        }
    }
}
