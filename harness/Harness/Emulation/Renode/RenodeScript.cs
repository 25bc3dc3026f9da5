using System.Globalization;
using Harness.Boards;
using Harness.Firmware;

namespace Harness.Emulation.Renode;

/// <summary>
/// The monitor commands that build a board in Renode and load firmware on it: the same lines are
/// sent to a live session and written as a .resc file for reproducing the run elsewhere.
/// </summary>
public static class RenodeScript
{
    public const string Cpu = "sysbus.cpu";
    public const string Terminal = "console";

    /// <summary>Instructions per second of virtual time: the board's clock, so the DWT cycle counter counts instructions.</summary>
    public static long InstructionsPerSecond(BoardDescription board) => Mips(board) * 1_000_000L;

    /// <summary>Virtual time between the time source's syncs, in seconds (Renode's own default is 0.0001).</summary>
    private const string Quantum = "0.01";

    private static long Mips(BoardDescription board) => Math.Max(1, board.ClockHz / 1_000_000);

    /// <summary>
    /// Renode's virtual time has 1 ns steps, so it advances by whole groups of this many instructions
    /// (at 64 MIPS: 8 instructions = 125 ns) and carries the rest. DWT CYCCNT reads that time, so it
    /// moves in steps of this size, and where in a step a measured region starts depends on how the
    /// host's UART traffic fell: between runs CYCCNT over the same region can differ by up to one step,
    /// while ExecutedInstructions is exact.
    /// </summary>
    public static long TimeStepInstructions(BoardDescription board) => Mips(board) / (long)System.Numerics.BigInteger.GreatestCommonDivisor(Mips(board), 1000);

    /// <summary>Everything up to a running board: machine, determinism, console terminal.</summary>
    /// <param name="logFile">Renode's log goes here (flushed line by line) instead of the console.</param>
    /// <param name="terminal">The lines that make the terminal named <see cref="Terminal"/>: <see cref="HarnessTerminal"/> or <see cref="SocketTerminal"/>.</param>
    public static IReadOnlyList<string> Machine(BoardDescription board, string logFile, IReadOnlyList<string> terminal)
    {
        var renode = board.Renode ?? throw new EmulatorException($"board '{board.Id}' has no Renode platform");
        var lines = new List<string>
        {
            $"logFile @{logFile} true",
            // No randomness anywhere: a fixed seed for every model that draws random numbers.
            "emulation SetSeed 0",
            $"mach create \"{board.Id}\"",
            $"machine LoadPlatformDescription @{renode.Platform}",
        };
        if (renode.Overlay is { } overlay)
        {
            lines.Add($"machine LoadPlatformDescription @{overlay}");
        }
        lines.AddRange(
        [
            // Virtual time runs at the board's clock, and as fast as the host allows rather than paced to real time.
            $"{Cpu} PerformanceInMips {Mips(board).ToString(CultureInfo.InvariantCulture)}",
            "emulation SetGlobalAdvanceImmediately true",
            // One machine per emulation: nothing else to keep in step with, so the time source syncs every 10 ms of
            // virtual time instead of every 100 µs (Renode's default). Each sync is a handshake between threads; a
            // tenth of a millisecond at 216 MIPS is about 22,000 instructions. Instruction counts and DWT CYCCNT do
            // not depend on it (bench/renode.sh: warm 0.23 → 0.17 s, a CPU-bound loop 1.46x the MIPS).
            $"emulation SetGlobalQuantum \"{Quantum}\"",
            // Real silicon faults on an address nothing answers; so does the emulated board.
            "sysbus UnhandledAccessBehaviour ThrowException",
            .. terminal,
            $"connector Connect sysbus.{board.Console.Name} {Terminal}",
        ]);
        return lines;
    }

    /// <summary>
    /// The harness's hooks (the instruction-mix counter and the console terminal, compiled by Renode into one assembly), then
    /// the terminal: it connects to the harness at <paramref name="harnessPort"/> on the loopback interface.
    /// </summary>
    /// <param name="buildStamp">A file naming the Renode build, compiled with the hooks (<see cref="RenodeCompilerCache.BuildStamp"/>).</param>
    public static IReadOnlyList<string> HarnessTerminal(int harnessPort, string? buildStamp = null) =>
    [
        $"include {string.Join(' ', HookSources.Append(buildStamp).OfType<string>().Select(source => $"@{source}"))}",
        $"emulation CreateHarnessTerminal {harnessPort.ToString(CultureInfo.InvariantCulture)} \"{Terminal}\"",
    ];

    /// <summary>Renode's own server-socket terminal, for a person to connect to (telnet, nc) at <paramref name="port"/>.</summary>
    public static IReadOnlyList<string> SocketTerminal(int port) =>
        [$"emulation CreateServerSocketTerminal {port.ToString(CultureInfo.InvariantCulture)} \"{Terminal}\" false"];

    /// <summary>A session's monitor lines as a person replays them: the harness's terminal, which needs the harness, becomes a socket terminal.</summary>
    public static IEnumerable<string> ForReplay(IEnumerable<string> lines, int port) =>
        lines.SelectMany(line => line.StartsWith("emulation CreateHarnessTerminal ", StringComparison.Ordinal) ? SocketTerminal(port) : [line]);

    /// <summary>The port a replayed script's console terminal listens on.</summary>
    public const int ReplayPort = 3456;

    /// <summary>Loads the ELF, makes a machine reset load it again, and hooks the measured region and fault handlers.</summary>
    /// <param name="eventsFile">Where the hooks append "begin N", "end N" and "fault A" lines.</param>
    /// <param name="codeMap">The ELF's code map: with it, the harness's block hook (HarnessMix.renode.cs, included with the
    /// machine's <see cref="HarnessTerminal"/>) writes the marker lines with the instruction mix before each; without it,
    /// Python hooks write them alone.</param>
    /// <param name="beforeReset">For a machine that is reset next: the reset macro alone loads the ELF (once, not twice; the
    /// core takes its stack pointer and entry from the vector table as it leaves reset, after the macro).</param>
    public static IReadOnlyList<string> Firmware(FirmwareImage firmware, string eventsFile, string? codeMap = null, bool beforeReset = false)
    {
        var lines = new List<string>();
        if (!beforeReset)
        {
            lines.Add($"sysbus LoadELF @{firmware.ElfPath}");
        }
        lines.Add($"macro reset \"sysbus LoadELF @{firmware.ElfPath}\"");
        if (firmware.Markers is { } markers && codeMap is not null)
        {
            lines.Add($"{Cpu} HarnessMixStart \"{Quoted(codeMap)}\" \"{Quoted(eventsFile)}\" 0x{markers.Begin:x} 0x{markers.End:x} 0x{markers.OpBegin ?? uint.MaxValue:x} 0x{markers.OpEnd ?? uint.MaxValue:x}");
        }
        else if (firmware.Markers is { } hooked)
        {
            lines.Add(Hook(hooked.Begin, eventsFile, "'begin %d\\n' % self.ExecutedInstructions"));
            lines.Add(Hook(hooked.End, eventsFile, "'end %d\\n' % self.ExecutedInstructions"));
            if (hooked is { OpBegin: { } opBegin, OpEnd: { } opEnd })
            {
                lines.Add(Hook(opBegin, eventsFile, "'opb %d\\n' % self.ExecutedInstructions"));
                lines.Add(Hook(opEnd, eventsFile, "'ope %d\\n' % self.ExecutedInstructions"));
            }
        }
        lines.AddRange(firmware.FaultHandlers.Select(handler =>
            Hook(handler, eventsFile, $"'fault {handler.ToString(CultureInfo.InvariantCulture)}\\n'")));
        return lines;
    }

    /// <summary>The hooks' C# sources, compiled by Renode when first included (into one assembly: later includes of the same files are no-ops).</summary>
    public static IReadOnlyList<string> HookSources { get; } =
        new[] { "HarnessMix.renode.cs", "HarnessTerminal.renode.cs" }.Select(name => Path.Combine(AppContext.BaseDirectory, "Emulation", "Renode", name)).ToList();

    private static string Quoted(string path) => path.Contains('\'') || path.Contains('"')
        ? throw new EmulatorException($"the work folder path must not contain quotes: {path}")
        : path;

    /// <summary>A Python hook run when the CPU is about to execute <paramref name="address"/>.</summary>
    private static string Hook(uint address, string eventsFile, string line)
    {
        if (eventsFile.Contains('\'') || eventsFile.Contains('"'))
        {
            throw new EmulatorException($"the work folder path must not contain quotes: {eventsFile}");
        }
        return $"{Cpu} AddHook 0x{address:x8} \"f = open('{eventsFile}', 'a'); f.write({line}); f.close()\"";
    }

    /// <summary>A whole .resc file: machine, firmware, then either start or wait for a debugger.</summary>
    public static string Resc(IEnumerable<string> lines, int? gdbPort) =>
        string.Join('\n', lines.Append(gdbPort is { } port ? $"machine StartGdbServer {port} true" : "start")) + "\n";
}
