// The request loop every app that speaks the link runs: BOOT once, then one answer per request.
#include "link.h"

static void answer(const link_frame_t *request, void (*handler)(const link_frame_t *))
{
    if (handler) {
        handler(request);
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
        default:
            answer(&request, 0);
            break;
        }
    }
}
