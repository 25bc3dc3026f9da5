using Harness.Firmware;
using Harness.Tools;

namespace Harness.Runner;

/// <summary>The exact command that attaches an Arm GDB to an emulator's GDB server, with the firmware's sources on its path.</summary>
public static class GdbAttach
{
    /// <summary>gdb-multiarch (or HARNESS_GDB), else Arm's arm-none-eabi-gdb; null when neither is installed.</summary>
    public static string? Debugger() =>
        ToolLocator.TryFind(ExternalTool.ArmGdb, out _) ?? ToolLocator.SearchPath("arm-none-eabi-gdb");

    public static string Command(FirmwareImage image, int port)
    {
        var gdb = Debugger() is { } found ? Path.GetFileName(found) : "gdb-multiarch";
        // The ELF names its sources relative to the folders it was built from (firmware/..., tensorflow/...):
        // 'directory' lets GDB find them wherever this machine keeps them.
        var directories = string.Concat(image.SourceDirectories.Select(d => $" -ex 'directory {d}'"));
        return $"{gdb} {image.ElfPath}{directories} -ex 'target remote 127.0.0.1:{port}'";
    }

    public static string Instructions(FirmwareImage image, int port, string emulator) =>
        $"{emulator} waits for a debugger on 127.0.0.1:{port} (the board has not run an instruction yet). Attach with:{Environment.NewLine}" +
        $"  {Command(image, port)}{Environment.NewLine}" +
        "then 'continue'; the scenario runs with no timeout until it ends, and the counter-vs-emulator check is not judged (a debugger's stops move the counter)." +
        (Debugger() is null ? $" (No Arm GDB found: {ExternalTool.ArmGdb.InstallHint}.)" : "");
}
