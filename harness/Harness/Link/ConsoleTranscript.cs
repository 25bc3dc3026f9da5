using System.Diagnostics;

namespace Harness.Link;

/// <summary>Where a console line came from: the firmware's own text, a link frame, or the host's note about the link.</summary>
public enum LineSource { Uart, Log, Boot, Fault, Garbage, Link }

public sealed record ConsoleLine(TimeSpan At, LineSource Source, string Text)
{
    public override string ToString() => $"[{At.TotalSeconds,8:0.000}s] {Source.ToString().ToLowerInvariant(),-7} {Text}";
}

/// <summary>Everything the board said on its console (text, log frames, boot, faults, garbage), in order, for the report.</summary>
public sealed class ConsoleTranscript
{
    private readonly Lock gate = new();
    private readonly List<ConsoleLine> lines = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public event Action<ConsoleLine>? LineAdded;

    public IReadOnlyList<ConsoleLine> Lines
    {
        get
        {
            lock (gate)
            {
                return lines.ToList();
            }
        }
    }

    public void Add(LineSource source, string text)
    {
        var line = new ConsoleLine(clock.Elapsed, source, text);
        lock (gate)
        {
            lines.Add(line);
        }
        LineAdded?.Invoke(line);
    }

    public string Tail(int count = 20) => string.Join(Environment.NewLine, Lines.TakeLast(count));

    /// <summary>When the last line arrived (the transcript's own clock), to tell when a firmware has gone quiet.</summary>
    public TimeSpan LastLineAt
    {
        get
        {
            lock (gate)
            {
                return lines.Count > 0 ? lines[^1].At : TimeSpan.Zero;
            }
        }
    }

    public TimeSpan Now => clock.Elapsed;

    /// <summary>The last few lines TFLM (or any firmware) printed through LOG frames, or a note that there were none.</summary>
    public string LastLogLines(int count = 5)
    {
        var logs = Lines.Where(l => l.Source == LineSource.Log).Select(l => l.Text).TakeLast(count).ToList();
        return logs.Count > 0 ? string.Join(" | ", logs) : "the firmware printed nothing";
    }
}
