using Harness.Emulation.Renode;

namespace Harness.Tests.Renode;

/// <summary>The monitor lines that build a board: the harness's own console terminal for a session, a socket terminal for a person.</summary>
public class RenodeScriptTests
{
    [Test]
    public void ASessionsMachineCompilesTheHooksBeforeItMakesTheTerminalThatConnectsToTheHarness()
    {
        var board = TestEnvironment.Boards.Get("stm32f746");
        var lines = RenodeScript.Machine(board, "/tmp/renode.log", RenodeScript.HarnessTerminal(40123)).ToList();
        var include = lines.FindIndex(l => l.StartsWith("include ", StringComparison.Ordinal));
        var terminal = lines.IndexOf($"emulation CreateHarnessTerminal 40123 \"{RenodeScript.Terminal}\"");
        var connect = lines.IndexOf($"connector Connect sysbus.{board.Console.Name} {RenodeScript.Terminal}");
        Assert.That(include, Is.GreaterThanOrEqualTo(0).And.LessThan(terminal));
        Assert.That(terminal, Is.LessThan(connect));
        Assert.That(lines, Has.None.Contains("CreateServerSocketTerminal"));
        Assert.That(RenodeScript.HookSources, Has.Count.EqualTo(2).And.All.Matches<string>(File.Exists), "the hook sources travel with the harness");
        Assert.That(lines[include], Is.EqualTo("include " + string.Join(' ', RenodeScript.HookSources.Select(s => "@" + s))), "one include: one assembly");
        Assert.That(lines.Count(l => l.StartsWith("include ", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void AReplayedSessionGetsASocketTerminalAPersonCanConnectTo()
    {
        var board = TestEnvironment.Boards.Get("nrf52840");
        var session = RenodeScript.Machine(board, "/tmp/renode.log", RenodeScript.HarnessTerminal(40123));
        var replay = RenodeScript.ForReplay(session, RenodeScript.ReplayPort).ToList();
        Assert.That(replay, Has.None.StartsWith("emulation CreateHarnessTerminal"));
        Assert.That(replay, Has.Exactly(1).EqualTo($"emulation CreateServerSocketTerminal {RenodeScript.ReplayPort} \"{RenodeScript.Terminal}\" false"));
        Assert.That(replay.Where(l => !l.Contains("Terminal", StringComparison.Ordinal)), Is.EqualTo(session.Where(l => !l.Contains("Terminal", StringComparison.Ordinal))),
            "every other line as the session ran it");
    }
}
