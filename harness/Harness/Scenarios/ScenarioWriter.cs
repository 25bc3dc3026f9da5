using System.Globalization;
using System.Text;

namespace Harness.Scenarios;

/// <summary>Writes a scenario back as YAML the parser reads (used for the self-contained repro folders).</summary>
public static class ScenarioWriter
{
    public static string Write(Scenario scenario)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine($"name: {Quote(scenario.Name)}");
        yaml.AppendLine($"emulator: {scenario.Emulator}");
        yaml.AppendLine($"boards: [{string.Join(", ", scenario.Boards)}]");
        yaml.AppendLine(scenario.Firmware switch
        {
            BuiltInApp { PrebuiltElf: { } elf } app => $"firmware: {{ app: {app.App}, elf: {Quote(elf)} }}",
            BuiltInApp app => $"firmware: {app.App}",
            UserElf { Measure: { } measure } elf => $"firmware: {{ elf: {Quote(elf.PathTemplate)}, measure: {{ begin: {measure.Begin}, end: {measure.End} }} }}",
            UserElf elf => $"firmware: {{ elf: {Quote(elf.PathTemplate)} }}",
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        });
        if (scenario.Diag is { } diag)
        {
            var upload = diag.Upload switch
            {
                RandomBytes random => $"upload: {random.Size}, seed: {random.Seed}",
                FileBytes file => $"upload: {{ file: {Quote(file.Path)} }}",
                _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
            };
            yaml.AppendLine($"diag: {{ {upload}, workload: {diag.WorkloadIterations}, {(diag.Kernel == DiagKernel.Xorshift ? "" : $"kernel: {diag.Kernel.ToString().ToLowerInvariant()}, ")}then: {diag.Then.ToString().ToLowerInvariant()}{(diag.Bursts > 1 ? $", bursts: {diag.Bursts}" : "")} }}");
        }
        if (scenario.Console is { } console)
        {
            yaml.AppendLine("console:");
            yaml.AppendLine($"  pass: [{string.Join(", ", console.Pass.Select(p => Quote(p.Text)))}]");
            yaml.AppendLine($"  fail: [{string.Join(", ", console.Fail.Select(p => Quote(p.Text)))}]");
        }
        var budgets = new (string Key, long? Max)[]
        {
            ("instructions", scenario.Budgets.Instructions), ("cycles", scenario.Budgets.Cycles), ("flash", scenario.Budgets.FlashBytes),
            ("ram", scenario.Budgets.RamBytes), ("stack", scenario.Budgets.StackBytes),
        }.Where(b => b.Max is not null).ToList();
        if (budgets.Count > 0)
        {
            yaml.AppendLine("expect:");
            budgets.ForEach(b => yaml.AppendLine($"  {b.Key}: {{ max: {b.Max} }}"));
        }
        yaml.AppendLine(scenario.EmulatedTimeout is { } emulated
            ? $"timeout: {{ wall: {scenario.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms, emulated: {emulated.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms }}"
            : $"timeout: {scenario.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms");
        return yaml.ToString();
    }

    private static string Quote(string text) => $"'{text.Replace("'", "''")}'";
}
