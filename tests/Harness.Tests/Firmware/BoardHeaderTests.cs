using Harness.Firmware;

namespace Harness.Tests.Firmware;

/// <summary>board_config.h comes from the catalog, and every board's drivers exist: the code cannot drift from platforms/.</summary>
public class BoardHeaderTests
{
    [Test]
    public void TheHeaderCarriesTheCatalogsConsoleAndCounter()
    {
        var header = BoardHeader.Render(TestEnvironment.Boards.Get("stm32f4"));
        Assert.That(header, Does.Contain("#define BOARD_ID \"stm32f4\"").And.Contain("#define CONSOLE_BASE 0x40004400u").And.Contain("#define CONSOLE_IRQ 38")
            .And.Contain("#define CONSOLE_CLOCK_HZ 16000000u").And.Contain("#define CONSOLE_BAUD 115200u").And.Contain("#define COUNTER_BASE 0x40000000u"));
        Assert.That(header, Does.Not.Contain("CONSOLE_TX_PIN"), "the STM32 BSP muxes its own pins");
        var bluepill = BoardHeader.Render(TestEnvironment.Boards.Get("stm32f103"));
        Assert.That(bluepill, Does.Contain("#define COUNTER_CHAINED_BASE 0x40000400u").And.Contain("#define COUNTER_CHAINED_TRIGGER 1u"));
        Assert.That(BoardHeader.Render(TestEnvironment.Boards.Get("microbit")), Does.Contain("#define CONSOLE_TX_PIN 24u").And.Contain("#define CONSOLE_RX_PIN 25u"));
    }

    [Test]
    public void EveryBoardOfTheCatalogNamesDriversThatExist()
    {
        foreach (var board in TestEnvironment.Boards.All)
        {
            Assert.That(Path.Combine(TestEnvironment.Paths.FirmwareDirectory, "drivers", "console", $"{board.Console.Kind}.c"), Does.Exist, board.Id);
            Assert.That(Path.Combine(TestEnvironment.Paths.FirmwareDirectory, "drivers", "counter", $"{board.Counter.Kind}.c"), Does.Exist, board.Id);
            Assert.That(Path.Combine(TestEnvironment.Paths.FirmwareDirectory, "bsp", board.Bsp), Does.Exist, board.Id);
        }
    }

    [Test]
    public async Task ABoardWhoseDriverDoesNotExistIsRefusedNamingTheDriversThatDo()
    {
        var board = TestEnvironment.Boards.Get("stm32f4") with { Console = TestEnvironment.Boards.Get("stm32f4").Console with { Kind = "stm32-usart-v9" } };
        var error = Assert.ThrowsAsync<FirmwareException>(() => new FirmwareBuilder(TestEnvironment.Paths).BuildAsync(board, "diag", CancellationToken.None))!;
        Assert.That(error.Message, Does.Contain("names console.kind 'stm32-usart-v9', and there is no driver firmware/drivers/console/stm32-usart-v9.c")
            .And.Contain("stm32-usart-v1, stm32-usart-v2"));
        await Task.CompletedTask;
    }
}
