using System.Text.RegularExpressions;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>
/// Reads a scenario file and checks everything that can be checked before building: keys, types,
/// units, board names, files. Every problem is reported as file:line:column with what was expected.
/// </summary>
public sealed class ScenarioParser(BoardCatalog boards, IReadOnlyList<string> apps)
{
    private static readonly string[] TopLevelKeys = ["name", "emulator", "boards", "board", "firmware", "diag", "console", "expect", "timeout"];
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public Scenario ParseFile(string path) => Parse(YamlReader.Load(path));

    public Scenario ParseText(string file, string text) => Parse(YamlReader.Parse(file, text));

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
        var emulator = yaml.String(emulatorNode, "an emulator name") ?? "qemu";
        if (emulatorNode is not null && !EmulatorRegistry.Names.Contains(emulator))
        {
            yaml.Error(emulatorNode, $"unknown emulator '{emulator}'; expected one of: {string.Join(", ", EmulatorRegistry.Names)}");
        }
        var boardIds = ParseBoards(yaml, root, emulator);
        var firmware = ParseFirmware(yaml, root, directory, boardIds);
        var diag = ParseDiag(yaml, root, directory, firmware);
        var console = ParseConsole(yaml, root, firmware);
        var budgets = ParseBudgets(yaml, yaml.Mapping(yaml.Optional(root, "expect"), "expectations"));
        var timeout = yaml.Duration(yaml.Optional(root, "timeout"), "timeout (wall-clock time per board)") ?? DefaultTimeout;
        yaml.ThrowIfErrors();
        return new Scenario(name, yaml.File, emulator, boardIds, firmware!, diag, console, budgets, timeout);
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

    private FirmwareSpec? ParseFirmware(YamlReader yaml, YamlMappingNode? root, string directory, IReadOnlyList<string> boardIds)
    {
        var node = yaml.Required(root, "firmware", $"a built-in app ({string.Join(", ", apps)}) or {{ elf: path }}");
        if (node is YamlScalarNode)
        {
            return App(yaml, node);
        }
        var map = yaml.Mapping(node, "the firmware");
        if (map is null)
        {
            return null;
        }
        yaml.RejectUnknownKeys(map, "app", "elf", "measure");
        var appNode = yaml.Optional(map, "app");
        var elfNode = yaml.Optional(map, "elf");
        if ((appNode is null) == (elfNode is null))
        {
            yaml.Error(map, "firmware needs exactly one of 'app' (a built-in app) or 'elf' (a path to your own ELF)");
            return null;
        }
        if (appNode is not null)
        {
            if (yaml.Optional(map, "measure") is { } measureNode)
            {
                yaml.Error(measureNode, "'measure' applies to your own ELF; built-in apps mark their measured region themselves");
            }
            return App(yaml, appNode);
        }
        var template = yaml.String(elfNode, "a path to an ELF file");
        if (template is null)
        {
            return null;
        }
        var absolute = Path.IsPathRooted(template) ? template : Path.GetFullPath(Path.Combine(directory, template));
        if (!template.Contains("{board}") && boardIds.Count > 1)
        {
            yaml.Error(elfNode!, "one ELF is built for one board: with several boards, put {board} in the path (e.g. build/{board}/app.elf)");
        }
        foreach (var board in boardIds)
        {
            var path = absolute.Replace("{board}", board);
            if (!File.Exists(path))
            {
                yaml.Error(elfNode!, $"ELF file not found: {path}");
            }
        }
        MeasureSymbols? measure = null;
        if (yaml.Mapping(yaml.Optional(map, "measure"), "the measured region") is { } measureMap)
        {
            yaml.RejectUnknownKeys(measureMap, "begin", "end");
            var begin = yaml.String(yaml.Required(measureMap, "begin", "the symbol where counting starts"), "a symbol name");
            var end = yaml.String(yaml.Required(measureMap, "end", "the symbol where counting stops"), "a symbol name");
            if (begin is not null && end is not null)
            {
                measure = new MeasureSymbols(begin, end);
            }
        }
        return new UserElf(absolute, measure);
    }

    private BuiltInApp? App(YamlReader yaml, YamlNode node)
    {
        var app = yaml.String(node, "an app name");
        if (app is null)
        {
            return null;
        }
        if (!apps.Contains(app))
        {
            var hint = YamlReader.Suggest(app, apps);
            yaml.Error(node, $"unknown app '{app}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; built-in apps: {string.Join(", ", apps)} (or give {{ elf: path }} for your own firmware)");
            return null;
        }
        return new BuiltInApp(app);
    }

    private static DiagPlan? ParseDiag(YamlReader yaml, YamlMappingNode? root, string directory, FirmwareSpec? firmware)
    {
        var node = yaml.Optional(root, "diag");
        var isDiag = firmware is BuiltInApp { App: BuiltInApp.Diag };
        if (node is null)
        {
            return isDiag ? new DiagPlan(new RandomBytes(4096, 1), 1000, DiagFinale.None) : null;
        }
        if (!isDiag && firmware is not null)
        {
            yaml.Error(node, "'diag' settings apply only to 'firmware: diag'");
            return null;
        }
        var map = yaml.Mapping(node, "diag settings");
        yaml.RejectUnknownKeys(map, "upload", "seed", "workload", "then");
        UploadSource upload = new RandomBytes(4096, 1);
        var seed = (int)(yaml.Integer(yaml.Optional(map, "seed"), "a random seed") ?? 1);
        switch (yaml.Optional(map, "upload"))
        {
            case YamlScalarNode scalar:
                if (yaml.Bytes(scalar, "upload size (random bytes)") is { } size)
                {
                    upload = new RandomBytes(size, seed);
                }
                break;
            case YamlMappingNode file:
                yaml.RejectUnknownKeys(file, "file");
                var path = yaml.String(yaml.Required(file, "file", "a file whose bytes are uploaded"), "a path");
                if (path is not null)
                {
                    var full = Path.GetFullPath(Path.Combine(directory, path));
                    if (!File.Exists(full))
                    {
                        yaml.Error(file, $"upload file not found: {full}");
                    }
                    upload = new FileBytes(full);
                }
                break;
            case { } other:
                yaml.Error(other, "expected 'upload' to be a size (e.g. 64KiB of random bytes) or { file: path }");
                break;
        }
        var workload = yaml.Count(yaml.Optional(map, "workload"), "workload iterations") ?? 1000;
        if (workload is < 0 or > uint.MaxValue)
        {
            yaml.Error(yaml.Optional(map, "workload")!, "workload iterations must be between 0 and 4294967295");
        }
        var thenNode = yaml.Optional(map, "then");
        var then = DiagFinale.None;
        if (yaml.String(thenNode, "what to do after the workload") is { } thenText && !Enum.TryParse(thenText, ignoreCase: true, out then))
        {
            yaml.Error(thenNode!, $"unknown 'then' value '{thenText}'; expected one of: none, fault, hang, garbage");
        }
        return new DiagPlan(upload, (uint)Math.Clamp(workload, 0, uint.MaxValue), then);
    }

    private static ConsoleExpectation? ParseConsole(YamlReader yaml, YamlMappingNode? root, FirmwareSpec? firmware)
    {
        var map = yaml.Mapping(yaml.Optional(root, "console"), "console expectations");
        yaml.RejectUnknownKeys(map, "pass", "fail");
        if (map is null)
        {
            if (firmware is { SpeaksLink: false } && root is not null)
            {
                yaml.Error(root, "this firmware does not speak the harness link, so it is judged by its console: add 'console: { pass: \"<the line that means success>\" }'");
            }
            return null;
        }
        var pass = Patterns(yaml, yaml.Optional(map, "pass"), "console.pass");
        var fail = Patterns(yaml, yaml.Optional(map, "fail"), "console.fail");
        if (pass.Count == 0 && firmware is { SpeaksLink: false })
        {
            yaml.Error(map, "missing 'pass': the console line that means the firmware succeeded");
        }
        return new ConsoleExpectation(pass, fail);
    }

    private static List<LinePattern> Patterns(YamlReader yaml, YamlNode? node, string what)
    {
        var patterns = new List<LinePattern>();
        foreach (var item in yaml.List(node, what))
        {
            if (yaml.String(item, $"{what}: a substring or /regex/") is not { } text)
            {
                continue;
            }
            try
            {
                patterns.Add(new LinePattern(text));
            }
            catch (ArgumentException e)
            {
                yaml.Error(item, $"{what}: not a valid regular expression: {e.Message}");
            }
        }
        return patterns;
    }

    private static Budgets ParseBudgets(YamlReader yaml, YamlMappingNode? expect)
    {
        if (expect is null)
        {
            return Budgets.None;
        }
        yaml.RejectUnknownKeys(expect, "instructions", "cycles", "flash", "ram", "stack");
        long? Limit(string key, bool bytes)
        {
            var map = yaml.Mapping(yaml.Optional(expect, key), $"a limit for {key}, e.g. {{ max: {(bytes ? "64KiB" : "2M")} }}");
            yaml.RejectUnknownKeys(map, "max");
            var max = yaml.Required(map, "max", "the upper bound");
            return bytes ? yaml.Bytes(max, $"{key}.max") : yaml.Count(max, $"{key}.max");
        }
        return new Budgets(Limit("instructions", false), Limit("cycles", false), Limit("flash", true), Limit("ram", true), Limit("stack", true));
    }
}
