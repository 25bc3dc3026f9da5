// What every app that speaks the link says about itself and its board, in one place.
#ifndef IDENTITY_H
#define IDENTITY_H

#include <stddef.h>
#include <stdint.h>

// "proto=..;app=..;fw=..;board=..;counter=..;max_body=..;stack=.." followed by the app's own
// ";key=value" fields (extra may be empty). Returns the length written.
size_t identity_text(char *out, size_t size, const char *extra);

// The 16 bytes every STATS answer starts with: stack size, stack high-water mark, frames
// dropped, regions measured (u32 LE each). Returns 16.
size_t identity_stats(uint8_t *out);

#endif
