using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Measurement;
using Harness.Silicon;

namespace Harness.Reports;

/// <summary>Machine-readable results: one JSON document per scenario, every figure with its unit in the name.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>A mix as JSON: the count of each class that occurred, then the registers moved and the branches not taken.</summary>
    private static object? Mix(Silicon.InstructionMix? mix) => mix is null ? null : new
    {
        total = mix.Total,
        classes = mix.ByName(),
        registers = Silicon.TimingClasses.All.Where(c => c.CountsRegisters() && mix.RegistersOf(c) != 0).ToDictionary(c => c.Key(), mix.RegistersOf),
        conditional_branches_taken = mix.TakenConditional,
        conditional_branches_not_taken = mix.NotTakenOf(Silicon.TimingClass.BranchConditional),
    };

    private static object Range(Silicon.CycleRange r, int digits) => new { low = Math.Round(r.Low, digits), typical = Math.Round(r.Typical, digits), high = Math.Round(r.High, digits) };

    /// <summary>An estimate as JSON: cycles (core and flash), time and energy as ranges, and the assumptions they rest on.</summary>
    private static object? Estimate(Silicon.SiliconEstimate? e) => e is null ? null : new
    {
        estimated = true,
        profile = e.Profile,
        clock_hz = e.ClockHz,
        instructions = e.Instructions,
        cycles = Range(e.Cycles, 0),
        core_cycles = Range(e.CoreCycles, 0),
        flash_wait_cycles = Range(e.FlashCycles, 0),
        cycles_per_instruction = Math.Round(e.Cpi, 3),
        milliseconds = Range(e.Milliseconds, 4),
        microjoules = e.Microjoules is { } uj ? Range(uj, 2) : null,
        assumptions = e.Assumptions,
    };

    public static string Render(ScenarioResult result) => JsonSerializer.Serialize(new
    {
        scenario = result.Scenario.Name,
        source = result.Scenario.SourceFile,
        emulator = result.Scenario.Emulator,
        passed = result.Passed,
        suite_index = result.Scenario.SuiteIndex,
        suite_boards = result.Scenario.SuiteBoards ?? result.Scenario.Boards,
        boards = result.Boards.Select(b => new
        {
            board = b.Board,
            emulator = b.Emulator,
            outcome = b.Outcome,
            summary = b.Summary,
            detail = b.Detail,
            figures = new
            {
                instructions = b.Figures.Instructions,
                cycles = b.Figures.Cycles,
                counter_source = b.Figures.CounterSource,
                flash_bytes = b.Figures.FlashBytes,
                static_ram_bytes = b.Figures.StaticRamBytes,
                stack_high_water_bytes = b.Figures.StackHighWaterBytes,
                ram_bytes = b.Figures.RamBytes,
                wall_seconds = Math.Round(b.Figures.WallSeconds, 3),
                build_seconds = Math.Round(b.Figures.BuildSeconds, 3),
                build_from_cache = b.Figures.BuildFromCache,
                sections = b.Figures.Sections.Count > 0 ? b.Figures.Sections : null,
                model_bytes = b.Figures.ModelBytes,
                arena_bytes = b.Figures.ArenaBytes,
                flash_capacity_bytes = b.Figures.FlashCapacityBytes,
                ram_capacity_bytes = b.Figures.RamCapacityBytes,
                instruction_mix = Mix(b.Figures.Mix),
                silicon_estimate = Estimate(b.Figures.Estimate),
                upload = b.Figures.Upload is not { } u ? null : new
                {
                    path = u.Path,
                    bytes = u.Bytes,
                    seconds = Math.Round(u.Elapsed.TotalSeconds, 4),
                    bytes_per_second = Math.Round(u.BytesPerSecond),
                },
            },
            checks = b.Checks,
            model = b.Model is not { } m ? null : new
            {
                file = m.Model,
                tflm_commit = m.TflmCommit,
                kernels = m.Kernels,
                arena_bytes = m.ArenaBytes,
                arena_used_bytes = m.ArenaUsedBytes,
                invoke_wall_seconds = Math.Round(m.InvokeWallSeconds, 3),
                outputs = m.Outputs.Select(o => new { index = o.Index, tensor = o.Tensor, raw = o.Raw, values = o.Values }),
                operators = m.Operators.Select(o => new { index = o.Index, op = o.Operator, instructions = o.Instructions, cycles = o.Cycles, instruction_mix = Mix(o.Mix), silicon_estimate = o.Estimate is { } e ? new { cycles = Range(e.Cycles, 0), milliseconds = Range(e.Milliseconds, 4) } : null }),
                features_on_board = m.Features is not { } f ? null : new
                {
                    preprocessor = f.Model,
                    input = f.Input,
                    windows = f.Windows,
                    kernels = f.Kernels,
                    instructions_total = f.TotalInstructions,
                    instructions_per_window_mean = f.MeanWindowInstructions,
                    instructions_per_window_max = f.MaxWindowInstructions,
                    flash_bytes = f.FlashBytes,
                    arena_used_bytes = f.ArenaUsedBytes,
                },
            },
            identity = b.Identity is not { } id ? null : new
            {
                fingerprint = id.Fingerprint,
                emulator_version = id.EmulatorVersion,
                elf_sha256 = id.ElfSha256,
                model_sha256 = id.ModelSha256,
                inputs_sha256 = id.InputsSha256,
                tflm_commit = id.TflmCommit,
                kernels = id.Kernels,
            },
            baseline = b.Baseline is not { } baseline ? null : new
            {
                path = baseline.Path,
                not_comparable = baseline.NotComparable,
                baseline_fingerprint = baseline.BaselineFingerprint,
                regressed = baseline.Regressed,
                deltas = baseline.Deltas.Select(d => new
                {
                    name = d.Name,
                    unit = d.Unit,
                    then = d.Then,
                    now = d.Now,
                    percent = d.Percent is { } p ? Math.Round(p, 4) : (double?)null,
                    allowed = d.Allowed,
                    kind = d.Kind,
                    note = d.Note,
                }),
            },
            clock_model = b.ClockModel,
            firmware = b.Firmware,
            emulator_command = b.CommandLine,
            console = b.Console.Select(l => l.ToString()),
        }),
    }, Options);

    public static async Task<string> WriteAsync(ScenarioResult result, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{result.Scenario.Name}.json");
        await File.WriteAllTextAsync(path, Render(result), cancellationToken);
        return path;
    }
}
