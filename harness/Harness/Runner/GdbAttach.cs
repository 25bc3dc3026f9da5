using Harness.Firmware;
using Harness.Tools;

namespace Harness.Runner;

/// <summary>The exact command that attaches an Arm GDB to an emulator's GDB server.</summary>
public static class GdbAttach
{
    public static string Command(FirmwareImage image, int port)
    {
        var gdb = new[] { "arm-none-eabi-gdb", "gdb-multiarch" }.FirstOrDefault(g => ToolLocator.SearchPath(g) is not null) ?? "arm-none-eabi-gdb";
        return $"{gdb} {image.ElfPath} -ex 'target remote 127.0.0.1:{port}'";
    }

    public static string Instructions(FirmwareImage image, int port, string emulator)
    {
        var haveGdb = new[] { "arm-none-eabi-gdb", "gdb-multiarch" }.Any(g => ToolLocator.SearchPath(g) is not null);
        return $"{emulator} waits for a debugger on 127.0.0.1:{port} (the board has not run an instruction yet). Attach with:{Environment.NewLine}" +
               $"  {Command(image, port)}{Environment.NewLine}" +
               $"then 'continue'; the scenario runs with no timeout until it ends.{(haveGdb ? "" : " (No Arm GDB found: apt-get install gdb-multiarch.)")}";
    }
}
