using Harness.Measurement;

namespace Harness.Baselines;

/// <summary>One output tensor as a baseline keeps it: the stored values and the reals they stand for.</summary>
public sealed record BaselineOutput(IReadOnlyList<double> Raw, IReadOnlyList<double> Values);

/// <summary>One operator as a baseline keeps it.</summary>
public sealed record BaselineOperator(int Index, string Op, long? Instructions, long Cycles);

/// <summary>
/// A board run's figures and outputs as recorded by harness baseline record, with the identity they were
/// measured with: what later runs of the same scenario on the same board and emulator are compared to.
/// </summary>
public sealed record Baseline(
    string Scenario,
    RunIdentity Identity,
    long? Instructions,
    long? Cycles,
    long FlashBytes,
    long StaticRamBytes,
    long? RamBytes,
    long? StackHighWaterBytes,
    long? ArenaUsedBytes,
    IReadOnlyDictionary<string, long> Sections,
    IReadOnlyList<BaselineOperator> Operators,
    IReadOnlyList<BaselineOutput> Outputs)
{
    /// <summary>The baseline of a passed run; null (with why) for a run that cannot be one.</summary>
    public static Baseline? From(string scenario, BoardResult run, out string? why)
    {
        why = run.Outcome != Outcome.Passed ? $"{run.Outcome.ToString().ToLowerInvariant()}: {run.Summary}"
            : run.Identity is null ? "no identity was recorded for this run" : null;
        if (why is not null)
        {
            return null;
        }
        var f = run.Figures;
        return new Baseline(scenario, run.Identity!, f.Instructions, f.Cycles, f.FlashBytes, f.StaticRamBytes, f.RamBytes, f.StackHighWaterBytes,
            run.Model?.ArenaUsedBytes, f.Sections, run.Model?.Operators.Select(o => new BaselineOperator(o.Index, o.Operator, o.Instructions, o.Cycles)).ToList() ?? [],
            run.Model?.Outputs.Select(o => new BaselineOutput(o.Raw, o.Values)).ToList() ?? []);
    }
}
