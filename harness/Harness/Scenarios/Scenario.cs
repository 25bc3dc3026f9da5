using System.Text.RegularExpressions;
using Harness.Firmware;

namespace Harness.Scenarios;

/// <summary>What to run and how to judge it: one YAML file, checked before anything is built.</summary>
public sealed record Scenario(
    string Name,
    string SourceFile,
    string Emulator,
    IReadOnlyList<string> Boards,
    FirmwareSpec Firmware,
    DiagPlan? Diag,
    ConsoleExpectation? Console,
    Budgets Budgets,
    TimeSpan Timeout);

public abstract record FirmwareSpec
{
    /// <summary>Whether the firmware answers the harness's link protocol (else it is judged by its console lines).</summary>
    public abstract bool SpeaksLink { get; }
}

/// <summary>An app of the harness's own firmware (firmware/apps/&lt;name&gt;), built for each board.</summary>
public sealed record BuiltInApp(string App) : FirmwareSpec
{
    public const string Diag = "diag";
    public override bool SpeaksLink => App == Diag;
}

/// <summary>"Bring your own firmware": an ELF the user built; {board} in the path is replaced by the board id.</summary>
public sealed record UserElf(string PathTemplate, MeasureSymbols? Measure) : FirmwareSpec
{
    public override bool SpeaksLink => false;
    public string PathFor(string board) => PathTemplate.Replace("{board}", board);
}

public abstract record UploadSource
{
    public abstract byte[] Bytes();
}

public sealed record RandomBytes(long Size, int Seed) : UploadSource
{
    public override byte[] Bytes()
    {
        var bytes = new byte[Size];
        new Random(Seed).NextBytes(bytes);
        return bytes;
    }
}

public sealed record FileBytes(string Path) : UploadSource
{
    public override byte[] Bytes() => File.ReadAllBytes(Path);
}

public enum DiagFinale { None, Fault, Hang, Garbage }

/// <summary>What the diagnostic app is asked to do: upload and checksum, the fixed workload, then optionally misbehave.</summary>
public sealed record DiagPlan(UploadSource Upload, uint WorkloadIterations, DiagFinale Then);

/// <summary>A console line to look for: a substring, or a regular expression written /like this/.</summary>
public sealed record LinePattern(string Text)
{
    private readonly Regex? regex = Text.Length > 2 && Text.StartsWith('/') && Text.EndsWith('/')
        ? new Regex(Text[1..^1], RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
        : null;

    public bool Matches(string line) => regex?.IsMatch(line) ?? line.Contains(Text, StringComparison.Ordinal);
    public override string ToString() => Text;
}

/// <summary>For firmware judged by its console: the line that means success, and lines that mean failure.</summary>
public sealed record ConsoleExpectation(IReadOnlyList<LinePattern> Pass, IReadOnlyList<LinePattern> Fail);

/// <summary>Upper bounds a board run must stay within; null means not checked.</summary>
public sealed record Budgets(long? Instructions, long? Cycles, long? FlashBytes, long? RamBytes, long? StackBytes)
{
    public static readonly Budgets None = new(null, null, null, null, null);
}
