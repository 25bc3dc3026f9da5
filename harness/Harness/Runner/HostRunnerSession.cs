using System.Diagnostics;
using Harness.Emulation;
using Harness.Link;

namespace Harness.Runner;

/// <summary>
/// The host-native TFLM runner as a child process, spoken to over the link protocol on its standard
/// input and output. One interpreter lives for the whole session, so stateful models (audio
/// preprocessors) keep their state from one invoke to the next, as on a device.
/// </summary>
public sealed class HostRunnerSession : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> stderr;
    private readonly LinkClient link;
    private ModelClient? client;

    private HostRunnerSession(Process process, Task<string> stderr, LinkClient link)
    {
        this.process = process;
        this.stderr = stderr;
        this.link = link;
    }

    private ModelClient Client => client ?? throw new InvalidOperationException("the host runner has not booted");

    /// <summary>Starts the runner and waits for its boot frame; an error quoting the runner when TFLM cannot set the model up.</summary>
    public static async Task<HostRunnerSession> StartAsync(string runner, CancellationToken cancellationToken)
    {
        var process = Process.Start(new ProcessStartInfo(runner)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new EmulatorException($"could not start the host runner {runner}");
        ProcessGuard.Register(process.Id);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var link = new LinkClient(new DuplexStream(process.StandardOutput.BaseStream, process.StandardInput.BaseStream), new ConsoleTranscript());
        var session = new HostRunnerSession(process, stderr, link);
        try
        {
            var boot = await link.WaitForBootAsync(cancellationToken);
            if (boot["status"] != "ok")
            {
                process.StandardInput.Close();
                throw new EmulatorException($"the host runner could not set up the model ({boot["status"]}): {await session.StderrAsync()}");
            }
            session.client = new ModelClient(link, boot.MaxBody);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public Task SetInputAsync(int index, byte[] data, CancellationToken cancellationToken) => Client.SetInputAsync(index, data, cancellationToken);

    public async Task InvokeAsync(CancellationToken cancellationToken)
    {
        if (!(await Client.InvokeAsync(cancellationToken)).Ok)
        {
            throw new EmulatorException($"Invoke() failed in the host runner: {await StderrAsync()}");
        }
    }

    public Task<RunnerStats> StatsAsync(CancellationToken cancellationToken) => Client.StatsAsync(cancellationToken);

    public Task<byte[]> GetOutputAsync(int index, long bytes, CancellationToken cancellationToken) => Client.GetOutputAsync(index, bytes, cancellationToken);

    /// <summary>What the runner printed (TFLM's own messages), once it has ended.</summary>
    private async Task<string> StderrAsync()
    {
        process.StandardInput.Close();
        return await Task.WhenAny(stderr, Task.Delay(TimeSpan.FromSeconds(2))) == stderr ? (await stderr).Trim() : "(the runner printed nothing)";
    }

    public async ValueTask DisposeAsync()
    {
        await link.DisposeAsync();
        if (!process.HasExited)
        {
            process.Kill();
        }
        await process.WaitForExitAsync(CancellationToken.None);
        ProcessGuard.Unregister(process.Id);
        process.Dispose();
    }

    /// <summary>A child's standard output (read) and standard input (write) as one stream.</summary>
    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => output.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count)
        {
            output.Write(buffer, offset, count);
            output.Flush();
        }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await output.WriteAsync(buffer, cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
