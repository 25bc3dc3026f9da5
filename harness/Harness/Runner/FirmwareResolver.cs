using Harness.Boards;
using Harness.Firmware;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Yaml;

namespace Harness.Runner;

/// <summary>Turns a scenario's firmware choice into an ELF for a board: built from the harness's apps, a model's runner, or the user's own.</summary>
/// <param name="tflm">Opens the TFLM checkout the first time a model scenario needs it.</param>
/// <param name="host">Measures a model's arena on the host when the scenario leaves it to the harness.</param>
public sealed class FirmwareResolver(FirmwareBuilder builder, TflmRunnerBuilder runner, Func<TflmCheckout> tflm, HostComputations host)
{
    /// <summary>An automatic arena is a whole number of these.</summary>
    public const long ArenaGranule = 1024;

    /// <summary>The TFLM checkout model scenarios use.</summary>
    public TflmCheckout Tflm => tflm();

    public async Task<FirmwareImage> ResolveAsync(FirmwareSpec spec, BoardDescription board, IProgress<string>? progress, CancellationToken cancellationToken) => spec switch
    {
        ModelFirmware model => await BuildRunnerAsync(model, board, progress, cancellationToken),
        BuiltInApp { PrebuiltElf: { } elf } app => FirmwareImage.Load(elf.Replace("{board}", board.Id), board, $"prebuilt {app.App} {elf}", app.SpeaksLink, MeasureSymbols.Harness),
        BuiltInApp app => await builder.BuildAsync(board, app.App, cancellationToken) with { SpeaksLink = app.SpeaksLink },
        UserElf elf => FirmwareImage.Load(elf.PathFor(board.Id), board, $"user ELF {elf.PathFor(board.Id)}", speaksLink: false, elf.Measure),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    private async Task<FirmwareImage> BuildRunnerAsync(ModelFirmware spec, BoardDescription board, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var model = spec.Model;
        if (model.FileBytes > board.Flash.Size)
        {
            throw new FirmwareException($"the model alone is {model.FileBytes} B and {board.Id} has {board.Flash.Size} B of flash");
        }
        var arena = spec.ArenaBytes ?? await AutomaticArenaAsync(spec, board, progress, cancellationToken);
        return (await runner.BuildAsync(board, model, tflm(), spec.Kernels, arena, progress, cancellationToken)).Image;
    }

    /// <summary>
    /// 'arena: auto': the smallest arena TFLM can set the model up in, found on the host. A board whose RAM
    /// cannot hold that arena and the stack is refused here, before anything is built or booted.
    /// </summary>
    private async Task<long> AutomaticArenaAsync(ModelFirmware spec, BoardDescription board, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var (used, arena) = await host.AutomaticArenaAsync(spec.Model, ArenaGranule, progress, cancellationToken);
        if (arena + board.StackSize > board.Ram.Size)
        {
            throw new FirmwareException($"{Path.GetFileName(spec.Model.Path)} needs a {Quantity.FormatBytes(arena)} tensor arena (the smallest TFLM can set it up in on the host; {used} B used) + " +
                                        $"{Quantity.FormatBytes(board.StackSize)} of stack, before any other static data; {board.Id} has {Quantity.FormatBytes(board.Ram.Size)} of RAM");
        }
        return arena;
    }

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
            var arena = image.ArenaBytes is { } a ? $" ({a} B of it the tensor arena)" : "";
            return $"the firmware needs {memory.StaticRamBytes} B of static RAM{arena} + {memory.StackReservedBytes} B of stack; {board.Id} has {board.Ram.Size} B";
        }
        return null;
    }
}
