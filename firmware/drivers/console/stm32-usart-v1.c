// STM32 USART with the SR/DR register layout (F1, F2, F4): the console UART at CONSOLE_BASE.
// The board enables its clock and muxes its pins before console_init().
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define USART_SR  REG32(CONSOLE_BASE + 0x00u)
#define USART_DR  REG32(CONSOLE_BASE + 0x04u)
#define USART_BRR REG32(CONSOLE_BASE + 0x08u)
#define USART_CR1 REG32(CONSOLE_BASE + 0x0Cu)

#define SR_RXNE    (1u << 5)
#define SR_TXE     (1u << 7)
#define CR1_RE     (1u << 2)
#define CR1_TE     (1u << 3)
#define CR1_RXNEIE (1u << 5)
#define CR1_UE     (1u << 13)

void console_init(void)
{
    // Oversampling by 16: BRR holds the divider with 4 fractional bits, i.e. clock / baud rounded.
    USART_BRR = (CONSOLE_CLOCK_HZ + CONSOLE_BAUD / 2u) / CONSOLE_BAUD;
    USART_CR1 = CR1_UE | CR1_TE | CR1_RE;
}

void board_uart_write(uint8_t byte)
{
    while (!(USART_SR & SR_TXE)) {
    }
    USART_DR = byte;
}

bool board_uart_rx_ready(void) { return (USART_SR & SR_RXNE) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(USART_DR & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { USART_CR1 |= CR1_RXNEIE; }
