using System.CommandLine;
using Harness.Cli;
using Harness.Tools;
using Harness.Yaml;

try
{
    HarnessSettings.Load();
}
catch (YamlInputException e)
{
    Console.Error.WriteLine($"The settings file is broken:{Environment.NewLine}{e.Message}");
    return RunCommand.ExitBadInput;
}

var root = new RootCommand("CI test harness for ML models on emulated microcontrollers")
{
    RunCommand.Create(),
    PrepareCommand.Create(),
    ReproCommand.Create(),
    ExampleModelCommand.Create(),
    DoctorCommand.Create(),
    BoardsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
