// Nordic nRF52840 DK (Cortex-M4F): nothing to switch on. The console's pins are left unset
// (Renode logs every write to PSEL as unhandled); on a real DK, name P0.06 and P0.08 (the
// interface MCU's virtual COM port) under console.pins in the catalog.
#include "board.h"

void board_init(void) { console_init(); }
