// Diagnostic app (no ML): proves the board, the link and the measurements work.
//   HELLO               -> board, app and firmware identity
//   UPLOAD_BEGIN/CHUNK  -> folds every byte into a CRC-32 as it arrives (no buffer needed)
//   BULK_BEGIN/COMMIT   -> the same, for bytes the host wrote into a window of RAM as a debug probe would
//   INVOKE op=CHECKSUM  -> the CRC-32 and byte count of the upload
//   INVOKE op=WORKLOAD  -> a fixed integer workload between the measure markers; a sixth byte picks a
//                          timing kernel instead, whose cost the core's manual gives exactly
//   INVOKE op=FAULT     -> reads a bad address, so fault reporting can be tested
//   INVOKE op=HANG      -> never answers, so timeouts can be tested
//   INVOKE op=GARBAGE   -> sends junk bytes, then answers, so resynchronisation can be tested
//   INVOKE op=OVERFLOW  -> recurses deeper than the stack, so the stack guard can be tested
//   STATS               -> stack size and high-water mark, dropped frames, measured regions
#include <string.h>

#include "board.h"
#include "counter.h"
#include "crc32.h"
#include "identity.h"
#include "link.h"
#include "measure.h"
#include "stack.h"

enum diag_op { OP_CHECKSUM = 1, OP_WORKLOAD = 2, OP_FAULT = 3, OP_HANG = 4, OP_GARBAGE = 5, OP_OVERFLOW = 6 };

// An address no supported board maps: reading it raises a bus fault (HardFault on ARMv6-M).
#define UNMAPPED_ADDRESS 0xDEAD0000u

static link_upload_t upload;
static uint32_t upload_crc;

// The bulk window: the upper half of the free RAM between the heap and the stack, at most 64 KiB, so the host
// commits a big upload in few rounds and the app's static RAM stays what it was.
extern uint8_t __bss_end, __stack_bottom;
uint32_t heap_used(void);
static uint8_t *bulk_window;
static uint32_t bulk_window_size;

static void place_bulk_window(void)
{
    uintptr_t top = (uintptr_t)&__stack_bottom & ~(uintptr_t)15u;
    uintptr_t heap_top = (uintptr_t)&__bss_end + heap_used();
    uint32_t half = top > heap_top ? (uint32_t)((top - heap_top) / 2u) & ~15u : 0u;
    bulk_window_size = half < 65536u ? half : 65536u;
    bulk_window = (uint8_t *)(top - bulk_window_size);
}

static size_t hello_text(char *out, size_t size) { return identity_text(out, size, ""); }

typedef struct {
    uint32_t iterations;
    uint32_t result;
} workload_t;

// xorshift32 mixed into a rotating accumulator: integer-only, so every core computes the
// same value, and the host can compute it too.
static void run_workload(void *arg)
{
    workload_t *w = arg;
    uint32_t x = 0x12345678u;
    uint32_t acc = 0;
    for (uint32_t i = 0; i < w->iterations; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        acc += x * (i | 1u);
        acc = (acc << 3) | (acc >> 29);
    }
    w->result = acc ^ x;
}

enum diag_kernel { KERNEL_XORSHIFT = 0, KERNEL_LOADS = 1, KERNEL_BRANCHES = 2, KERNEL_DIVIDES = 3 };

// The timing kernels: per iteration a block of one instruction repeated, then SUBS and BNE back.
// Written in assembly so the instructions, and so their cost in the core's manual, are exactly these.
static volatile uint32_t kernel_word = 0x5A5A5A5Au;

// GCC hands Thumb-1 (ARMv6-M) inline assembly over in divided syntax: these blocks are written in
// unified syntax and give the compiler back what it expects.
#define UNIFIED ".syntax unified\n"
#if defined(__thumb2__)
#define RESTORE_SYNTAX ""
#else
#define RESTORE_SYNTAX ".syntax divided\n"
#endif

// 32 loads from one address into r3, which no address uses: after the first, each pipelines (M3/M4 TRM §3.3.2).
static void run_loads(void *arg)
{
    workload_t *w = arg;
    uint32_t n = w->iterations;
    if (n != 0) {
        __asm volatile(UNIFIED "1:\n"
                       ".rept 32\n"
                       "ldr r3, [%1]\n"
                       ".endr\n"
                       "subs %0, %0, #1\n"
                       "bne 1b\n" RESTORE_SYNTAX
                       : "+l"(n)
                       : "l"(&kernel_word)
                       : "r3", "cc", "memory");
    }
    w->result = w->iterations;
}

// 32 unconditional branches, each to the next instruction: a pipeline refill every one.
static void run_branches(void *arg)
{
    workload_t *w = arg;
    uint32_t n = w->iterations;
    if (n != 0) {
        __asm volatile(UNIFIED "1:\n"
                       ".rept 32\n"
                       "b 2f\n"
                       "2:\n"
                       ".endr\n"
                       "subs %0, %0, #1\n"
                       "bne 1b\n" RESTORE_SYNTAX
                       : "+l"(n)
                       :
                       : "cc");
    }
    w->result = w->iterations;
}

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
// 16 unsigned divides of fixed operands (ARMv7-M only: ARMv6-M has no divide).
static void run_divides(void *arg)
{
    workload_t *w = arg;
    uint32_t n = w->iterations;
    uint32_t dividend = 0x7FFFFFFFu, divisor = 3u;
    if (n != 0) {
        __asm volatile(UNIFIED "1:\n"
                       ".rept 16\n"
                       "udiv r3, %1, %2\n"
                       ".endr\n"
                       "subs %0, %0, #1\n"
                       "bne 1b\n" RESTORE_SYNTAX
                       : "+l"(n)
                       : "l"(dividend), "l"(divisor)
                       : "r3", "cc");
    }
    w->result = w->iterations;
}
#endif

// Each level fills 64 bytes of its own, live across the call below it, so no level can be folded away.
__attribute__((noinline)) static uint32_t descend(uint32_t depth)
{
    volatile uint8_t frame[64];
    for (uint32_t i = 0; i < sizeof frame; ++i) {
        frame[i] = (uint8_t)(depth + i);
    }
    if (depth == 0) {
        return frame[0];
    }
    // Stored in the frame and read back after the call: the call cannot become a loop.
    frame[1] = (uint8_t)descend(depth - 1);
    return frame[1] + frame[0] + frame[63];
}

static void on_upload_begin(const link_frame_t *req)
{
    if (req->length != 5) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "UPLOAD_BEGIN takes slot u8 + total u32");
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

static void on_bulk_begin(const link_frame_t *req)
{
    if (req->length != 5) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "BULK_BEGIN takes slot u8 + total u32");
        return;
    }
    upload_crc = crc32_init();
    upload.expected = link_get_u32(req->body + 1);
    upload.received = 0;
    place_bulk_window();
    link_bulk_ack(req, &upload, bulk_window, bulk_window_size);
}

static void on_bulk_commit(const link_frame_t *req)
{
    uint32_t count;
    if (link_bulk_commit(req, &upload, bulk_window, bulk_window_size, &count)) {
        upload_crc = crc32_update(upload_crc, bulk_window, count);
        link_bulk_ack(req, &upload, bulk_window, bulk_window_size);
    }
}

static void emit_garbage(uint16_t count)
{
    uint32_t state = 0xC0FFEEu;
    for (uint16_t i = 0; i < count; ++i) {
        state = state * 1664525u + 1013904223u;
        board_uart_write((uint8_t)(state >> 24));
    }
}

static void on_invoke(const link_frame_t *req)
{
    uint8_t out[32];
    uint8_t op = req->length > 0 ? req->body[0] : 0;
    switch (op) {
    case OP_CHECKSUM:
        link_put_u32(out, crc32_final(upload_crc));
        link_put_u32(out + 4, upload.received);
        link_respond(req, out, 8);
        return;
    case OP_WORKLOAD: {
        if (req->length != 5 && req->length != 6) {
            break;
        }
        void (*kernel)(void *) = run_workload;
        switch (req->length == 6 ? req->body[5] : KERNEL_XORSHIFT) {
        case KERNEL_XORSHIFT:
            break;
        case KERNEL_LOADS:
            kernel = run_loads;
            break;
        case KERNEL_BRANCHES:
            kernel = run_branches;
            break;
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
        case KERNEL_DIVIDES:
            kernel = run_divides;
            break;
#endif
        default:
            link_respond_error(req, LINK_ERR_BAD_REQUEST, "unknown workload kernel (or divides on a core without a divide)");
            return;
        }
        workload_t w = {.iterations = link_get_u32(req->body + 1)};
        measurement_t m = measure(kernel, &w);
        link_put_u32(out, w.result);
        link_put_u64(out + 4, m.ticks);
        link_put_u32(out + 12, m.region);
        link_respond(req, out, 16);
        return;
    }
    case OP_FAULT: {
        volatile uint32_t *bad = (volatile uint32_t *)UNMAPPED_ADDRESS;
        (void)*bad;
        link_respond_error(req, LINK_ERR_APP, "reading the unmapped address did not fault on this board");
        return;
    }
    case OP_HANG:
        for (;;) {
        }
    case OP_OVERFLOW: {
        // About twice the stack's depth in 64-byte frames (each level takes a little more than that).
        uint32_t total = descend(stack_size() / 32u);
        link_put_u32(out, total);
        link_respond(req, out, 4);
        return;
    }
    case OP_GARBAGE:
        if (req->length != 3) {
            break;
        }
        emit_garbage((uint16_t)(req->body[1] | req->body[2] << 8));
        link_respond(req, NULL, 0);
        return;
    default:
        break;
    }
    link_respond_error(req, LINK_ERR_BAD_REQUEST, "unknown diag op or wrong argument length");
}

static void on_stats(const link_frame_t *req)
{
    uint8_t out[16];
    link_respond(req, out, identity_stats(out));
}

int main(void)
{
    board_init();
    counter_init();
    static const link_handlers_t handlers = {
        .hello = hello_text,
        .upload_begin = on_upload_begin,
        .upload_chunk = on_upload_chunk,
        .invoke = on_invoke,
        .stats = on_stats,
        .bulk_begin = on_bulk_begin,
        .bulk_commit = on_bulk_commit,
    };
    link_serve(&handlers);
}
