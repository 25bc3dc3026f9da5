// The host has no painted stack to measure: the figures that need one come from the board.
#include "stack.h"

void stack_paint(void) {}
uint32_t stack_high_water(void) { return 0; }
uint32_t stack_size(void) { return 0; }
