using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Measurement;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Tflm;
using Harness.Tools;

namespace Harness.Testing;

/// <summary>How a board is started; every setting has a default.</summary>
/// <param name="Emulator">"qemu" or "renode"; null: QEMU where the board runs on it, else Renode.</param>
/// <param name="Timeout">The wall-clock limit of each step (start, one inference, a reset).</param>
/// <param name="SiliconPart">The part the silicon estimate is made for (platforms/silicon), instead of the board's own; null: the board's.</param>
public sealed record BoardOptions(string? Emulator = null, TimeSpan? Timeout = null, string? SiliconPart = null)
{
    /// <summary>The defaults: the board's first emulator, 2 minutes a step, the board's own part.</summary>
    public static BoardOptions Default { get; } = new();

    internal TimeSpan StepTimeout => Timeout ?? TimeSpan.FromMinutes(2);
}

/// <summary>
/// A board booted in an emulator with its firmware, for NUnit tests: one emulator process, owned until disposed
/// (<c>await using</c>, or a fixture's [OneTimeTearDown]). Built, booted, driven and judged by the harness's own
/// pipeline, as a YAML scenario is. Where Renode or a TFLM checkout is absent, starting one ignores the test with the reason.
/// </summary>
public sealed partial class EmulatedBoard : IAsyncDisposable
{
    private readonly WarmSession warm;
    private readonly FirmwareImage image;
    private readonly FirmwareChoice choice;
    private readonly BoardOptions options;
    private readonly ConsoleTranscript transcript;
    private readonly BoardSlots.Slot slot;
    private readonly Silicon.SiliconProfile? silicon;
    private readonly FirmwareSpec spec;
    private readonly Func<string, string> resolve;
    private LinkClient link;
    private ModelConnection? model;
    private BootInfo? diagBoot;
    private long? stackHighWater;
    private int disposed;

    private EmulatedBoard(WarmSession warm, FirmwareImage image, FirmwareChoice choice, BoardOptions options, ConsoleTranscript transcript,
        BoardSlots.Slot slot, Silicon.SiliconProfile? silicon, FirmwareSpec spec, Func<string, string> resolve)
    {
        this.spec = spec;
        this.warm = warm;
        this.image = image;
        this.choice = choice;
        this.options = options;
        this.transcript = transcript;
        this.slot = slot;
        this.silicon = silicon;
        this.resolve = resolve;
        link = new LinkClient(warm.Session.Console, transcript, warm.Session.TargetMemory);
    }

    /// <summary>The board's id in the catalog (platforms/&lt;id&gt;.yaml).</summary>
    public string Board => image.Board.Id;

    /// <summary>The emulator it runs on: "qemu" or "renode".</summary>
    public string Emulator => warm.Session.EmulatorName;

    /// <summary>The emulator's version.</summary>
    public string EmulatorVersion => warm.Session.Version;

    /// <summary>The firmware's ELF file.</summary>
    public string ElfPath => image.ElfPath;

    /// <summary>The model's TFLM commit and kernel set as the runner reports them (null for the diag app).</summary>
    public string? Kernels => model?.Boot.Kernels;

    /// <summary>Where this board's figures come from, as every figure and failure message names it.</summary>
    public string Context => $"{choice.Name} on {Board}, {Emulator}" + (choice is ModelFirmwareChoice m ? $", {m.KernelSet.Name()} kernels" : "");

    /// <summary>Everything the board and the harness said so far (UART text, TFLM's log, link events, faults).</summary>
    public IReadOnlyList<string> ConsoleLines => transcript.Lines.Select(l => l.ToString()).ToList();

    /// <summary>What the firmware takes of the board's flash and RAM; RAM with the stack's high-water mark of the last inference or workload.</summary>
    public MemoryFigures Memory
    {
        get
        {
            var memory = image.Memory;
            var ram = memory.StaticRamBytes + (stackHighWater ?? 0);
            return new MemoryFigures(new Figure(memory.FlashBytes, "B of flash", Context), new Figure(memory.StaticRamBytes, "B of static RAM", Context),
                new Figure(ram, stackHighWater is null ? "B of RAM (static; the stack not measured yet)" : "B of RAM (static + stack high-water)", Context),
                new Figure(image.ArenaBytes ?? 0, "B of tensor arena", Context), image.Board.Flash.Size, image.Board.Ram.Size);
        }
    }

    /// <summary>
    /// Builds the firmware for the board (cached), starts the emulator and boots the board; for a model, TFLM sets the
    /// model up and describes its tensors. The test is ignored (not failed) where Renode or a TFLM checkout it needs is
    /// absent; it fails with the harness's message on a bad model, a firmware that does not fit, or a board that does not boot.
    /// </summary>
    /// <param name="board">A board of the catalog, e.g. "stm32f4", "mps2-an386", "nrf52840" (see <c>harness boards</c>).</param>
    /// <param name="firmware">What it boots: <see cref="Firmware.ForModel"/> or <see cref="Firmware.Diag"/>.</param>
    /// <param name="options">Emulator, step timeout and silicon part; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the build and the boot (e.g. NUnit's [CancelAfter]).</param>
    public static async Task<EmulatedBoard> StartAsync(string board, FirmwareChoice firmware, BoardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= BoardOptions.Default;
        var harness = TestHarness.Shared;
        if (!harness.Boards.TryGet(board, out var description))
        {
            throw new ArgumentException($"unknown board '{board}'; the catalog ({harness.Boards.Directory}) has: {string.Join(", ", harness.Boards.All.Select(b => b.Id))}", nameof(board));
        }
        var emulatorName = options.Emulator ?? description.Emulators[0];
        if (!description.Emulators.Contains(emulatorName))
        {
            throw new ArgumentException($"board '{board}' does not run on {emulatorName} (it runs on: {string.Join(", ", description.Emulators)})", nameof(options));
        }
        Requirements.Emulator(emulatorName);
        if (firmware is ModelFirmwareChoice)
        {
            Requirements.Tflm();
        }
        var siliconProfile = harness.SiliconFor(description, options.SiliconPart);
        var resolve = TestFiles.Resolver();
        var label = $"{firmware.Name} on {board}";
        var transcript = new ConsoleTranscript();
        FirmwareImage image;
        FirmwareSpec spec;
        try
        {
            spec = firmware.Spec(resolve);
            image = await harness.Firmware.ResolveAsync(spec, description, null, cancellationToken);
        }
        catch (HarnessException e)
        {
            throw Outcomes.Fail($"{label}: building the firmware failed: {e.Message}");
        }
        if (FirmwareResolver.DoesNotFit(image) is { } problem)
        {
            throw Outcomes.Fail($"{label}: does not fit: {problem}");
        }
        var emulator = EmulatorRegistry.Create(emulatorName, harness.Paths);
        if (!emulator.Supports(description, out var reason))
        {
            throw Outcomes.Fail($"{label}: {reason}");
        }
        var slot = await BoardSlots.AcquireAsync(label, cancellationToken);
        WarmSession? warm = null;
        try
        {
            var work = Path.Combine(harness.WorkDirectory, $"{board}-{Guid.NewGuid():N}");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.StepTimeout);
            try
            {
                warm = new WarmSession(await emulator.StartAsync(new EmulationRequest(image, work), limit.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Outcomes.Fail($"{label}: the {emulatorName} emulator did not start within {options.StepTimeout.TotalSeconds:0} s");
            }
            catch (HarnessException e)
            {
                throw Outcomes.Fail($"{label}: the {emulatorName} emulator did not start: {e.Message}");
            }
            await warm.BeginScenarioAsync(image, cancellationToken);
            var device = new EmulatedBoard(warm, image, firmware, options, transcript, slot, siliconProfile, spec, resolve);
            try
            {
                await device.ConnectAsync(cancellationToken);
            }
            catch
            {
                await device.DisposeAsync();
                throw;
            }
            return device;
        }
        catch when (warm is null)
        {
            slot.Dispose();
            throw;
        }
    }

    /// <summary>Resets the board so it boots again from its reset vector (RAM, the interpreter and the stack's high-water mark start over): between the tests of a fixture that shares one board.</summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await link.DisposeAsync();
        try
        {
            await warm.BeginScenarioAsync(image, cancellationToken);
        }
        catch (HarnessException e)
        {
            throw Outcomes.Fail($"{Context}: the reset failed: {e.Message}");
        }
        link = new LinkClient(warm.Session.Console, transcript, warm.Session.TargetMemory);
        model = null;
        diagBoot = null;
        stackHighWater = null;
        await ConnectAsync(cancellationToken);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (spec is ModelFirmware runner && choice is ModelFirmwareChoice modelChoice)
        {
            var connection = await StepAsync("boot", (watch, token) => ModelDriver.ConnectAsync(link, watch, runner.Model, token), cancellationToken);
            if (connection.Refusal is { } refusal)
            {
                var verdict = Judge.Model(Plan(runner.Model, modelChoice, []), refusal, new HostReference([], null), [], JudgeContext());
                throw Outcomes.Fail($"{Context}: {string.Join("; ", verdict.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: expected {c.Expected}, got {c.Actual}"))}");
            }
            model = connection;
        }
        else
        {
            diagBoot = BootInfo.From(await StepAsync("boot", (watch, token) => watch.Await("the firmware's boot frame", link.WaitForBootAsync(token)), cancellationToken));
        }
    }

    private ModelPlan Plan(Models.TfliteModel tfliteModel, ModelFirmwareChoice modelChoice, IReadOnlyList<byte[]> inputs) =>
        new(tfliteModel, modelChoice.KernelSet, image.ArenaBytes, inputs.Select(i => (Models.TensorSource)new Models.InlineValues([])).ToList(), inputs, []);

    private JudgeContext JudgeContext() => new(image, warm.Session.Clock, Budgets.None) { Silicon = silicon };

    /// <summary>One step on the booted board, guarded like a scenario's steps: a fault, a hang, a dying emulator fail the test with the harness's message.</summary>
    private async Task<T> StepAsync<T>(string what, Func<IBoardWatch, CancellationToken, Task<T>> drive, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.StepTimeout);
        var window = new RunWindow(limit.Token, cancellationToken, options.StepTimeout);
        try
        {
            return await BoardStep.OnSessionAsync(warm, link, image, drive, window);
        }
        catch (BoardRunFailure failure)
        {
            throw Outcomes.Fail($"{Context}: {what}: {failure.Message}{(failure.Detail is { } detail ? Environment.NewLine + detail : "")}");
        }
        finally
        {
            TestAttachments.Write(this, transcript);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);

    /// <summary>Stops the emulator (its process is gone when this returns) and attaches the console log to the current test.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await link.DisposeAsync();
            await warm.DisposeAsync();
        }
        finally
        {
            slot.Dispose();
            TestAttachments.Write(this, transcript);
        }
    }

    /// <summary>The board, its firmware and emulator.</summary>
    public override string ToString() => Context;
}
