#ifndef COBS_H
#define COBS_H

#include <stddef.h>
#include <stdint.h>

// Consistent Overhead Byte Stuffing: the encoded form holds no zero byte, so 0x00 delimits
// frames on the wire. Decoding works in place; returns the decoded length, or 0 on bad input.
size_t cobs_decode(uint8_t *buffer, size_t length);

// Streams the encoding of data through put(), without a second buffer.
void cobs_encode_to(const uint8_t *data, size_t length, void (*put)(uint8_t));

#endif
