using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness;
using Harness.Boards;
using Harness.Inspection;
using Harness.Models;
using Harness.Tflm;
using Harness.Tools;
using Harness.Yaml;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness inspect: what a model costs and where it fits, from the .tflite alone (no emulator, nothing built).</summary>
public static class InspectCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The .tflite model" };
        var boards = new Option<string[]>("--board") { Description = "Only these boards of the catalog (default: all)", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON" };
        var tflm = new Option<string?>("--tflm") { Description = "TFLM checkout to check operator support against (wins over HARNESS_TFLM and the settings file)" };
        var command = new Command("inspect", "Operators, MACs, weights, tensor lifetimes, the predicted arena and which boards the model fits, from the .tflite alone")
        {
            model, boards, json, tflm,
        };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(boards) ?? [], parse.GetValue(json), parse.GetValue(tflm)));
        return command;
    }

    private static int Run(FileInfo file, string[] boardIds, bool json, string? tflmFlag)
    {
        var catalog = BoardCatalog.Load(HarnessPaths.Default().PlatformsDirectory);
        var boards = new List<BoardDescription>();
        foreach (var id in boardIds)
        {
            if (!catalog.TryGet(id, out var board))
            {
                Console.Error.WriteLine($"error: {catalog.UnknownBoardMessage(id)}");
                return RunCommand.ExitBadInput;
            }
            boards.Add(board);
        }
        ModelInspection inspection;
        try
        {
            var graph = ModelGraph.Read(file.FullName);
            var ops = TflmCheckout.OpenConfigured(tflmFlag, HarnessSettings.Load(), out _) is { } checkout ? TflmOps.Load(checkout) : null;
            inspection = ModelInspector.Inspect(graph, boards.Count > 0 ? boards : catalog.All, ops);
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.ExitBadInput;
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(inspection, Json));
            return 0;
        }
        Print(inspection);
        return 0;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static void Print(ModelInspection inspection)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{Path.GetFileName(inspection.Model)}[/]: {N(inspection.FileBytes)} B, {inspection.Layers.Count} operators, {N(inspection.Macs)} MACs, {N(inspection.WeightBytes)} B of weights");
        var operators = new Table().Title("operators").AddColumns("operator", "count", "MACs", "share");
        foreach (var op in inspection.Operators)
        {
            operators.AddRow(Markup.Escape(op.Operator), op.Count.ToString(CultureInfo.InvariantCulture), N(op.Macs),
                inspection.Macs > 0 ? (100.0 * op.Macs / inspection.Macs).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "");
        }
        AnsiConsole.Write(operators);
        var layers = new Table().Title("layers, in execution order").AddColumns("#", "operator", "output", "parameters", "MACs", "weights", "live arena");
        foreach (var layer in inspection.Layers)
        {
            var live = inspection.Tensors.Where(t => t.First <= layer.Index && layer.Index <= t.Last).Sum(t => t.Bytes);
            layers.AddRow(layer.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(layer.Operator), Markup.Escape(layer.OutputShape),
                Markup.Escape(layer.Parameters), N(layer.Macs), $"{N(layer.WeightBytes)} B", (layer.Index == inspection.PeakLayer ? "[bold]" : "") + $"{N(live)} B" + (layer.Index == inspection.PeakLayer ? " ◀ peak[/]" : ""));
        }
        AnsiConsole.Write(layers);
        var tensors = new Table().Title("arena tensors: lifetime (operators) and planned offset").AddColumns("tensor", "shape", "type", "bytes", "alive", "offset");
        foreach (var tensor in inspection.Tensors)
        {
            tensors.AddRow(Markup.Escape($"{tensor.Tensor} {tensor.Name}"), Markup.Escape(tensor.Shape), tensor.Type, N(tensor.Bytes), $"#{tensor.First}–#{tensor.Last}", N(tensor.Offset));
        }
        AnsiConsole.Write(tensors);
        var arena = inspection.Arena;
        AnsiConsole.MarkupLineInterpolated($"peak activations: {N(inspection.PeakLiveBytes)} B alive at #{inspection.PeakLayer} {inspection.PeakOperator}");
        AnsiConsole.MarkupLineInterpolated($"arena (estimate, 32-bit Cortex-M): {N(arena.TotalBytes)} B = {N(arena.PlannedBytes)} B planned activations + {N(arena.PersistentBytes)} B TFLM keeps{(arena.VariableBytes > 0 ? $" + {N(arena.VariableBytes)} B variables" : "")}; kernels' scratch buffers (CMSIS-NN) not included");
        var fits = new Table().Title("boards (estimates: code + model in flash; arena + stack + runner's static data in RAM)").AddColumns("board", "fits", "flash needed", "flash margin", "RAM needed", "RAM margin");
        foreach (var fit in inspection.Boards)
        {
            fits.AddRow(fit.Board, fit.Fits ? "[green]yes[/]" : "[red]no[/]", Quantity.FormatBytes(fit.FlashNeeded), Margin(fit.FlashMargin), Quantity.FormatBytes(fit.RamNeeded), Margin(fit.RamMargin));
        }
        AnsiConsole.Write(fits);
        foreach (var verdict in inspection.Verdicts)
        {
            AnsiConsole.MarkupLineInterpolated($"• {verdict}");
        }
    }

    private static string Margin(long bytes) => bytes >= 0 ? $"[green]{Markup.Escape(Quantity.FormatBytes(bytes))}[/]" : $"[red]−{Markup.Escape(Quantity.FormatBytes(-bytes))} short[/]";
}
