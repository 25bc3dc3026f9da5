using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Boards;

/// <summary>The boards described in a platforms/ folder, one YAML file each.</summary>
public sealed class BoardCatalog
{
    private readonly Dictionary<string, BoardDescription> boards;

    private BoardCatalog(string directory, Dictionary<string, BoardDescription> boards)
    {
        Directory = directory;
        this.boards = boards;
    }

    public string Directory { get; }
    public IReadOnlyCollection<BoardDescription> All => boards.Values.OrderBy(b => b.Id).ToList();

    public static BoardCatalog Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"board catalog folder not found: {directory}");
        }
        var errors = new List<YamlError>();
        var boards = new Dictionary<string, BoardDescription>();
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.yaml").Order())
        {
            try
            {
                var board = Parse(YamlReader.Load(file));
                if (!boards.TryAdd(board.Id, board))
                {
                    errors.Add(new YamlError(file, 1, 1, $"board id '{board.Id}' is also used by {boards[board.Id].SourceFile}"));
                }
            }
            catch (YamlInputException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        if (errors.Count > 0)
        {
            throw new YamlInputException(errors);
        }
        return new BoardCatalog(directory, boards);
    }

    public bool TryGet(string id, out BoardDescription board) => boards.TryGetValue(id, out board!);

    public BoardDescription Get(string id) =>
        boards.TryGetValue(id, out var board) ? board : throw new UnknownBoardException(id, UnknownBoardMessage(id));

    public string UnknownBoardMessage(string id)
    {
        var hint = YamlReader.Suggest(id, boards.Keys);
        return $"unknown board '{id}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; known boards: {string.Join(", ", boards.Keys.Order())}";
    }

    private static BoardDescription Parse(YamlReader yaml)
    {
        var root = yaml.Mapping(yaml.Root, "a board description");
        yaml.RejectUnknownKeys(root, "id", "name", "core", "clock_hz", "memory", "stack", "console", "bsp", "emulators");
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
        var console = yaml.Mapping(yaml.Required(root, "console", "the console UART"), "the console UART");
        yaml.RejectUnknownKeys(console, "kind", "name", "base", "irq");
        var uart = new ConsoleUart(
            yaml.String(yaml.Required(console, "kind", "the UART kind"), "a UART kind") ?? "",
            yaml.String(yaml.Required(console, "name", "the peripheral's name"), "a peripheral name") ?? "",
            yaml.Integer(yaml.Required(console, "base", "the base address"), "a base address") ?? 0,
            (int)(yaml.Integer(yaml.Optional(console, "irq"), "an IRQ number") ?? -1));
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
        yaml.ThrowIfErrors();
        return new BoardDescription(id, name, core!, clock, flash!, ram!, stack, uart, bsp, qemu, renode, yaml.File);
    }

    private static MemoryRegion? Region(YamlReader yaml, YamlMappingNode? memory, string key)
    {
        var node = yaml.Mapping(yaml.Required(memory, key, $"the {key} region"), $"the {key} region");
        yaml.RejectUnknownKeys(node, "origin", "size");
        var origin = yaml.Integer(yaml.Required(node, "origin", "the base address"), "an address");
        var size = yaml.Bytes(yaml.Required(node, "size", "the size"), "a size");
        return origin is null || size is null ? null : new MemoryRegion(origin.Value, size.Value);
    }
}

public sealed class UnknownBoardException(string id, string message) : HarnessException(message)
{
    public string Id { get; } = id;
}
