using System.Text.RegularExpressions;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Models;
using Harness.Tflm;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>
/// Reads a scenario file and checks everything that can be checked before building: keys, types,
/// units, board names, files. Every problem is reported as file:line:column with what was expected.
/// </summary>
/// <param name="emulatorOverride">The emulator every scenario runs on instead of the one it names (--emulator): boards are checked against it.</param>
public sealed partial class ScenarioParser(BoardCatalog boards, IReadOnlyList<string> apps, string? emulatorOverride = null)
{
    private static readonly string[] TopLevelKeys = ["name", "emulator", "boards", "board", "firmware", "diag", "console", "expect", "timeout",
        "model", "kernels", "arena", "inputs", "outputs", "regress", "silicon"];
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The one scenario a file describes; a file that is a matrix (kernels: [...]) is refused here: read it with <see cref="ParseFileAll"/>.</summary>
    public Scenario ParseFile(string path) => Single(ParseFileAll(path), path);

    public Scenario ParseText(string file, string text) => Single(Expand(Parse(YamlReader.Parse(file, text))), file);

    /// <summary>Every scenario a file describes: one, or one per entry of its matrix (named name.kernels, e.g. person.cmsis-nn).</summary>
    public IReadOnlyList<Scenario> ParseFileAll(string path) => Expand(Parse(YamlReader.Load(path)));

    private static IReadOnlyList<Scenario> Expand(Scenario scenario) =>
        scenario.Model is { KernelMatrix.Count: > 1 } plan
            ? plan.KernelMatrix.Select(kernels =>
            {
                var variant = plan with { Kernels = kernels, KernelMatrix = [kernels] };
                return scenario with { Name = $"{scenario.Name}.{(kernels == KernelSet.CmsisNn ? "cmsis-nn" : "reference")}", Model = variant, Firmware = variant.Firmware };
            }).ToList()
            : [scenario];

    private static Scenario Single(IReadOnlyList<Scenario> scenarios, string file) => scenarios.Count == 1
        ? scenarios[0]
        : throw new YamlInputException([new YamlError(file, 1, 1, $"this file is a matrix of {scenarios.Count} scenarios ({string.Join(", ", scenarios.Select(s => s.Name))}); read it with ParseFileAll")]);

    private Scenario Parse(YamlReader yaml)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(yaml.File)) ?? ".";
        var root = yaml.Mapping(yaml.Root, "a scenario");
        if (root is null)
        {
            yaml.ThrowIfErrors();
        }
        yaml.RejectUnknownKeys(root, TopLevelKeys);
        var name = yaml.String(yaml.Required(root, "name", "a name for the scenario"), "a name") ?? "";
        if (name.Length > 0 && !Regex.IsMatch(name, "^[A-Za-z0-9._-]+$"))
        {
            yaml.Error(yaml.Optional(root, "name")!, $"name '{name}' may contain only letters, digits, '.', '_' and '-' (it names report files)");
        }
        var emulatorNode = yaml.Optional(root, "emulator");
        var named = yaml.String(emulatorNode, "an emulator name");
        if (emulatorNode is not null && named is not null && !EmulatorRegistry.Names.Contains(named))
        {
            yaml.Error(emulatorNode, $"unknown emulator '{named}'; expected one of: {string.Join(", ", EmulatorRegistry.Names)}");
        }
        var emulator = emulatorOverride ?? named ?? "qemu";
        var boardIds = ParseBoards(yaml, root, emulator);
        var (model, modelGiven) = ParseModel(yaml, root, directory);
        // A model that could not be read has been reported; asking for 'firmware' too would be a second, wrong error.
        var firmware = modelGiven ? model?.Firmware : ParseFirmware(yaml, root, directory, boardIds);
        var diag = ParseDiag(yaml, root, directory, firmware);
        var console = ParseConsole(yaml, root, firmware);
        var budgets = ParseBudgets(yaml, yaml.Mapping(yaml.Optional(root, "expect"), "expectations"), firmware);
        var (timeout, emulatedTimeout) = ParseTimeout(yaml, yaml.Optional(root, "timeout"));
        var goldenNode = yaml.Optional(yaml.Mapping(yaml.Optional(root, "expect"), "expectations"), "golden");
        if (goldenNode is not null)
        {
            if (yaml.String(goldenNode, "host") != "host")
            {
                yaml.Error(goldenNode, "golden: the only golden reference is 'host' (the same runner on this machine, TFLM reference kernels)");
            }
            else if (!modelGiven)
            {
                yaml.Error(goldenNode, "golden: host compares a model's outputs: it needs 'model:'");
            }
            else if (model is not null)
            {
                model = model with { GoldenHost = true };
            }
        }
        var regress = ParseRegress(yaml, yaml.Mapping(yaml.Optional(root, "regress"), "allowed growth over the baseline"));
        var silicon = ParseSilicon(yaml, root, boardIds, budgets);
        if (diag is { Kernel: DiagKernel.Divides })
        {
            foreach (var board in boardIds.Select(boards.Get).Where(b => b.Core.Architecture == "armv6-m"))
            {
                yaml.Error(yaml.Optional(yaml.Mapping(yaml.Optional(root, "diag"), "diag settings"), "kernel")!,
                    $"kernel 'divides' needs a divide instruction; board '{board.Id}' has a {board.Core.Id} (ARMv6-M has none)");
            }
        }
        yaml.ThrowIfErrors();
        return new Scenario(name, yaml.File, emulator, boardIds, firmware!, diag, console, budgets, timeout, model) { Regress = regress, Silicon = silicon, EmulatedTimeout = emulatedTimeout };
    }

    private List<string> ParseBoards(YamlReader yaml, YamlMappingNode? root, string emulator)
    {
        var single = yaml.Optional(root, "board");
        var list = yaml.Optional(root, "boards");
        if (single is not null && list is not null)
        {
            yaml.Error(single, "give either 'board' or 'boards', not both");
        }
        var nodes = yaml.List(list ?? single, "board ids");
        if (nodes.Count == 0 && root is not null)
        {
            yaml.Error(root, $"missing 'boards': a list of board ids to run on (known: {string.Join(", ", boards.All.Select(b => b.Id))})");
        }
        var ids = new List<string>();
        foreach (var node in nodes)
        {
            var id = yaml.String(node, "a board id");
            if (id is null)
            {
                continue;
            }
            if (!boards.TryGet(id, out var board))
            {
                yaml.Error(node, boards.UnknownBoardMessage(id));
            }
            else if (!board.Emulators.Contains(emulator))
            {
                yaml.Error(node, $"board '{id}' does not run on {emulator} (it runs on: {string.Join(", ", board.Emulators)})");
            }
            else if (ids.Contains(id))
            {
                yaml.Error(node, $"board '{id}' is listed twice");
            }
            else
            {
                ids.Add(id);
            }
        }
        return ids;
    }

    private static Budgets ParseBudgets(YamlReader yaml, YamlMappingNode? expect, FirmwareSpec? firmware)
    {
        if (expect is null)
        {
            return Budgets.None;
        }
        yaml.RejectUnknownKeys(expect, "instructions", "cycles", "flash", "ram", "static_ram", "stack", "silicon_ms", "golden");
        long? Limit(string key, bool bytes)
        {
            var node = yaml.Optional(expect, key);
            if (node is not null && firmware is not null && Unmeasurable(key, firmware) is { } why)
            {
                // Never accept a budget that cannot be judged: it would fail every run with "not measured".
                yaml.Error(node, $"'{key}' cannot be judged for this firmware: {why}");
                return null;
            }
            var map = yaml.Mapping(node, $"a limit for {key}, e.g. {{ max: {(bytes ? "64KiB" : "2M")} }}");
            yaml.RejectUnknownKeys(map, "max");
            var max = yaml.Required(map, "max", "the upper bound");
            return bytes ? yaml.Bytes(max, $"{key}.max") : yaml.Count(max, $"{key}.max");
        }
        double? Milliseconds(string key)
        {
            var node = yaml.Optional(expect, key);
            if (node is not null && firmware is not null && Unmeasurable(key, firmware) is { } why)
            {
                yaml.Error(node, $"'{key}' cannot be judged for this firmware: {why}");
                return null;
            }
            var map = yaml.Mapping(node, $"a limit for {key}, e.g. {{ max: 200 }} (milliseconds on the silicon part, estimated)");
            yaml.RejectUnknownKeys(map, "max");
            var max = yaml.Real(yaml.Required(map, "max", "the upper bound in milliseconds"), $"{key}.max");
            if (max <= 0 && map is not null)
            {
                yaml.Error(yaml.Optional(map, "max")!, $"{key}.max must be more than 0 ms");
            }
            return max;
        }
        return new Budgets(Limit("instructions", false), Limit("cycles", false), Limit("flash", true), Limit("ram", true), Limit("stack", true),
            Limit("static_ram", true)) { SiliconMilliseconds = Milliseconds("silicon_ms") };
    }

    /// <summary>
    /// silicon: a part (platforms/silicon/&lt;id&gt;.yaml) to estimate every board's runs as, instead of each board's own: e.g. the
    /// STM32L4R5 MLPerf Tiny measured on, on an emulated Cortex-M4F board. Its core must have the boards' timing table.
    /// </summary>
    private Silicon.PartProfile? ParseSilicon(YamlReader yaml, YamlMappingNode? root, IReadOnlyList<string> boardIds, Budgets budgets)
    {
        var node = yaml.Optional(root, "silicon");
        var id = yaml.String(node, "a silicon part id (platforms/silicon/<id>.yaml)");
        Silicon.PartProfile? part = null;
        if (node is not null && id is not null)
        {
            if (!boards.Silicon.TryGetPart(id, out part))
            {
                yaml.Error(node, boards.Silicon.UnknownPartMessage(id));
                return null;
            }
            var timing = boards.Silicon.TimingOf(part.Core);
            foreach (var board in boardIds.Select(boards.Get).Where(b => b.Silicon?.Core != timing))
            {
                yaml.Error(node, $"silicon: {part.Id} has a {part.Core} core, timed by {timing?.Core ?? "no table"}; board '{board.Id}' has a {board.Core.Id}: estimate it as a part with its own core");
            }
        }
        if (budgets.SiliconMilliseconds is not null)
        {
            foreach (var board in boardIds.Select(boards.Get).Where(b => b.Silicon is null))
            {
                yaml.Error(yaml.Optional(yaml.Mapping(yaml.Optional(root, "expect"), "expectations"), "silicon_ms")!,
                    $"'silicon_ms' cannot be judged on board '{board.Id}': no timing table in platforms/cores covers its {board.Core.Id} core");
            }
        }
        return part;
    }

    /// <summary>timeout: 90s (wall clock per board), or { wall: 10m, emulated: 2s }: emulated time as the board's CPU runs it, judged by the
    /// emulator's instruction count at the board's clock, so a busy machine does not change the verdict.</summary>
    private static (TimeSpan Wall, TimeSpan? Emulated) ParseTimeout(YamlReader yaml, YamlNode? node)
    {
        if (node is not YamlMappingNode map)
        {
            return (yaml.Duration(node, "timeout (wall-clock time per board, or { wall: 10m, emulated: 2s })") ?? DefaultTimeout, null);
        }
        yaml.RejectUnknownKeys(map, "wall", "emulated");
        var wall = yaml.Duration(yaml.Optional(map, "wall"), "timeout.wall (wall-clock time per board)");
        var emulated = yaml.Duration(yaml.Required(map, "emulated", "the emulated time a board run may take, e.g. 2s"), "timeout.emulated (emulated time per board)");
        // With an emulated bound the wall clock is only the last guard: generous by default (3 min, or 30 × the emulated bound).
        return (wall ?? (emulated is { } e ? TimeSpan.FromTicks(Math.Max(DefaultTimeout.Ticks * 3, e.Ticks * 30)) : DefaultTimeout), emulated);
    }

    /// <summary>Why a budget cannot be judged for a firmware, or null when it can.</summary>
    private static string? Unmeasurable(string budget, FirmwareSpec firmware) => (budget, firmware) switch
    {
        ("instructions", UserElf { Measure: null }) =>
            "the emulator counts instructions between two symbols of your ELF; name them under firmware: { measure: { begin: ..., end: ... } }",
        ("cycles", { SpeaksLink: false }) =>
            "cycles are the firmware's own counter, which only the harness's link reports; budget 'instructions' (counted by the emulator) instead",
        ("silicon_ms", { SpeaksLink: false }) =>
            "the silicon estimate is made from the instruction mix of the region the harness's own apps and model runners measure; budget 'instructions' instead",
        ("stack", { SpeaksLink: false }) =>
            "the stack's high-water mark is measured by firmware that speaks the harness's link; budget 'static_ram' (.data + .bss, from the ELF) instead",
        ("ram", { SpeaksLink: false }) =>
            "'ram' is static RAM plus the stack's high-water mark, and only firmware that speaks the harness's link reports the stack; budget 'static_ram' (.data + .bss, from the ELF) instead",
        _ => null,
    };

    /// <summary>regress: { instructions: 0.5%, cycles: 0.5%, ops: 2%, flash: 256B, ram: 0B, outputs: exact }</summary>
    private static RegressThresholds ParseRegress(YamlReader yaml, YamlMappingNode? map)
    {
        var defaults = RegressThresholds.Default;
        if (map is null)
        {
            return defaults;
        }
        yaml.RejectUnknownKeys(map, "instructions", "cycles", "ops", "flash", "ram", "outputs");
        Threshold Growth(string key, Threshold fallback, bool bytes)
        {
            var node = yaml.Optional(map, key);
            var text = yaml.String(node, $"the growth {key} may have: a percentage (0.5%) or an amount");
            if (node is null || text is null)
            {
                return fallback;
            }
            if (text.EndsWith('%'))
            {
                if (double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var percent) && percent >= 0)
                {
                    return Threshold.Percentage(percent);
                }
                yaml.Error(node, $"regress.{key}: '{text}' is not a percentage (e.g. 0.5%)");
                return fallback;
            }
            return (bytes ? yaml.Bytes(node, $"regress.{key}") : yaml.Count(node, $"regress.{key}")) is { } amount ? Threshold.Amount(amount) : fallback;
        }
        var outputsNode = yaml.Optional(map, "outputs");
        double? tolerance = defaults.OutputTolerance;
        if (outputsNode is not null && yaml.String(outputsNode, "exact, or a tolerance of the dequantized outputs") is { } outputs && outputs != "exact")
        {
            tolerance = yaml.Real(outputsNode, "regress.outputs: exact or a tolerance (e.g. 0.01)");
        }
        return new RegressThresholds(Growth("instructions", defaults.Instructions, false), Growth("cycles", defaults.Cycles, false), Growth("ops", defaults.Operators, false),
            Growth("flash", defaults.Flash, true), Growth("ram", defaults.Ram, true), tolerance);
    }
}
