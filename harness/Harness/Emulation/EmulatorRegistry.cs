using Harness.Emulation.Qemu;
using Harness.Emulation.Renode;
using Harness.Tools;

namespace Harness.Emulation;

/// <summary>The emulator backends by name.</summary>
public static class EmulatorRegistry
{
    public static IReadOnlyList<string> Names => ["qemu", "renode"];

    public static IEmulator Create(string name, HarnessPaths paths) => name switch
    {
        "qemu" => new QemuEmulator(paths),
        "renode" => new RenodeEmulator(paths),
        _ => throw new EmulatorException($"unknown emulator '{name}'; known: {string.Join(", ", Names)}"),
    };
}
