// Arm MPS2 with the AN386 FPGA image (Cortex-M4): console on CMSDK APB UART0, CMSDK APB
// TIMER0 as the fallback counter (32-bit down-counter).
#include "board.h"
#include "cortex_m.h"

#define UART0_DATA     REG32(0x40004000u)
#define UART0_STATE    REG32(0x40004004u)
#define UART0_CTRL     REG32(0x40004008u)
#define UART0_BAUDDIV  REG32(0x40004010u)
#define UART_STATE_TX_FULL (1u << 0)
#define UART_STATE_RX_FULL (1u << 1)

#define TIMER0_CTRL   REG32(0x40000000u)
#define TIMER0_VALUE  REG32(0x40000004u)
#define TIMER0_RELOAD REG32(0x40000008u)

const char board_timer_name[] = "cmsdk-timer0";
const bool board_timer_counts_down = true;

void board_init(void)
{
    UART0_BAUDDIV = 25000000u / 115200u;
    UART0_CTRL = 0x3u; // TX and RX enable
}

void board_uart_write(uint8_t byte)
{
    while (UART0_STATE & UART_STATE_TX_FULL) {
    }
    UART0_DATA = byte;
}

bool board_uart_rx_ready(void) { return (UART0_STATE & UART_STATE_RX_FULL) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(UART0_DATA & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { UART0_CTRL |= (1u << 3); } // RX interrupt enable

void board_timer_start(void)
{
    TIMER0_CTRL = 0;
    TIMER0_RELOAD = 0xFFFFFFFFu;
    TIMER0_VALUE = 0xFFFFFFFFu;
    TIMER0_CTRL = 1u;
}

uint32_t board_timer_read(void) { return TIMER0_VALUE; }
