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
public sealed class ScenarioParser(BoardCatalog boards, IReadOnlyList<string> apps, string? emulatorOverride = null)
{
    private static readonly string[] TopLevelKeys = ["name", "emulator", "boards", "board", "firmware", "diag", "console", "expect", "timeout",
        "model", "kernels", "arena", "inputs", "outputs"];
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
        var named = yaml.String(emulatorNode, "an emulator name");
        if (emulatorNode is not null && named is not null && !EmulatorRegistry.Names.Contains(named))
        {
            yaml.Error(emulatorNode, $"unknown emulator '{named}'; expected one of: {string.Join(", ", EmulatorRegistry.Names)}");
        }
        var emulator = emulatorOverride ?? named ?? "qemu";
        var boardIds = ParseBoards(yaml, root, emulator);
        var (modelFirmware, model) = ParseModel(yaml, root, directory);
        var firmware = modelFirmware ?? ParseFirmware(yaml, root, directory, boardIds);
        var diag = ParseDiag(yaml, root, directory, firmware);
        var console = ParseConsole(yaml, root, firmware);
        var budgets = ParseBudgets(yaml, yaml.Mapping(yaml.Optional(root, "expect"), "expectations"));
        var timeout = yaml.Duration(yaml.Optional(root, "timeout"), "timeout (wall-clock time per board)") ?? DefaultTimeout;
        var goldenNode = yaml.Optional(yaml.Mapping(yaml.Optional(root, "expect"), "expectations"), "golden");
        if (goldenNode is not null)
        {
            if (yaml.String(goldenNode, "host") != "host")
            {
                yaml.Error(goldenNode, "golden: the only golden reference is 'host' (the same runner on this machine, TFLM reference kernels)");
            }
            else if (model is null)
            {
                yaml.Error(goldenNode, "golden: host compares a model's outputs: it needs 'model:'");
            }
            else
            {
                model = model with { GoldenHost = true };
            }
        }
        yaml.ThrowIfErrors();
        return new Scenario(name, yaml.File, emulator, boardIds, firmware!, diag, console, budgets, timeout, model);
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

    /// <summary>model:, kernels:, arena:, inputs:, outputs: — the model is read now, so a bad file or input stops the run before any build.</summary>
    private static (ModelFirmware?, ModelPlan?) ParseModel(YamlReader yaml, YamlMappingNode? root, string directory)
    {
        var modelNode = yaml.Optional(root, "model");
        if (modelNode is null)
        {
            foreach (var key in new[] { "kernels", "arena", "inputs", "outputs" })
            {
                if (yaml.Optional(root, key) is { } stray)
                {
                    yaml.Error(stray, $"'{key}' belongs to a model scenario: add 'model: path/to/model.tflite'");
                }
            }
            return (null, null);
        }
        if (yaml.Optional(root, "firmware") is { } firmwareNode)
        {
            yaml.Error(firmwareNode, "a model scenario builds the TFLM runner around the model: give 'model' or 'firmware', not both");
        }
        var path = yaml.String(modelNode, "a path to a .tflite file");
        if (path is null)
        {
            return (null, null);
        }
        path = Path.GetFullPath(Path.Combine(directory, path));
        TfliteModel model;
        try
        {
            model = TfliteModel.Read(path);
        }
        catch (ModelException e)
        {
            yaml.Error(modelNode, e.Message);
            return (null, null);
        }
        var kernelsNode = yaml.Optional(root, "kernels");
        var kernels = yaml.String(kernelsNode, "a kernel set") switch
        {
            null or "reference" => KernelSet.Reference,
            "cmsis-nn" or "cmsis_nn" => KernelSet.CmsisNn,
            var other => Invalid(kernelsNode!, $"unknown kernel set '{other}'; expected reference or cmsis-nn"),
        };
        var arenaNode = yaml.Optional(root, "arena");
        long? arena = yaml.String(arenaNode, "an arena size or auto") is null or "auto" ? null : yaml.Bytes(arenaNode, "arena");

        var inputs = new List<TensorSource>();
        var inputNodes = yaml.List(yaml.Optional(root, "inputs"), "inputs, one per input tensor");
        if (inputNodes.Count != model.Inputs.Count)
        {
            yaml.Error((YamlNode?)yaml.Optional(root, "inputs") ?? root!, $"the model has {model.Inputs.Count} input tensor(s) ({string.Join("; ", model.Inputs)}); give one entry each under 'inputs'");
        }
        foreach (var (node, tensor) in inputNodes.Zip(model.Inputs))
        {
            if (ParseInput(yaml, node, directory) is not { } source)
            {
                continue;
            }
            try
            {
                if (source is AudioFeatures features)
                {
                    features.Layout(tensor);
                }
                else
                {
                    TensorData.Encode(tensor, source);
                }
                inputs.Add(source);
            }
            catch (Exception e) when (e is ModelException or IOException)
            {
                yaml.Error(node, e.Message);
            }
        }
        var outputs = new List<OutputExpectation>();
        var outputNodes = yaml.List(yaml.Optional(root, "outputs"), "expectations, one per output tensor");
        if (outputNodes.Count > model.Outputs.Count)
        {
            yaml.Error(yaml.Optional(root, "outputs")!, $"the model has {model.Outputs.Count} output tensor(s); {outputNodes.Count} expectations given");
        }
        foreach (var (node, index) in outputNodes.Select((n, i) => (n, i)).Take(model.Outputs.Count))
        {
            var map = yaml.Mapping(node, "an output expectation: { values: [...], tolerance: 0.05 } or { raw: [...] } or { top1: N }");
            yaml.RejectUnknownKeys(map, "values", "tolerance", "relative_tolerance", "raw", "top1", "labels");
            var values = yaml.Optional(map, "values") is { } v ? yaml.List(v, "values").Select(x => yaml.Real(x, "a value") ?? 0).ToList() : null;
            var raw = yaml.Optional(map, "raw") is { } r ? yaml.List(r, "raw values").Select(x => yaml.Integer(x, "a stored value") ?? 0).ToList() : null;
            var tolerance = yaml.Real(yaml.Optional(map, "tolerance"), "an absolute tolerance") ?? 0;
            var relative = yaml.Real(yaml.Optional(map, "relative_tolerance"), "a relative tolerance (0.01 = 1 %)") ?? 0;
            foreach (var (value, key) in new[] { (tolerance, "tolerance"), (relative, "relative_tolerance") })
            {
                if (value < 0)
                {
                    yaml.Error(yaml.Optional(map, key)!, $"{key} cannot be negative");
                }
            }
            var tensor = model.Outputs[index];
            var labelsNode = yaml.Optional(map, "labels");
            var labels = labelsNode is null ? null : yaml.List(labelsNode, "class names, one per output value").Select(x => yaml.String(x, "a class name") ?? "").ToList();
            if (labels is not null && labels.Count != tensor.ElementCount)
            {
                yaml.Error(labelsNode!, $"output {index} {tensor} has {tensor.ElementCount} classes; {labels.Count} labels given");
            }
            int? top1 = null;
            if (yaml.Optional(map, "top1") is YamlScalarNode topNode)
            {
                var named = labels?.IndexOf(topNode.Value ?? "") ?? -1;
                if (named >= 0)
                {
                    top1 = named;
                }
                else if (long.TryParse(topNode.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    top1 = (int)number;
                }
                else
                {
                    yaml.Error(topNode, labels is null
                        ? $"top1 '{topNode.Value}' is not a class index; give an index, or name the classes under 'labels'"
                        : $"top1 '{topNode.Value}' is none of the labels ({string.Join(", ", labels)})");
                }
            }
            else if (yaml.Optional(map, "top1") is { } badTop)
            {
                yaml.Error(badTop, "top1 takes a class index or a label");
            }
            foreach (var (list, key) in new[] { (values?.Count, "values"), (raw?.Count, "raw") })
            {
                if (list is { } count && count != tensor.ElementCount)
                {
                    yaml.Error(yaml.Optional(map, key)!, $"output {index} {tensor} has {tensor.ElementCount} values; {count} given");
                }
            }
            if (top1 is { } top && (top < 0 || top >= tensor.ElementCount))
            {
                yaml.Error(yaml.Optional(map, "top1")!, $"output {index} {tensor} has classes 0..{tensor.ElementCount - 1}");
            }
            outputs.Add(new OutputExpectation(index, values, tolerance, raw, top1, labels, relative));
        }
        return (new ModelFirmware(path, kernels, arena), new ModelPlan(model, inputs, outputs));

        KernelSet Invalid(YamlNode node, string message)
        {
            yaml.Error(node, message);
            return KernelSet.Reference;
        }
    }

    private static TensorSource? ParseInput(YamlReader yaml, YamlNode node, string directory)
    {
        var map = yaml.Mapping(node, "an input: { values: [...] }, { npy: file }, { raw: file }, { bmp: file }, { wav: file } or { features: {...} }");
        yaml.RejectUnknownKeys(map, "values", "npy", "raw", "bmp", "wav", "features");
        if (map is null || map.Children.Count != 1)
        {
            if (map is not null)
            {
                yaml.Error(map, "an input takes exactly one of values, npy, raw, bmp, wav or features");
            }
            return null;
        }
        var (key, value) = map.Children.First();
        var kind = ((YamlScalarNode)key).Value;
        if (kind == "values")
        {
            return new InlineValues(yaml.List(value, "values").Select(x => yaml.Real(x, "a value") ?? 0).ToList());
        }
        if (kind == "features")
        {
            return ParseFeatures(yaml, value, directory);
        }
        return ExistingFile(yaml, value, directory, "input file") is not { } full
            ? null
            : kind switch { "npy" => new NpyFile(full), "raw" => new RawFile(full), "wav" => new WavFile(full), _ => new BmpFile(full) };
    }

    /// <summary>features: { model: preprocessor.tflite, audio: clip.wav, stride_ms: 20 }</summary>
    private static AudioFeatures? ParseFeatures(YamlReader yaml, YamlNode node, string directory)
    {
        var map = yaml.Mapping(node, "features: { model: preprocessor.tflite, audio: clip.wav, stride_ms: 20, on: host }");
        yaml.RejectUnknownKeys(map, "model", "audio", "stride_ms", "on");
        var onNode = yaml.Optional(map, "on");
        var where = yaml.String(onNode, "where the preprocessor runs: host or board");
        if (where is not (null or "host" or "board"))
        {
            yaml.Error(onNode!, $"unknown 'on: {where}'; the preprocessor runs on the host (default) or on the board");
        }
        var onBoard = where == "board";
        var modelNode = yaml.Required(map, "model", "the preprocessor model (.tflite) that turns a window of audio into a row of features");
        var audioNode = yaml.Required(map, "audio", "a mono 16-bit PCM .wav file");
        var strideNode = yaml.Optional(map, "stride_ms");
        var stride = yaml.Integer(strideNode, "the stride between windows in milliseconds") ?? DefaultFeatureStrideMs;
        if (stride <= 0)
        {
            yaml.Error(strideNode!, "stride_ms must be a positive number of milliseconds");
        }
        var modelPath = modelNode is null ? null : ExistingFile(yaml, modelNode, directory, "preprocessor model");
        var audioPath = audioNode is null ? null : ExistingFile(yaml, audioNode, directory, "audio file");
        if (modelPath is null || audioPath is null)
        {
            return null;
        }
        try
        {
            return new AudioFeatures(TfliteModel.Read(modelPath), audioPath, (int)stride, onBoard);
        }
        catch (ModelException e)
        {
            yaml.Error(modelNode!, e.Message);
            return null;
        }
    }

    /// <summary>The stride of TFLM's micro_speech features (30 ms windows every 20 ms).</summary>
    public const int DefaultFeatureStrideMs = 20;

    private static string? ExistingFile(YamlReader yaml, YamlNode node, string directory, string what)
    {
        var file = yaml.String(node, "a file path");
        if (file is null)
        {
            return null;
        }
        var full = Path.GetFullPath(Path.Combine(directory, file));
        if (!File.Exists(full))
        {
            yaml.Error(node, $"{what} not found: {full}");
            return null;
        }
        return full;
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
        foreach (var board in boardIds)
        {
            var path = absolute.Replace("{board}", board);
            if (!File.Exists(path))
            {
                yaml.Error(elfNode!, $"ELF file not found: {path}");
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
        yaml.RejectUnknownKeys(expect, "instructions", "cycles", "flash", "ram", "stack", "golden");
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
