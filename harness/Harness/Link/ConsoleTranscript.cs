using System.Diagnostics;

namespace Harness.Link;

public sealed record ConsoleLine(TimeSpan At, string Source, string Text)
{
    public override string ToString() => $"[{At.TotalSeconds,8:0.000}s] {Source,-7} {Text}";
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

    public void Add(string source, string text)
    {
        var line = new ConsoleLine(clock.Elapsed, source, text);
        lock (gate)
        {
            lines.Add(line);
        }
        LineAdded?.Invoke(line);
    }

    public string Tail(int count = 20) => string.Join(Environment.NewLine, Lines.TakeLast(count));
}
