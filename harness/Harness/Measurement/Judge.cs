using Harness.Link;
using Harness.Models;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Measurement;

/// <summary>
/// The judge: a pure function from what was asked (the plan), what the device said (the observation)
/// and what the harness knows of the run (image, clock, budgets, host reference) to checks and figures.
/// No I/O, no emulator: every verdict can be tested in memory.
/// </summary>
public static partial class Judge
{
    public static Verdict Diag(DiagPlan plan, DiagObservation seen, JudgeContext run)
    {
        var checks = new List<Check>
        {
            new("link protocol", seen.HelloProtocol == Frame.ProtocolVersion, $"version {Frame.ProtocolVersion}", $"version {seen.HelloProtocol}"),
            new("upload checksum", seen.DeviceCrc == seen.SentCrc && seen.DeviceBytes == seen.SentBytes,
                $"CRC-32 0x{seen.SentCrc:x8} over {seen.SentBytes} B (host)", $"0x{seen.DeviceCrc:x8} over {seen.DeviceBytes} B (device){(seen.Upload is { } upload ? $", by {upload.Path}" : "")}"),
        };
        var expected = DiagClient.ExpectedWorkload(seen.WorkloadIterations, plan.Kernel);
        checks.Add(new Check("workload result", seen.WorkloadValue == expected, $"0x{expected:x8}", $"0x{seen.WorkloadValue:x8}"));
        var cycles = run.Clock.CyclesFrom(seen.WorkloadTicks, seen.Boot.Counter.CountsCoreCycles);
        checks.Add(CounterCheck(seen.Instructions, cycles, seen.Boot.Counter, run));
        if (seen.Finale is { } finale)
        {
            if (plan.Then == DiagFinale.Fault)
            {
                checks.Add(new Check("on-purpose fault", !finale.AnsweredInsteadOfFaulting, "a fault report", "the device answered instead of faulting"));
            }
            if (plan.Then == DiagFinale.Overflow)
            {
                checks.Add(new Check("stack overflow", !finale.AnsweredInsteadOfFaulting, "the stack guard's report", "the device answered: its stack guard missed the overflow"));
            }
            if (plan.Then == DiagFinale.Garbage)
            {
                var rounds = finale.Bursts > 1 ? $"; {finale.Answered} of {finale.Bursts} rounds answered" : "";
                checks.Add(new Check("resynchronised after junk", finale.GarbageSkipped > 0 && finale.AppAfterGarbage == seen.Boot.App && finale.Answered == finale.Bursts,
                    finale.Bursts > 1 ? $"junk skipped both ways, the link answering after each of {finale.Bursts} rounds" : "junk skipped both ways, link still answering",
                    $"{finale.GarbageSkipped} junk bytes skipped from the device; HELLO answered by '{finale.AppAfterGarbage}'{rounds}"));
            }
        }
        var figures = Figures.Of(run.Image, seen.Instructions, cycles, seen.Boot.Counter, seen.Stats.StackHighWater) with { Mix = seen.Mix, Estimate = Estimate(seen.Mix, run), Upload = seen.Upload };
        checks.AddRange(Budgets(run.Budgets, figures));
        return new Verdict(checks, figures);
    }

    public static Verdict Console(ConsoleExpectation expectation, ConsoleObservation seen, JudgeContext run)
    {
        var checks = new List<Check> { new("console", seen.Passed, $"a line matching {string.Join(" or ", expectation.Pass)}", seen.DecidingLine) };
        var figures = Figures.Of(run.Image, seen.Instructions);
        checks.AddRange(Budgets(run.Budgets, figures));
        return new Verdict(checks, figures);
    }

    /// <summary>TFLM says "Failed to resize buffer" when the arena is short (and other words for other failures); the hint names the knob that fixes it.</summary>
    static string ArenaHint(BootInfo boot, string tflmSays) =>
        boot.Status == "allocate-tensors-failed" && tflmSays.Contains("Failed to resize buffer", StringComparison.Ordinal)
            ? $" (the tensor arena{(boot.ArenaBytes is { } bytes ? $" of {bytes:N0} bytes" : "")} is too small for this model: raise it, 'arena:' in a scenario or arenaBytes in code, or leave it to the host's measure with 'arena: auto')"
            : "";

    /// <param name="features">Inputs whose features the board made itself (features: { on: board }), judged against the host's.</param>
    public static Verdict Model(ModelPlan plan, ModelObservation seen, HostReference host, IReadOnlyList<BoardFeatures> features, JudgeContext run)
    {
        var model = plan.Model;
        if (!seen.Boot.Ready)
        {
            return new Verdict([new Check("model set-up", false, "TFLM allocates the model's tensors", $"{seen.Boot.Status}: {seen.TflmSays}{ArenaHint(seen.Boot, seen.TflmSays)}")], Figures.Of(run.Image));
        }
        var described = TensorsAsDescribed(model.Inputs, model.Outputs, seen.InputTensors ?? [], seen.OutputTensors ?? []);
        if (!described.Passed || seen.Invoke is not { } invoke)
        {
            return new Verdict([described], Figures.Of(run.Image));
        }
        var checks = features.Select(f => AgainstGolden(f.Input, TensorData.DecodeRaw(model.Inputs[f.Input], host.Inputs[f.Input]),
            TensorData.DecodeRaw(model.Inputs[f.Input], f.Observation.Rows), f.Kernels, $"input {f.Input} features (board) vs host")).ToList();
        checks.Add(described);
        checks.Add(new Check("invoke", invoke.Ok, "Invoke() returns kTfLiteOk", invoke.Ok ? "kTfLiteOk" : $"an error: {seen.TflmSays}"));
        var counter = seen.Boot.Counter;
        var cycles = run.Clock.CyclesFrom(invoke.CounterTicks, counter.CountsCoreCycles);
        checks.Add(CounterCheck(seen.Instructions, cycles, counter, run));

        var outputs = seen.Outputs.Select((bytes, i) => new OutputValues(i, model.Outputs[i].ToString(),
            TensorData.DecodeRaw(model.Outputs[i], bytes), TensorData.Decode(model.Outputs[i], bytes))).ToList();
        var kernels = KernelSets.FromName(seen.Boot.Kernels) ?? KernelSet.Reference;
        if (outputs.Count == model.Outputs.Count)
        {
            checks.AddRange(plan.Outputs.SelectMany(expectation => Output(expectation, outputs[expectation.Index])));
            if (host.Golden is { } golden)
            {
                checks.AddRange(model.Outputs.Select((tensor, i) => AgainstGolden(i, TensorData.DecodeRaw(tensor, golden[i]), outputs[i].Raw, kernels)));
            }
        }
        var figures = Figures.Of(run.Image, seen.Instructions, cycles, counter, seen.Stats?.StackHighWater) with { Mix = seen.Mix, Estimate = Estimate(seen.Mix, run), Upload = seen.Upload };
        checks.AddRange(Budgets(run.Budgets, figures));
        var operators = seen.Profile.Select((p, i) => new OperatorCycles(i, p.Tag, run.Clock.CyclesFrom(p.Ticks, counter.CountsCoreCycles),
            seen.OperatorInstructions?[i], seen.OperatorMixes?[i]) { Estimate = Estimate(seen.OperatorMixes?[i], run) }).ToList();
        var featureRun = features.Select(f => new FeatureRun(f.Preprocessor, f.Input, f.Observation.Windows, f.Observation.WindowInstructions.Sum(),
            f.Observation.WindowInstructions.DefaultIfEmpty(0).Max(), f.FlashBytes, f.Observation.Stats.ArenaUsed, f.Kernels)).FirstOrDefault();
        var modelRun = new ModelRun(model.Path, seen.Boot.TflmCommit ?? "unknown", kernels, seen.Stats?.ArenaSize ?? seen.Boot.ArenaBytes ?? 0,
            seen.Stats?.ArenaUsed ?? seen.Boot.ArenaUsedBytes ?? 0, outputs, operators, seen.InvokeWallSeconds, featureRun);
        return new Verdict(checks, figures, modelRun);
    }

    private static Silicon.SiliconEstimate? Estimate(Silicon.InstructionMix? mix, JudgeContext run) =>
        mix is not null && run.Silicon is { } profile ? Silicon.SiliconEstimator.Estimate(mix, profile) : null;

    private static Check CounterCheck(long? instructions, long cycles, DeviceCounter counter, JudgeContext run) => instructions switch
    {
        null => new Check("instruction count", false, "a count from the emulator", "none arrived"),
        _ when run.Debugged => Check.NotJudged("counter vs emulator", "the firmware's counter agrees with the emulator's count",
            $"a debugger held the board, and its stops move the counter ({counter}: {cycles} cycles, {instructions} instructions)"),
        { } count => CounterAgreesWithEmulator(count, cycles, run.Clock, counter),
    };
}
