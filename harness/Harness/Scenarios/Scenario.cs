using System.Text.RegularExpressions;
using Harness.Firmware;
using Harness.Models;
using Harness.Tflm;

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
    TimeSpan Timeout,
    ModelPlan? Model = null)
{
    /// <summary>Allowed growth over the stored baseline (regress:), when the run is given baselines.</summary>
    public RegressThresholds Regress { get; init; } = RegressThresholds.Default;

    /// <summary>timeout: { emulated: 2s }: a board run ends failed once its CPU has run this long in emulated time (instructions at the
    /// board's clock), however busy the machine; the wall-clock timeout stays as the last guard.</summary>
    public TimeSpan? EmulatedTimeout { get; init; }

    /// <summary>silicon: the part every board's runs are estimated as, instead of each board's own part (null: the board's).</summary>
    public global::Harness.Silicon.PartProfile? Silicon { get; init; }

    /// <summary>Where this scenario stands in the suite it was given with, and all its boards there, before --board or --shard
    /// narrowed them: what 'report merge' orders shards by, so they join into exactly the whole suite's report.</summary>
    public int SuiteIndex { get; init; }
    public IReadOnlyList<string>? SuiteBoards { get; init; }
}

public abstract record FirmwareSpec
{
    /// <summary>Whether the firmware answers the harness's link protocol (else it is judged by its console lines).</summary>
    public abstract bool SpeaksLink { get; }
}

/// <summary>An app of the harness's own firmware (firmware/apps/&lt;name&gt;), built for each board, or a prebuilt ELF of it.</summary>
public sealed record BuiltInApp(string App, string? PrebuiltElf = null) : FirmwareSpec
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

/// <summary>The TFLM runner built around a .tflite model (scenario 'model:'); the arena is given, or measured on the host (null).</summary>
public sealed record ModelFirmware(TfliteModel Model, KernelSet Kernels, long? ArenaBytes) : FirmwareSpec
{
    public override bool SpeaksLink => true;
}

/// <summary>What one output tensor must hold: dequantized values within a tolerance, exact stored values, or the top class.</summary>
/// <param name="Tolerance">Absolute: |actual − expected| ≤ Tolerance + RelativeTolerance × |expected| (numpy.isclose's rule).</param>
public sealed record OutputExpectation(int Index, IReadOnlyList<double>? Values, double Tolerance, IReadOnlyList<long>? Raw, int? Top1, IReadOnlyList<string>? Labels = null,
    double RelativeTolerance = 0)
{
    public string ClassName(int index) => Labels is { } names && index >= 0 && index < names.Count ? $"'{names[index]}' (class {index})" : $"class {index}";
}

/// <summary>A model run: the model as read, the kernels and arena it is built with, one data source per input tensor, then what the outputs must be.</summary>
/// <param name="EncodedInputs">Each input tensor's bytes, encoded when the scenario was read; null for features, which the host computes.</param>
/// <param name="ArenaBytes">The tensor arena, or null for 'arena: auto' (TFLM's own figure, measured on the host).</param>
/// <param name="GoldenHost">Compare every output with the host-native run of the same inputs (expect: { golden: host }).</param>
public sealed record ModelPlan(TfliteModel Model, KernelSet Kernels, long? ArenaBytes, IReadOnlyList<TensorSource> Inputs, IReadOnlyList<byte[]?> EncodedInputs,
    IReadOnlyList<OutputExpectation> Outputs, bool GoldenHost = false)
{
    /// <summary>Every kernel set the scenario names (kernels: [reference, cmsis-nn]): the parser makes one scenario of each.</summary>
    public IReadOnlyList<KernelSet> KernelMatrix { get; init; } = [Kernels];

    /// <summary>The runner firmware of this plan's model.</summary>
    public ModelFirmware Firmware => new(Model, Kernels, ArenaBytes);

    /// <summary>The runner firmware of another model (a preprocessor) built the same way, its arena measured.</summary>
    public ModelFirmware FirmwareFor(TfliteModel other) => new(other, Kernels, null);
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

public enum DiagFinale { None, Fault, Hang, Garbage, Overflow }

/// <summary>What the diagnostic app is asked to do: upload and checksum, the fixed workload, then optionally misbehave.</summary>
/// <param name="Bursts">With then: garbage, how many rounds of junk both ways, each followed by a HELLO that must be answered.</param>
/// <param name="Via">The upload's path: the harness's choice, or the UART or the bulk path forced (diag: { via: uart }).</param>
public sealed record DiagPlan(UploadSource Upload, uint WorkloadIterations, DiagFinale Then, DiagKernel Kernel = DiagKernel.Xorshift, int Bursts = 1,
    Link.UploadPath Via = Link.UploadPath.Auto);

/// <summary>
/// What the diag firmware's measured workload runs: the integer mix (xorshift), or a sequence whose cost the core's manual
/// gives exactly, to check the silicon estimate by hand or against a board on the desk: per iteration 32 independent
/// loads, 32 taken branches, or 16 divides, then a decrement and a branch back.
/// </summary>
public enum DiagKernel { Xorshift = 0, Loads = 1, Branches = 2, Divides = 3 }

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
/// <param name="RamBytes">Static RAM plus the stack's high-water mark.</param>
/// <param name="StaticRamBytes">.data and .bss, from the ELF's sections.</param>
public sealed record Budgets(long? Instructions, long? Cycles, long? FlashBytes, long? RamBytes, long? StackBytes, long? StaticRamBytes = null)
{
    public static readonly Budgets None = new(null, null, null, null, null);

    /// <summary>The estimated time on the silicon part, in milliseconds (judged on the typical estimate).</summary>
    public double? SiliconMilliseconds { get; init; }
}
