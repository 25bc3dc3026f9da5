using System.CommandLine;
using Harness.Boards;
using Harness.Tools;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness boards: the board catalog.</summary>
public static class BoardsCommand
{
    public static Command Create()
    {
        var command = new Command("boards", "List the boards of the catalog");
        command.SetAction(_ =>
        {
            var catalog = BoardCatalog.Load(HarnessPaths.Default().PlatformsDirectory);
            var table = new Table().AddColumns("id", "name", "core", "flash", "RAM", "emulators");
            foreach (var board in catalog.All)
            {
                table.AddRow(board.Id, Markup.Escape(board.Name), board.Core.Id, Quantity.FormatBytes(board.Flash.Size),
                    Quantity.FormatBytes(board.Ram.Size), string.Join(", ", board.Emulators));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
