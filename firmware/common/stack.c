#include "stack.h"

extern uint32_t __stack_bottom, __stack_top;

#define STACK_PAINT 0xC5A5C5A5u

__attribute__((noinline)) void stack_paint(void)
{
    uintptr_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    // Leave a margin below this frame; everything deeper is untouched so far.
    volatile uint32_t *limit = (volatile uint32_t *)(sp - 64u);
    for (volatile uint32_t *word = &__stack_bottom; word < limit; ++word) {
        *word = STACK_PAINT;
    }
}

uint32_t stack_high_water(void)
{
    const uint32_t *word = &__stack_bottom;
    while (word < &__stack_top && *word == STACK_PAINT) {
        ++word;
    }
    return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)word);
}

// The stack's last 256 bytes: a call chain that reaches them has (nearly) overflowed. A frame that
// leaves more than this unwritten can jump over the guard unseen: no check short of an MPU catches that.
#define STACK_GUARD_WORDS 64u

int stack_guard_intact(void)
{
    for (uint32_t i = 0; i < STACK_GUARD_WORDS; ++i) {
        if ((&__stack_bottom)[i] != STACK_PAINT) {
            return 0;
        }
    }
    return 1;
}

uint32_t stack_size(void) { return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)&__stack_bottom); }
