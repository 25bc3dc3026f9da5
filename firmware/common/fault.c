// Fault handler: sends the stacked PC, LR and xPSR, the fault status and address registers and
// the exception number to the host as a LINK_FAULT frame, then stops. Works on ARMv6-M (which
// has no fault status registers: they are sent as zero) and ARMv7-M/ARMv8-M.
#include <stdint.h>

#include "cortex_m.h"
#include "link.h"
#include "stack.h"

#define FAULT_FIELDS 12
#define FLAG_GUARD_OVERWRITTEN 1u // the stack's guard words are gone: the stack overflowed
#define FLAG_FOUND_BY_LINK_LOOP 2u // no exception: the request loop found the guard overwritten

static void send_report(const uint32_t fields[FAULT_FIELDS])
{
    uint8_t body[4 * FAULT_FIELDS];
    for (int i = 0; i < FAULT_FIELDS; ++i) {
        link_put_u32(body + 4 * i, fields[i]);
    }
    link_send(LINK_FAULT, 0, body, sizeof body);
}

// Called by the request loop after a request whose handler ran the stack past its bottom: the
// report names the handler (as its PC) so the host can say which request overflowed.
__attribute__((noreturn)) void fault_stack_overflow(void (*handler)(const link_frame_t *))
{
    uint32_t fields[FAULT_FIELDS] = {
        (uint32_t)(uintptr_t)handler, 0, 0, 0, 0, 0, 0, 0, 0, 0, stack_high_water(), FLAG_GUARD_OVERWRITTEN | FLAG_FOUND_BY_LINK_LOOP,
    };
    send_report(fields);
    for (;;) {
    }
}

__attribute__((used, noreturn)) void fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t fields[FAULT_FIELDS] = {
        frame[6],                 // PC
        frame[5],                 // LR
        frame[7],                 // xPSR
#if HAS_FAULT_STATUS_REGISTERS
        SCB_CFSR, SCB_HFSR, SCB_MMFAR, SCB_BFAR,
#else
        0, 0, 0, 0,
#endif
        (uint32_t)(uintptr_t)frame, // SP at the fault
        ipsr & 0x1FFu,            // exception number
        exc_return,
        stack_high_water(),
        stack_guard_intact() ? 0u : FLAG_GUARD_OVERWRITTEN,
    };
    send_report(fields);
    for (;;) {
    }
}

// Picks the stack the exception frame was pushed on (MSP or PSP) with Thumb-1-only code, so
// the same handler serves Cortex-M0.
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile(
        "movs r0, #4\n"
        "mov r1, lr\n"
        "tst r0, r1\n"
        "beq 1f\n"
        "mrs r0, psp\n"
        "b 2f\n"
        "1: mrs r0, msp\n"
        "2: ldr r2, =fault_report\n"
        "bx r2\n");
}
