// The request loop every app that speaks the link runs: BOOT once, then one answer per request.
#include "link.h"
#include "stack.h"

void fault_stack_overflow(void (*handler)(const link_frame_t *)) __attribute__((noreturn));

static void (*running)(const link_frame_t *);

// A handler that went deeper than the stack wrote over static RAM: that is reported before its
// answer (or anything else it would send on what it overwrote) leaves, naming the handler.
void link_check_stack(void)
{
    if (!stack_guard_intact()) {
        fault_stack_overflow(running);
    }
}

static void answer(const link_frame_t *request, void (*handler)(const link_frame_t *))
{
    if (handler) {
        running = handler;
        handler(request);
        link_check_stack();
        running = 0;
    } else {
        link_respond_error(request, LINK_ERR_UNKNOWN_TYPE, "unknown request type");
    }
}

void link_serve(const link_handlers_t *handlers)
{
    char hello[LINK_MAX_BODY];
    link_send(LINK_BOOT, 0, hello, handlers->hello(hello, sizeof hello));
    link_frame_t request;
    for (;;) {
        link_receive(&request);
        switch (request.type) {
        case LINK_HELLO:
            link_respond(&request, hello, handlers->hello(hello, sizeof hello));
            break;
        case LINK_UPLOAD_BEGIN:
            answer(&request, handlers->upload_begin);
            break;
        case LINK_UPLOAD_CHUNK:
            answer(&request, handlers->upload_chunk);
            break;
        case LINK_INVOKE:
            answer(&request, handlers->invoke);
            break;
        case LINK_DOWNLOAD:
            answer(&request, handlers->download);
            break;
        case LINK_STATS:
            answer(&request, handlers->stats);
            break;
        case LINK_BULK_BEGIN:
            answer(&request, handlers->bulk_begin);
            break;
        case LINK_BULK_COMMIT:
            answer(&request, handlers->bulk_commit);
            break;
        default:
            answer(&request, 0);
            break;
        }
    }
}
