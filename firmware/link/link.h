// Device side of the harness link protocol (docs/link-protocol.md).
//
// Wire: 0x00, COBS(payload), 0x00. Payload: 0x00 sync, type, seq, length (u16 LE), body,
// CRC-32 (LE) of everything before it. The sync byte makes every encoded frame start with
// 0x01, so frames can never be mistaken for text a firmware prints on the same UART.
#ifndef LINK_H
#define LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINK_PROTOCOL_VERSION 1
#define LINK_MAX_BODY 256

enum link_type {
    LINK_HELLO = 0x01,
    LINK_UPLOAD_BEGIN = 0x02,
    LINK_UPLOAD_CHUNK = 0x03,
    LINK_INVOKE = 0x04,
    LINK_STATS = 0x05,
    LINK_DOWNLOAD = 0x06,
    LINK_BULK_BEGIN = 0x07,
    LINK_BULK_COMMIT = 0x08,
    LINK_RESPONSE = 0x80, // a response is its request's type | LINK_RESPONSE, same seq

    LINK_BOOT = 0x70,     // device-initiated: sent once after reset (body as HELLO's)
    LINK_LOG = 0x71,      // device-initiated: a text line
    LINK_FAULT = 0x72,    // device-initiated: a CPU fault report
    LINK_ERROR = 0x7F,    // response to a request the device could not serve
};

enum link_error {
    LINK_ERR_UNKNOWN_TYPE = 1,
    LINK_ERR_BAD_REQUEST = 2,
    LINK_ERR_OUT_OF_ORDER = 3,
    LINK_ERR_APP = 4,
};

typedef struct {
    uint8_t type;
    uint8_t seq;
    uint16_t length;
    uint8_t body[LINK_MAX_BODY];
} link_frame_t;

// Blocks until a well-formed frame arrives; bytes that do not form one are skipped.
void link_receive(link_frame_t *frame);
void link_send(uint8_t type, uint8_t seq, const void *body, size_t length);
void link_respond(const link_frame_t *request, const void *body, size_t length);
// Before any answer leaves: a handler that ran the stack into its guard is reported instead (link_serve's).
void link_check_stack(void);
void link_respond_error(const link_frame_t *request, uint8_t code, const char *message);
void link_log(const char *text);
// Frames dropped so far for a bad CRC, bad COBS or overlong data.
uint32_t link_dropped_frames(void);

// Receiving an upload (UPLOAD_BEGIN, then UPLOAD_CHUNKs in order): the app says where the bytes go.
typedef struct {
    uint32_t expected; // total bytes announced by UPLOAD_BEGIN
    uint32_t received; // bytes taken so far
} link_upload_t;

// Starts an upload of `total` bytes and acknowledges the UPLOAD_BEGIN.
void link_upload_begin(const link_frame_t *request, link_upload_t *upload, uint32_t total);
// Checks an UPLOAD_CHUNK against the upload so far. Returns the bytes the app must take now
// (count 0 for a repeat of a chunk already taken), or false after answering with an error. The
// app takes them, then calls link_upload_ack.
bool link_upload_chunk(const link_frame_t *request, link_upload_t *upload, const uint8_t **data, uint32_t *count);
void link_upload_ack(const link_frame_t *request, const link_upload_t *upload);

// A bulk upload: the host writes the bytes straight into a window of RAM the app names, the way a
// debug probe writes target memory, and the UART carries only the announcement and the check.
// BULK_BEGIN (slot u8, total u32) and each BULK_COMMIT (slot u8, offset u32, count u32, CRC-32 u32 of
// the bytes written) are answered with: received u32, window address u32, window size u32. A commit
// takes window[0, count) as the upload's bytes [offset, offset + count) only if their CRC-32, computed
// here over the window, is the one the host announced.
void link_bulk_ack(const link_frame_t *request, const link_upload_t *upload, const void *window, uint32_t window_size);
// Checks a BULK_COMMIT against the upload and the window's bytes. Returns the bytes the app must take
// now from the window (count 0 for a repeat of a commit already taken), or false after answering with
// an error (a CRC mismatch names both CRCs). The app takes them, then calls link_bulk_ack.
bool link_bulk_commit(const link_frame_t *request, link_upload_t *upload, const uint8_t *window, uint32_t window_size, uint32_t *count);

// An app's answers to the host's requests; link_serve() answers the rest (HELLO with the app's
// identity text; a request whose handler is NULL with LINK_ERR_UNKNOWN_TYPE).
typedef struct {
    size_t (*hello)(char *out, size_t size); // the identity text, also sent once as the BOOT frame
    void (*upload_begin)(const link_frame_t *request);
    void (*upload_chunk)(const link_frame_t *request);
    void (*invoke)(const link_frame_t *request);
    void (*download)(const link_frame_t *request);
    void (*stats)(const link_frame_t *request);
    void (*bulk_begin)(const link_frame_t *request);  // NULL: the host keeps to UPLOAD_CHUNKs
    void (*bulk_commit)(const link_frame_t *request);
} link_handlers_t;

// Sends the BOOT frame, then answers requests forever.
void link_serve(const link_handlers_t *handlers) __attribute__((noreturn));

// Little-endian helpers for bodies.
uint32_t link_get_u32(const uint8_t *p);
void link_put_u32(uint8_t *p, uint32_t value);
void link_put_u64(uint8_t *p, uint64_t value);

#endif
