// Arm MPS2 with the AN386 FPGA image (Cortex-M4): nothing to switch on; the console UART and the
// counter timer run from the system clock.
#include "board.h"

void board_init(void) { console_init(); }
