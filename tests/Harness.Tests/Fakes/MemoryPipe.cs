using System.Threading.Channels;

namespace Harness.Tests.Fakes;

/// <summary>Two connected in-memory streams, like the two ends of a UART: what one end writes, the other reads.</summary>
public static class MemoryPipe
{
    public static (Stream Host, Stream Device) Create()
    {
        var toDevice = Channel.CreateUnbounded<byte[]>();
        var toHost = Channel.CreateUnbounded<byte[]>();
        return (new End(toHost.Reader, toDevice.Writer), new End(toDevice.Reader, toHost.Writer));
    }

    private sealed class End(ChannelReader<byte[]> incoming, ChannelWriter<byte[]> outgoing) : Stream
    {
        private byte[] pending = [];
        private int offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (offset >= pending.Length)
            {
                if (!await incoming.WaitToReadAsync(cancellationToken))
                {
                    return 0;
                }
                if (incoming.TryRead(out var next))
                {
                    (pending, offset) = (next, 0);
                }
            }
            var count = Math.Min(buffer.Length, pending.Length - offset);
            pending.AsMemory(offset, count).CopyTo(buffer);
            offset += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // A closed end drops writes, as a UART whose other side went away does.
            outgoing.TryWrite(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            outgoing.TryComplete();
            base.Dispose(disposing);
        }
    }
}
