using System.Globalization;
using System.Text;
using Harness.Measurement;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Baselines;

/// <summary>
/// A baseline as a file meant for code review: YAML, one figure per line, a stable order, so a pull
/// request that changes a model's cost shows it as a diff. One file per scenario × board × emulator:
/// &lt;dir&gt;/&lt;scenario&gt;/&lt;board&gt;.&lt;emulator&gt;.yaml.
/// </summary>
public static class BaselineFile
{
    public static string PathFor(string directory, string scenario, string board, string emulator) =>
        Path.Combine(directory, scenario, $"{board}.{emulator}.yaml");

    public static string Render(Baseline baseline)
    {
        var id = baseline.Identity;
        var text = new StringBuilder();
        text.AppendLine($"# Baseline of '{baseline.Scenario}' on {id.Board} ({id.Emulator}), written by 'harness baseline record'.");
        text.AppendLine("# Commit it beside the scenario: 'harness run --baselines DIR' compares every later run with it.");
        void Line(string key, object? value, int indent = 0)
        {
            if (value is not null)
            {
                text.Append(' ', indent).Append(key).Append(": ").AppendLine(Scalar(value));
            }
        }
        Line("scenario", baseline.Scenario);
        Line("board", id.Board);
        Line("emulator", id.Emulator);
        Line("emulator_version", id.EmulatorVersion);
        Line("tflm_commit", id.TflmCommit);
        Line("kernels", id.Kernels);
        Line("elf_sha256", id.ElfSha256);
        Line("model_sha256", id.ModelSha256);
        Line("inputs_sha256", id.InputsSha256);
        Line("fingerprint", id.Fingerprint);
        text.AppendLine("figures:");
        Line("instructions", baseline.Instructions, 2);
        Line("cycles", baseline.Cycles, 2);
        Line("flash_bytes", baseline.FlashBytes, 2);
        Line("static_ram_bytes", baseline.StaticRamBytes, 2);
        Line("ram_bytes", baseline.RamBytes, 2);
        Line("stack_high_water_bytes", baseline.StackHighWaterBytes, 2);
        Line("arena_used_bytes", baseline.ArenaUsedBytes, 2);
        if (baseline.Sections.Count > 0)
        {
            text.AppendLine("sections:");
            foreach (var (name, bytes) in baseline.Sections.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                Line($"\"{name}\"", bytes, 2);
            }
        }
        if (baseline.Operators.Count > 0)
        {
            text.AppendLine("operators:                       # index, operator, instructions, cycles");
            foreach (var op in baseline.Operators)
            {
                text.AppendLine($"  - [{op.Index}, {Scalar(op.Op)}, {Scalar(op.Instructions)}, {Scalar(op.Cycles)}]");
            }
        }
        if (baseline.Outputs.Count > 0)
        {
            text.AppendLine("outputs:");
            foreach (var output in baseline.Outputs)
            {
                text.AppendLine($"  - raw: [{string.Join(", ", output.Raw.Select(Number))}]");
                text.AppendLine($"    values: [{string.Join(", ", output.Values.Select(Number))}]");
            }
        }
        return text.ToString();
    }

    public static async Task WriteAsync(string path, Baseline baseline, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, Render(baseline), cancellationToken);
    }

    /// <summary>Reads a baseline file; a broken one throws with file:line:col, like every other input.</summary>
    public static Baseline Read(string path) => Parse(YamlReader.Load(path));

    public static Baseline Parse(YamlReader yaml)
    {
        var root = yaml.Mapping(yaml.Root, "a baseline");
        yaml.RejectUnknownKeys(root, "scenario", "board", "emulator", "emulator_version", "tflm_commit", "kernels", "elf_sha256", "model_sha256",
            "inputs_sha256", "fingerprint", "figures", "sections", "operators", "outputs");
        string Text(string key) => yaml.String(yaml.Required(root, key, key), key) ?? "";
        string? Maybe(string key) => yaml.String(yaml.Optional(root, key), key);
        var figures = yaml.Mapping(yaml.Required(root, "figures", "the run's figures"), "figures");
        yaml.RejectUnknownKeys(figures, "instructions", "cycles", "flash_bytes", "static_ram_bytes", "ram_bytes", "stack_high_water_bytes", "arena_used_bytes");
        long? Figure(string key) => yaml.Integer(yaml.Optional(figures, key), key);
        var sections = new Dictionary<string, long>();
        if (yaml.Mapping(yaml.Optional(root, "sections"), "bytes per section") is { } sectionMap)
        {
            foreach (var (key, value) in sectionMap.Children)
            {
                if (key is YamlScalarNode { Value: { } name } && yaml.Integer(value, "bytes") is { } bytes)
                {
                    sections[name] = bytes;
                }
            }
        }
        var operators = new List<BaselineOperator>();
        foreach (var node in yaml.List(yaml.Optional(root, "operators"), "operators: [index, operator, instructions, cycles]"))
        {
            var fields = yaml.List(node, "[index, operator, instructions, cycles]");
            if (fields.Count != 4)
            {
                yaml.Error(node, "an operator is [index, operator, instructions, cycles]");
                continue;
            }
            operators.Add(new BaselineOperator((int)(yaml.Integer(fields[0], "an index") ?? 0), yaml.String(fields[1], "an operator") ?? "",
                yaml.Integer(fields[2], "instructions"), yaml.Integer(fields[3], "cycles") ?? 0));
        }
        var outputs = new List<BaselineOutput>();
        foreach (var node in yaml.List(yaml.Optional(root, "outputs"), "outputs: { raw: [...], values: [...] }"))
        {
            var map = yaml.Mapping(node, "an output: { raw: [...], values: [...] }");
            yaml.RejectUnknownKeys(map, "raw", "values");
            IReadOnlyList<double> Values(string key) => yaml.List(yaml.Required(map, key, key), key).Select(v => yaml.Real(v, "a value") ?? 0).ToList();
            outputs.Add(new BaselineOutput(Values("raw"), Values("values")));
        }
        var identity = new RunIdentity(Text("board"), Text("emulator"), Text("emulator_version"), Text("elf_sha256"), Maybe("model_sha256"),
            Text("inputs_sha256"), Maybe("tflm_commit"), Maybe("kernels"), Text("fingerprint"));
        var baseline = new Baseline(Text("scenario"), identity, Figure("instructions"), Figure("cycles"), Figure("flash_bytes") ?? 0, Figure("static_ram_bytes") ?? 0,
            Figure("ram_bytes"), Figure("stack_high_water_bytes"), Figure("arena_used_bytes"), sections, operators, outputs);
        yaml.ThrowIfErrors();
        return baseline;
    }

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        string s when s.Length == 0 || s.IndexOfAny([':', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`']) >= 0 || s != s.Trim()
            => $"\"{s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"",
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
