using System.Text.RegularExpressions;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Models;
using Harness.Tflm;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>The firmware keys: a built-in app or the user's own ELF, diag settings, console expectations.</summary>
public sealed partial class ScenarioParser
{
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
        if (appNode is null && elfNode is null)
        {
            yaml.Error(map, "firmware needs 'app' (a built-in app) or 'elf' (a path to your own ELF), or both for a prebuilt build of an app");
            return null;
        }
        if (appNode is not null && yaml.Optional(map, "measure") is { } measureNode)
        {
            yaml.Error(measureNode, "'measure' applies to your own ELF; built-in apps mark their measured region themselves");
        }
        if (appNode is not null && elfNode is null)
        {
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
        var elves = new List<ElfFile>();
        foreach (var board in boardIds)
        {
            var path = absolute.Replace("{board}", board);
            if (!File.Exists(path))
            {
                yaml.Error(elfNode!, $"ELF file not found: {path}");
                continue;
            }
            try
            {
                elves.Add(ElfFile.Read(path));
            }
            catch (FirmwareException e)
            {
                yaml.Error(elfNode!, e.Message);
            }
        }
        if (appNode is not null)
        {
            // A prebuilt build of a built-in app, e.g. the ELF a `harness repro` folder carries.
            return App(yaml, appNode) is { } prebuilt ? prebuilt with { PrebuiltElf = absolute } : null;
        }
        MeasureSymbols? measure = null;
        if (yaml.Mapping(yaml.Optional(map, "measure"), "the measured region") is { } measureMap)
        {
            yaml.RejectUnknownKeys(measureMap, "begin", "end");
            var beginNode = yaml.Required(measureMap, "begin", "the symbol where counting starts");
            var endNode = yaml.Required(measureMap, "end", "the symbol where counting stops");
            var begin = yaml.String(beginNode, "a symbol name");
            var end = yaml.String(endNode, "a symbol name");
            CheckSymbol(yaml, beginNode, begin, elves, "the start of the measured region");
            CheckSymbol(yaml, endNode, end, elves, "the end of the measured region");
            if (begin is not null && end is not null)
            {
                measure = new MeasureSymbols(begin, end);
            }
        }
        return new UserElf(absolute, measure);
    }

    /// <summary>A measure symbol must be in every ELF it will run: a misspelt one is found now, with the symbols that look like it.</summary>
    private static void CheckSymbol(YamlReader yaml, YamlNode? node, string? symbol, IReadOnlyList<ElfFile> elves, string what)
    {
        if (node is null || symbol is null)
        {
            return;
        }
        foreach (var elf in elves.Where(e => e.FindSymbol(symbol) is null))
        {
            var alike = YamlReader.SuggestMany(symbol, elf.Symbols.Where(s => s.IsFunction).Select(s => s.Name).Concat(elf.Symbols.Select(s => s.Name)));
            yaml.Error(node, $"{elf.Path} has no symbol '{symbol}' ({what})" +
                             (alike.Count > 0 ? $"; symbols that look like it: {string.Join(", ", alike)}" : "; it has no symbol that looks like it (was it built with this code, and not stripped?)"));
        }
    }

    private BuiltInApp? App(YamlReader yaml, YamlNode node)
    {
        var app = yaml.String(node, "an app name");
        if (app is null)
        {
            return null;
        }
        if (app == TflmRunnerBuilder.App)
        {
            yaml.Error(node, $"'{app}' is built around a model: write 'model: path/to/model.tflite' instead of 'firmware: {app}'");
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
        yaml.RejectUnknownKeys(map, "upload", "seed", "workload", "kernel", "then", "bursts", "via");
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
            yaml.Error(thenNode!, $"unknown 'then' value '{thenText}'; expected one of: none, fault, hang, garbage, overflow");
        }
        var kernelNode = yaml.Optional(map, "kernel");
        var kernel = DiagKernel.Xorshift;
        if (yaml.String(kernelNode, "the workload's kernel") is { } kernelText && !Enum.TryParse(kernelText, ignoreCase: true, out kernel))
        {
            yaml.Error(kernelNode!, $"unknown kernel '{kernelText}'; expected one of: xorshift, loads, branches, divides");
        }
        var burstsNode = yaml.Optional(map, "bursts");
        var bursts = yaml.Count(burstsNode, "rounds of junk") ?? 1;
        if (burstsNode is not null && then != DiagFinale.Garbage)
        {
            yaml.Error(burstsNode, "'bursts' counts rounds of junk: it goes with 'then: garbage'");
        }
        else if (bursts is < 1 or > 100_000)
        {
            yaml.Error(burstsNode!, "bursts must be between 1 and 100000");
        }
        var viaNode = yaml.Optional(map, "via");
        var via = Link.UploadPath.Auto;
        if (yaml.String(viaNode, "the upload's path") is { } viaText && !Enum.TryParse(viaText, ignoreCase: true, out via))
        {
            yaml.Error(viaNode!, $"unknown upload path '{viaText}'; expected one of: auto (the harness chooses), uart, bulk (the emulator writes the board's memory)");
        }
        return new DiagPlan(upload, (uint)Math.Clamp(workload, 0, uint.MaxValue), then, kernel, (int)Math.Clamp(bursts, 1, 100_000), via);
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
}
