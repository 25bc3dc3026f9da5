using System.Net.Sockets;
using System.Threading.Channels;
using CliWrap;
using Harness.Firmware;

namespace Harness.Emulation.Qemu;

/// <summary>
/// One qemu-system-arm process: started paused, its console UART and QMP control connected to
/// loopback ports the harness holds, then continued. With -icount shift=0 every instruction takes
/// exactly 1 ns of virtual time, so timers and counts repeat run after run.
/// </summary>
public sealed class QemuSession : IEmulatorSession
{
    public const int IcountShift = 0;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QuitWait = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource tailStop = new();
    private readonly Channel<EmulatorEvent> events = Channel.CreateUnbounded<EmulatorEvent>();
    private readonly EmulatorProcess process = new();
    private NetworkStream? console;
    private QmpClient? qmp;
    private GdbStubMemory? gdbStub;
    private Task? tail;

    private QemuSession(FirmwareImage firmware, string commandLine, string version)
    {
        Firmware = firmware;
        CommandLine = commandLine;
        Version = version;
        var board = firmware.Board.Qemu!;
        var instructionsPerSecond = 1e9 / (1 << IcountShift);
        Clock = new ClockModel(instructionsPerSecond, board.CounterHz,
            $"QEMU -icount shift={IcountShift}: {instructionsPerSecond / 1e6:0} M instructions per virtual second; fallback counter at {board.CounterHz / 1e6:0.###} MHz");
    }

    public string EmulatorName => "qemu";
    public string Version { get; }
    public FirmwareImage Firmware { get; }
    public string CommandLine { get; }
    public Stream Console => console ?? throw new InvalidOperationException("session not started");
    public ChannelReader<EmulatorEvent> Events => events.Reader;
    public ClockModel Clock { get; }
    public Task<EmulatorExit> Exited => process.Exited;

    /// <summary>QEMU's GDB stub, connected to the harness, unless the user's debugger has it (--debug).</summary>
    public Link.ITargetMemory? TargetMemory => gdbStub;

    /// <param name="cacheDirectory">Where the tether that ties QEMU's life to the harness is built.</param>
    public static async Task<QemuSession> StartAsync(string qemu, string plugin, string version, string cacheDirectory, EmulationRequest request, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(request.WorkDirectory);
        var eventsFile = Path.Combine(request.WorkDirectory, "qemu-plugin-events.txt");
        File.WriteAllText(eventsFile, "");
        using var uart = new LoopbackListener();
        using var control = new LoopbackListener();
        using var probe = new LoopbackListener();
        var arguments = Arguments(request, plugin, eventsFile, uart.Port, control.Port, probe.Port);
        var session = new QemuSession(request.Firmware, $"{qemu} {string.Join(' ', arguments.Select(Quote))}", version);
        try
        {
            var tethered = await Tether.CommandAsync(qemu, arguments, cacheDirectory, cancellationToken);
            session.process.Start(tethered
                .WithWorkingDirectory(request.WorkDirectory)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(session.process.Diagnose))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(session.process.Diagnose)));
            var processExited = session.process.Exited;
            var uartSocket = await uart.AcceptAsync(processExited, "console UART", ConnectTimeout, cancellationToken);
            session.console = new NetworkStream(uartSocket, ownsSocket: true);
            var controlSocket = await control.AcceptAsync(processExited, "QMP control socket", ConnectTimeout, cancellationToken);
            session.qmp = await QmpClient.ConnectAsync(controlSocket, cancellationToken);
            if (request.GdbPort is null)
            {
                session.gdbStub = new GdbStubMemory(await probe.AcceptAsync(processExited, "GDB stub (the bulk path)", ConnectTimeout, cancellationToken));
            }
            session.tail = new EventFileTail(eventsFile).RunAsync(session.events.Writer, session.tailStop.Token);
            if (request.GdbPort is null)
            {
                await session.qmp.ExecuteAsync("cont", cancellationToken);
            }
            return session;
        }
        catch (Exception e)
        {
            await session.DisposeAsync();
            if (e is EmulatorException && session.process.Exited.IsCompleted)
            {
                var exit = await session.process.Exited;
                throw new EmulatorException($"{e.Message}: qemu-system-arm exited with code {exit.ExitCode}: {exit.Diagnostics}");
            }
            throw;
        }
    }

    private static IReadOnlyList<string> Arguments(EmulationRequest request, string plugin, string eventsFile, int uartPort, int controlPort, int probePort)
    {
        var firmware = request.Firmware;
        var board = firmware.Board.Qemu!;
        var pluginArguments = new List<string> { plugin, $"out={eventsFile}" };
        if (firmware.Markers is { } markers)
        {
            if (Silicon.CodeMap.Wanted)
            {
                // The ELF's code map, so the plugin counts the measured instructions by timing class too.
                var classes = Path.Combine(request.WorkDirectory, "code-map.txt");
                File.WriteAllText(classes, Silicon.CodeMap.Of(firmware.Elf).ToTable());
                pluginArguments.Add($"classes={classes}");
            }
            pluginArguments.Add($"begin=0x{markers.Begin:x}");
            pluginArguments.Add($"end=0x{markers.End:x}");
            if (markers is { OpBegin: { } opBegin, OpEnd: { } opEnd })
            {
                pluginArguments.Add($"opbegin=0x{opBegin:x}");
                pluginArguments.Add($"opend=0x{opEnd:x}");
            }
        }
        pluginArguments.AddRange(firmware.FaultHandlers.Select(address => $"fault=0x{address:x}"));
        var arguments = new List<string>
        {
            "-machine", board.Machine,
            "-nodefaults", "-display", "none", "-monitor", "none",
            "-icount", $"shift={IcountShift}",
            "-kernel", firmware.ElfPath,
            "-chardev", $"socket,id=console,host=127.0.0.1,port={uartPort},nodelay=on",
            "-chardev", $"socket,id=control,host=127.0.0.1,port={controlPort},nodelay=on",
            "-mon", "chardev=control,mode=control",
            "-plugin", string.Join(',', pluginArguments),
            "-d", "guest_errors,unimp", "-D", Path.Combine(request.WorkDirectory, "qemu.log"),
            "-S",
        };
        for (var i = 0; i < board.SerialIndex; i++)
        {
            arguments.AddRange(["-serial", "null"]);
        }
        arguments.AddRange(["-serial", "chardev:console"]);
        if (request.GdbPort is { } gdb)
        {
            arguments.AddRange(["-gdb", $"tcp:127.0.0.1:{gdb}"]);
        }
        else
        {
            // The GDB stub connects out to the harness, like the console: the bulk path's probe, no port left open.
            arguments.AddRange(["-chardev", $"socket,id=probe,host=127.0.0.1,port={probePort},nodelay=on", "-gdb", "chardev:probe"]);
        }
        return arguments;
    }

    private static string Quote(string argument) => argument.Contains(' ') ? $"'{argument}'" : argument;



    public bool CanRun(FirmwareImage firmware) =>
        firmware.ElfPath == Firmware.ElfPath && File.GetLastWriteTimeUtc(firmware.ElfPath) == File.GetLastWriteTimeUtc(Firmware.ElfPath);

    public async Task ResetAsync(FirmwareImage firmware, CancellationToken cancellationToken)
    {
        if (!CanRun(firmware))
        {
            throw new EmulatorException($"this QEMU session runs {Firmware.ElfPath}; it cannot switch to {firmware.ElfPath}");
        }
        if (qmp is null || process.Exited.IsCompleted)
        {
            throw new EmulatorException("cannot reset: QEMU is not running");
        }
        await qmp.ExecuteAsync("system_reset", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await process.StopAsync(qmp is null ? null : token => qmp.ExecuteAsync("quit", token), QuitWait);
        await tailStop.CancelAsync();
        if (tail is not null)
        {
            await tail;
        }
        events.Writer.TryComplete();
        if (qmp is not null)
        {
            await qmp.DisposeAsync();
        }
        if (console is not null)
        {
            await console.DisposeAsync();
        }
        gdbStub?.Dispose();
        process.Dispose();
        tailStop.Dispose();
    }
}
