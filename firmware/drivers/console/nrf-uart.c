// Nordic legacy UART (nRF51, and nRF52's UART0 in its non-DMA mode): the console at CONSOLE_BASE,
// on the pins the catalog names (console.pins).
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define UART_STARTRX  REG32(CONSOLE_BASE + 0x000u)
#define UART_STARTTX  REG32(CONSOLE_BASE + 0x008u)
#define UART_RXDRDY   REG32(CONSOLE_BASE + 0x108u)
#define UART_TXDRDY   REG32(CONSOLE_BASE + 0x11Cu)
#define UART_INTENSET REG32(CONSOLE_BASE + 0x304u)
#define UART_ENABLE   REG32(CONSOLE_BASE + 0x500u)
#define UART_PSELTXD  REG32(CONSOLE_BASE + 0x50Cu)
#define UART_PSELRXD  REG32(CONSOLE_BASE + 0x514u)
#define UART_RXD      REG32(CONSOLE_BASE + 0x518u)
#define UART_TXD      REG32(CONSOLE_BASE + 0x51Cu)
#define UART_BAUDRATE REG32(CONSOLE_BASE + 0x524u)

#define INT_RXDRDY (1u << 2)

#if CONSOLE_BAUD == 115200u
#define BAUDRATE_VALUE 0x01D7E000u // the nRF UART's register value for 115200 baud
#else
#error "nrf-uart: only 115200 baud is tabulated (see the nRF UART BAUDRATE register)"
#endif

void console_init(void)
{
#if defined(CONSOLE_TX_PIN) && defined(CONSOLE_RX_PIN)
    UART_PSELTXD = CONSOLE_TX_PIN;
    UART_PSELRXD = CONSOLE_RX_PIN;
#endif
    UART_BAUDRATE = BAUDRATE_VALUE;
    UART_ENABLE = 4;
    UART_STARTTX = 1;
    UART_STARTRX = 1;
}

void board_uart_write(uint8_t byte)
{
    UART_TXDRDY = 0;
    UART_TXD = byte;
    while (!UART_TXDRDY) {
    }
}

bool board_uart_rx_ready(void) { return UART_RXDRDY != 0; }

int board_uart_read(void)
{
    if (!board_uart_rx_ready()) {
        return -1;
    }
    UART_RXDRDY = 0;
    return (int)(UART_RXD & 0xFFu);
}

void board_uart_enable_rx_interrupt(void) { UART_INTENSET = INT_RXDRDY; }
