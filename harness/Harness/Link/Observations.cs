namespace Harness.Link;

/// <summary>What the diagnostic app reported: identity, the upload's checksum both sides, the workload, its cost, its stack.</summary>
/// <param name="SentCrc">CRC-32 of the bytes the host sent; <paramref name="DeviceCrc"/> is the device's over what it received.</param>
/// <param name="Instructions">The emulator's count over the workload, or null when none arrived.</param>
public sealed record DiagObservation(
    BootInfo Boot,
    int HelloProtocol,
    uint SentCrc,
    long SentBytes,
    uint DeviceCrc,
    long DeviceBytes,
    uint WorkloadIterations,
    uint WorkloadValue,
    ulong WorkloadTicks,
    long? Instructions,
    DeviceStats Stats,
    DiagFinaleObservation? Finale)
{
    /// <summary>The workload's instructions by timing class, where the emulator counted them.</summary>
    public Silicon.InstructionMix? Mix { get; init; }

    /// <summary>How the upload went: its path and wall time.</summary>
    public UploadReceipt? Upload { get; init; }
}

/// <summary>What happened after the workload when the scenario told the app to misbehave.</summary>
/// <param name="AnsweredInsteadOfFaulting">The app was told to fault and answered instead.</param>
/// <param name="GarbageSkipped">Junk bytes from the device that the host's decoder skipped.</param>
/// <param name="AppAfterGarbage">The app that answered HELLO after junk went both ways (null if not asked).</param>
/// <param name="Bursts">Rounds of junk sent (then: garbage), and how many of them the HELLO after was answered by the app.</param>
public sealed record DiagFinaleObservation(bool AnsweredInsteadOfFaulting, long GarbageSkipped, string? AppAfterGarbage, int Bursts = 0, int Answered = 0);

/// <summary>
/// What the TFLM runner reported for one inference. When its set-up failed only <see cref="Boot"/> and
/// <see cref="TflmSays"/> are there; when its tensors differ from the model's, the run stops after describing them.
/// </summary>
/// <param name="InputTensors">Each input as the board allocated it, and one past the model's count (null there when the board has no more).</param>
/// <param name="Outputs">The bytes of every output tensor, in order.</param>
/// <param name="Profile">The profiler's events of the inference, one per operator, in the firmware counter's ticks.</param>
/// <param name="TflmSays">TFLM's last LOG lines, for failures.</param>
public sealed record ModelObservation(
    BootInfo Boot,
    IReadOnlyList<DeviceTensor?>? InputTensors,
    IReadOnlyList<DeviceTensor?>? OutputTensors,
    InvokeResult? Invoke,
    double InvokeWallSeconds,
    long? Instructions,
    IReadOnlyList<byte[]> Outputs,
    IReadOnlyList<OperatorTicks> Profile,
    RunnerStats? Stats,
    string TflmSays)
{
    /// <summary>The emulator's instruction count of each operator, in profile order (null where the emulator counted none).</summary>
    public IReadOnlyList<long>? OperatorInstructions { get; init; }

    /// <summary>The inference's instructions by timing class, and each operator's, where the emulator counted them.</summary>
    public Silicon.InstructionMix? Mix { get; init; }
    public IReadOnlyList<Silicon.InstructionMix>? OperatorMixes { get; init; }

    /// <summary>How the inputs went to the board: their paths, bytes and wall time together.</summary>
    public UploadReceipt? Upload { get; init; }
}

/// <summary>A preprocessor model run window after window in one interpreter: the feature rows, and each window's cost.</summary>
/// <param name="WindowInstructions">The emulator's count per window (empty on the host, which counts none).</param>
public sealed record FeatureObservation(BootInfo Boot, byte[] Rows, int Windows, IReadOnlyList<long> WindowInstructions, RunnerStats Stats);

/// <summary>What a firmware judged by its console printed: the line that decided, and the instructions of its measured region.</summary>
/// <param name="Passed">Whether the deciding line matched a pass pattern (else a fail pattern).</param>
public sealed record ConsoleObservation(bool Passed, string DecidingLine, long? Instructions);
