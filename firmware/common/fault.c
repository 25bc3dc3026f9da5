// Fault handler: sends the stacked PC, LR and xPSR, the fault status and address registers and
// the exception number to the host as a LINK_FAULT frame, then stops. Works on ARMv6-M (which
// has no fault status registers: they are sent as zero) and ARMv7-M/ARMv8-M.
#include <stdint.h>

#include "cortex_m.h"
#include "link.h"

__attribute__((used, noreturn)) void fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint8_t body[4 * 10];
    uint32_t fields[10] = {
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
    };
    for (int i = 0; i < 10; ++i) {
        link_put_u32(body + 4 * i, fields[i]);
    }
    link_send(LINK_FAULT, 0, body, sizeof body);
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
