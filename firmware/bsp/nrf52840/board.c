// Nordic nRF52840 DK (Cortex-M4F): console on UARTE0, TIMER0 in 32-bit mode at 16 MHz as the
// fallback counter.
//
// UARTE (EasyDMA) rather than the legacy UART registers: Renode models UART0 with easyDMA, where
// TXD/RXD do not exist. Each byte goes through a one-byte DMA buffer in RAM; a new reception is
// started only after the last byte was taken, and bytes arriving meanwhile wait in the model's
// FIFO (on silicon, in the UARTE's RX FIFO), so none is lost.
#include "board.h"
#include "cortex_m.h"

#define UARTE_STARTRX    REG32(0x40002000u)
#define UARTE_STARTTX    REG32(0x40002008u)
#define UARTE_ENDRX      REG32(0x40002110u)
#define UARTE_ENDTX      REG32(0x40002120u)
#define UARTE_INTENSET   REG32(0x40002304u)
#define UARTE_ENABLE     REG32(0x40002500u)
#define UARTE_BAUDRATE   REG32(0x40002524u)
#define UARTE_RXD_PTR    REG32(0x40002534u)
#define UARTE_RXD_MAXCNT REG32(0x40002538u)
#define UARTE_TXD_PTR    REG32(0x40002544u)
#define UARTE_TXD_MAXCNT REG32(0x40002548u)
#define UARTE_INT_ENDRX  (1u << 4)

#define TIMER0_START     REG32(0x40008000u)
#define TIMER0_CLEAR     REG32(0x4000800Cu)
#define TIMER0_CAPTURE0  REG32(0x40008040u)
#define TIMER0_MODE      REG32(0x40008504u)
#define TIMER0_BITMODE   REG32(0x40008508u)
#define TIMER0_PRESCALER REG32(0x40008510u)
#define TIMER0_CC0       REG32(0x40008540u)

const char board_timer_name[] = "nrf-timer0";
const bool board_timer_counts_down = false;

// EasyDMA reads and writes RAM only.
static volatile uint8_t tx_byte;
static volatile uint8_t rx_byte;

static void start_rx(void)
{
    UARTE_ENDRX = 0;
    UARTE_STARTRX = 1;
}

void board_init(void)
{
    // PSEL.TXD/RXD stay unset: Renode logs every write to them as unhandled. On a real DK, set
    // them to 6 and 8 (P0.06 and P0.08, the interface MCU's virtual COM port).
    UARTE_BAUDRATE = 0x01D60000u; // 115200
    UARTE_ENABLE = 8;
    UARTE_TXD_PTR = (uint32_t)(uintptr_t)&tx_byte;
    UARTE_TXD_MAXCNT = 1;
    UARTE_RXD_PTR = (uint32_t)(uintptr_t)&rx_byte;
    UARTE_RXD_MAXCNT = 1;
    start_rx();
}

void board_uart_write(uint8_t byte)
{
    tx_byte = byte;
    UARTE_ENDTX = 0;
    UARTE_STARTTX = 1;
    while (!UARTE_ENDTX) {
    }
}

bool board_uart_rx_ready(void) { return UARTE_ENDRX != 0; }

int board_uart_read(void)
{
    if (!board_uart_rx_ready()) {
        return -1;
    }
    uint8_t byte = rx_byte;
    start_rx();
    return byte;
}

void board_uart_enable_rx_interrupt(void) { UARTE_INTENSET = UARTE_INT_ENDRX; }

void board_timer_start(void)
{
    TIMER0_MODE = 0;
    TIMER0_BITMODE = 3;  // 32-bit
    TIMER0_PRESCALER = 0;
    TIMER0_CLEAR = 1;
    TIMER0_START = 1;
}

uint32_t board_timer_read(void)
{
    TIMER0_CAPTURE0 = 1;
    return TIMER0_CC0;
}
