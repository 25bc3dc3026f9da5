using Harness.Boards;
using Harness.Firmware;
using Harness.Scenarios;

namespace Harness.Runner;

/// <summary>Turns a scenario's firmware choice into an ELF for a board: built from the harness's apps, or the user's own.</summary>
public sealed class FirmwareResolver(FirmwareBuilder builder)
{
    public async Task<FirmwareImage> ResolveAsync(FirmwareSpec spec, BoardDescription board, CancellationToken cancellationToken) => spec switch
    {
        BuiltInApp app => await builder.BuildAsync(board, app.App, cancellationToken) with { SpeaksLink = app.SpeaksLink },
        UserElf elf => FirmwareImage.Load(elf.PathFor(board.Id), board, $"user ELF {elf.PathFor(board.Id)}", speaksLink: false, elf.Measure),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    /// <summary>Whether the image fits the board's memories; the reason when it does not, before anything boots.</summary>
    public static string? DoesNotFit(FirmwareImage image)
    {
        var board = image.Board;
        var memory = image.Memory;
        if (memory.FlashBytes > board.Flash.Size)
        {
            return $"the firmware needs {memory.FlashBytes} B of flash; {board.Id} has {board.Flash.Size} B";
        }
        if (memory.StaticRamBytes + memory.StackReservedBytes > board.Ram.Size)
        {
            return $"the firmware needs {memory.StaticRamBytes} B of static RAM + {memory.StackReservedBytes} B of stack; {board.Id} has {board.Ram.Size} B";
        }
        return null;
    }
}
