// STM32F103 "bluepill" (Cortex-M3, 20 KiB RAM): console on USART1 (TX PA9, RX PA10; the F1
// USART has the F4's SR/DR layout), runs from the 8 MHz HSI it resets to. The F1's timers are
// 16-bit, so the fallback counter is TIM2 chained into TIM3 (TIM2's overflow clocks TIM3).
#include "board.h"
#include "cortex_m.h"

#define RCC_APB2ENR REG32(0x40021018u)
#define RCC_APB1ENR REG32(0x4002101Cu)
#define GPIOA_CRH   REG32(0x40010804u)

#define USART1_SR  REG32(0x40013800u)
#define USART1_DR  REG32(0x40013804u)
#define USART1_BRR REG32(0x40013808u)
#define USART1_CR1 REG32(0x4001380Cu)
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TXE  (1u << 7)

#define TIM2_CR1  REG32(0x40000000u)
#define TIM2_CR2  REG32(0x40000004u)
#define TIM2_EGR  REG32(0x40000014u)
#define TIM2_CNT  REG32(0x40000024u)
#define TIM2_PSC  REG32(0x40000028u)
#define TIM2_ARR  REG32(0x4000002Cu)
#define TIM3_CR1  REG32(0x40000400u)
#define TIM3_SMCR REG32(0x40000408u)
#define TIM3_EGR  REG32(0x40000414u)
#define TIM3_CNT  REG32(0x40000424u)
#define TIM3_PSC  REG32(0x40000428u)
#define TIM3_ARR  REG32(0x4000042Cu)

const char board_timer_name[] = "tim2+tim3";
const bool board_timer_counts_down = false;

void board_init(void)
{
    RCC_APB2ENR |= (1u << 14) | (1u << 2); // USART1, GPIOA
    RCC_APB1ENR |= (1u << 1) | 1u;         // TIM3, TIM2
    // PA9 as alternate-function push-pull output (PA10 stays a floating input), for real silicon.
    GPIOA_CRH = (GPIOA_CRH & ~(0xFu << 4)) | (0xBu << 4);
    USART1_BRR = 0x45;                     // 115200 baud from the 8 MHz reset clock
    USART1_CR1 = (1u << 13) | (1u << 3) | (1u << 2); // UE, TE, RE
}

void board_uart_write(uint8_t byte)
{
    while (!(USART1_SR & USART_SR_TXE)) {
    }
    USART1_DR = byte;
}

bool board_uart_rx_ready(void) { return (USART1_SR & USART_SR_RXNE) != 0; }

int board_uart_read(void) { return board_uart_rx_ready() ? (int)(USART1_DR & 0xFFu) : -1; }

void board_uart_enable_rx_interrupt(void) { USART1_CR1 |= (1u << 5); } // RXNEIE

void board_timer_start(void)
{
    TIM2_CR1 = 0;
    TIM3_CR1 = 0;
    TIM2_CR2 = 2u << 4;            // MMS: TRGO on update (overflow)
    TIM3_SMCR = (1u << 4) | 7u;    // TS = ITR1 (TIM2), SMS = external clock mode 1
    TIM2_PSC = 0;
    TIM2_ARR = 0xFFFFu;
    TIM3_PSC = 0;
    TIM3_ARR = 0xFFFFu;
    TIM2_EGR = 1u;                 // load the prescalers, clear the counters (TIM3 is stopped,
    TIM3_EGR = 1u;                 // so TIM2's update does not count)
    TIM3_CR1 = 1u;
    TIM2_CR1 = 1u;
}

uint32_t board_timer_read(void)
{
    uint32_t high;
    uint32_t low;
    do {
        high = TIM3_CNT;
        low = TIM2_CNT;
    } while (TIM3_CNT != high);
    return (high << 16) | low;
}
