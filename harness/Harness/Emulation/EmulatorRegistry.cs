using Harness.Emulation.Qemu;
using Harness.Tools;

namespace Harness.Emulation;

/// <summary>The emulator backends by name.</summary>
public static class EmulatorRegistry
{
    public static IReadOnlyList<string> Names => ["qemu", "renode"];

    public static IEmulator Create(string name, HarnessPaths paths) => name switch
    {
        "qemu" => new QemuEmulator(paths),
        "renode" => throw new EmulatorException("the renode backend is not implemented yet; use --emulator qemu (boards: stm32f4, mps2-an386, microbit)"),
        _ => throw new EmulatorException($"unknown emulator '{name}'; known: {string.Join(", ", Names)}"),
    };
}
