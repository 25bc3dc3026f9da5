namespace Harness.Boards;

/// <summary>A Cortex-M core and the compiler flags that target it.</summary>
public sealed record Core(string Id, string Architecture, IReadOnlyList<string> CompilerFlags, bool HasFpu)
{
    public static readonly IReadOnlyDictionary<string, Core> Known = new[]
    {
        new Core("cortex-m0", "armv6-m", ["-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"], false),
        new Core("cortex-m0plus", "armv6-m", ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"], false),
        new Core("cortex-m3", "armv7-m", ["-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft"], false),
        new Core("cortex-m4", "armv7e-m", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"], false),
        new Core("cortex-m4f", "armv7e-m", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], true),
        new Core("cortex-m7f", "armv7e-m", ["-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"], true),
        new Core("cortex-m33", "armv8-m.main", ["-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"], true),
    }.ToDictionary(core => core.Id);
}
