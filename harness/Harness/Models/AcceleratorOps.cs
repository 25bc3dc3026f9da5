namespace Harness.Models;

/// <summary>Custom operators that mean a model was compiled for an accelerator: the CPU .tflite is needed.</summary>
public static class AcceleratorOps
{
    public static string? Explain(OperatorCode code) => code.IsCustom ? code.Custom switch
    {
        { } name when name.StartsWith("edgetpu", StringComparison.OrdinalIgnoreCase) =>
            $"custom op '{name}': this model was compiled for the Coral Edge TPU (edgetpu_compiler); TFLM cannot run it. Use the CPU .tflite from before Edge TPU compilation",
        { } name when name.StartsWith("ethos-u", StringComparison.OrdinalIgnoreCase) =>
            $"custom op '{name}': this model was compiled by Arm's Vela for an Ethos-U NPU, which none of the harness's boards has; " +
            "run the .tflite from before Vela compiled it (the plain int8 model runs on the Cortex-M CPU)",
        _ => null,
    } : null;
}
