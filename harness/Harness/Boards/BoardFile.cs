using Harness.Silicon;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Boards;

/// <summary>One board description file (platforms/&lt;id&gt;.yaml): every problem reported as file:line:col.</summary>
public static class BoardFile
{
    public static BoardDescription Parse(YamlReader yaml, SiliconCatalog? silicon = null)
    {
        silicon ??= SiliconCatalog.Empty;
        var root = yaml.Mapping(yaml.Root, "a board description");
        yaml.RejectUnknownKeys(root, "id", "name", "core", "clock_hz", "memory", "stack", "console", "counter", "bsp", "emulators", "silicon");
        var id = yaml.String(yaml.Required(root, "id", "the board's id"), "the board id") ?? "";
        var name = yaml.String(yaml.Required(root, "name", "a human-readable name"), "a name") ?? id;
        var coreNode = yaml.Required(root, "core", $"one of {string.Join(", ", Core.Known.Keys)}");
        var coreId = yaml.String(coreNode, "a core name");
        Core? core = null;
        if (coreId is not null && !Core.Known.TryGetValue(coreId, out core) && coreNode is not null)
        {
            yaml.Error(coreNode, $"unknown core '{coreId}'; expected one of {string.Join(", ", Core.Known.Keys)}");
        }
        var clock = yaml.Count(yaml.Required(root, "clock_hz", "the core clock in Hz"), "clock_hz") ?? 0;
        var memory = yaml.Mapping(yaml.Required(root, "memory", "flash and ram regions"), "memory regions");
        yaml.RejectUnknownKeys(memory, "flash", "ram");
        var flash = Region(yaml, memory, "flash");
        var ram = Region(yaml, memory, "ram");
        var stack = yaml.Bytes(yaml.Required(root, "stack", "the stack size, e.g. 4KiB"), "stack") ?? 0;
        var uart = Console(yaml, root);
        var counter = Counter(yaml, root);
        var bsp = yaml.String(yaml.Required(root, "bsp", "the firmware/bsp folder"), "a folder name") ?? "";
        var emulators = yaml.Mapping(yaml.Required(root, "emulators", "how qemu and/or renode run it"), "emulators");
        yaml.RejectUnknownKeys(emulators, "qemu", "renode");
        var qemuNode = yaml.Mapping(yaml.Optional(emulators, "qemu"), "QEMU settings");
        yaml.RejectUnknownKeys(qemuNode, "machine", "serial_index", "counter_hz");
        var qemu = qemuNode is null ? null : new QemuBoard(
            yaml.String(yaml.Required(qemuNode, "machine", "QEMU's -M name"), "a machine name") ?? "",
            (int)(yaml.Integer(yaml.Optional(qemuNode, "serial_index"), "a serial port index") ?? 0),
            yaml.Count(yaml.Required(qemuNode, "counter_hz", "the fallback counter's rate in QEMU"), "counter_hz") ?? 0);
        var renodeNode = yaml.Mapping(yaml.Optional(emulators, "renode"), "Renode settings");
        yaml.RejectUnknownKeys(renodeNode, "platform", "overlay");
        var overlayNode = yaml.Optional(renodeNode, "overlay");
        var overlay = yaml.String(overlayNode, "a .repl path (relative to the folder that holds platforms/)");
        if (overlay is not null)
        {
            // Written as "platforms/renode/<board>.repl", relative to the folder that holds platforms/.
            overlay = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(yaml.File)))!, overlay));
            if (!File.Exists(overlay))
            {
                yaml.Error(overlayNode!, $"the Renode overlay {overlay} does not exist");
            }
        }
        var renode = renodeNode is null ? null : new RenodeBoard(
            yaml.String(yaml.Required(renodeNode, "platform", "the Renode platform description"), "a .repl path") ?? "",
            overlay);
        if (qemuNode is null && renodeNode is null && emulators is not null)
        {
            yaml.Error(emulators, "a board needs at least one of 'qemu' or 'renode'");
        }
        if (stack > 0 && ram is not null && stack >= ram.Size)
        {
            yaml.Error(root!, $"the stack ({stack} B) does not fit in RAM ({ram.Size} B)");
        }
        var profile = SiliconOf(yaml, root, silicon, core, clock);
        yaml.ThrowIfErrors();
        return new BoardDescription(id, name, core!, clock, flash!, ram!, stack, uart!, counter!, bsp, qemu, renode, yaml.File) { Silicon = profile };
    }

    /// <summary>silicon: the part (platforms/silicon/&lt;id&gt;.yaml) the board carries; absent: the core alone at the board's clock.</summary>
    private static SiliconProfile? SiliconOf(YamlReader yaml, YamlMappingNode? root, SiliconCatalog catalog, Core? core, long clock)
    {
        var timing = core is null ? null : catalog.TimingOf(core.Id);
        var node = yaml.Optional(root, "silicon");
        var partId = yaml.String(node, "a silicon part id (platforms/silicon/<id>.yaml)");
        if (partId is null || node is null)
        {
            return timing is null ? null : new SiliconProfile(timing, null, clock);
        }
        if (!catalog.TryGetPart(partId, out var part))
        {
            yaml.Error(node, catalog.UnknownPartMessage(partId));
            return null;
        }
        if (core is not null && part.Core != core.Id)
        {
            yaml.Error(node, $"the part {part.Id} has a {part.Core} core, the board a {core.Id}");
            return null;
        }
        return timing is null ? null : new SiliconProfile(timing, part, part.ClockHz);
    }

    private static MemoryRegion? Region(YamlReader yaml, YamlMappingNode? memory, string key)
    {
        var node = yaml.Mapping(yaml.Required(memory, key, $"the {key} region"), $"the {key} region");
        yaml.RejectUnknownKeys(node, "origin", "size");
        var origin = yaml.Integer(yaml.Required(node, "origin", "the base address"), "an address");
        var size = yaml.Bytes(yaml.Required(node, "size", "the size"), "a size");
        return origin is null || size is null ? null : new MemoryRegion(origin.Value, size.Value);
    }

    /// <summary>console: { kind, name, base, irq, clock_hz, baud, pins: { tx, rx } } — kind names the firmware's driver.</summary>
    private static ConsoleUart? Console(YamlReader yaml, YamlMappingNode? root)
    {
        var console = yaml.Mapping(yaml.Required(root, "console", "the console UART"), "the console UART");
        yaml.RejectUnknownKeys(console, "kind", "name", "base", "irq", "clock_hz", "baud", "pins");
        if (console is null)
        {
            return null;
        }
        var pins = yaml.Mapping(yaml.Optional(console, "pins"), "the console's pins, e.g. { tx: 24, rx: 25 }");
        yaml.RejectUnknownKeys(pins, "tx", "rx");
        return new ConsoleUart(
            yaml.String(yaml.Required(console, "kind", "the UART kind: a driver under firmware/drivers/console/"), "a UART kind") ?? "",
            yaml.String(yaml.Required(console, "name", "the peripheral's name (Renode connects the terminal to it)"), "a peripheral name") ?? "",
            yaml.Integer(yaml.Required(console, "base", "the base address"), "a base address") ?? 0,
            (int)(yaml.Integer(yaml.Required(console, "irq", "the receive interrupt's number (the firmware sleeps on it)"), "an IRQ number") ?? -1),
            yaml.Count(yaml.Required(console, "clock_hz", "the UART's input clock in Hz after reset (it sets the baud divider)"), "clock_hz") ?? 0,
            yaml.Count(yaml.Optional(console, "baud"), "the baud rate") ?? 115200,
            pins is null ? null : (int?)yaml.Integer(yaml.Required(pins, "tx", "the TX pin number"), "a pin number"),
            pins is null ? null : (int?)yaml.Integer(yaml.Required(pins, "rx", "the RX pin number"), "a pin number"));
    }

    /// <summary>counter: { kind, name, base, chained: { base, trigger } } — the fallback counter's driver and registers.</summary>
    private static BoardCounter? Counter(YamlReader yaml, YamlMappingNode? root)
    {
        var counter = yaml.Mapping(yaml.Required(root, "counter", "the timer the firmware counts with where the DWT does not"), "the fallback counter");
        yaml.RejectUnknownKeys(counter, "kind", "name", "base", "chained");
        if (counter is null)
        {
            return null;
        }
        var chained = yaml.Mapping(yaml.Optional(counter, "chained"), "a second timer the first one overflows into: { base, trigger }");
        yaml.RejectUnknownKeys(chained, "base", "trigger");
        return new BoardCounter(
            yaml.String(yaml.Required(counter, "kind", "the timer kind: a driver under firmware/drivers/counter/"), "a timer kind") ?? "",
            yaml.String(yaml.Required(counter, "name", "the name the firmware reports for it"), "a name") ?? "",
            yaml.Integer(yaml.Required(counter, "base", "the base address"), "a base address") ?? 0,
            chained is null ? null : yaml.Integer(yaml.Required(chained, "base", "the chained timer's base address"), "a base address"),
            chained is null ? null : (int?)yaml.Integer(yaml.Required(chained, "trigger", "the internal trigger (ITRx) the chained timer counts"), "a trigger number"));
    }
}
