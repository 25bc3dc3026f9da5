using System.CommandLine;
using Harness;
using Harness.Cli;
using Harness.Runner;
using Harness.Tools;
using Harness.Yaml;
using Spectre.Console;

try
{
    HarnessSettings.Load();
}
catch (YamlInputException e)
{
    Console.Error.WriteLine($"The settings file is broken:{Environment.NewLine}{e.Message}");
    return RunCommand.ExitBadInput;
}
if (Console.IsOutputRedirected)
{
    // CI logs: wide enough that tables keep whole counts and headers instead of cutting them.
    AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
}

var root = new RootCommand("CI test harness for ML models on emulated microcontrollers")
{
    RunCommand.Create(),
    PrepareCommand.Create(),
    BaselineCommand.Create(),
    ReportCommand.Create(),
    ReproCommand.Create(),
    ExampleModelCommand.Create(),
    InspectCommand.Create(),
    DoctorCommand.Create(),
    BoardsCommand.Create(),
};
try
{
    // Ctrl-C and SIGTERM cancel the run; the harness then stops its emulators and writes the reports,
    // which can take a few seconds (Renode quits slowly): give it that long before the process is ended.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30), EnableDefaultExceptionHandler = false });
}
catch (HarnessException e)
{
    // An expected failure outside any board run (e.g. an unwritable cache): its message says what to do.
    Console.Error.WriteLine($"error: {e.Message}");
    return RunCommand.ExitBadInput;
}
catch (Exception e)
{
    Console.Error.WriteLine(HarnessBug.Record(e, $"running 'harness {string.Join(' ', args)}'"));
    return 3;
}
