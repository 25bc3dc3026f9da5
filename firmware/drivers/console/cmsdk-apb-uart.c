// Arm CMSDK APB UART (MPS2 and other Arm FPGA images): the console UART at CONSOLE_BASE.
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define UART_DATA    REG32(CONSOLE_BASE + 0x00u)
#define UART_STATE   REG32(CONSOLE_BASE + 0x04u)
#define UART_CTRL    REG32(CONSOLE_BASE + 0x08u)
#define UART_BAUDDIV REG32(CONSOLE_BASE + 0x10u)

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define CTRL_TX_EN    (1u << 0)
#define CTRL_RX_EN    (1u << 1)
#define CTRL_RX_INT   (1u << 3)

void console_init(void)
{
    UART_BAUDDIV = CONSOLE_CLOCK_HZ / CONSOLE_BAUD;
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
}

void board_uart_write(uint8_t byte)
{
    while (UART_STATE & STATE_TX_FULL) {
    }
    UART_DATA = byte;
}

bool board_uart_rx_ready(void) { return (UART_STATE & STATE_RX_FULL) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(UART_DATA & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { UART_CTRL |= CTRL_RX_INT; }
