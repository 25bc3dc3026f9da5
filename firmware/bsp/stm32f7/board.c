// STM32F746 (Renode stm32f746; on the 32F746G-DISCO the ST-LINK's virtual COM port, USART1 on
// TX PA9, RX PB7): runs from the 16 MHz HSI it resets to; clocks on for the console USART and the
// counter timer, and the console's pins muxed.
#include "board.h"
#include "cortex_m.h"

#define RCC_AHB1ENR REG32(0x40023830u)
#define RCC_APB1ENR REG32(0x40023840u)
#define RCC_APB2ENR REG32(0x40023844u)
#define GPIOA_MODER REG32(0x40020000u)
#define GPIOA_AFRH  REG32(0x40020024u)
#define GPIOB_MODER REG32(0x40020400u)
#define GPIOB_AFRL  REG32(0x40020420u)

void board_init(void)
{
    RCC_AHB1ENR |= (1u << 1) | 1u; // GPIOB, GPIOA
    RCC_APB1ENR |= 1u;             // TIM2
    RCC_APB2ENR |= 1u << 4;        // USART1
    // PA9 and PB7 as alternate function 7 (USART1), for real silicon; emulators ignore it.
    GPIOA_MODER = (GPIOA_MODER & ~(0x3u << 18)) | (0x2u << 18);
    GPIOA_AFRH = (GPIOA_AFRH & ~(0xFu << 4)) | (0x7u << 4);
    GPIOB_MODER = (GPIOB_MODER & ~(0x3u << 14)) | (0x2u << 14);
    GPIOB_AFRL = (GPIOB_AFRL & ~(0xFu << 28)) | (0x7u << 28);
    console_init();
}
