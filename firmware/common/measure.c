#include "measure.h"

#include "counter.h"

static uint32_t regions;

__attribute__((noinline, used)) void harness_measure_begin(void) { __asm volatile("" ::: "memory"); }
__attribute__((noinline, used)) void harness_measure_end(void) { __asm volatile("" ::: "memory"); }
__attribute__((noinline, used)) void harness_op_begin(void) { __asm volatile("" ::: "memory"); }
__attribute__((noinline, used)) void harness_op_end(void) { __asm volatile("" ::: "memory"); }

measurement_t measure(void (*work)(void *), void *arg)
{
    counter_restart();
    uint64_t start = counter_now();
    harness_measure_begin();
    work(arg);
    harness_measure_end();
    uint64_t stop = counter_now();
    measurement_t result = {.ticks = stop - start, .region = ++regions};
    return result;
}

uint32_t measure_regions(void) { return regions; }
