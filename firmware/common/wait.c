#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#ifndef CONSOLE_IRQ
#error "CONSOLE_IRQ must be set in board_config.h (the harness generates it from the board catalog)"
#endif

#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_ICPR(n) REG32(0xE000E280u + 4u * (n))

void board_wait_for_input(void)
{
    static bool armed;
    if (!armed) {
        __asm volatile("cpsid i" ::: "memory");
        board_uart_enable_rx_interrupt();
        NVIC_ISER(CONSOLE_IRQ / 32) = 1u << (CONSOLE_IRQ % 32);
        armed = true;
    }
    // Clear a stale pending state first, then look: a byte arriving after the look pends the
    // interrupt again and the WFI returns at once, so no byte is ever slept through.
    NVIC_ICPR(CONSOLE_IRQ / 32) = 1u << (CONSOLE_IRQ % 32);
    __asm volatile("dsb" ::: "memory");
    if (!board_uart_rx_ready()) {
        __asm volatile("wfi" ::: "memory");
    }
}
