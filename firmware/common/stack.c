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

uint32_t stack_size(void) { return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)&__stack_bottom); }
