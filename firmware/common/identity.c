#include "identity.h"

#include <stdio.h>

#include "board_config.h"
#include "counter.h"
#include "link.h"
#include "measure.h"
#include "stack.h"

size_t identity_text(char *out, size_t size, const char *extra)
{
    int n = snprintf(out, size, "proto=%d;app=%s;fw=%s;board=%s;counter=%s;max_body=%d;stack=%lu%s", LINK_PROTOCOL_VERSION, APP_ID,
                     FIRMWARE_VERSION, BOARD_ID, counter_source(), LINK_MAX_BODY, (unsigned long)stack_size(), extra);
    return n < 0 ? 0 : ((size_t)n < size ? (size_t)n : size - 1);
}

size_t identity_stats(uint8_t *out)
{
    link_put_u32(out, stack_size());
    link_put_u32(out + 4, stack_high_water());
    link_put_u32(out + 8, link_dropped_frames());
    link_put_u32(out + 12, measure_regions());
    return 16;
}
