using Harness.Boards;
using Harness.Yaml;

namespace Harness.Tests.Boards;

public class BoardCatalogTests
{
    [Test]
    public void TheShippedCatalogHasTheQemuAndRenodeBoards()
    {
        var boards = TestEnvironment.Boards;
        Assert.That(boards.All.Select(b => b.Id), Is.SupersetOf(new[] { "stm32f4", "mps2-an386", "microbit", "nrf52840", "stm32f746", "stm32f103" }));
        var stm32 = boards.Get("stm32f4");
        Assert.That((stm32.Qemu!.Machine, stm32.Console.Base, stm32.Flash.Origin), Is.EqualTo(("netduinoplus2", 0x40004400L, 0x08000000L)));
        Assert.That(boards.Get("microbit").Ram.Size, Is.EqualTo(16 * 1024));
    }

    [Test]
    public void UnknownBoardSuggestsTheClosest() =>
        Assert.That(Assert.Throws<UnknownBoardException>(() => TestEnvironment.Boards.Get("microbt"))!.Message, Does.Contain("did you mean 'microbit'"));

    [Test]
    public void ABrokenBoardFileIsReportedWithItsPosition()
    {
        var directory = Directory.CreateTempSubdirectory("harness-boards").FullName;
        File.WriteAllText(Path.Combine(directory, "x.yaml"), "id: x\nname: X\ncore: cortex-m9\nclock_hz: 1M\nmemory: { flash: { origin: 0, size: 1MiB }, ram: { origin: 0x20000000, size: 16KiB } }\nstack: 2KiB\nconsole: { kind: k, name: n, base: 0x4000, irq: 1, clock_hz: 16M }\ncounter: { kind: t, name: t, base: 0x4001 }\nbsp: x\nemulators: { qemu: { machine: m, counter_hz: 1M } }\n");
        var error = Assert.Throws<YamlInputException>(() => BoardCatalog.Load(directory))!;
        Assert.That(error.Errors.Single().ToString(), Does.Contain("x.yaml:3:7: unknown core 'cortex-m9'"));
    }
}
