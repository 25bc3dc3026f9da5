// STM32F103 "bluepill" (Cortex-M3, 20 KiB RAM): runs from the 8 MHz HSI it resets to; clocks on
// for the console USART1 (TX PA9, RX PA10) and the two counter timers, and TX muxed.
#include "board.h"
#include "cortex_m.h"

#define RCC_APB2ENR REG32(0x40021018u)
#define RCC_APB1ENR REG32(0x4002101Cu)
#define GPIOA_CRH   REG32(0x40010804u)

void board_init(void)
{
    RCC_APB2ENR |= (1u << 14) | (1u << 2); // USART1, GPIOA
    RCC_APB1ENR |= (1u << 1) | 1u;         // TIM3, TIM2
    // PA9 as alternate-function push-pull output (PA10 stays a floating input), for real silicon.
    GPIOA_CRH = (GPIOA_CRH & ~(0xFu << 4)) | (0xBu << 4);
    console_init();
}
