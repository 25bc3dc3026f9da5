#ifndef CRC32_H
#define CRC32_H

#include <stddef.h>
#include <stdint.h>

// CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF), folded incrementally:
// crc = crc32_update(crc32_init(), ...); ... ; crc32_final(crc).
uint32_t crc32_init(void);
uint32_t crc32_update(uint32_t crc, const void *data, size_t length);
uint32_t crc32_final(uint32_t crc);

#endif
