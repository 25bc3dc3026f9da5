using Harness.Firmware;
using Harness.Measurement;

namespace Harness.Runner;

/// <summary>
/// A board run that ended before the judge could speak, said in one line, with what the reader needs:
/// the transcript's tail or the fault's registers, and the firmware and emulator it happened on.
/// </summary>
public sealed class BoardRunFailure(Outcome outcome, string summary, string? detail, FirmwareImage? image, string? commandLine, string? clock)
    : HarnessException(summary, outcome)
{
    public string? Detail { get; } = detail;
    public FirmwareImage? Image { get; } = image;
    public string? CommandLine { get; } = commandLine;
    public string? Clock { get; } = clock;
}

/// <summary>The window a board run's emulated part must finish in: the scenario's timeout, unless a debugger holds the board.</summary>
/// <param name="User">Cancelled when the user stops the whole run (Ctrl-C, SIGTERM).</param>
/// <param name="Emulated">The board run's bound in emulated time (timeout: { emulated: ... }), judged where the emulator gives a clock.</param>
public sealed record RunWindow(CancellationToken Token, CancellationToken User, TimeSpan? Timeout, TimeSpan? Emulated = null)
{
    public bool TimedOut => Token.IsCancellationRequested && !User.IsCancellationRequested;
}
