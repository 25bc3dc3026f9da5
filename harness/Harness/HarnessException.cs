using Harness.Measurement;

namespace Harness;

/// <summary>
/// Every failure the harness expects and can explain in a sentence: a bad model, a missing tool, a
/// build that fails, an emulator that dies, a device that faults. It carries the outcome a board run
/// that meets it ends with; anything else that escapes a board run is a harness bug.
/// </summary>
public class HarnessException(string message, Outcome outcome = Outcome.Error) : Exception(message)
{
    public Outcome Outcome { get; } = outcome;
}
