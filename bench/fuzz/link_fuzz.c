// libFuzzer target for the device side of the link (firmware/link): the fuzzer's bytes arrive as
// UART input to an app served by link_serve() — the diag app's upload handlers and NULL handlers
// for the rest — until the input runs out. Built on the host with -fsanitize=fuzzer,address,undefined
// by bench/reliability.sh; board_* are the host's stand-ins for a board's console.
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "crc32.h"
#include "link.h"

static const uint8_t *input;
static size_t input_left;
static jmp_buf input_ended;
static uint32_t sent_bytes;

int board_uart_read(void)
{
    if (input_left == 0) {
        return -1;
    }
    --input_left;
    return *input++;
}

bool board_uart_rx_ready(void) { return input_left > 0; }
void board_wait_for_input(void) { longjmp(input_ended, 1); }
void board_uart_write(uint8_t byte) { sent_bytes += byte | 1u; }

static link_upload_t upload;
static uint32_t upload_crc;

static size_t hello(char *out, size_t size) { return (size_t)snprintf(out, size, "proto=%d;app=fuzz", LINK_PROTOCOL_VERSION); }

static void on_upload_begin(const link_frame_t *req)
{
    if (req->length < 5) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "UPLOAD_BEGIN takes slot u8 + size u32");
        return;
    }
    upload_crc = crc32_init();
    link_upload_begin(req, &upload, link_get_u32(req->body + 1));
}

static void on_upload_chunk(const link_frame_t *req)
{
    const uint8_t *data;
    uint32_t count;
    if (link_upload_chunk(req, &upload, &data, &count)) {
        upload_crc = crc32_update(upload_crc, data, count);
        link_upload_ack(req, &upload);
    }
}

static void on_stats(const link_frame_t *req)
{
    uint8_t out[8];
    link_put_u32(out, link_dropped_frames());
    link_put_u32(out + 4, crc32_final(upload_crc));
    link_respond(req, out, sizeof out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const link_handlers_t handlers = {
        .hello = hello, .upload_begin = on_upload_begin, .upload_chunk = on_upload_chunk, .stats = on_stats,
    };
    input = data;
    input_left = size;
    if (setjmp(input_ended) == 0) {
        link_serve(&handlers);
    }
    return 0;
}
