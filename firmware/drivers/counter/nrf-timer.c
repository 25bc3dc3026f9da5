// Nordic TIMER (nRF51, nRF52) in 32-bit timer mode at 16 MHz (prescaler 0): the fallback counter.
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define TIMER_START     REG32(COUNTER_BASE + 0x000u)
#define TIMER_CLEAR     REG32(COUNTER_BASE + 0x00Cu)
#define TIMER_CAPTURE0  REG32(COUNTER_BASE + 0x040u)
#define TIMER_MODE      REG32(COUNTER_BASE + 0x504u)
#define TIMER_BITMODE   REG32(COUNTER_BASE + 0x508u)
#define TIMER_PRESCALER REG32(COUNTER_BASE + 0x510u)
#define TIMER_CC0       REG32(COUNTER_BASE + 0x540u)

const char board_timer_name[] = COUNTER_NAME;
const bool board_timer_counts_down = false;

void board_timer_start(void)
{
    TIMER_MODE = 0;
    TIMER_BITMODE = 3; // 32-bit
    TIMER_PRESCALER = 0;
    TIMER_CLEAR = 1;
    TIMER_START = 1;
}

uint32_t board_timer_read(void)
{
    TIMER_CAPTURE0 = 1;
    return TIMER_CC0;
}
