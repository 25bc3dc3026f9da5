// Two 16-bit STM32 timers chained into one 32-bit counter (F1, whose timers are 16-bit): the
// first (COUNTER_BASE) counts the kernel clock; its overflow clocks the second
// (COUNTER_CHAINED_BASE) through the internal trigger COUNTER_CHAINED_TRIGGER.
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define LOW_CR1  REG32(COUNTER_BASE + 0x00u)
#define LOW_CR2  REG32(COUNTER_BASE + 0x04u)
#define LOW_EGR  REG32(COUNTER_BASE + 0x14u)
#define LOW_CNT  REG32(COUNTER_BASE + 0x24u)
#define LOW_PSC  REG32(COUNTER_BASE + 0x28u)
#define LOW_ARR  REG32(COUNTER_BASE + 0x2Cu)
#define HIGH_CR1  REG32(COUNTER_CHAINED_BASE + 0x00u)
#define HIGH_SMCR REG32(COUNTER_CHAINED_BASE + 0x08u)
#define HIGH_EGR  REG32(COUNTER_CHAINED_BASE + 0x14u)
#define HIGH_CNT  REG32(COUNTER_CHAINED_BASE + 0x24u)
#define HIGH_PSC  REG32(COUNTER_CHAINED_BASE + 0x28u)
#define HIGH_ARR  REG32(COUNTER_CHAINED_BASE + 0x2Cu)

const char board_timer_name[] = COUNTER_NAME;
const bool board_timer_counts_down = false;

void board_timer_start(void)
{
    LOW_CR1 = 0;
    HIGH_CR1 = 0;
    LOW_CR2 = 2u << 4;                                  // MMS: TRGO on update (overflow)
    HIGH_SMCR = (COUNTER_CHAINED_TRIGGER << 4) | 7u;    // TS = ITRx (the low timer), SMS = external clock mode 1
    LOW_PSC = 0;
    LOW_ARR = 0xFFFFu;
    HIGH_PSC = 0;
    HIGH_ARR = 0xFFFFu;
    LOW_EGR = 1u;                                       // load the prescalers, clear the counters (the high
    HIGH_EGR = 1u;                                      // timer is stopped, so the low one's update does not count)
    HIGH_CR1 = 1u;
    LOW_CR1 = 1u;
}

uint32_t board_timer_read(void)
{
    uint32_t high;
    uint32_t low;
    do {
        high = HIGH_CNT;
        low = LOW_CNT;
    } while (HIGH_CNT != high);
    return (high << 16) | low;
}
