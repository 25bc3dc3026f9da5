// Arm CMSDK APB timer (MPS2): a 32-bit down-counter from the system clock, the fallback counter.
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define TIMER_CTRL   REG32(COUNTER_BASE + 0x00u)
#define TIMER_VALUE  REG32(COUNTER_BASE + 0x04u)
#define TIMER_RELOAD REG32(COUNTER_BASE + 0x08u)

const char board_timer_name[] = COUNTER_NAME;
const bool board_timer_counts_down = true;

void board_timer_start(void)
{
    TIMER_CTRL = 0;
    TIMER_RELOAD = 0xFFFFFFFFu;
    TIMER_VALUE = 0xFFFFFFFFu;
    TIMER_CTRL = 1u;
}

uint32_t board_timer_read(void) { return TIMER_VALUE; }
