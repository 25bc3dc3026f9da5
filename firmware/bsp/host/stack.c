// The host has no painted stack to measure: the figures that need one come from the board.
#include "link.h"
#include "stack.h"

void stack_paint(void) {}
uint32_t stack_high_water(void) { return 0; }
uint32_t stack_size(void) { return 0; }
int stack_guard_intact(void) { return 1; }

// The host's stack is the operating system's: it never reaches the request loop's guard check.
void fault_stack_overflow(void (*handler)(const link_frame_t *))
{
    (void)handler;
    for (;;) {
    }
}
