// A 32-bit STM32 general-purpose timer (TIM2/TIM5 on F2, F4, F7, L4, ...) counting up at its
// kernel clock with prescaler 0: the fallback counter where the DWT does not count.
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define TIM_CR1 REG32(COUNTER_BASE + 0x00u)
#define TIM_EGR REG32(COUNTER_BASE + 0x14u)
#define TIM_CNT REG32(COUNTER_BASE + 0x24u)
#define TIM_PSC REG32(COUNTER_BASE + 0x28u)
#define TIM_ARR REG32(COUNTER_BASE + 0x2Cu)

const char board_timer_name[] = COUNTER_NAME;
const bool board_timer_counts_down = false;

void board_timer_start(void)
{
    TIM_PSC = 0;
    TIM_ARR = 0xFFFFFFFFu;
    TIM_EGR = 1u; // load the prescaler
    TIM_CR1 = 1u;
}

uint32_t board_timer_read(void) { return TIM_CNT; }
