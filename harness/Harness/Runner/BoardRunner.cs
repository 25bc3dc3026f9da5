using System.Diagnostics;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;
using Harness.Models;
using Harness.Scenarios;

namespace Harness.Runner;

/// <summary>
/// One scenario on one board, left to right: firmware image → (host reference) → emulator session and
/// link driver → observation → judge → result. Every way a run can end (pass, failed check, fault,
/// hang, emulator crash, bad input, a bug in the harness) becomes a result with the reason and the
/// console transcript; nothing waits past the scenario's timeout, nothing escapes as an exception.
/// </summary>
/// <param name="gdbPort">When set, the emulator waits for a debugger on this port and the scenario's timeout is off.</param>
/// <param name="baselines">When set, every run is compared with its stored baseline in this folder (the regression gate).</param>
public sealed class BoardRunner(FirmwareResolver firmware, SessionPool pool, IEmulator emulator, string workRoot, int? gdbPort, HostComputations host,
    string? baselines = null)
{
    private readonly BoardStep step = new(pool, emulator, workRoot, gdbPort);

    public async Task<BoardResult> RunAsync(Scenario scenario, BoardDescription board, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var transcript = new ConsoleTranscript();
        var wall = Stopwatch.StartNew();
        var report = Prefixed(progress, $"{scenario.Name} on {board.Id}");
        var stage = "firmware";
        FirmwareImage? image = null;
        BoardResult Result(Outcome outcome, string summary, string? detail = null, string? commandLine = null, string? clock = null,
            IReadOnlyList<Check>? checks = null, Figures? figures = null, ModelRun? model = null, FirmwareImage? ran = null) =>
            new(board.Id, scenario.Emulator, outcome, OneLine(summary), checks ?? [],
                (figures ?? ((ran ?? image) is { } i ? Figures.Of(i) : Figures.Empty)) with { WallSeconds = wall.Elapsed.TotalSeconds },
                transcript.Lines, summary.Contains('\n') ? $"{summary}{Environment.NewLine}{detail}".Trim() : detail, commandLine, (ran ?? image)?.ElfPath, clock, model);
        try
        {
            report.Report("firmware");
            image = await firmware.ResolveAsync(scenario.Firmware, board, progress, cancellationToken);
            if (FirmwareResolver.DoesNotFit(image) is { } problem)
            {
                return Result(Outcome.Failed, $"does not fit: {problem}");
            }
            HostReference? reference = null;
            if (scenario.Model is { } plan)
            {
                // Shared by every board of the scenario, and not part of a board's timeout: the host TFLM
                // library it may have to build first takes minutes.
                stage = plan.GoldenHost ? "host golden run" : "input tensors";
                reference = await host.ReferenceAsync(scenario, report, cancellationToken);
            }
            stage = "run";
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (gdbPort is null)
            {
                timeout.CancelAfter(scenario.Timeout);
            }
            var window = new RunWindow(timeout.Token, cancellationToken, gdbPort is null ? scenario.Timeout : null, gdbPort is null ? scenario.EmulatedTimeout : null);
            var run = await RunOnBoardAsync(scenario, image, reference, transcript, window, report);
            var verdict = run.Verdict;
            var judged = Result(Outcome.Passed, "", null, run.CommandLine, run.Clock.Description, verdict.Checks, verdict.Figures, verdict.Model) with { Identity = run.Identity };
            if (baselines is not null)
            {
                stage = "baseline";
                judged = AgainstBaseline(scenario, judged, baselines);
            }
            var failed = judged.Checks.Where(c => !c.Passed).ToList();
            return judged with
            {
                Outcome = failed.Count == 0 ? Outcome.Passed : Outcome.Failed,
                Summary = OneLine(failed.Count == 0
                    ? $"all {judged.Checks.Count} checks passed"
                    : string.Join("; ", failed.Select(c => $"{c.Name}: expected {c.Expected}, got {c.Actual}"))),
            };
        }
        catch (BoardRunFailure failure)
        {
            return Result(failure.Outcome, failure.Message, failure.Detail, failure.CommandLine, failure.Clock, ran: failure.Image);
        }
        catch (HarnessException e)
        {
            return Result(e.Outcome, stage == "run" ? e.Message : $"{stage}: {e.Message}", transcript.Lines.Count > 0 ? transcript.Tail() : null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(Outcome.NotRun, $"interrupted (the run was cancelled) during the {stage} step", transcript.Lines.Count > 0 ? transcript.Tail() : null);
        }
        catch (Exception e)
        {
            return Result(Outcome.Error, HarnessBug.Record(e, $"running {scenario.Name} on {board.Id} ({stage} step)"), transcript.Lines.Count > 0 ? transcript.Tail() : null);
        }
    }

    /// <summary>A summary is one line (CI shows one per failure): a message of several lines is joined, and kept whole in the detail.</summary>
    private static string OneLine(string text)
    {
        const int Longest = 400;
        var joined = string.Join(" | ", text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        return joined.Length <= Longest ? joined : joined[..(Longest - 1)] + "…";
    }

    private sealed record BoardRun(Verdict Verdict, ClockModel Clock, string CommandLine, RunIdentity Identity);

    /// <summary>The regression gate: the run's figures against the baseline stored for this scenario, board and emulator.</summary>
    private static BoardResult AgainstBaseline(Scenario scenario, BoardResult run, string directory)
    {
        var path = Baselines.BaselineFile.PathFor(directory, scenario.Name, run.Board, run.Emulator);
        Baselines.Baseline? baseline = null;
        if (File.Exists(path))
        {
            try
            {
                baseline = Baselines.BaselineFile.Read(path);
            }
            catch (Yaml.YamlInputException e)
            {
                var broken = new Check("baseline", false, "a readable baseline", $"{path} is broken: {e.Errors.FirstOrDefault()}");
                return run with { Checks = [.. run.Checks, broken], Baseline = new BaselineReport(path, broken.Actual, [], null) };
            }
        }
        var (report, checks) = Baselines.BaselineComparison.Compare(baseline, run, scenario.Regress, path);
        return run with { Checks = [.. run.Checks, .. checks], Baseline = report };
    }

    /// <summary>The scenario's silicon part where it names one (the parser checked its core), else the board's own.</summary>
    private static Silicon.SiliconProfile? SiliconOf(Scenario scenario, FirmwareImage image) =>
        scenario.Silicon is { } part ? image.Board.Silicon?.As(part) : image.Board.Silicon;

    private static string Sha256OfFile(string path) => RunIdentity.Sha256(File.ReadAllBytes(path));

    private async Task<BoardRun> RunOnBoardAsync(Scenario scenario, FirmwareImage image, HostReference? reference, ConsoleTranscript transcript,
        RunWindow window, IProgress<string> report)
    {
        var debugged = gdbPort is not null;
        var label = $"{scenario.Name}-{image.Board.Id}";
        if (scenario.Model is { } plan)
        {
            var features = await BoardFeaturesAsync(plan, image.Board, label, transcript, window, report);
            var inputs = reference!.Inputs.ToArray();
            foreach (var made in features)
            {
                inputs[made.Input] = made.Observation.Rows;
            }
            report.Report(emulator.Name);
            var run = await step.RunAsync(image, label, transcript,
                (link, watch, token) => ModelDriver.RunAsync(link, watch, plan.Model, inputs, report, token), window, report);
            var context = new JudgeContext(image, run.Clock, scenario.Budgets, debugged) { Silicon = SiliconOf(scenario, image) };
            var seen = run.Observation;
            var identity = RunIdentity.Of(image.Board.Id, emulator.Name, run.Version, Sha256OfFile(image.ElfPath), plan.Model.Sha256, RunIdentity.Sha256(inputs),
                seen.Boot.TflmCommit, seen.Boot.Kernels, seen.Instructions, string.Join(";", seen.Outputs.Select(Convert.ToHexString)));
            return new BoardRun(Judge.Model(plan, seen, reference, features, context), run.Clock, run.CommandLine, identity);
        }
        if (scenario.Diag is { } diag && image.SpeaksLink)
        {
            report.Report(emulator.Name);
            var run = await step.RunAsync(image, label, transcript, (link, watch, token) => DiagDriver.RunAsync(link, watch, diag, report, token), window, report);
            var seen = run.Observation;
            var identity = RunIdentity.Of(image.Board.Id, emulator.Name, run.Version, Sha256OfFile(image.ElfPath), null, RunIdentity.Sha256(diag.Upload.Bytes()),
                null, null, seen.Instructions, $"workload {seen.WorkloadValue:x8} crc {seen.DeviceCrc:x8}");
            return new BoardRun(Judge.Diag(diag, seen, new JudgeContext(image, run.Clock, scenario.Budgets, debugged) { Silicon = SiliconOf(scenario, image) }), run.Clock, run.CommandLine, identity);
        }
        var expectation = scenario.Console ?? throw new HarnessException($"scenario {scenario.Name} has neither a model, diag settings nor console expectations");
        report.Report(emulator.Name);
        var console = await step.RunAsync(image, label, transcript,
            (link, watch, token) => ConsoleDriver.RunAsync(link.Transcript, watch, expectation, image.Markers is not null, token), window, report);
        var consoleIdentity = RunIdentity.Of(image.Board.Id, emulator.Name, console.Version, Sha256OfFile(image.ElfPath), null, RunIdentity.Sha256(Array.Empty<byte>()),
            null, null, console.Observation.Instructions, console.Observation.DecidingLine);
        return new BoardRun(Judge.Console(expectation, console.Observation, new JudgeContext(image, console.Clock, scenario.Budgets, debugged) { Silicon = SiliconOf(scenario, image) }),
            console.Clock, console.CommandLine, consoleIdentity);
    }

    /// <summary>
    /// 'features: { on: board }': the preprocessor's own runner on this board, one invoke per window of
    /// audio in one interpreter (state carried over), before the model's firmware runs. Its own emulator
    /// session, so the model's run starts from a fresh boot.
    /// </summary>
    private async Task<IReadOnlyList<BoardFeatures>> BoardFeaturesAsync(ModelPlan plan, BoardDescription board, string label, ConsoleTranscript transcript,
        RunWindow window, IProgress<string> report)
    {
        var made = new List<BoardFeatures>();
        foreach (var (source, index) in plan.Inputs.Select((s, i) => (s, i)))
        {
            if (source is not AudioFeatures { OnBoard: true } features)
            {
                continue;
            }
            var name = Path.GetFileName(features.Preprocessor.Path);
            var image = await firmware.ResolveAsync(plan.FirmwareFor(features.Preprocessor), board, report, window.Token);
            if (FirmwareResolver.DoesNotFit(image) is { } problem)
            {
                throw new FirmwareException($"the preprocessor {name} does not fit: {problem}");
            }
            var layout = features.Layout(plan.Model.Inputs[index]);
            report.Report($"features of {Path.GetFileName(features.AudioPath)} ({layout.Frames} windows) on the board");
            var run = await step.RunAsync(image, $"{label}-features", transcript,
                (link, watch, token) => FeatureDriver.RunAsync(link, watch, name, layout, token), window, report);
            made.Add(new BoardFeatures(index, features.Preprocessor.Path, run.Observation, image.Memory.FlashBytes, plan.Kernels));
        }
        return made;
    }

    private static IProgress<string> Prefixed(IProgress<string>? progress, string prefix) => new PrefixedProgress(progress, prefix);

    /// <summary>Reports at once, in order (System.Progress posts to the thread pool, which may reorder lines).</summary>
    private sealed class PrefixedProgress(IProgress<string>? inner, string prefix) : IProgress<string>
    {
        public void Report(string value) => inner?.Report(value.StartsWith(prefix, StringComparison.Ordinal) ? value : $"{prefix}: {value}");
    }
}
