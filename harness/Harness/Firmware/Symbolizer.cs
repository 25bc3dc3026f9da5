using CliWrap;
using CliWrap.Buffered;
using Harness.Tools;

namespace Harness.Firmware;

/// <summary>Turns code addresses into "function at file:line" with arm-none-eabi-addr2line.</summary>
public static class Symbolizer
{
    public static async Task<string> DescribeAsync(string elfPath, uint address, CancellationToken cancellationToken)
    {
        var tool = ToolLocator.TryFind(ExternalTool.ArmAddr2Line, out _);
        if (tool is null)
        {
            return $"0x{address:x8} (install arm-none-eabi-addr2line to see the source line)";
        }
        var result = await Cli.Wrap(tool)
            .WithArguments(["-e", elfPath, "-f", "-C", "-p", $"0x{address & ~1u:x}"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        var text = result.StandardOutput.Trim();
        return string.IsNullOrEmpty(text) || text.StartsWith("??") ? $"0x{address:x8} (no symbol)" : $"0x{address:x8} in {text}";
    }
}
