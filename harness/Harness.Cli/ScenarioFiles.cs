using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Scenarios;
using Harness.Tools;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>Loads the board catalog and parses scenario files, printing every error; null when anything is wrong (nothing may run).</summary>
public static class ScenarioFiles
{
    public static (BoardCatalog Catalog, List<Scenario> Scenarios)? Load(HarnessPaths paths, IReadOnlyList<FileInfo> files, string? emulator)
    {
        if (emulator is not null && !EmulatorRegistry.Names.Contains(emulator))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error[/] unknown emulator '{emulator}'; known: {string.Join(", ", EmulatorRegistry.Names)}");
            return null;
        }
        BoardCatalog catalog;
        try
        {
            catalog = BoardCatalog.Load(paths.PlatformsDirectory);
        }
        catch (Exception e) when (e is YamlInputException or DirectoryNotFoundException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The board catalog is broken:[/] {e.Message}");
            return null;
        }
        var parser = new ScenarioParser(catalog, new FirmwareBuilder(paths).Apps, emulator);
        var scenarios = new List<Scenario>();
        var errors = false;
        foreach (var file in files)
        {
            try
            {
                scenarios.AddRange(parser.ParseFileAll(file.FullName));
            }
            catch (YamlInputException e)
            {
                errors = true;
                foreach (var error in e.Errors)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error[/] {error}");
                }
            }
        }
        return errors ? null : (catalog, scenarios);
    }
}
