using Harness.Emulation;
using Harness.Firmware;
using Harness.Link;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Measurement;

/// <summary>What the judge needs to know of a board run beside what the device said.</summary>
/// <param name="Image">The firmware that ran (its memory figures, and a model runner's arena).</param>
/// <param name="Clock">How the emulator's virtual time and the firmware's counter relate to instructions.</param>
/// <param name="Debugged">A debugger held the board: its stops perturb the firmware's counter, so the counter is not cross-checked.</param>
public sealed record JudgeContext(FirmwareImage Image, ClockModel Clock, Budgets Budgets, bool Debugged = false);

/// <summary>What the host computed for a model scenario: every input tensor's bytes and, with golden: host, the expected outputs.</summary>
public sealed record HostReference(IReadOnlyList<byte[]> Inputs, IReadOnlyList<byte[]>? Golden);

/// <summary>An input's features made on the board by its preprocessor's own runner, before the model ran.</summary>
public sealed record BoardFeatures(int Input, string Preprocessor, FeatureObservation Observation, long FlashBytes, KernelSet Kernels);
