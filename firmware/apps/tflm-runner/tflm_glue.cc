// TFLM prints through DebugLog; the cortex_m_generic target hands each formatted piece to a
// callback. Pieces are joined into lines and each line is sent as a LOG frame, so TFLM's own
// error text (e.g. an arena too small) reaches the host's log and the run's result.
#include <cstring>

#if defined(HARNESS_HOST)
// The host build's TFLM writes its messages to standard error, which the harness keeps.
extern "C" void tflm_glue_route_log_to_link(void) {}
#else
#include "tensorflow/lite/micro/cortex_m_generic/debug_log_callback.h"

extern "C" {
#include "link.h"
#include "tflm_glue.h"
}

namespace {

char line[200];
size_t length;

void flush()
{
    if (length > 0) {
        line[length] = '\0';
        link_log(line);
        length = 0;
    }
}

void on_debug_log(const char *text)
{
    for (; *text != '\0'; ++text) {
        if (*text == '\n' || *text == '\r') {
            flush();
        } else {
            if (length == sizeof line - 1) {
                flush();
            }
            line[length++] = *text;
        }
    }
}

} // namespace

extern "C" void tflm_glue_route_log_to_link(void) { RegisterDebugLogCallback(on_debug_log); }
#endif
