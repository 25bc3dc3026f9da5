using System.Text;
using CliWrap;

namespace Harness.Emulation;

/// <summary>
/// What a session keeps of its emulator process: what it printed (bounded), and its end, once,
/// with whether the session asked for it. The process is known to ProcessGuard while it runs.
/// </summary>
public sealed class EmulatorProcess
{
    private const int MaxDiagnostics = 16_000;
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

    /// <summary>Follows the started process to its end. <paramref name="lastWords"/> lets a log tail catch up first.</summary>
    public async Task WatchAsync(CommandTask<CommandResult> process, TimeSpan lastWords = default)
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
