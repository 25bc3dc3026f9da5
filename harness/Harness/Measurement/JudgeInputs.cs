using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Measurement;

/// <summary>What the judge needs to know of a board run beside what the device said.</summary>
/// <param name="Image">The firmware that ran: its memory figures and build.</param>
/// <param name="Clock">How the emulator's virtual time and the firmware's counter relate to instructions.</param>
/// <param name="Debugged">A debugger held the board: its stops perturb the firmware's counter, so the counter is not cross-checked.</param>
public sealed record JudgeContext(ImageFacts Image, ClockModel Clock, Budgets Budgets, bool Debugged = false)
{
    /// <summary>What the run is estimated as on silicon (null: no timing table for the board's core).</summary>
    public Silicon.SiliconProfile? Silicon { get; init; }

    public JudgeContext(FirmwareImage image, ClockModel clock, Budgets budgets, bool debugged = false) : this(ImageFacts.Of(image), clock, budgets, debugged)
    {
    }
}

/// <summary>What the figures take from a firmware image: bytes of flash and static RAM, and its build.</summary>
public sealed record ImageFacts(long FlashBytes, long StaticRamBytes, double BuildSeconds, bool FromCache)
{
    public IReadOnlyDictionary<string, long>? Sections { get; init; }
    public long FlashCapacityBytes { get; init; }
    public long RamCapacityBytes { get; init; }
    public long ModelBytes { get; init; }
    public long ArenaBytes { get; init; }

    public static ImageFacts Of(FirmwareImage image) => new(image.Memory.FlashBytes, image.Memory.StaticRamBytes, image.BuildTime.TotalSeconds, image.FromCache)
    {
        Sections = image.Memory.Sections,
        FlashCapacityBytes = image.Board.Flash.Size,
        RamCapacityBytes = image.Board.Ram.Size,
        ModelBytes = image.Elf.FindSymbol("harness_model")?.Size ?? 0,
        ArenaBytes = image.ArenaBytes ?? 0,
    };
}

/// <summary>What the host computed for a model scenario: every input tensor's bytes and, with golden: host, the expected outputs.</summary>
public sealed record HostReference(IReadOnlyList<byte[]> Inputs, IReadOnlyList<byte[]>? Golden);

/// <summary>An input's features made on the board by its preprocessor's own runner, before the model ran.</summary>
public sealed record BoardFeatures(int Input, string Preprocessor, FeatureObservation Observation, long FlashBytes, KernelSet Kernels);
