using System.Diagnostics;
namespace Harness.Emulation.Host;

/// <summary>
/// The host-native TFLM runner as a child process: the third backend, beside QEMU and Renode. Its
/// standard input and output are the "UART" the link protocol runs over; what TFLM prints to standard
/// error is handed on line by line (a board sends the same text as LOG frames). One interpreter lives for
/// the whole session, so stateful models (audio preprocessors) keep their state between invokes.
/// </summary>
public sealed class HostRunnerSession : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task stderr;
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostRunnerSession(Process process, Action<string> errorLine)
    {
        this.process = process;
        Console = new DuplexStream(process.StandardOutput.BaseStream, process.StandardInput.BaseStream);
        stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                errorLine(line);
            }
        });
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        if (process.HasExited)
        {
            exited.TrySetResult(process.ExitCode);
        }
    }

    /// <summary>The runner's standard output (read) and input (write) as one stream.</summary>
    public Stream Console { get; }

    /// <summary>Completes with the exit code when the runner ends.</summary>
    public Task<int> Exited => exited.Task;

    public string Runner => process.StartInfo.FileName;

    /// <param name="errorLine">Called with every line the runner writes to standard error (TFLM's messages).</param>
    /// <param name="arenaBytes">Give the interpreter only this much of the runner's arena (to find the smallest that works).</param>
    public static HostRunnerSession Start(string runner, Action<string> errorLine, long? arenaBytes = null)
    {
        var start = new ProcessStartInfo(runner)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (arenaBytes is { } bytes)
        {
            start.Environment["HARNESS_ARENA_BYTES"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var process = Process.Start(start) ?? throw new EmulatorException($"could not start the host runner {runner}");
        ProcessGuard.Register(process.Id);
        return new HostRunnerSession(process, errorLine);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        if (await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromMilliseconds(500))) != Exited)
        {
            process.Kill();
        }
        await process.WaitForExitAsync(CancellationToken.None);
        await Task.WhenAny(stderr, Task.Delay(TimeSpan.FromSeconds(1)));
        ProcessGuard.Unregister(process.Id);
        process.Dispose();
    }

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
