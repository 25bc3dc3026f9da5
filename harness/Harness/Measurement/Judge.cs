using Harness.Emulation;
using Harness.Scenarios;
using Harness.Yaml;

namespace Harness.Measurement;

/// <summary>Compares figures with budgets, and the firmware's counter with the emulator's count.</summary>
public static class Judge
{
    public static IReadOnlyList<Check> Budgets(Budgets budgets, Figures figures)
    {
        var checks = new List<Check>();
        void Limit(string name, long? max, long? actual, Func<long, string> format)
        {
            if (max is null)
            {
                return;
            }
            checks.Add(actual is null
                ? new Check(name, false, $"≤ {format(max.Value)}", "not measured")
                : new Check(name, actual <= max, $"≤ {format(max.Value)}", format(actual.Value)));
        }
        Limit("instructions", budgets.Instructions, figures.Instructions, Quantity.FormatCount);
        Limit("cycles", budgets.Cycles, figures.Cycles, Quantity.FormatCount);
        Limit("flash", budgets.FlashBytes, figures.FlashBytes, Quantity.FormatBytes);
        Limit("ram", budgets.RamBytes, figures.RamBytes, Quantity.FormatBytes);
        Limit("stack", budgets.StackBytes, figures.StackHighWaterBytes, Quantity.FormatBytes);
        return checks;
    }

    /// <summary>
    /// The firmware's counter must tell the same story as the emulator's instruction count: equal
    /// up to the counter's resolution and the few instructions between reading it and the markers.
    /// </summary>
    public static Check CounterAgreesWithEmulator(long instructions, long cycles, ClockModel clock, string counterSource)
    {
        var tolerance = (long)Math.Ceiling(2 * clock.InstructionsPerTick(counterSource)) + 100 + instructions / 1000;
        var difference = Math.Abs(cycles - instructions);
        return new Check("counter vs emulator", difference <= tolerance,
            $"|cycles − instructions| ≤ {tolerance}", $"{difference} ({counterSource}: {cycles} cycles, {instructions} instructions)");
    }
}
