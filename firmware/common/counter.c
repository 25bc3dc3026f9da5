#include "counter.h"

#include <stdbool.h>

#include "board.h"
#include "cortex_m.h"

static bool use_dwt;
static uint32_t last_raw;
static uint64_t high_bits;

static bool dwt_counts(void)
{
#if HAS_DWT_CYCCNT
    DEMCR |= (1u << 24);  // TRCENA
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;       // CYCCNTENA
    uint32_t before = DWT_CYCCNT;
    for (volatile int spin = 0; spin < 16; ++spin) {
    }
    return DWT_CYCCNT != before;
#else
    return false;
#endif
}

void counter_init(void)
{
    use_dwt = dwt_counts();
    if (!use_dwt) {
        board_timer_start();
    }
    last_raw = 0;
    high_bits = 0;
    (void)counter_now();
}

void counter_restart(void)
{
#if HAS_DWT_CYCCNT
    if (use_dwt) {
        DWT_CYCCNT = 0;
    }
#endif
    if (!use_dwt) {
        board_timer_start();
    }
    last_raw = 0;
    high_bits = 0;
}

static uint32_t raw_now(void)
{
#if HAS_DWT_CYCCNT
    if (use_dwt) {
        return DWT_CYCCNT;
    }
#endif
    uint32_t value = board_timer_read();
    return board_timer_counts_down ? ~value : value;
}

uint64_t counter_now(void)
{
    uint32_t raw = raw_now();
    if (raw < last_raw) {
        high_bits += 1ull << 32;
    }
    last_raw = raw;
    return high_bits | raw;
}

const char *counter_source(void) { return use_dwt ? "dwt" : board_timer_name; }
