using System.Buffers.Binary;
using Harness.Link;

namespace Harness.Tests.Link;

public class FaultReportTests
{
    private static byte[] Body(params uint[] fields)
    {
        var body = new byte[4 * fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4 * i), fields[i]);
        }
        return body;
    }

    [Test]
    public void AnOlderFirmwaresFortyByteReportStillReadsAndSaysNothingOfTheStack()
    {
        var report = FaultReport.Parse(Body(0x0800_0100, 0x0800_0200, 0x0100_0000, 1u << 9, 1u << 30, 0, 0xDEAD_0000, 0x2000_1000, 3, 0xFFFF_FFF9));
        Assert.That((report.ExceptionName, report.StackOverflowed, report.FoundByRequestLoop), Is.EqualTo(("HardFault", false, false)));
        Assert.That(report.Causes, Is.EqualTo(new[] { "precise data bus error at 0xdead0000", "escalated to HardFault" }));
    }

    [Test]
    public void TheStackGuardsFlagsNameAnOverflowFoundByTheRequestLoopOrBeforeAFault()
    {
        var loop = FaultReport.Parse(Body(0x0800_0b51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8192, 3));
        Assert.That((loop.ExceptionName, loop.StackOverflowed, loop.FoundByRequestLoop, loop.StackUsed), Is.EqualTo(("stack overflow", true, true, 8192u)));
        Assert.That(loop.Registers, Does.Contain("handler=0x08000b51"));
        var fault = FaultReport.Parse(Body(0x0800_0100, 0, 0, 0, 0, 0, 0, 0x2000_0000, 3, 0xFFFF_FFF9, 2048, 1));
        Assert.That((fault.ExceptionName, fault.StackOverflowed), Is.EqualTo(("HardFault", true)));
        Assert.That(fault.Registers, Does.StartWith("stack overflowed (guard words overwritten, 2048 B used)"));
        Assert.Throws<LinkProtocolException>(() => FaultReport.Parse(new byte[39]));
    }
}
