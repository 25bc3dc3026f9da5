// STM32F746 (Renode stm32f746; on the 32F746G-DISCO the ST-LINK's virtual COM port): console on
// USART1 (TX PA9, RX PB7), TIM2 as the fallback counter (32-bit, prescaler 0). The F7 USART has
// the ISR/RDR/TDR register layout, not the F4's SR/DR.
#include "board.h"
#include "cortex_m.h"

#define RCC_AHB1ENR REG32(0x40023830u)
#define RCC_APB1ENR REG32(0x40023840u)
#define RCC_APB2ENR REG32(0x40023844u)
#define GPIOA_MODER REG32(0x40020000u)
#define GPIOA_AFRH  REG32(0x40020024u)
#define GPIOB_MODER REG32(0x40020400u)
#define GPIOB_AFRL  REG32(0x40020420u)

#define USART1_CR1 REG32(0x40011000u)
#define USART1_BRR REG32(0x4001100Cu)
#define USART1_ISR REG32(0x4001101Cu)
#define USART1_RDR REG32(0x40011024u)
#define USART1_TDR REG32(0x40011028u)
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TXE  (1u << 7)

#define TIM2_CR1 REG32(0x40000000u)
#define TIM2_EGR REG32(0x40000014u)
#define TIM2_CNT REG32(0x40000024u)
#define TIM2_PSC REG32(0x40000028u)
#define TIM2_ARR REG32(0x4000002Cu)

const char board_timer_name[] = "tim2";
const bool board_timer_counts_down = false;

void board_init(void)
{
    RCC_AHB1ENR |= (1u << 1) | 1u;     // GPIOB, GPIOA
    RCC_APB1ENR |= 1u;                 // TIM2
    RCC_APB2ENR |= 1u << 4;            // USART1
    // PA9 and PB7 as alternate function 7 (USART1), for real silicon; emulators ignore it.
    GPIOA_MODER = (GPIOA_MODER & ~(0x3u << 18)) | (0x2u << 18);
    GPIOA_AFRH = (GPIOA_AFRH & ~(0xFu << 4)) | (0x7u << 4);
    GPIOB_MODER = (GPIOB_MODER & ~(0x3u << 14)) | (0x2u << 14);
    GPIOB_AFRL = (GPIOB_AFRL & ~(0xFu << 28)) | (0x7u << 28);
    USART1_BRR = 0x8B;                 // 115200 baud from the 16 MHz reset clock
    USART1_CR1 = (1u << 3) | (1u << 2) | 1u; // TE, RE, UE
}

void board_uart_write(uint8_t byte)
{
    while (!(USART1_ISR & USART_ISR_TXE)) {
    }
    USART1_TDR = byte;
}

bool board_uart_rx_ready(void) { return (USART1_ISR & USART_ISR_RXNE) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(USART1_RDR & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { USART1_CR1 |= (1u << 5); } // RXNEIE

void board_timer_start(void)
{
    TIM2_PSC = 0;
    TIM2_ARR = 0xFFFFFFFFu;
    TIM2_EGR = 1u; // load the prescaler
    TIM2_CR1 = 1u;
}

uint32_t board_timer_read(void) { return TIM2_CNT; }
