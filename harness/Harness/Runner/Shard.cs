using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Scenarios;

namespace Harness.Runner;

/// <summary>
/// One of N equal slices of a suite's board runs (--shard I/N), for a CI system's job matrix: board
/// runs are numbered in the order the scenarios and their boards are given, and shard I takes every
/// N-th from the I-th on. The shards of one suite are disjoint and together are the whole suite.
/// </summary>
public sealed partial record Shard(int Index, int Count)
{
    public static bool TryParse(string text, out Shard? shard)
    {
        var match = Form().Match(text);
        shard = null;
        if (!match.Success)
        {
            return false;
        }
        var (index, count) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        if (index < 1 || index > count)
        {
            return false;
        }
        shard = new Shard(index, count);
        return true;
    }

    /// <summary>The scenarios with only this shard's boards; a scenario with none left is dropped.</summary>
    public List<Scenario> Of(IReadOnlyList<Scenario> scenarios)
    {
        var number = 0;
        return scenarios
            .Select(s => s with { Boards = s.Boards.Where(_ => number++ % Count == Index - 1).ToList() })
            .Where(s => s.Boards.Count > 0)
            .ToList();
    }

    public override string ToString() => $"{Index}/{Count}";

    [GeneratedRegex(@"^\s*(\d+)\s*/\s*(\d+)\s*$")]
    private static partial Regex Form();
}
