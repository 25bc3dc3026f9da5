namespace Harness.Link;

public class LinkException(string message, Measurement.Outcome outcome = Measurement.Outcome.Error) : HarnessException(message, outcome);

/// <summary>The device sent something that breaks the protocol.</summary>
public sealed class LinkProtocolException(string message) : LinkException(message);

/// <summary>The device answered a request with an error frame.</summary>
public sealed class DeviceErrorException(byte code, string message)
    : LinkException($"the device refused the request (error {code}): {message}")
{
    public byte Code { get; } = code;
    public string DeviceMessage { get; } = message;
}

/// <summary>The device reported a CPU fault while the host waited for it.</summary>
public sealed class DeviceFaultException(FaultReport report)
    : LinkException($"the device faulted: {report.ExceptionName} at PC=0x{report.Pc:x8}", Measurement.Outcome.Failed)
{
    public FaultReport Report { get; } = report;
}

/// <summary>The console connection ended (the emulator stopped or closed the UART).</summary>
public sealed class LinkClosedException(string message) : LinkException(message);
