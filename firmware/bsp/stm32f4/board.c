// STM32F405/407 (QEMU netduinoplus2, Renode STM32F4 Discovery): console on USART2, TIM2 as the
// fallback counter (32-bit, prescaler 0).
#include "board.h"
#include "cortex_m.h"

#define RCC_APB1ENR REG32(0x40023840u)
#define RCC_AHB1ENR REG32(0x40023830u)
#define GPIOA_MODER REG32(0x40020000u)
#define GPIOA_AFRL  REG32(0x40020020u)

#define USART2_SR  REG32(0x40004400u)
#define USART2_DR  REG32(0x40004404u)
#define USART2_BRR REG32(0x40004408u)
#define USART2_CR1 REG32(0x4000440Cu)
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TXE  (1u << 7)

#define TIM2_CR1 REG32(0x40000000u)
#define TIM2_EGR REG32(0x40000014u)
#define TIM2_CNT REG32(0x40000024u)
#define TIM2_PSC REG32(0x40000028u)
#define TIM2_ARR REG32(0x4000002Cu)

const char board_timer_name[] = "tim2";
const bool board_timer_counts_down = false;

void board_init(void)
{
    RCC_AHB1ENR |= 1u;                 // GPIOA
    RCC_APB1ENR |= (1u << 17) | 1u;    // USART2, TIM2
    // PA2/PA3 as alternate function 7 (USART2), for real silicon; emulators ignore it.
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 4)) | (0xAu << 4);
    GPIOA_AFRL = (GPIOA_AFRL & ~(0xFFu << 8)) | (0x77u << 8);
    USART2_BRR = 0x8B;                 // 115200 baud from the 16 MHz reset clock
    USART2_CR1 = (1u << 13) | (1u << 3) | (1u << 2); // UE, TE, RE
}

void board_uart_write(uint8_t byte)
{
    while (!(USART2_SR & USART_SR_TXE)) {
    }
    USART2_DR = byte;
}

bool board_uart_rx_ready(void) { return (USART2_SR & USART_SR_RXNE) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(USART2_DR & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { USART2_CR1 |= (1u << 5); } // RXNEIE

void board_timer_start(void)
{
    TIM2_PSC = 0;
    TIM2_ARR = 0xFFFFFFFFu;
    TIM2_EGR = 1u; // load the prescaler
    TIM2_CR1 = 1u;
}

uint32_t board_timer_read(void) { return TIM2_CNT; }
