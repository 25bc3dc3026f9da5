using System.Text;
using Harness.Boards;
using Harness.Emulation.Renode;
using Harness.Firmware;
using Harness.Measurement;
using Harness.Scenarios;

namespace Harness.Reports;

/// <summary>
/// A self-contained folder that replays one failed board run on another machine with one command:
/// the ELF, the inputs, the board's description (and Renode script), the exact emulator command,
/// expected versus actual, and replay.sh, which runs it again and says whether the failure came back.
/// </summary>
public static class ReproFolder
{
    public const string ElfName = "firmware.elf";
    public const string ScenarioName = "scenario.yaml";
    public const string ExpectedSummaryName = "expected-summary.txt";

    public static async Task<string> WriteAsync(Scenario scenario, BoardResult run, BoardDescription board, string folder, CancellationToken cancellationToken)
    {
        if (scenario.Model is not null)
        {
            throw new InvalidOperationException("repro folders for model scenarios are not written yet: re-run the scenario with --board to reproduce it");
        }
        if (run.Firmware is null)
        {
            throw new InvalidOperationException($"the run on {run.Board} failed before it had firmware ({run.Summary}); there is nothing to replay");
        }
        Directory.CreateDirectory(folder);
        var elf = Path.Combine(folder, ElfName);
        File.Copy(run.Firmware, elf, overwrite: true);

        var diag = scenario.Diag;
        if (diag?.Upload is FileBytes upload)
        {
            var name = "upload" + Path.GetExtension(upload.Path);
            File.Copy(upload.Path, Path.Combine(folder, name), overwrite: true);
            diag = diag with { Upload = new FileBytes(name) };
        }
        var firmware = scenario.Firmware switch
        {
            BuiltInApp app => (FirmwareSpec)(app with { PrebuiltElf = ElfName }),
            UserElf user => user with { PathTemplate = ElfName },
            _ => scenario.Firmware,
        };
        var replay = scenario with { Boards = [run.Board], Emulator = run.Emulator, Firmware = firmware, Diag = diag };
        await File.WriteAllTextAsync(Path.Combine(folder, ScenarioName),
            $"# Replays '{scenario.Name}' on {run.Board} ({run.Emulator}); written by harness repro from {scenario.SourceFile}{Environment.NewLine}{ScenarioWriter.Write(replay)}", cancellationToken);

        File.Copy(board.SourceFile, Path.Combine(folder, "board.yaml"), overwrite: true);
        if (run.Emulator == "renode" && board.Renode is { } renode)
        {
            await RenodeRepro.WriteAsync(board, renode, folder, ElfName, cancellationToken);
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "emulator-command.txt"), (run.CommandLine ?? "(the emulator never started)") + Environment.NewLine, cancellationToken);

        var result = new ScenarioResult(scenario, [run]);
        var json = JsonReport.Render(result);
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), json, cancellationToken);
        var summaryLine = json.Split('\n').Select(l => l.Trim().TrimEnd(',')).First(l => l.StartsWith("\"summary\":", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(folder, ExpectedSummaryName), summaryLine + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "expected-vs-actual.md"), ExpectedVersusActual(scenario, run), cancellationToken);
        var script = Path.Combine(folder, "replay.sh");
        await File.WriteAllTextAsync(script, ReplayScript(replay.Name), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return folder;
    }

    private static string ExpectedVersusActual(Scenario scenario, BoardResult run)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {scenario.Name} on {run.Board} ({run.Emulator}): {run.Outcome.ToString().ToLowerInvariant()}");
        text.AppendLine();
        text.AppendLine(run.Summary);
        text.AppendLine();
        if (run.Checks.Count > 0)
        {
            text.AppendLine("| check | expected | actual | |");
            text.AppendLine("|---|---|---|---|");
            foreach (var check in run.Checks)
            {
                text.AppendLine($"| {check.Name} | {check.Expected} | {check.Actual} | {(check.Passed ? "ok" : "**FAILED**")} |");
            }
            text.AppendLine();
        }
        if (run.Detail is { Length: > 0 } detail)
        {
            text.AppendLine("```");
            text.AppendLine(detail);
            text.AppendLine("```");
        }
        text.AppendLine();
        text.AppendLine("Console:");
        text.AppendLine("```");
        foreach (var line in run.Console)
        {
            text.AppendLine(line.ToString());
        }
        text.AppendLine("```");
        return text.ToString();
    }

    private static string ReplayScript(string scenarioName) => $$"""
        #!/bin/sh
        # Runs the failed scenario again from this folder (same ELF, inputs and emulator settings) and
        # says whether the same failure came back. Needs the harness: set HARNESS to its command, or
        # have `harness` on PATH. Exit code 0 = reproduced, 1 = not reproduced, 2 = could not replay.
        cd "$(dirname "$0")" || exit 2
        HARNESS="${HARNESS:-harness}"
        if ! command -v "${HARNESS%% *}" >/dev/null 2>&1; then
          echo "CANNOT REPLAY: the harness was not found ('$HARNESS' is not a command): put 'harness' on PATH or set HARNESS, e.g. HARNESS=/path/to/harness ./replay.sh" >&2
          exit 2
        fi
        rm -rf replay-results
        $HARNESS run {{ScenarioName}} --out replay-results
        status=$?
        if [ ! -f replay-results/{{scenarioName}}.json ]; then
          echo "CANNOT REPLAY: the harness wrote no result (exit code $status; 2 means the scenario or board files were refused, see above)" >&2
          exit 2
        fi
        if grep -qF -f {{ExpectedSummaryName}} replay-results/{{scenarioName}}.json; then
          echo "REPRODUCED: the replay failed exactly as recorded ($(cat {{ExpectedSummaryName}}))"
          exit 0
        fi
        echo "NOT REPRODUCED: expected $(cat {{ExpectedSummaryName}}); see replay-results/{{scenarioName}}.json"
        exit 1

        """;
}
