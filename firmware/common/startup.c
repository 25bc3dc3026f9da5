// Vector table and reset: enable the FPU (before any code that may use it), copy .data, zero
// .bss, paint the stack for the high-water mark, run static constructors, then main().
#include <stdint.h>
#include <string.h>

#include "cortex_m.h"
#include "stack.h"

extern uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(void);
void Reset_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);

// Newlib's and libstdc++'s startup expect these when linked with -nostartfiles.
void _init(void) {}
void _fini(void) {}
void *__dso_handle = 0;

#define IRQ_COUNT 48

__attribute__((section(".vectors"), used))
void (*const vector_table[16 + IRQ_COUNT])(void) = {
    (void (*)(void))(&__stack_top),
    Reset_Handler,
    HardFault_Handler, // NMI
    HardFault_Handler, // HardFault
    HardFault_Handler, // MemManage
    HardFault_Handler, // BusFault
    HardFault_Handler, // UsageFault
    0, 0, 0, 0,
    Default_Handler,   // SVCall
    Default_Handler,   // DebugMon
    0,
    Default_Handler,   // PendSV
    Default_Handler,   // SysTick
    [16 ... 16 + IRQ_COUNT - 1] = Default_Handler,
};

// An interrupt nobody enabled: report it like a fault so the host learns which one.
void Default_Handler(void) { HardFault_Handler(); }

__attribute__((noreturn)) void Reset_Handler(void)
{
#if defined(__ARM_FP)
    SCB_CPACR |= (0xFu << 20); // CP10 and CP11 full access
    __asm volatile("dsb\n isb");
#endif
    memcpy(&__data_start, &__data_load, (uintptr_t)&__data_end - (uintptr_t)&__data_start);
    memset(&__bss_start, 0, (uintptr_t)&__bss_end - (uintptr_t)&__bss_start);
    stack_paint();
    for (void (**ctor)(void) = __init_array_start; ctor < __init_array_end; ++ctor) {
        (*ctor)();
    }
    main();
    for (;;) {
    }
}
