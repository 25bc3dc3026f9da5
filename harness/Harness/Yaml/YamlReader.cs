using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harness.Yaml;

/// <summary>
/// Reads a YAML file node by node and records every problem with its file, line and column, so a
/// user sees all mistakes of a file at once, each pointing at the exact spot.
/// </summary>
public sealed class YamlReader
{
    private readonly List<YamlError> errors = [];

    private YamlReader(string file, YamlNode root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }
    public YamlNode Root { get; }
    public bool HasErrors => errors.Count > 0;

    public static YamlReader Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new YamlInputException([new YamlError(path, 0, 0, "file not found")]);
        }
        return Parse(path, System.IO.File.ReadAllText(path));
    }

    public static YamlReader Parse(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Trim();
            throw new YamlInputException([new YamlError(file, e.Start.Line, e.Start.Column, $"not valid YAML: {message}")]);
        }
        catch (InvalidOperationException)
        {
            // Some broken structures make YamlDotNet fail without a position: point at the last token it could read.
            var mark = LastReadableMark(text);
            throw new YamlInputException([new YamlError(file, mark.Line, mark.Column, "not valid YAML: the structure breaks after this point (an unclosed '[', '{' or quote?)")]);
        }
        if (stream.Documents.Count == 0)
        {
            throw new YamlInputException([new YamlError(file, 1, 1, "the file is empty")]);
        }
        return new YamlReader(file, stream.Documents[0].RootNode);
    }

    private static Mark LastReadableMark(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var last = new Mark(0, 1, 1);
        try
        {
            while (scanner.MoveNext())
            {
                last = scanner.Current!.End;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
        }
        return last;
    }

    public void Error(YamlNode node, string message) =>
        errors.Add(new YamlError(File, node.Start.Line, node.Start.Column, message));

    public void ThrowIfErrors()
    {
        if (errors.Count > 0)
        {
            throw new YamlInputException(errors.ToList());
        }
    }

    public YamlMappingNode? Mapping(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }
        Error(node, $"expected {what} (a mapping of keys to values), found {Describe(node)}");
        return null;
    }

    public YamlNode? Optional(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }
        return map.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value) ? value : null;
    }

    public YamlNode? Required(YamlMappingNode? map, string key, string what)
    {
        var value = Optional(map, key);
        if (value is null && map is not null)
        {
            Error(map, $"missing '{key}': {what}");
        }
        return value;
    }

    public string? String(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }
        Error(node, $"expected {what}, found {Describe(node)}");
        return null;
    }

    public long? Integer(YamlNode? node, string what) => Convert<long>(node, what, text =>
        Quantity.TryParseInteger(text, out var value) ? (value, null) : (0, $"expected {what} (a whole number, decimal or 0x hex), found '{text}'"));

    public double? Real(YamlNode? node, string what) => Convert<double>(node, what, text =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? (value, null) : (0, $"expected {what} (a number), found '{text}'"));

    public long? Bytes(YamlNode? node, string what) => Convert<long>(node, what, text =>
        Quantity.TryParseBytes(text, out var value, out var problem) ? (value, null) : (0, $"{what}: {problem}"));

    public long? Count(YamlNode? node, string what) => Convert<long>(node, what, text =>
        Quantity.TryParseCount(text, out var value, out var problem) ? (value, null) : (0, $"{what}: {problem}"));

    public TimeSpan? Duration(YamlNode? node, string what)
    {
        var text = String(node, what);
        if (text is null || node is null)
        {
            return null;
        }
        if (Quantity.TryParseDuration(text, out var value, out var problem) && value > TimeSpan.Zero)
        {
            return value;
        }
        Error(node, $"{what}: {problem ?? "must be longer than zero"}");
        return null;
    }

    /// <summary>A list, or a single scalar taken as a list of one.</summary>
    public IReadOnlyList<YamlNode> List(YamlNode? node, string what)
    {
        switch (node)
        {
            case null:
                return [];
            case YamlSequenceNode sequence:
                return sequence.Children.ToList();
            case YamlScalarNode:
                return [node];
            default:
                Error(node, $"expected {what} (a list), found {Describe(node)}");
                return [];
        }
    }

    public void RejectUnknownKeys(YamlMappingNode? map, params string[] known)
    {
        if (map is null)
        {
            return;
        }
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
            {
                var hint = Suggest(name, known);
                Error(key, $"unknown key '{name}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    public static string? Suggest(string given, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Candidate: c, Distance: EditDistance(given.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, c.Candidate.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();

    /// <summary>Up to <paramref name="count"/> candidates that look like <paramref name="given"/>: a few edits away, or one inside the other.</summary>
    public static IReadOnlyList<string> SuggestMany(string given, IEnumerable<string> candidates, int count = 5)
    {
        var lower = given.ToLowerInvariant();
        return candidates
            .Select(c => (Candidate: c, Distance: EditDistance(lower, c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, c.Candidate.Length / 3)
                        || (lower.Length >= 4 && c.Candidate.Contains(lower, StringComparison.OrdinalIgnoreCase))
                        || (c.Candidate.Length >= 4 && lower.Contains(c.Candidate, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .Distinct()
            .Take(count)
            .ToList();
    }

    private T? Convert<T>(YamlNode? node, string what, Func<string, (T Value, string? Problem)> parse) where T : struct
    {
        var text = String(node, what);
        if (text is null || node is null)
        {
            return null;
        }
        var (value, problem) = parse(text);
        if (problem is not null)
        {
            Error(node, problem);
            return null;
        }
        return value;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "something else",
    };

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
