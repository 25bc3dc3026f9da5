using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using CliWrap;
using Harness.Firmware;

namespace Harness.Emulation.Renode;

/// <summary>
/// One headless Renode process with one machine. Driven over its monitor (stdin/stdout); the console UART's
/// terminal (the harness's own, HarnessTerminal.renode.cs) connects to the harness over the loopback interface;
/// CPU hooks append measured regions and fault entries to an events file. Virtual time runs at the board's
/// clock but as fast as the host allows.
/// A reset can load another ELF, for the same board or another (the emulation is cleared and the other board's machine
/// made in the same process), so one warm process serves a worker's scenarios whatever their boards.
/// </summary>
public sealed class RenodeSession : IEmulatorSession
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan QuitWait = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource tailStop = new();
    private readonly Channel<EmulatorEvent> events = Channel.CreateUnbounded<EmulatorEvent>();
    private readonly EmulatorProcess process = new();
    private readonly RenodeMonitor monitor = new();
    private readonly string renode;
    private readonly EmulationRequest request;
    private readonly string eventsFile;
    private readonly string logFile;
    private readonly List<Task> tails = [];
    private NetworkStream? console;
    private string cacheDirectory = "";
    private string? buildStamp;
    private string? settingsFile;

    private RenodeSession(string renode, EmulationRequest request)
    {
        this.renode = renode;
        this.request = request;
        Firmware = request.Firmware;
        eventsFile = Path.Combine(request.WorkDirectory, "renode-events.txt");
        logFile = Path.Combine(request.WorkDirectory, "renode.log");
        Clock = ClockOf(request.Firmware.Board);
        TargetMemory = new SysbusMemory(monitor, request.WorkDirectory);
    }

    private static ClockModel ClockOf(Boards.BoardDescription board)
    {
        var rate = RenodeScript.InstructionsPerSecond(board);
        return new ClockModel(rate, board.ClockHz,
            $"Renode: {rate / 1e6:0} M instructions per virtual second (the {board.ClockHz / 1e6:0.###} MHz clock), advancing as fast as the host allows; DWT CYCCNT at the core clock");
    }

    public string EmulatorName => "renode";
    public FirmwareImage Firmware { get; private set; }
    public string CommandLine => $"{renode} {string.Join(' ', Arguments(settingsFile))}  # then, on its monitor: {ScriptPath}";
    public Stream Console => console ?? throw new InvalidOperationException("session not started");
    public ChannelReader<EmulatorEvent> Events => events.Reader;
    public ClockModel Clock { get; private set; }
    public Task<EmulatorExit> Exited => process.Exited;

    /// <summary>Renode's system bus, for the bulk path.</summary>
    public Link.ITargetMemory? TargetMemory { get; }

    /// <summary>The Renode version the process printed when it started ("1.16.1 (1.16.1+…git06854d4d)" → "1.16.1").</summary>
    public string Version { get; private set; } = "unknown";

    /// <summary>The .resc file with every monitor command this session ran, to replay it by hand.</summary>
    public string ScriptPath => Path.Combine(request.WorkDirectory, "session.resc");

    /// <param name="settingsFile">Renode's settings for the harness: the user's, with the compiler cache on (<see cref="RenodeCompilerCache"/>); null: the user's own.</param>
    public static IReadOnlyList<string> Arguments(string? settingsFile) =>
        [.. settingsFile is null ? [] : new[] { "--config", settingsFile }, "--console", "--plain", "--disable-xwt", "--hide-log"];

    /// <summary>
    /// Settings for Renode's .NET runtime, where the user's environment has none: without dynamic PGO the JIT compiles a hot
    /// method once more instead of twice, and idle thread-pool threads sleep instead of spinning. Measured on 6 person_detect
    /// scenarios on 2 boards: 0.85x the CPU, 0.93x the wall time with 1 worker and 0.85x with 2 (medians of 4 pairs).
    /// </summary>
    public static IReadOnlyDictionary<string, string> RuntimeSettings { get; } = new Dictionary<string, string>
    {
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
    };

    public static async Task<RenodeSession> StartAsync(string renode, string cacheDirectory, EmulationRequest request, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(request.WorkDirectory);
        var session = new RenodeSession(renode, request) { cacheDirectory = cacheDirectory };
        File.WriteAllText(session.eventsFile, "");
        try
        {
            await session.LaunchAsync(cancellationToken);
            return session;
        }
        catch (Exception e)
        {
            await session.DisposeAsync();
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new EmulatorException($"Renode did not get the board ready within {StartTimeout.TotalSeconds:0} s{session.DiagnosticsSuffix()}");
            }
            if (e is EmulatorException && session.process.Exited.IsCompleted && !(await session.process.Exited).Requested)
            {
                var exit = await session.process.Exited;
                throw new EmulatorException($"{e.Message}: Renode exited with code {exit.ExitCode}{session.DiagnosticsSuffix()}");
            }
            if (e is RenodeCommandException)
            {
                throw new EmulatorException($"{e.Message}{session.DiagnosticsSuffix()}");
            }
            throw;
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartTimeout);
        settingsFile = RenodeCompilerCache.SettingsFile(cacheDirectory);
        // The short wait lets the log tail pick up Renode's last words before its end is reported.
        var tethered = await Tether.CommandAsync(renode, Arguments(settingsFile), cacheDirectory, cancellationToken);
        process.Start(tethered
            .WithWorkingDirectory(request.WorkDirectory)
            .WithEnvironmentVariables(RuntimeSettings.Where(setting => Environment.GetEnvironmentVariable(setting.Key) is null).ToDictionary(setting => setting.Key, setting => (string?)setting.Value))
            .WithStandardInputPipe(PipeSource.Create(monitor.WriteCommandsAsync))
            .WithStandardOutputPipe(PipeTarget.Create(monitor.ReadOutputAsync))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(process.Diagnose)), TimeSpan.FromMilliseconds(50));

        var banner = await Race(monitor.WaitForPromptAsync(limit.Token));
        var banned = banner.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Renode, version", StringComparison.Ordinal))?["Renode, version".Length..].Trim();
        Version = banned is null ? "unknown" : RenodeEmulator.ParseVersion(banned)?.ToString() ?? banned;
        // A banner without the version: the build is told by the launcher's path and time instead.
        buildStamp = settingsFile is null ? null : RenodeCompilerCache.BuildStamp(cacheDirectory, banned ?? $"{renode} {File.GetLastWriteTimeUtc(renode):O}");

        console = await CreateMachineAsync(Firmware.Board, withLog: true, limit.Token);
        tails.Add(new RenodeLogTail(logFile).RunAsync(events.Writer, process.Diagnose, tailStop.Token));
        tails.Add(new EventFileTail(eventsFile).RunAsync(events.Writer, tailStop.Token));
        foreach (var line in RenodeScript.Firmware(Firmware, eventsFile, WriteCodeMap(Firmware)))
        {
            await Race(monitor.ExecuteAsync(line, limit.Token));
        }
        await Race(monitor.ExecuteAsync(request.GdbPort is { } gdb ? $"machine StartGdbServer {gdb} true" : "start", limit.Token));
        await File.WriteAllTextAsync(ScriptPath, RenodeScript.Resc(RenodeScript.ForReplay(monitor.History.Where(l => l != "start" && !l.StartsWith("machine StartGdbServer", StringComparison.Ordinal)), RenodeScript.ReplayPort), request.GdbPort), cancellationToken);
    }

    /// <summary>The board's machine, its console terminal connected to the harness; returns the connection.</summary>
    /// <param name="withLog">Also point Renode's log at the session's log file (once: the log outlives a cleared emulation).</param>
    private async Task<NetworkStream> CreateMachineAsync(Boards.BoardDescription board, bool withLog, CancellationToken cancellationToken)
    {
        // The harness listens and the terminal connects, so no port is picked in one process and bound in another.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        var accepting = listener.AcceptSocketAsync(cancellationToken).AsTask();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            foreach (var line in RenodeScript.Machine(board, logFile, RenodeScript.HarnessTerminal(port, buildStamp)).Where(l => withLog || !l.StartsWith("logFile ", StringComparison.Ordinal)))
            {
                await Race(monitor.ExecuteAsync(line, cancellationToken));
            }
            var socket = await Race(accepting);
            socket.NoDelay = true;
            return new NetworkStream(socket, ownsSocket: true);
        }
        finally
        {
            // A step that failed leaves the accept pending: the listener's end completes it, observed here.
            listener.Stop();
            await accepting.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Awaits a monitor step unless Renode exits first.</summary>
    private async Task<T> Race<T>(Task<T> step)
    {
        if (await Task.WhenAny(step, process.Exited) == step)
        {
            return await step;
        }
        var exit = await process.Exited;
        throw new EmulatorException($"Renode exited (code {exit.ExitCode}) while starting{DiagnosticsSuffix()}");
    }

    private string DiagnosticsSuffix() => process.Diagnostics is { Length: > 0 } text ? $"{Environment.NewLine}{text}" : "";


    /// <summary>Any firmware for a board Renode has: the same board's machine loads it at a reset, another board's is made anew.</summary>
    public bool CanRun(FirmwareImage firmware) => request.GdbPort is null && firmware.Board.Renode is not null;

    public async Task ResetAsync(FirmwareImage firmware, CancellationToken cancellationToken)
    {
        if (process.Exited.IsCompleted)
        {
            throw new EmulatorException("cannot reset: Renode is not running");
        }
        if (!CanRun(firmware))
        {
            throw new EmulatorException($"this Renode session cannot run firmware for '{firmware.Board.Id}' (a debugger is attached, or the board has no Renode platform)");
        }
        if (firmware.Board.Id != Firmware.Board.Id)
        {
            await SwitchBoardAsync(firmware, cancellationToken);
            return;
        }
        // The machine, not the emulation: the emulation's `start` sleeps 100 ms after starting (Emulation.StartAll).
        await monitor.ExecuteAsync("machine Pause", cancellationToken);
        await monitor.ExecuteAsync($"{RenodeScript.Cpu} RemoveAllHooks", cancellationToken);
        if (Firmware.Markers is not null)
        {
            await monitor.ExecuteAsync($"{RenodeScript.Cpu} HarnessMixStop", cancellationToken);
        }
        // The new firmware's lines redefine the reset macro and hook its markers; the reset then loads and boots it.
        foreach (var line in RenodeScript.Firmware(firmware, eventsFile, WriteCodeMap(firmware), beforeReset: true))
        {
            await monitor.ExecuteAsync(line, cancellationToken);
        }
        await monitor.ExecuteAsync("machine Reset", cancellationToken);
        Firmware = firmware;
        await monitor.ExecuteAsync("machine Start", cancellationToken);
    }

    /// <summary>
    /// An idle machine is not idle in Renode: its virtual time races ahead as fast as the host allows, on the CPU's thread and
    /// the time source's (measured: 1.9 cores of 2 for a board waiting for its host), so a warm session waits paused.
    /// </summary>
    public async Task ParkAsync(CancellationToken cancellationToken) => await monitor.ExecuteAsync("machine Pause", cancellationToken);

    /// <summary>
    /// Another board in the same process: the emulation is cleared (machine, terminal) and the other board's machine made,
    /// its firmware loaded and started, its console connected: about a second instead of a new Renode's several.
    /// </summary>
    private async Task SwitchBoardAsync(FirmwareImage firmware, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartTimeout);
        var from = monitor.History.Count;
        if (Firmware.Markers is not null)
        {
            // The mix counter's timer reads the CPU it was started on: stopped before that CPU goes.
            await Race(monitor.ExecuteAsync($"{RenodeScript.Cpu} HarnessMixStop", limit.Token));
        }
        await Race(monitor.ExecuteAsync("Clear", limit.Token));
        if (console is not null)
        {
            await console.DisposeAsync();
            console = null;
        }
        console = await CreateMachineAsync(firmware.Board, withLog: false, limit.Token);
        foreach (var line in RenodeScript.Firmware(firmware, eventsFile, WriteCodeMap(firmware)))
        {
            await Race(monitor.ExecuteAsync(line, limit.Token));
        }
        Firmware = firmware;
        Clock = ClockOf(firmware.Board);
        await Race(monitor.ExecuteAsync("start", limit.Token));
        // The repro script follows the board: Renode's log line, then what made this machine.
        var log = monitor.History.First(l => l.StartsWith("logFile ", StringComparison.Ordinal));
        await File.WriteAllTextAsync(ScriptPath, RenodeScript.Resc(RenodeScript.ForReplay([log, .. monitor.History.Skip(from).SkipWhile(l => l != "Clear").Skip(1).Where(l => l != "start")], RenodeScript.ReplayPort), null), cancellationToken);
    }

    /// <summary>The ELF's code map beside the events file, for the block hook that counts the mix; none for firmware without markers.</summary>
    private string? WriteCodeMap(FirmwareImage firmware)
    {
        if (firmware.Markers is null || !Silicon.CodeMap.Wanted)
        {
            return null;
        }
        var path = Path.Combine(Path.GetDirectoryName(eventsFile)!, "code-map.txt");
        File.WriteAllText(path, Silicon.CodeMap.Of(firmware.Elf).ToTable());
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await process.StopAsync(_ =>
        {
            monitor.SendWithoutReply("quit");
            return Task.CompletedTask;
        }, QuitWait);
        await tailStop.CancelAsync();
        await Task.WhenAll(tails);
        events.Writer.TryComplete();
        if (console is not null)
        {
            await console.DisposeAsync();
        }
        process.Dispose();
        tailStop.Dispose();
    }
}
