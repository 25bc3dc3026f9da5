using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Harness.Link;
using Harness.Measurement;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Reports;

/// <summary>
/// Reads a scenario's JSON report back into results, so the reports of several shards (CI jobs) can be
/// joined into the one set a single run of the whole suite writes (harness report merge).
/// </summary>
public static partial class ResultReader
{
    public static ScenarioResult Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        string Text(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        string? Maybe(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long? Long(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        double Double(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
        IEnumerable<JsonElement> Array(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];
        T Enum<T>(string text) where T : struct => System.Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

        var name = Text(root, "scenario");
        var emulator = Text(root, "emulator");
        var boards = new List<BoardResult>();
        foreach (var b in Array(root, "boards"))
        {
            var f = b.GetProperty("figures");
            var figures = new Figures(Long(f, "instructions"), Long(f, "cycles"), Maybe(f, "counter_source"), Long(f, "flash_bytes") ?? 0, Long(f, "static_ram_bytes") ?? 0,
                Long(f, "stack_high_water_bytes"), Long(f, "ram_bytes"), Double(f, "wall_seconds"), Double(f, "build_seconds"),
                f.TryGetProperty("build_from_cache", out var cached) && cached.GetBoolean())
            {
                Sections = f.TryGetProperty("sections", out var sections) && sections.ValueKind == JsonValueKind.Object
                    ? sections.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()) : new Dictionary<string, long>(),
                ModelBytes = Long(f, "model_bytes") ?? 0,
                ArenaBytes = Long(f, "arena_bytes") ?? 0,
                FlashCapacityBytes = Long(f, "flash_capacity_bytes") ?? 0,
                RamCapacityBytes = Long(f, "ram_capacity_bytes") ?? 0,
                Estimate = f.TryGetProperty("silicon_estimate", out var se) && se.ValueKind == JsonValueKind.Object ? Estimate(se) : null,
            };
            var checks = Array(b, "checks").Select(c => new Check(Text(c, "name"), c.GetProperty("passed").GetBoolean(), Text(c, "expected"), Text(c, "actual"))).ToList();
            ModelRun? model = null;
            if (b.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object)
            {
                FeatureRun? features = null;
                if (m.TryGetProperty("features_on_board", out var fe) && fe.ValueKind == JsonValueKind.Object)
                {
                    features = new FeatureRun(Text(fe, "preprocessor"), (int)(Long(fe, "input") ?? 0), (int)(Long(fe, "windows") ?? 0), Long(fe, "instructions_total") ?? 0,
                        Long(fe, "instructions_per_window_max") ?? 0, Long(fe, "flash_bytes") ?? 0, Long(fe, "arena_used_bytes") ?? 0, KernelSets.FromName(Text(fe, "kernels")) ?? KernelSet.Reference);
                }
                model = new ModelRun(Text(m, "file"), Text(m, "tflm_commit"), KernelSets.FromName(Text(m, "kernels")) ?? KernelSet.Reference, Long(m, "arena_bytes") ?? 0,
                    Long(m, "arena_used_bytes") ?? 0,
                    Array(m, "outputs").Select(o => new OutputValues((int)(Long(o, "index") ?? 0), Text(o, "tensor"),
                        Array(o, "raw").Select(v => v.GetDouble()).ToList(), Array(o, "values").Select(v => v.GetDouble()).ToList())).ToList(),
                    Array(m, "operators").Select(o => new OperatorCycles((int)(Long(o, "index") ?? 0), Text(o, "op"), Long(o, "cycles") ?? 0, Long(o, "instructions"))
                    {
                        // An operator's estimate keeps only its cycles: profile and clock are the run's.
                        Estimate = figures.Estimate is { } whole && o.TryGetProperty("silicon_estimate", out var oe) && oe.ValueKind == JsonValueKind.Object
                            ? whole with { Instructions = Long(o, "instructions") ?? 0, CoreCycles = Range(oe.GetProperty("cycles")), FlashCycles = Silicon.CycleRange.Zero, Microjoules = null }
                            : null,
                    }).ToList(),
                    Double(m, "invoke_wall_seconds"), features);
            }
            RunIdentity? identity = null;
            if (b.TryGetProperty("identity", out var id) && id.ValueKind == JsonValueKind.Object)
            {
                identity = new RunIdentity(Text(b, "board"), Text(b, "emulator"), Text(id, "emulator_version"), Text(id, "elf_sha256"), Maybe(id, "model_sha256"),
                    Text(id, "inputs_sha256"), Maybe(id, "tflm_commit"), Maybe(id, "kernels"), Text(id, "fingerprint"));
            }
            BaselineReport? baseline = null;
            if (b.TryGetProperty("baseline", out var bl) && bl.ValueKind == JsonValueKind.Object)
            {
                double? Number(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
                baseline = new BaselineReport(Text(bl, "path"), Maybe(bl, "not_comparable"),
                    Array(bl, "deltas").Select(d => new Delta(Text(d, "name"), Text(d, "unit"), Number(d, "then"), Number(d, "now"), Text(d, "allowed"),
                        Enum<DeltaKind>(Text(d, "kind")), Maybe(d, "note"))).ToList(), Maybe(bl, "baseline_fingerprint"));
            }
            boards.Add(new BoardResult(Text(b, "board"), Text(b, "emulator"), Enum<Outcome>(Text(b, "outcome")), Text(b, "summary"), checks, figures,
                Array(b, "console").Select(l => Line(l.GetString() ?? "")).ToList(), Maybe(b, "detail"), Maybe(b, "emulator_command"), Maybe(b, "firmware"),
                Maybe(b, "clock_model"), model) { Identity = identity, Baseline = baseline });
        }
        var suiteBoards = Array(root, "suite_boards").Select(e => e.GetString() ?? "").ToList();
        var scenario = new Scenario(name, Text(root, "source"), emulator, boards.Select(b => b.Board).ToList(), new BuiltInApp("reported"), null, null, Budgets.None,
            TimeSpan.Zero) { SuiteIndex = (int)(Long(root, "suite_index") ?? 0), SuiteBoards = suiteBoards.Count > 0 ? suiteBoards : null };
        return new ScenarioResult(scenario, boards);
    }

    private static Silicon.CycleRange Range(JsonElement e) =>
        new(e.GetProperty("low").GetDouble(), e.GetProperty("typical").GetDouble(), e.GetProperty("high").GetDouble());

    private static Silicon.SiliconEstimate Estimate(JsonElement e) => new(
        e.GetProperty("profile").GetString() ?? "",
        e.GetProperty("clock_hz").GetInt64(),
        e.GetProperty("instructions").GetInt64(),
        Range(e.GetProperty("core_cycles")),
        Range(e.GetProperty("flash_wait_cycles")),
        e.TryGetProperty("microjoules", out var uj) && uj.ValueKind == JsonValueKind.Object ? Range(uj) : null,
        e.TryGetProperty("assumptions", out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : []);

    /// <summary>"[   1.234s] uart    PASS" back into a console line.</summary>
    private static ConsoleLine Line(string text)
    {
        var match = LineForm().Match(text);
        return match.Success && Enum.TryParse<LineSource>(match.Groups["source"].Value, ignoreCase: true, out var source)
            ? new ConsoleLine(TimeSpan.FromSeconds(double.Parse(match.Groups["at"].Value, CultureInfo.InvariantCulture)), source, match.Groups["text"].Value)
            : new ConsoleLine(TimeSpan.Zero, LineSource.Link, text);
    }

    [GeneratedRegex(@"^\[\s*(?<at>[\d.]+)s\] (?<source>\w+)\s+(?<text>.*)$")]
    private static partial Regex LineForm();

    /// <summary>
    /// The scenarios of several shards' report folders as one suite: a scenario split across shards is
    /// joined, its boards in the order the suite named them, the scenarios in the suite's order.
    /// </summary>
    public static IReadOnlyList<ScenarioResult> Merge(IEnumerable<string> folders)
    {
        var parts = folders.SelectMany(folder => Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)).Select(Read).ToList();
        return parts.GroupBy(p => p.Scenario.Name)
            .Select(group =>
            {
                var first = group.First();
                var order = (first.Scenario.SuiteBoards ?? group.SelectMany(g => g.Boards.Select(b => b.Board)).Distinct()).ToList();
                var boards = group.SelectMany(g => g.Boards).GroupBy(b => b.Board).Select(g => g.First())
                    .OrderBy(b => order.IndexOf(b.Board) is var i && i < 0 ? int.MaxValue : i).ToList();
                return new ScenarioResult(first.Scenario with { Boards = boards.Select(b => b.Board).ToList() }, boards);
            })
            .OrderBy(r => r.Scenario.SuiteIndex)
            .ThenBy(r => r.Scenario.Name, StringComparer.Ordinal)
            .ToList();
    }
}
