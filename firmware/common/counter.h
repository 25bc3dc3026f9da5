// The firmware's own cycle counter: the DWT cycle counter where the core and emulator have a
// working one, otherwise a board timer; extended to 64 bits. The host converts its ticks to
// cycles (it knows each emulator's clock model) and cross-checks them against the emulator's
// instruction count.
#ifndef COUNTER_H
#define COUNTER_H

#include <stdint.h>

void counter_init(void);
// Restarts the count from zero. A board timer ticks slower than the core, so where its tick falls
// depends on everything since the last start; restarting it right before a measurement makes the
// reading depend only on the measured code, and so repeat exactly.
void counter_restart(void);
uint64_t counter_now(void);
const char *counter_source(void);

#endif
