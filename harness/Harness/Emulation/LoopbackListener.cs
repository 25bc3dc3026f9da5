using System.Net;
using System.Net.Sockets;

namespace Harness.Emulation;

/// <summary>
/// A loopback port the operating system picks (so parallel runs never collide) that the emulator
/// connects to; the harness holds it from the start, so no other process can take it in between.
/// </summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);

    public LoopbackListener() => listener.Start(1);

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Waits for the emulator to connect, unless it exits first.</summary>
    public async Task<Socket> AcceptAsync(Task processExited, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var accept = listener.AcceptSocketAsync(limit.Token).AsTask();
        var first = await Task.WhenAny(accept, processExited);
        if (first != accept)
        {
            limit.Cancel();
            throw new EmulatorException($"the emulator exited before connecting its {what}");
        }
        try
        {
            var socket = await accept;
            socket.NoDelay = true;
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmulatorException($"the emulator did not connect its {what} within {timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => listener.Stop();
}
