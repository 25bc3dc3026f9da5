// STM32F405/407 (QEMU netduinoplus2, Renode STM32F4 Discovery): runs from the 16 MHz HSI it resets
// to; clocks on for the console USART and the counter timer, and the console's pins muxed.
#include "board.h"
#include "cortex_m.h"

#define RCC_AHB1ENR REG32(0x40023830u)
#define RCC_APB1ENR REG32(0x40023840u)
#define GPIOA_MODER REG32(0x40020000u)
#define GPIOA_AFRL  REG32(0x40020020u)

void board_init(void)
{
    RCC_AHB1ENR |= 1u;              // GPIOA
    RCC_APB1ENR |= (1u << 17) | 1u; // USART2, TIM2
    // PA2/PA3 as alternate function 7 (USART2), for real silicon; emulators ignore it.
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 4)) | (0xAu << 4);
    GPIOA_AFRL = (GPIOA_AFRL & ~(0xFFu << 8)) | (0x77u << 8);
    console_init();
}
