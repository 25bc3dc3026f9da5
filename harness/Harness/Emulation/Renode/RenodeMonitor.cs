using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Harness.Emulation.Renode;

/// <summary>
/// Renode's monitor, driven over the standard input and output of a `renode --console --plain`
/// process (works with every Renode build). One command at a time: write it, then read until the
/// monitor prints its prompt again. Renode echoes each command (wrapped at 80 columns) before its
/// output; the output is what lies between the echo and the next prompt.
/// </summary>
public sealed partial class RenodeMonitor
{
    private static readonly string[] ErrorMarkers =
    [
        "There was an error executing command",
        "No such command or device",
        "Parameters did not match the signature",
        "Could not find file",
        // An included C# file that does not compile (the harness's hooks against another Renode's API).
        "Errors during compilation or loading",
    ];

    private readonly Channel<string> commands = Channel.CreateUnbounded<string>();
    private readonly Channel<string> output = Channel.CreateUnbounded<string>();
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private readonly StringBuilder pending = new();
    private readonly List<string> history = [];

    /// <summary>Every command sent so far, in order (written out for reproducing a run).</summary>
    public IReadOnlyList<string> History
    {
        get
        {
            lock (history)
            {
                return history.ToList();
            }
        }
    }

    /// <summary>Feeds Renode's standard input: the commands, one line each.</summary>
    public async Task WriteCommandsAsync(Stream stdin, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stdin, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        try
        {
            await foreach (var command in commands.Reader.ReadAllAsync(cancellationToken))
            {
                await writer.WriteLineAsync(command);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>Takes Renode's standard output, as it comes.</summary>
    public async Task ReadOutputAsync(Stream stdout, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stdout, Encoding.UTF8);
        var buffer = new char[4096];
        try
        {
            int count;
            while ((count = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await output.Writer.WriteAsync(new string(buffer, 0, count), cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
        finally
        {
            output.Writer.TryComplete();
        }
    }

    /// <summary>Waits for the first prompt (Renode has started and reads commands); returns the banner before it.</summary>
    public async Task<string> WaitForPromptAsync(CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return (await ReadUntilPromptAsync(cancellationToken)).Replace("\r", "");
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>Runs one monitor command and returns what it printed; a command Renode refuses throws with Renode's words.</summary>
    public async Task<string> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        if (command.Contains('\n'))
        {
            throw new ArgumentException("a monitor command is one line", nameof(command));
        }
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            lock (history)
            {
                history.Add(command);
            }
            await commands.Writer.WriteAsync(command, cancellationToken);
            var text = await ReadUntilPromptAsync(cancellationToken);
            // The echo of the command ends with the first newline; the rest is its output.
            var echoEnd = text.IndexOf('\n');
            var result = (echoEnd < 0 ? "" : text[(echoEnd + 1)..]).Replace("\r", "").Trim();
            if (ErrorMarkers.Any(result.Contains))
            {
                throw new RenodeCommandException(command, result);
            }
            return result;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>Sends a command that ends the monitor (quit): nothing is waited for.</summary>
    public void SendWithoutReply(string command) => commands.Writer.TryWrite(command);

    private async Task<string> ReadUntilPromptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = pending.ToString();
            var prompt = Prompt().Match(text);
            if (prompt.Success)
            {
                pending.Clear();
                return text[..prompt.Index];
            }
            if (!await output.Reader.WaitToReadAsync(cancellationToken))
            {
                throw new EmulatorException($"Renode's monitor closed (the process ended){(text.Trim().Length > 0 ? $"; it last printed: {Tail(text)}" : "")}");
            }
            while (output.Reader.TryRead(out var chunk))
            {
                pending.Append(chunk);
            }
        }
    }

    private static string Tail(string text)
    {
        var clean = text.Replace("\r", "").Trim();
        return clean.Length <= 600 ? clean : "…" + clean[^600..];
    }

    // The prompt is "(monitor) " or "(<machine>) " at the start of a line, with nothing after it yet.
    [GeneratedRegex(@"(?:^|[\r\n])\((?:monitor|[A-Za-z0-9_\-]+)\) \z")]
    private static partial Regex Prompt();
}

public sealed class RenodeCommandException(string command, string renodeSays)
    : EmulatorException($"Renode refused '{command}': {renodeSays}")
{
    public string Command { get; } = command;
    public string RenodeSays { get; } = renodeSays;
}
