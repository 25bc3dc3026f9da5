// newlib's malloc (pulled in by snprintf) grows the heap through _sbrk: from the end of .bss up
// to the bottom of the stack, and never into it.
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern uint8_t __bss_end, __stack_bottom;
static uint8_t *heap_top = &__bss_end;

void *_sbrk(ptrdiff_t increment)
{
    uint8_t *previous = heap_top;
    if (increment < 0 || (size_t)(&__stack_bottom - heap_top) < (size_t)increment) {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_top += increment;
    return previous;
}

uint32_t heap_used(void) { return (uint32_t)(heap_top - &__bss_end); }
