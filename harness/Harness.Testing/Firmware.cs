using Harness.Models;
using Harness.Scenarios;
using Harness.Tflm;

namespace Harness.Testing;

/// <summary>TFLM's kernel sets: its portable reference kernels, or Arm's CMSIS-NN.</summary>
public enum Kernels
{
    /// <summary>TFLM's reference kernels (portable C++).</summary>
    Reference,

    /// <summary>Arm's CMSIS-NN kernels (OPTIMIZED_KERNEL_DIR=cmsis_nn).</summary>
    CmsisNn,
}

/// <summary>What a board boots: made by <see cref="Firmware"/>.</summary>
public abstract record FirmwareChoice
{
    private protected FirmwareChoice()
    {
    }

    /// <summary>A short name for messages: the model's file name, or the app's.</summary>
    public abstract string Name { get; }

    internal abstract FirmwareSpec Spec(Func<string, string> resolve);
}

/// <summary>The TFLM runner built around a model: see <see cref="Firmware.ForModel"/>.</summary>
/// <param name="ModelPath">The .tflite file.</param>
/// <param name="Kernels">The kernel set TFLM is built with.</param>
/// <param name="ArenaBytes">The tensor arena, or null for the smallest TFLM sets the model up in (measured on the host).</param>
public sealed record ModelFirmwareChoice(string ModelPath, Kernels Kernels, long? ArenaBytes) : FirmwareChoice
{
    /// <inheritdoc />
    public override string Name => Path.GetFileName(ModelPath);

    internal KernelSet KernelSet => Kernels == Kernels.CmsisNn ? KernelSet.CmsisNn : KernelSet.Reference;

    internal TfliteModel Read(Func<string, string> resolve) => TfliteModel.Read(resolve(ModelPath));

    internal override FirmwareSpec Spec(Func<string, string> resolve) => new ModelFirmware(Read(resolve), KernelSet, ArenaBytes);
}

/// <summary>The harness's diagnostic app: see <see cref="Firmware.Diag"/>.</summary>
public sealed record DiagFirmwareChoice : FirmwareChoice
{
    internal DiagFirmwareChoice()
    {
    }

    /// <inheritdoc />
    public override string Name => "diag";

    internal override FirmwareSpec Spec(Func<string, string> resolve) => new BuiltInApp(BuiltInApp.Diag);
}

/// <summary>The firmware a board can boot, built by the harness for that board and cached.</summary>
public static class Firmware
{
    /// <summary>
    /// TensorFlow Lite Micro's runner around a .tflite model (a const array in flash), built with TFLM's own Makefile from
    /// the TFLM checkout the harness finds (HARNESS_TFLM or 'tflm:' in the settings file; the test is ignored, with the
    /// reason, where there is none).
    /// </summary>
    /// <param name="modelPath">The .tflite file; a relative path is found from the test's directory upwards.</param>
    /// <param name="kernels">The kernel set TFLM is built with.</param>
    /// <param name="arenaBytes">The tensor arena in bytes; null: the smallest TFLM sets the model up in, measured on the host.</param>
    public static ModelFirmwareChoice ForModel(string modelPath, Kernels kernels = Kernels.Reference, long? arenaBytes = null) =>
        new(modelPath, kernels, arenaBytes);

    /// <summary>
    /// The harness's diagnostic app: uploads checked by CRC-32 and a fixed workload whose cost is measured
    /// (<see cref="EmulatedBoard.UploadAsync"/>, <see cref="EmulatedBoard.WorkloadAsync"/>). Needs no TFLM; runs on every board.
    /// </summary>
    public static DiagFirmwareChoice Diag { get; } = new();
}
