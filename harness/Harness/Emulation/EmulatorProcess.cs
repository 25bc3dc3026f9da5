using System.Text;
using CliWrap;

namespace Harness.Emulation;

/// <summary>
/// What a session keeps of its emulator process: what it printed (bounded), and its end, once,
/// with whether the session asked for it. The process is known to ProcessGuard while it runs.
/// </summary>
public sealed class EmulatorProcess : IDisposable
{
    private const int MaxDiagnostics = 16_000;
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource graceful = new();
    private readonly CancellationTokenSource forceful = new();
    private readonly StringBuilder diagnostics = new();
    private readonly TaskCompletionSource<EmulatorExit> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<EmulatorExit> Exited => exited.Task;

    /// <summary>Set before stopping the process on purpose, so its end is not reported as a crash.</summary>
    public bool Stopping { get; set; }

    public void Diagnose(string line)
    {
        lock (diagnostics)
        {
            if (diagnostics.Length < MaxDiagnostics)
            {
                diagnostics.AppendLine(line);
            }
        }
    }

    public string Diagnostics
    {
        get
        {
            lock (diagnostics)
            {
                return diagnostics.ToString().Trim();
            }
        }
    }

    /// <summary>Starts the emulator and follows it to its end. <paramref name="lastWords"/> lets a log tail catch up before the end is reported.</summary>
    public void Start(Command command, TimeSpan lastWords = default)
    {
        _ = WatchAsync(command.WithValidation(CommandResultValidation.None).ExecuteAsync(forceful.Token, graceful.Token), lastWords);
    }

    /// <summary>
    /// Ends the process, whatever it is doing: asks it to quit (its own command), then interrupts it
    /// (SIGINT), then kills it. It never outlives its session.
    /// </summary>
    public async Task StopAsync(Func<CancellationToken, Task>? askToQuit, TimeSpan quitWait)
    {
        Stopping = true;
        if (Exited.IsCompleted)
        {
            return;
        }
        if (askToQuit is not null)
        {
            try
            {
                using var limit = new CancellationTokenSource(quitWait);
                await askToQuit(limit.Token);
            }
            catch (Exception e) when (e is HarnessException or OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
            if (await Task.WhenAny(Exited, Task.Delay(quitWait)) == Exited)
            {
                return;
            }
        }
        await graceful.CancelAsync();
        if (await Task.WhenAny(Exited, Task.Delay(GracefulStop)) != Exited)
        {
            await forceful.CancelAsync();
            await Exited;
        }
    }

    public void Dispose()
    {
        graceful.Dispose();
        forceful.Dispose();
    }

    private async Task WatchAsync(CommandTask<CommandResult> process, TimeSpan lastWords)
    {
        ProcessGuard.Register(process.ProcessId);
        var exitCode = -1;
        try
        {
            exitCode = (await process).ExitCode;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            ProcessGuard.Unregister(process.ProcessId);
            if (lastWords > TimeSpan.Zero)
            {
                await Task.Delay(lastWords);
            }
            exited.TrySetResult(new EmulatorExit(exitCode, Diagnostics, Stopping));
        }
    }
}
