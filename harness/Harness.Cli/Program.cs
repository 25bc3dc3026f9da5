using System.CommandLine;
using Harness.Cli;

var root = new RootCommand("CI test harness for ML models on emulated microcontrollers")
{
    RunCommand.Create(),
    DoctorCommand.Create(),
    BoardsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
