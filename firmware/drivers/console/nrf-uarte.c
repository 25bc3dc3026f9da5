// Nordic UARTE (EasyDMA; nRF52): the console at CONSOLE_BASE. Renode models nRF52840's UART0 with
// EasyDMA, where TXD/RXD do not exist. Each byte goes through a one-byte DMA buffer in RAM; a new
// reception is started only after the last byte was taken, and bytes arriving meanwhile wait in
// the model's FIFO (on silicon, in the UARTE's RX FIFO), so none is lost.
#include "board.h"
#include "board_config.h"
#include "cortex_m.h"

#define UARTE_STARTRX    REG32(CONSOLE_BASE + 0x000u)
#define UARTE_STARTTX    REG32(CONSOLE_BASE + 0x008u)
#define UARTE_ENDRX      REG32(CONSOLE_BASE + 0x110u)
#define UARTE_ENDTX      REG32(CONSOLE_BASE + 0x120u)
#define UARTE_INTENSET   REG32(CONSOLE_BASE + 0x304u)
#define UARTE_ENABLE     REG32(CONSOLE_BASE + 0x500u)
#define UARTE_PSEL_TXD   REG32(CONSOLE_BASE + 0x50Cu)
#define UARTE_PSEL_RXD   REG32(CONSOLE_BASE + 0x514u)
#define UARTE_BAUDRATE   REG32(CONSOLE_BASE + 0x524u)
#define UARTE_RXD_PTR    REG32(CONSOLE_BASE + 0x534u)
#define UARTE_RXD_MAXCNT REG32(CONSOLE_BASE + 0x538u)
#define UARTE_TXD_PTR    REG32(CONSOLE_BASE + 0x544u)
#define UARTE_TXD_MAXCNT REG32(CONSOLE_BASE + 0x548u)

#define INT_ENDRX (1u << 4)

#if CONSOLE_BAUD == 115200u
#define BAUDRATE_VALUE 0x01D60000u // the UARTE's register value for 115200 baud
#else
#error "nrf-uarte: only 115200 baud is tabulated (see the nRF UARTE BAUDRATE register)"
#endif

// EasyDMA reads and writes RAM only.
static volatile uint8_t tx_byte;
static volatile uint8_t rx_byte;

static void start_rx(void)
{
    UARTE_ENDRX = 0;
    UARTE_STARTRX = 1;
}

void console_init(void)
{
#if defined(CONSOLE_TX_PIN) && defined(CONSOLE_RX_PIN)
    UARTE_PSEL_TXD = CONSOLE_TX_PIN;
    UARTE_PSEL_RXD = CONSOLE_RX_PIN;
#endif
    UARTE_BAUDRATE = BAUDRATE_VALUE;
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

void board_uart_enable_rx_interrupt(void) { UARTE_INTENSET = INT_ENDRX; }
