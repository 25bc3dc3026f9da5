using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Silicon;

/// <summary>
/// The timing data beside the boards: one table per core (platforms/cores/*.yaml) and one profile per silicon
/// part (platforms/silicon/*.yaml). Every problem is reported as file:line:col, like the boards'.
/// </summary>
public sealed class SiliconCatalog
{
    private readonly IReadOnlyList<CoreTiming> cores;
    private readonly Dictionary<string, PartProfile> parts;

    private SiliconCatalog(IReadOnlyList<CoreTiming> cores, Dictionary<string, PartProfile> parts)
    {
        this.cores = cores;
        this.parts = parts;
    }

    public static SiliconCatalog Empty { get; } = new([], []);

    public IReadOnlyCollection<PartProfile> Parts => parts.Values.OrderBy(p => p.Id).ToList();

    public IReadOnlyList<CoreTiming> Cores => cores;

    /// <summary>The timing table for a core id (cortex-m4f → the cortex-m4 table), or null where none is kept.</summary>
    public CoreTiming? TimingOf(string core) => cores.FirstOrDefault(t => t.AppliesTo.Contains(core));

    public bool TryGetPart(string id, out PartProfile part) => parts.TryGetValue(id, out part!);

    public string UnknownPartMessage(string id)
    {
        var hint = YamlReader.Suggest(id, parts.Keys);
        return $"unknown silicon part '{id}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; known parts: {string.Join(", ", parts.Keys.Order())}";
    }

    /// <summary>Reads platforms/cores and platforms/silicon under a platforms folder (either may be absent: no estimates then).</summary>
    public static SiliconCatalog Load(string platformsDirectory)
    {
        var errors = new List<YamlError>();
        var cores = new List<CoreTiming>();
        foreach (var file in Files(Path.Combine(platformsDirectory, "cores")))
        {
            Collect(errors, () => cores.Add(ParseCore(YamlReader.Load(file))));
        }
        var parts = new Dictionary<string, PartProfile>();
        foreach (var file in Files(Path.Combine(platformsDirectory, "silicon")))
        {
            Collect(errors, () =>
            {
                var yaml = YamlReader.Load(file);
                var part = ParsePart(yaml, cores);
                if (!parts.TryAdd(part.Id, part))
                {
                    errors.Add(new YamlError(file, 1, 1, $"silicon part id '{part.Id}' is also used by {parts[part.Id].SourceFile}"));
                }
            });
        }
        foreach (var shared in cores.SelectMany(c => c.AppliesTo.Select(id => (id, c))).GroupBy(p => p.id).Where(g => g.Count() > 1))
        {
            errors.Add(new YamlError(shared.Last().c.SourceFile, 1, 1, $"core '{shared.Key}' has two timing tables: {string.Join(", ", shared.Select(p => p.c.SourceFile))}"));
        }
        if (errors.Count > 0)
        {
            throw new YamlInputException(errors);
        }
        return new SiliconCatalog(cores, parts);
    }

    private static IEnumerable<string> Files(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.yaml").Order() : [];

    private static void Collect(List<YamlError> errors, Action parse)
    {
        try
        {
            parse();
        }
        catch (YamlInputException e)
        {
            errors.AddRange(e.Errors);
        }
    }

    public static CoreTiming ParseCore(YamlReader yaml)
    {
        var root = yaml.Mapping(yaml.Root, "a core timing table");
        yaml.RejectUnknownKeys(root, "core", "applies_to", "published", "source", "refill", "classes");
        var core = yaml.String(yaml.Required(root, "core", "the core's name"), "a core name") ?? "";
        var appliesTo = yaml.List(yaml.Required(root, "applies_to", "the board core ids this table times, e.g. [cortex-m4, cortex-m4f]"), "core ids")
            .Select(n => yaml.String(n, "a core id")).OfType<string>().ToList();
        foreach (var (id, node) in appliesTo.Zip(yaml.List(yaml.Optional(root, "applies_to"), "core ids")))
        {
            if (!Boards.Core.Known.ContainsKey(id))
            {
                yaml.Error(node, $"unknown core '{id}'; expected one of {string.Join(", ", Boards.Core.Known.Keys)}");
            }
        }
        var publishedNode = yaml.Optional(root, "published");
        var publishedText = yaml.String(publishedNode, "true or false");
        if (publishedText is not null and not ("true" or "false"))
        {
            yaml.Error(publishedNode!, $"expected true or false, found '{publishedText}'");
        }
        var published = publishedText is not "false";
        var source = yaml.String(yaml.Required(root, "source", "the manual the table comes from, with its section"), "a citation") ?? "";
        var refillNode = yaml.Mapping(yaml.Required(root, "refill", "the pipeline refill P: { cycles, cite }"), "the refill");
        yaml.RejectUnknownKeys(refillNode, "cycles", "cite");
        var refill = Range(yaml, yaml.Required(refillNode, "cycles", "P in cycles: a number or [fewest, typical, most]"), "the refill's cycles");
        var refillCite = Cite(yaml, refillNode);
        var classesNode = yaml.Mapping(yaml.Required(root, "classes", $"a row for each of the {TimingClasses.Count} timing classes"), "the classes");
        var classes = new Dictionary<TimingClass, ClassTiming>();
        if (classesNode is not null)
        {
            var byKey = TimingClasses.All.ToDictionary(c => c.Key());
            foreach (var (keyNode, value) in classesNode.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? "";
                if (!byKey.TryGetValue(key, out var timingClass))
                {
                    var hint = YamlReader.Suggest(key, byKey.Keys);
                    yaml.Error(keyNode, $"unknown timing class '{key}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; expected one of {string.Join(", ", byKey.Keys)}");
                    continue;
                }
                var row = yaml.Mapping(value, $"the {key} row: {{ cycles, per_register, refills, refills_if_taken, cite }}");
                yaml.RejectUnknownKeys(row, "cycles", "per_register", "refills", "refills_if_taken", "cite");
                classes[timingClass] = new ClassTiming(timingClass,
                    Range(yaml, yaml.Required(row, "cycles", "cycles per instruction: a number or [fewest, typical, most]"), $"{key}'s cycles"),
                    Range(yaml, yaml.Optional(row, "per_register"), $"{key}'s cycles per register", CycleRange.Zero),
                    (int)(yaml.Integer(yaml.Optional(row, "refills"), "a count of refills") ?? 0),
                    (int)(yaml.Integer(yaml.Optional(row, "refills_if_taken"), "a count of refills") ?? 0),
                    Cite(yaml, row));
            }
            var missing = TimingClasses.All.Where(c => !classes.ContainsKey(c)).Select(c => c.Key()).ToList();
            if (missing.Count > 0)
            {
                yaml.Error(classesNode, $"no row for {string.Join(", ", missing)}: every timing class needs one, so an estimate covers every instruction");
            }
        }
        yaml.ThrowIfErrors();
        return new CoreTiming(core, appliesTo, published, source, refill, refillCite, classes, yaml.File);
    }

    public static PartProfile ParsePart(YamlReader yaml, IReadOnlyList<CoreTiming> cores)
    {
        var root = yaml.Mapping(yaml.Root, "a silicon part's profile");
        yaml.RejectUnknownKeys(root, "id", "name", "core", "clock_hz", "flash", "power");
        var id = yaml.String(yaml.Required(root, "id", "the part's id"), "a part id") ?? "";
        var name = yaml.String(yaml.Required(root, "name", "a human-readable name"), "a name") ?? id;
        var coreNode = yaml.Required(root, "core", "the part's core, e.g. cortex-m4f");
        var core = yaml.String(coreNode, "a core id") ?? "";
        if (coreNode is not null && !cores.Any(c => c.AppliesTo.Contains(core)))
        {
            yaml.Error(coreNode, $"no timing table for core '{core}' in platforms/cores; tables exist for {string.Join(", ", cores.SelectMany(c => c.AppliesTo))}");
        }
        var clock = yaml.Count(yaml.Required(root, "clock_hz", "the core clock the part runs at, in Hz"), "clock_hz") ?? 0;
        var flashNode = yaml.Mapping(yaml.Required(root, "flash", "{ wait_states, bus_bytes, instruction_cache, cite }"), "the flash timing");
        yaml.RejectUnknownKeys(flashNode, "wait_states", "bus_bytes", "instruction_cache", "cite");
        var cache = yaml.String(yaml.Required(flashNode, "instruction_cache", "true or false"), "true or false");
        if (cache is not null and not ("true" or "false"))
        {
            yaml.Error(yaml.Optional(flashNode, "instruction_cache")!, $"expected true or false, found '{cache}'");
        }
        var flash = new FlashTiming(
            (int?)yaml.Integer(yaml.Optional(flashNode, "wait_states"), "wait states at the part's clock"),
            (int)(yaml.Integer(yaml.Optional(flashNode, "bus_bytes"), "the bytes of one flash read") ?? 4),
            cache == "true",
            Cite(yaml, flashNode));
        var powerNode = yaml.Mapping(yaml.Optional(root, "power"), "{ run_ua_per_mhz, volts, cite }");
        yaml.RejectUnknownKeys(powerNode, "run_ua_per_mhz", "volts", "cite");
        var power = powerNode is null ? null : new PowerFigure(
            yaml.Real(yaml.Required(powerNode, "run_ua_per_mhz", "the datasheet's run current in µA per MHz"), "µA per MHz") ?? 0,
            yaml.Real(yaml.Required(powerNode, "volts", "the supply voltage of that figure"), "volts") ?? 0,
            Cite(yaml, powerNode));
        yaml.ThrowIfErrors();
        return new PartProfile(id, name, core, clock, flash, power, yaml.File);
    }

    private static string Cite(YamlReader yaml, YamlMappingNode? row) =>
        yaml.String(yaml.Required(row, "cite", "where the figure comes from (document, section, table)"), "a citation") ?? "";

    private static CycleRange Range(YamlReader yaml, YamlNode? node, string what, CycleRange? absent = null)
    {
        if (node is null)
        {
            return absent ?? CycleRange.Zero;
        }
        if (node is YamlSequenceNode sequence)
        {
            var values = sequence.Children.Select(n => yaml.Real(n, what)).ToList();
            if (values.Count != 3 || values.Any(v => v is null))
            {
                yaml.Error(node, $"{what}: expected one number or three, [fewest, typical, most]");
                return CycleRange.Zero;
            }
            var range = new CycleRange(values[0]!.Value, values[1]!.Value, values[2]!.Value);
            if (!(range.Low <= range.Typical && range.Typical <= range.High) || range.Low < 0)
            {
                yaml.Error(node, $"{what}: expected 0 ≤ fewest ≤ typical ≤ most, found {range}");
            }
            return range;
        }
        var value = yaml.Real(node, what);
        if (value < 0)
        {
            yaml.Error(node, $"{what}: cycles cannot be negative");
        }
        return CycleRange.Exactly(value ?? 0);
    }
}
