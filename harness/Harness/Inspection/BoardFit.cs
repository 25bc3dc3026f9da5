using Harness.Boards;

namespace Harness.Inspection;

/// <summary>
/// What the TFLM runner firmware takes besides the model and the arena, estimated before anything is
/// built: code and read-only data of TFLM's runtime and the kernels, and the runner's own static RAM
/// (link buffers, the per-operator profile). Measured on the harness's tflm-runner at TFLM 90b983c with
/// reference kernels for a Cortex-M4F (release_with_logs), flash minus the model: 42,149 B with one kind of
/// operator (hello_world), 58,593 B with four (micro_speech), 62,297 B with five (person_detect), 67,245 B
/// with six (the MLPerf Tiny models); static RAM besides the arena 6.3–7.2 KB. CMSIS-NN kernels are larger.
/// </summary>
public sealed record FirmwareFootprint(long CodeBytes, long CodeBytesPerOperator, long StaticRamBytes)
{
    public static readonly FirmwareFootprint TflmRunner = new(CodeBytes: 41 * 1024, CodeBytesPerOperator: 5 * 1024, StaticRamBytes: 8 * 1024);

    public long CodeFor(int operatorKinds) => CodeBytes + CodeBytesPerOperator * Math.Max(operatorKinds - 1, 0);
}

/// <summary>Whether a model fits one board: flash for code + weights, RAM for arena + stack + static data; margins can be negative.</summary>
public sealed record BoardFit(string Board, string Name, long FlashNeeded, long FlashSize, long RamNeeded, long RamSize)
{
    public long FlashMargin => FlashSize - FlashNeeded;
    public long RamMargin => RamSize - RamNeeded;
    public bool Fits => FlashMargin >= 0 && RamMargin >= 0;

    public static BoardFit For(BoardDescription board, long modelBytes, int operatorKinds, long arenaBytes, FirmwareFootprint footprint) =>
        new(board.Id, board.Name, footprint.CodeFor(operatorKinds) + modelBytes, board.Flash.Size,
            MemoryPlan.Align(arenaBytes) + board.StackSize + footprint.StaticRamBytes, board.Ram.Size);
}
