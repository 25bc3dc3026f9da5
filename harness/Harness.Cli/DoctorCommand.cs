using System.CommandLine;
using Harness.Tflm;
using Harness.Tools;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness doctor: every external tool, found with its version, or missing with how to install it.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check the tools the harness needs");
        command.SetAction(async (_, cancellationToken) =>
        {
            var statuses = await Doctor.CheckAsync(cancellationToken);
            var table = new Table().AddColumns("tool", "status", "version / how to install", "needed for");
            foreach (var status in statuses)
            {
                var tooOld = status.Tool == ExternalTool.Renode && status.Version is { } text
                    && Harness.Emulation.Renode.RenodeEmulator.ParseVersion(text) is { } version && version < Harness.Emulation.Renode.RenodeEmulator.Oldest;
                table.AddRow(
                    Markup.Escape(status.Tool.Name),
                    status.Found ? (status.Version is null ? "[yellow]broken[/]" : tooOld ? $"[yellow]too old (needs {Harness.Emulation.Renode.RenodeEmulator.Oldest}+)[/]" : "[green]found[/]") : "[red]missing[/]",
                    Markup.Escape(status.Found ? $"{status.Version ?? status.Detail}\n{status.Path}" : $"{status.Tool.InstallHint}\n({status.Detail})"),
                    Markup.Escape(status.Tool.NeededFor));
            }
            AnsiConsole.Write(table);
            var paths = HarnessPaths.Default();
            var settings = HarnessSettings.Load();
            AnsiConsole.MarkupLineInterpolated($"settings: {settings.File ?? $"{HarnessSettings.DefaultFile()} (not present; tool paths come from HARNESS_* variables or PATH)"}");
            AnsiConsole.MarkupLineInterpolated($"cache: {paths.CacheDirectory}: {CacheRetention.Describe(paths.CacheDirectory)}");
            AnsiConsole.MarkupLineInterpolated($"boards: {paths.PlatformsDirectory}");
            AnsiConsole.MarkupLineInterpolated($"firmware sources: {paths.FirmwareDirectory}");
            TflmReport(settings);
            var required = statuses.Where(s => !s.Tool.Optional);
            return required.All(s => s.Found && s.Version is not null) ? 0 : 1;
        });
        return command;
    }

    /// <summary>The TFLM checkout (model scenarios): where it is, its commit, each third-party piece its Makefile needs.</summary>
    private static void TflmReport(HarnessSettings settings)
    {
        var root = TflmCheckout.Locate(null, settings, out var source);
        if (root is null)
        {
            AnsiConsole.MarkupLineInterpolated($"TensorFlow Lite Micro: [yellow]not configured[/] — {source}; needed only for model scenarios");
            return;
        }
        TflmCheckout tflm;
        try
        {
            tflm = TflmCheckout.Open(root, source, settings.TflmCommit);
        }
        catch (TflmException e)
        {
            AnsiConsole.MarkupLineInterpolated($"TensorFlow Lite Micro: [red]broken[/] — {e.Message}");
            return;
        }
        AnsiConsole.MarkupLineInterpolated($"TensorFlow Lite Micro: [green]found[/] {tflm.Root} (from {source}), commit {tflm.Commit}{(tflm.Commit == TflmCheckout.UnknownCommit ? " — name it with 'tflm_commit:' in the settings file so reports can say which TFLM ran" : "")}");
        var table = new Table().AddColumns("TFLM third-party piece", "status", "where / pinned version");
        foreach (var status in tflm.CheckDependencies(cmsisNn: true))
        {
            table.AddRow(Markup.Escape(status.Dependency.Name), status.Present ? "[green]found[/]" : "[red]missing[/]",
                Markup.Escape($"{status.Path}\n{status.Dependency.Repository}{(status.Pin is { } pin ? $" at {pin}" : "")}"));
        }
        AnsiConsole.Write(table);
    }
}
