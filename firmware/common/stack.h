#ifndef STACK_H
#define STACK_H

#include <stdint.h>

// Fills the unused part of the stack with a pattern; called once from reset.
void stack_paint(void);
// Bytes of stack ever used since reset (the deepest point not holding the pattern).
uint32_t stack_high_water(void);
uint32_t stack_size(void);

#endif
