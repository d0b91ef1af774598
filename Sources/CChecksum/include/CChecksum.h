#ifndef LEAKHARNESS_CCHECKSUM_H
#define LEAKHARNESS_CCHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SSE 4.2 `crc32` instruction (CRC-32C in hardware), else 0. Read once with cpuid.
int lh_crc32c_hardware(void);

/// The CRC-32C of `length` bytes at `data`, continuing from `crc` (0 to start), with the `crc32` instruction.
/// Call only when `lh_crc32c_hardware()` returned 1.
uint32_t lh_crc32c_hw(uint32_t crc, const void *data, size_t length);

#endif
