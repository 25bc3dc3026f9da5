#ifndef STACK_H
#define STACK_H

#include <stdint.h>

// Fills the unused part of the stack with a pattern; called once from reset.
void stack_paint(void);
// Bytes of stack ever used since reset (the deepest point not holding the pattern).
uint32_t stack_high_water(void);
uint32_t stack_size(void);
// Whether the stack's lowest 256 bytes (its guard) still hold the pattern: a call chain that reached
// them has all but overflowed, and past them it writes over static RAM (nothing traps that here).
int stack_guard_intact(void);

#endif
