using System.Net.Sockets;

namespace Harness.Emulation.Renode;

/// <summary>
/// The console socket to Renode's terminal, acknowledging every segment at once (Linux TCP_QUICKACK, re-armed before each
/// read, as the kernel drops it). Renode writes the UART's bytes one by one without TCP_NODELAY, so Nagle holds back the
/// rest of a frame until its first byte is acknowledged; with the host's delayed acknowledgement that cost up to 40 ms
/// per answer, most of a warm scenario's time.
/// </summary>
public sealed class QuickAckStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    private const SocketOptionName TcpQuickAck = (SocketOptionName)12;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        QuickAck();
        var count = await base.ReadAsync(buffer, cancellationToken);
        QuickAck();
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void QuickAck()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                Socket.SetSocketOption(SocketOptionLevel.Tcp, TcpQuickAck, true);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
