using System.Net.Sockets;
using System.Text;
using Harness.Link;

namespace Harness.Emulation.Qemu;

/// <summary>
/// QEMU's GDB stub as the harness's debug probe: stop the board (0x03), write its memory with `M` packets, continue. QEMU 7.2
/// has no binary `X` writes and no no-ack mode, so packets are hex and acknowledged with '+'; the stub takes 4 KiB packets.
/// While the board is stopped its virtual clock stands still, so the counts a run measures do not change.
/// </summary>
public sealed class GdbStubMemory(Socket socket) : ITargetMemory, IDisposable
{
    private const int BytesPerPacket = 2000;
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(10);
    private static readonly byte[] Ack = "+"u8.ToArray();
    private static readonly byte[] Interrupt = [0x03];

    private readonly NetworkStream stream = new(socket, ownsSocket: true);
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private readonly byte[] buffer = new byte[8192];
    private int start;
    private int end;

    public string Name => "QEMU gdbstub";

    public async Task WriteAsync(uint address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await StopAsync(cancellationToken);
            for (var offset = 0; offset < data.Length; offset += BytesPerPacket)
            {
                var chunk = data.Slice(offset, Math.Min(BytesPerPacket, data.Length - offset));
                var answer = await ExchangeAsync($"M{address + (uint)offset:x},{chunk.Length:x}:{Convert.ToHexStringLower(chunk.Span)}", cancellationToken);
                if (answer != "OK")
                {
                    throw new EmulatorException($"QEMU's GDB stub refused to write {chunk.Length} bytes at 0x{address + (uint)offset:x8}: '{answer}' (is that address mapped on this board?)");
                }
            }
            await SendAsync("c", cancellationToken);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>0x03 stops a running board and the stub says why; if it was stopped already, '?' asks for the same answer.</summary>
    private async Task StopAsync(CancellationToken cancellationToken)
    {
        start = end = 0;
        await stream.WriteAsync(Interrupt, cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StopWait);
        try
        {
            var reply = await ReadPacketAsync(limit.Token);
            if (reply.StartsWith('T') || reply.StartsWith('S'))
            {
                return;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        var status = await ExchangeAsync("?", cancellationToken);
        if (!status.StartsWith('T') && !status.StartsWith('S'))
        {
            throw new EmulatorException($"QEMU's GDB stub did not stop the board for a memory write (it answered '{status}')");
        }
    }

    private async Task<string> ExchangeAsync(string packet, CancellationToken cancellationToken)
    {
        await SendAsync(packet, cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(AnswerWait);
        try
        {
            return await ReadPacketAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmulatorException($"QEMU's GDB stub did not answer '{packet[..Math.Min(packet.Length, 24)]}…' within {AnswerWait.TotalSeconds:0} s");
        }
    }

    private async Task SendAsync(string packet, CancellationToken cancellationToken)
    {
        var body = Encoding.ASCII.GetBytes(packet);
        var sum = 0;
        foreach (var b in body)
        {
            sum += b;
        }
        var framed = new byte[body.Length + 4];
        framed[0] = (byte)'$';
        body.CopyTo(framed, 1);
        framed[^3] = (byte)'#';
        Encoding.ASCII.GetBytes($"{sum & 0xff:x2}", framed.AsSpan(framed.Length - 2));
        await stream.WriteAsync(framed, cancellationToken);
    }

    /// <summary>The next packet's body ('+' and '-' acknowledgements skipped), acknowledged in turn.</summary>
    private async Task<string> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var packet = new StringBuilder();
        var inPacket = false;
        var checksumLeft = -1;
        while (true)
        {
            if (start == end)
            {
                start = 0;
                end = await stream.ReadAsync(buffer, cancellationToken);
                if (end == 0)
                {
                    throw new EmulatorException("QEMU closed its GDB stub connection");
                }
            }
            var c = (char)buffer[start++];
            if (checksumLeft > 0)
            {
                if (--checksumLeft == 0)
                {
                    await stream.WriteAsync(Ack, cancellationToken);
                    return packet.ToString();
                }
            }
            else if (inPacket)
            {
                if (c == '#')
                {
                    checksumLeft = 2;
                }
                else
                {
                    packet.Append(c);
                }
            }
            else if (c == '$')
            {
                inPacket = true;
            }
        }
    }

    public void Dispose()
    {
        stream.Dispose();
        oneAtATime.Dispose();
    }
}
