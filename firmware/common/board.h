// What a board provides: board_init() from its board-support folder (clocks, pins), the console
// UART from the driver its catalog entry names (firmware/drivers/console/<kind>.c), the fallback
// counter from firmware/drivers/counter/<kind>.c. Addresses, IRQs and clocks come from the
// generated board_config.h (platforms/<board>.yaml), never from the code. Polled I/O only: the
// firmware never takes interrupts, so the host's strict request/response keeps a FIFO-less UART
// from dropping bytes.
#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include <stdint.h>

void board_init(void);

// Sets up the console UART at the catalog's base address, clock and baud rate (the console driver).
void console_init(void);

void board_uart_write(uint8_t byte);
// Returns the next received byte, or -1 when none is waiting.
int board_uart_read(void);
bool board_uart_rx_ready(void);
// Lets the UART raise its receive interrupt (CONSOLE_IRQ); it is never taken, only woken on.
void board_uart_enable_rx_interrupt(void);

// Sleeps (WFI) until the console UART has a byte. Interrupts stay masked (PRIMASK) and are never
// taken: a pending one just ends the WFI. Busy-polling a UART register instead keeps an emulator's
// CPU thread in device code and can starve the thread that delivers the byte (seen in QEMU).
void board_wait_for_input(void);

// A free-running 32-bit counter for boards or emulators without a DWT cycle counter.
void board_timer_start(void);
uint32_t board_timer_read(void);
extern const char board_timer_name[];
// True when board_timer_read() counts down (it is turned into an up-count by the caller).
extern const bool board_timer_counts_down;

#endif
