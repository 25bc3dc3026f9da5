// BBC micro:bit v1 (nRF51822, Cortex-M0, 16 KiB RAM): nothing to switch on; the console's pins
// come from the catalog.
#include "board.h"

void board_init(void) { console_init(); }
