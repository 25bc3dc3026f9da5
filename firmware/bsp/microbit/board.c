// BBC micro:bit v1 (nRF51822, Cortex-M0, 16 KiB RAM): console on UART0 (TX P0.24, RX P0.25),
// TIMER0 in 32-bit mode at 16 MHz as the counter (ARMv6-M has no DWT cycle counter).
#include "board.h"
#include "cortex_m.h"

#define UART_STARTRX  REG32(0x40002000u)
#define UART_STARTTX  REG32(0x40002008u)
#define UART_RXDRDY   REG32(0x40002108u)
#define UART_TXDRDY   REG32(0x4000211Cu)
#define UART_INTENSET REG32(0x40002304u)
#define UART_ENABLE   REG32(0x40002500u)
#define UART_PSELTXD  REG32(0x4000250Cu)
#define UART_PSELRXD  REG32(0x40002514u)
#define UART_RXD      REG32(0x40002518u)
#define UART_TXD      REG32(0x4000251Cu)
#define UART_BAUDRATE REG32(0x40002524u)

#define TIMER0_START    REG32(0x40008000u)
#define TIMER0_CLEAR    REG32(0x4000800Cu)
#define TIMER0_CAPTURE0 REG32(0x40008040u)
#define TIMER0_MODE     REG32(0x40008504u)
#define TIMER0_BITMODE  REG32(0x40008508u)
#define TIMER0_PRESCALER REG32(0x40008510u)
#define TIMER0_CC0      REG32(0x40008540u)

const char board_timer_name[] = "nrf-timer0";
const bool board_timer_counts_down = false;

void board_init(void)
{
    UART_PSELTXD = 24;
    UART_PSELRXD = 25;
    UART_BAUDRATE = 0x01D7E000u; // 115200
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

void board_uart_enable_rx_interrupt(void) { UART_INTENSET = 1u << 2; } // RXDRDY

void board_timer_start(void)
{
    TIMER0_MODE = 0;
    TIMER0_BITMODE = 3;  // 32-bit
    TIMER0_PRESCALER = 0;
    TIMER0_CLEAR = 1;
    TIMER0_START = 1;
}

uint32_t board_timer_read(void)
{
    TIMER0_CAPTURE0 = 1;
    return TIMER0_CC0;
}
