#include "link.h"

#include <string.h>

#include "board.h"
#include "cobs.h"
#include "crc32.h"

#define HEADER 5
#define TRAILER 4
#define MAX_PAYLOAD (HEADER + LINK_MAX_BODY + TRAILER)
#define MAX_ENCODED (MAX_PAYLOAD + MAX_PAYLOAD / 254 + 2)

static uint8_t rx[MAX_ENCODED];
static uint8_t tx[MAX_PAYLOAD];
static uint32_t dropped;


uint32_t link_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void link_put_u32(uint8_t *p, uint32_t value)
{
    for (int i = 0; i < 4; ++i) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
}

void link_put_u64(uint8_t *p, uint64_t value)
{
    link_put_u32(p, (uint32_t)value);
    link_put_u32(p + 4, (uint32_t)(value >> 32));
}

static bool parse(size_t encoded_length, link_frame_t *frame)
{
    size_t length = cobs_decode(rx, encoded_length);
    if (length < (size_t)(HEADER + TRAILER) || rx[0] != 0) {
        return false;
    }
    uint16_t body_length = (uint16_t)(rx[3] | rx[4] << 8);
    if (body_length > LINK_MAX_BODY || length != (size_t)(HEADER + body_length + TRAILER)) {
        return false;
    }
    uint32_t crc = crc32_final(crc32_update(crc32_init(), rx, HEADER + body_length));
    if (crc != link_get_u32(rx + HEADER + body_length)) {
        return false;
    }
    frame->type = rx[1];
    frame->seq = rx[2];
    frame->length = body_length;
    memcpy(frame->body, rx + HEADER, body_length);
    return true;
}

void link_receive(link_frame_t *frame)
{
    size_t used = 0;
    bool overflowed = false;
    for (;;) {
        int c = board_uart_read();
        if (c < 0) {
            board_wait_for_input();
            continue;
        }
        if (c != 0) {
            if (used < sizeof rx) {
                rx[used++] = (uint8_t)c;
            } else {
                overflowed = true;
            }
            continue;
        }
        if (used > 0) {
            if (!overflowed && parse(used, frame)) {
                return;
            }
            ++dropped;
        }
        used = 0;
        overflowed = false;
    }
}

uint32_t link_dropped_frames(void) { return dropped; }

void link_send(uint8_t type, uint8_t seq, const void *body, size_t length)
{
    if (length > LINK_MAX_BODY) {
        length = LINK_MAX_BODY;
    }
    tx[0] = 0;
    tx[1] = type;
    tx[2] = seq;
    tx[3] = (uint8_t)length;
    tx[4] = (uint8_t)(length >> 8);
    memcpy(tx + HEADER, body, length);
    link_put_u32(tx + HEADER + length, crc32_final(crc32_update(crc32_init(), tx, HEADER + length)));
    board_uart_write(0);
    cobs_encode_to(tx, HEADER + length + TRAILER, board_uart_write);
    board_uart_write(0);
}

void link_respond(const link_frame_t *request, const void *body, size_t length)
{
    link_check_stack();
    link_send(request->type | LINK_RESPONSE, request->seq, body, length);
}

void link_respond_error(const link_frame_t *request, uint8_t code, const char *message)
{
    link_check_stack();
    uint8_t body[1 + 120];
    size_t length = strnlen(message, sizeof body - 1);
    body[0] = code;
    memcpy(body + 1, message, length);
    link_send(LINK_ERROR, request->seq, body, 1 + length);
}

void link_log(const char *text) { link_send(LINK_LOG, 0, text, strnlen(text, LINK_MAX_BODY)); }

void link_upload_begin(const link_frame_t *request, link_upload_t *upload, uint32_t total)
{
    upload->expected = total;
    upload->received = 0;
    link_upload_ack(request, upload);
}

bool link_upload_chunk(const link_frame_t *request, link_upload_t *upload, const uint8_t **data, uint32_t *count)
{
    if (request->length < 5) {
        link_respond_error(request, LINK_ERR_BAD_REQUEST, "UPLOAD_CHUNK takes slot u8 + offset u32 + data");
        return false;
    }
    uint32_t offset = link_get_u32(request->body + 1);
    uint32_t length = request->length - 5u;
    if (offset == upload->received && upload->received + length <= upload->expected) {
        *data = request->body + 5;
        *count = length;
        upload->received += length;
        return true;
    }
    if (offset + length <= upload->received) {
        // A repeat of a chunk already taken (its acknowledgement was lost): acknowledge it again.
        *count = 0;
        return true;
    }
    link_respond_error(request, LINK_ERR_OUT_OF_ORDER, "chunk offset does not follow the bytes received");
    return false;
}

void link_upload_ack(const link_frame_t *request, const link_upload_t *upload)
{
    uint8_t ack[4];
    link_put_u32(ack, upload->received);
    link_respond(request, ack, sizeof ack);
}

void link_bulk_ack(const link_frame_t *request, const link_upload_t *upload, const void *window, uint32_t window_size)
{
    uint8_t ack[12];
    link_put_u32(ack, upload->received);
    link_put_u32(ack + 4, (uint32_t)(uintptr_t)window);
    link_put_u32(ack + 8, window_size);
    link_respond(request, ack, sizeof ack);
}

static char *put_hex(char *out, uint32_t value)
{
    static const char digits[] = "0123456789abcdef";
    *out++ = '0';
    *out++ = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) {
        *out++ = digits[(value >> shift) & 0xFu];
    }
    return out;
}

bool link_bulk_commit(const link_frame_t *request, link_upload_t *upload, const uint8_t *window, uint32_t window_size, uint32_t *count)
{
    if (request->length != 13) {
        link_respond_error(request, LINK_ERR_BAD_REQUEST, "BULK_COMMIT takes slot u8 + offset u32 + count u32 + crc u32");
        return false;
    }
    uint32_t offset = link_get_u32(request->body + 1);
    uint32_t length = link_get_u32(request->body + 5);
    uint32_t announced = link_get_u32(request->body + 9);
    if (offset + length <= upload->received && offset < upload->received) {
        // A repeat of a commit already taken (its acknowledgement was lost): acknowledge it again.
        *count = 0;
        return true;
    }
    if (offset != upload->received || length > window_size || length > upload->expected - upload->received) {
        link_respond_error(request, LINK_ERR_OUT_OF_ORDER, "bulk commit does not follow the bytes received or overruns the window");
        return false;
    }
    uint32_t found = crc32_final(crc32_update(crc32_init(), window, length));
    if (found != announced) {
        // "bulk write CRC mismatch: host 0x........, memory 0x........"
        char message[64] = "bulk write CRC mismatch: host ";
        char *end = put_hex(message + strlen(message), announced);
        memcpy(end, ", memory ", 9);
        end = put_hex(end + 9, found);
        *end = 0;
        link_respond_error(request, LINK_ERR_BAD_REQUEST, message);
        return false;
    }
    upload->received += length;
    *count = length;
    return true;
}
