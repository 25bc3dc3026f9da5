using System.Globalization;
using System.Text.RegularExpressions;

namespace Harness.Yaml;

/// <summary>Parses the quantities users write in YAML: sizes (64KiB), counts (30M) and durations (10s).</summary>
public static partial class Quantity
{
    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$")]
    private static partial Regex NumberWithUnit();

    public static bool TryParseBytes(string text, out long bytes, out string? problem)
    {
        bytes = 0;
        problem = null;
        if (TryParseInteger(text, out bytes))
        {
            return true;
        }
        var match = NumberWithUnit().Match(text);
        if (!match.Success)
        {
            problem = $"expected a size such as 4096, 64KiB or 1MiB, found '{text}'";
            return false;
        }
        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        long? multiplier = match.Groups[2].Value switch
        {
            "" or "B" => 1,
            "KiB" => 1024,
            "MiB" => 1024 * 1024,
            "GiB" => 1024L * 1024 * 1024,
            _ => null,
        };
        if (multiplier is null)
        {
            problem = match.Groups[2].Value.ToUpperInvariant() is "K" or "KB" or "M" or "MB"
                ? $"'{text}' is ambiguous: write KiB/MiB for powers of 1024, or the plain number of bytes"
                : $"unknown size unit '{match.Groups[2].Value}' in '{text}' (use B, KiB, MiB or GiB)";
            return false;
        }
        bytes = (long)Math.Round(number * multiplier.Value);
        return true;
    }

    public static bool TryParseCount(string text, out long count, out string? problem)
    {
        count = 0;
        problem = null;
        if (TryParseInteger(text, out count))
        {
            return true;
        }
        var match = NumberWithUnit().Match(text);
        long? multiplier = match.Success
            ? match.Groups[2].Value switch
            {
                "" => 1,
                "k" or "K" => 1_000,
                "M" => 1_000_000,
                "G" => 1_000_000_000,
                _ => null,
            }
            : null;
        if (multiplier is null)
        {
            problem = $"expected a count such as 20000, 200k or 30M, found '{text}'";
            return false;
        }
        count = (long)Math.Round(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * multiplier.Value);
        return true;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration, out string? problem)
    {
        duration = TimeSpan.Zero;
        problem = null;
        var match = NumberWithUnit().Match(text);
        double? seconds = match.Success
            ? match.Groups[2].Value switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" or "min" => 60,
                _ => null,
            }
            : null;
        if (seconds is null)
        {
            problem = $"expected a duration such as 500ms, 10s or 2m, found '{text}'";
            return false;
        }
        duration = TimeSpan.FromSeconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * seconds.Value);
        return true;
    }

    public static bool TryParseInteger(string text, out long value)
    {
        text = text.Trim().Replace("_", "");
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
        }
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        >= 10 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };

    public static string FormatCount(long count) => count switch
    {
        >= 10_000_000 => $"{count / 1e6:0.##}M",
        >= 10_000 => $"{count / 1e3:0.#}k",
        _ => count.ToString(CultureInfo.InvariantCulture),
    };
}
