using System.CommandLine;
using Harness.Models;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>harness example-model: writes the harness's own small .tflite, for examples that need no downloaded model.</summary>
public static class ExampleModelCommand
{
    public static Command Create()
    {
        var output = new Argument<FileInfo>("output") { Description = "Where to write the .tflite file" };
        var command = new Command("example-model", "Write the harness's example model (int8 fully-connected, 4 inputs -> 3 classes) as a .tflite file") { output };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!;
            file.Directory?.Create();
            File.WriteAllBytes(file.FullName, TfliteWriter.ExampleClassifier());
            var model = TfliteModel.Read(file.FullName);
            AnsiConsole.MarkupLineInterpolated($"Wrote {file.FullName} ({model.FileBytes} B): input {model.Inputs[0]}, output {model.Outputs[0]}");
            return 0;
        });
        return command;
    }
}
