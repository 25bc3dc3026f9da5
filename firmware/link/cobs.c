#include "cobs.h"

size_t cobs_decode(uint8_t *buffer, size_t length)
{
    size_t read = 0;
    size_t written = 0;
    while (read < length) {
        uint8_t code = buffer[read++];
        if (code == 0 || read + code - 1u > length) {
            return 0;
        }
        for (uint8_t i = 1; i < code; ++i) {
            buffer[written++] = buffer[read++];
        }
        if (code != 0xFF && read < length) {
            buffer[written++] = 0;
        }
    }
    return written;
}

void cobs_encode_to(const uint8_t *data, size_t length, void (*put)(uint8_t))
{
    size_t block_start = 0;
    while (block_start <= length) {
        size_t run = 0;
        while (block_start + run < length && data[block_start + run] != 0 && run < 254) {
            ++run;
        }
        put((uint8_t)(run + 1));
        for (size_t i = 0; i < run; ++i) {
            put(data[block_start + i]);
        }
        block_start += run;
        if (run == 254) {
            if (block_start == length) {
                break;
            }
            continue; // a full block carries no implied zero
        }
        ++block_start; // skip the zero this block stood for (or step past the end)
    }
}
