using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Emulation.Qemu;

/// <summary>QEMU's machine protocol (QMP): JSON lines to control a running QEMU (continue, reset, quit).</summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly NetworkStream stream;
    private readonly StreamReader reader;
    private readonly SemaphoreSlim gate = new(1, 1);

    private QmpClient(Socket socket)
    {
        stream = new NetworkStream(socket, ownsSocket: true);
        reader = new StreamReader(stream, Encoding.UTF8);
    }

    public static async Task<QmpClient> ConnectAsync(Socket socket, CancellationToken cancellationToken)
    {
        var client = new QmpClient(socket);
        var greeting = await client.ReadMessageAsync(cancellationToken);
        if (greeting["QMP"] is null)
        {
            throw new EmulatorException($"QEMU's control socket did not greet with QMP: {greeting.ToJsonString()}");
        }
        await client.ExecuteAsync("qmp_capabilities", cancellationToken);
        return client;
    }

    public async Task<JsonNode?> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var request = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { execute = command }) + "\n");
            await stream.WriteAsync(request, cancellationToken);
            while (true)
            {
                var message = await ReadMessageAsync(cancellationToken);
                if (message["error"] is { } error)
                {
                    throw new EmulatorException($"QEMU refused '{command}': {error["desc"]}");
                }
                if (message.AsObject().ContainsKey("return"))
                {
                    return message["return"];
                }
                // Anything else is an asynchronous event (RESET, STOP, ...): not an answer.
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<JsonNode> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken)
                   ?? throw new EmulatorException("QEMU closed its control socket");
        return JsonNode.Parse(line) ?? throw new EmulatorException($"QEMU sent an empty QMP message");
    }

    public async ValueTask DisposeAsync()
    {
        reader.Dispose();
        await stream.DisposeAsync();
        gate.Dispose();
    }
}
