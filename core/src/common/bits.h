// Bit counting that stays inline on baseline x86-64.

#ifndef NEARDUP_COMMON_BITS_H_
#define NEARDUP_COMMON_BITS_H_

#include <cstdint>

namespace neardup::internal {

// Number of set bits. std::popcount is a call into libgcc unless the build
// targets a CPU with POPCNT; this SWAR form is a dozen inline instructions.
inline int popcount64(uint64_t x) {
#if defined(__POPCNT__)
  return __builtin_popcountll(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
#endif
}

}  // namespace neardup::internal

#endif  // NEARDUP_COMMON_BITS_H_
