// Marker functions around a measured region. The emulator counts the guest instructions
// executed between the first instruction of measure_begin() and the first instruction of
// measure_end() (the QEMU plugin via their addresses; Renode via hooks on them).
#ifndef MEASURE_H
#define MEASURE_H

#include <stdint.h>

void harness_measure_begin(void);
void harness_measure_end(void);

// Markers around each part of a measured region (a model's operators): the emulator counts the
// instructions between each harness_op_begin() and the harness_op_end() that follows, in order.
void harness_op_begin(void);
void harness_op_end(void);

typedef struct {
    uint64_t ticks;    // the firmware's counter across the region
    uint32_t region;   // 1 for the first measured region since reset, then 2, ...
} measurement_t;

// Runs work(arg) between the markers and times it with the firmware's counter.
measurement_t measure(void (*work)(void *), void *arg);

// Regions measured since reset.
uint32_t measure_regions(void);

#endif
