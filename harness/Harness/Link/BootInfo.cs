using System.Globalization;

namespace Harness.Link;

/// <summary>The firmware's own counter, by the name it reports: the DWT cycle counter, or a board timer.</summary>
public sealed record DeviceCounter(string Name)
{
    /// <summary>DWT CYCCNT counts core cycles; a board timer ticks at its own rate, which the emulator's clock model knows.</summary>
    public bool CountsCoreCycles => Name == "dwt";

    public override string ToString() => Name;
}

/// <summary>What a firmware says about itself in its boot frame (and HELLO answer): identity, counter, limits, and for the TFLM runner its model set-up.</summary>
/// <param name="Status">The TFLM runner's set-up: "ok", or what failed (e.g. allocate-tensors-failed); empty for apps without a model.</param>
/// <param name="Kernels">The TFLM kernel set the runner was built with ("reference", "cmsis_nn"), if any.</param>
public sealed record BootInfo(
    int Protocol,
    string App,
    string FirmwareVersion,
    string Board,
    DeviceCounter Counter,
    int MaxBody,
    long StackBytes,
    string Status,
    string? Kernels,
    string? TflmCommit,
    long? ArenaBytes,
    long? ArenaUsedBytes)
{
    public static BootInfo From(DeviceInfo info)
    {
        long? Number(string key) => long.TryParse(info[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        string? Text(string key) => info[key] is { Length: > 0 } value ? value : null;
        return new BootInfo((int)(Number("proto") ?? 0), info["app"], info["fw"], info["board"], new DeviceCounter(info["counter"]), info.MaxBody,
            Number("stack") ?? 0, info["status"], Text("kernels"), Text("tflm"), Number("arena"), Number("arena_used"));
    }

    /// <summary>False when the firmware reports a set-up that failed (the TFLM runner could not allocate its model).</summary>
    public bool Ready => Status is "" or "ok";
}
