// The host "board" of the golden run: the same runner, built for x86-64 against TFLM's linux
// library, with standard input and output as its UART. The harness drives it over the same link
// protocol, so an emulated board's outputs can be compared with the host's, bit for bit.
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "board.h"

const char board_timer_name[] = "host-clock-ns";
const bool board_timer_counts_down = false;

static int pending = -1;

void board_init(void) {}

void board_uart_write(uint8_t byte)
{
    // Frames are small and the host is patient: one write per byte keeps the order exact.
    if (write(STDOUT_FILENO, &byte, 1) != 1) {
        exit(0); // the harness went away
    }
}

static bool fetch(int timeout_ms)
{
    if (pending >= 0) {
        return true;
    }
    struct pollfd fd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&fd, 1, timeout_ms) <= 0) {
        return false;
    }
    uint8_t byte;
    if (read(STDIN_FILENO, &byte, 1) != 1) {
        exit(0); // end of input: the harness is done with us
    }
    pending = byte;
    return true;
}

bool board_uart_rx_ready(void) { return fetch(0); }

int board_uart_read(void)
{
    if (!fetch(0)) {
        return -1;
    }
    int byte = pending;
    pending = -1;
    return byte;
}

void board_uart_enable_rx_interrupt(void) {}

void board_wait_for_input(void) { (void)fetch(-1); }

void board_timer_start(void) {}

uint32_t board_timer_read(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint32_t)((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
}
