using System.CommandLine;
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
                table.AddRow(
                    Markup.Escape(status.Tool.Name),
                    status.Found ? (status.Version is null ? "[yellow]broken[/]" : "[green]found[/]") : "[red]missing[/]",
                    Markup.Escape(status.Found ? $"{status.Version ?? status.Detail}\n{status.Path}" : $"{status.Tool.InstallHint}\n({status.Detail})"),
                    Markup.Escape(status.Tool.NeededFor));
            }
            AnsiConsole.Write(table);
            var paths = HarnessPaths.Default();
            AnsiConsole.MarkupLineInterpolated($"cache: {paths.CacheDirectory}");
            AnsiConsole.MarkupLineInterpolated($"boards: {paths.PlatformsDirectory}");
            AnsiConsole.MarkupLineInterpolated($"firmware sources: {paths.FirmwareDirectory}");
            AnsiConsole.MarkupLine("TensorFlow Lite Micro: not used yet (model scenarios come next)");
            var required = statuses.Where(s => s.Tool != ExternalTool.Renode);
            return required.All(s => s.Found && s.Version is not null) ? 0 : 1;
        });
        return command;
    }
}
