using System.Globalization;

namespace Harness.Tflm;

/// <summary>
/// A long build's progress as a line to print: a bar, the share of objects compiled, and the time left at the rate so far
/// ("TFLM library X: [#########-----------] 45 % (95 of 212 objects, 5.1 min), about 6 min left"). Without a known
/// total it counts, every 25 objects.
/// </summary>
/// <param name="present">Objects already compiled by an earlier, stopped build: counted as done, not in the rate.</param>
public sealed class BuildProgress(string name, int? total, int present = 0)
{
    private const int Width = 20;
    private int compiled;
    private int lastStep = -1;

    /// <summary>One more object compiled; the line to print when the share crossed another 5 % (or another 25 objects), else null.</summary>
    public string? Compiled(TimeSpan elapsed)
    {
        compiled++;
        if (total is not { } all)
        {
            return compiled % 25 == 0 ? string.Create(CultureInfo.InvariantCulture, $"TFLM library {name}: {compiled} sources compiled, {elapsed.TotalMinutes:0.0} min") : null;
        }
        var done = Math.Min(all, present + compiled);
        var percent = 100 * done / all;
        var step = percent / 5;
        if (step == lastStep)
        {
            return null;
        }
        lastStep = step;
        var filled = Width * done / all;
        var left = all - done;
        var remaining = left == 0 ? "done compiling" : $"about {Duration(TimeSpan.FromTicks(elapsed.Ticks / compiled * left))} left";
        return string.Create(CultureInfo.InvariantCulture,
            $"TFLM library {name}: [{new string('#', filled)}{new string('-', Width - filled)}] {percent} % ({done} of {all} objects, {elapsed.TotalMinutes:0.0} min), {remaining}");
    }

    private static string Duration(TimeSpan time) => time.TotalMinutes >= 1.5
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(time.TotalMinutes):0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, Math.Round(time.TotalSeconds)):0} s");
}
