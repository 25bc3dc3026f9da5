// STM32 USART with the ISR/RDR/TDR register layout (F0, F3, F7, L4, ...): the console UART at
// CONSOLE_BASE. The board enables its clock and muxes its pins before console_init().
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define USART_CR1 REG32(CONSOLE_BASE + 0x00u)
#define USART_BRR REG32(CONSOLE_BASE + 0x0Cu)
#define USART_ISR REG32(CONSOLE_BASE + 0x1Cu)
#define USART_RDR REG32(CONSOLE_BASE + 0x24u)
#define USART_TDR REG32(CONSOLE_BASE + 0x28u)

#define CR1_UE     (1u << 0)
#define CR1_RE     (1u << 2)
#define CR1_TE     (1u << 3)
#define CR1_RXNEIE (1u << 5)
#define ISR_RXNE   (1u << 5)
#define ISR_TXE    (1u << 7)

void console_init(void)
{
    USART_BRR = (CONSOLE_CLOCK_HZ + CONSOLE_BAUD / 2u) / CONSOLE_BAUD; // oversampling by 16
    USART_CR1 = CR1_TE | CR1_RE | CR1_UE;
}

void board_uart_write(uint8_t byte)
{
    while (!(USART_ISR & ISR_TXE)) {
    }
    USART_TDR = byte;
}

bool board_uart_rx_ready(void) { return (USART_ISR & ISR_RXNE) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(USART_RDR & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { USART_CR1 |= CR1_RXNEIE; }
