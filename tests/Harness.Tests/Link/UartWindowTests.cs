using System.IO.Hashing;
using Harness.Link;

namespace Harness.Tests.Link;

/// <summary>
/// The UART path on every board through the real emulators and firmware: upload chunks go several at a time, junk comes
/// between frames, and one chunk is garbled on its way, so the device misses it, refuses the next ones as out of order,
/// and the host sends again from the last acknowledged byte. Every byte arrives, in order, once.
/// </summary>
[NonParallelizable]
public class UartWindowTests
{
    [TestCaseSource(typeof(BulkPathTests), nameof(BulkPathTests.Boards))]
    public async Task AnUploadArrivesIntactThoughAChunkIsGarbledAndJunkComesBetweenFrames(string emulator, string board)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var session = await TestEnvironment.StartDiagAsync(emulator, board, limit.Token);
        var wire = new MisbehavingWire(session.Console, garble: 30);
        var transcript = new ConsoleTranscript();
        await using var link = new LinkClient(wire, transcript, session.TargetMemory);
        var boot = BootInfo.From(await link.WaitForBootAsync(limit.Token));
        var diag = new DiagClient(link);

        var data = new byte[32 * 1024];
        new Random(11).NextBytes(data);
        var receipt = await diag.UploadAsync(data, boot.MaxBody, null, limit.Token, UploadPath.Uart);
        Assert.That(await diag.ChecksumAsync(limit.Token), Is.EqualTo((Crc32.HashToUInt32(data), (uint)data.Length)), "every byte arrived, in order, once");
        Assert.That(receipt.Path, Is.EqualTo("uart"));
        Assert.That(wire.Garbled, Is.True, "a chunk was garbled on its way");
        Assert.That(transcript.Lines.Select(l => l.Text), Has.Some.StartWith("the device missed an upload chunk: sending again from byte "));
        Assert.That((await diag.StatsAsync(limit.Token)).DroppedFrames, Is.GreaterThan(0), "the device dropped the garbled frame (and the junk)");
        TestContext.Out.WriteLine($"{emulator} {board}: {data.Length:N0} B over the UART in {receipt.Elapsed.TotalSeconds:0.00} s, {receipt.BytesPerSecond:N0} B/s");
    }

    /// <summary>The console as the host writes to it: junk after every frame, and one byte of one frame flipped.</summary>
    private sealed class MisbehavingWire(Stream inner, int garble) : Stream
    {
        private readonly Random random = new(5);
        private int frames;

        public bool Garbled { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var bytes = buffer.ToArray();
            if (++frames == garble)
            {
                bytes[bytes.Length / 2] ^= 0x10;
                Garbled = true;
            }
            await inner.WriteAsync(bytes, cancellationToken);
            if (frames % 7 == 0)
            {
                var junk = new byte[1 + random.Next(40)];
                random.NextBytes(junk);
                await inner.WriteAsync(junk, cancellationToken);
            }
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the link reads asynchronously");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the link writes asynchronously");
    }
}
