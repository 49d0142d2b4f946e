// SimHash (Charikar 2002, section 3) with unit weights. The vote counting is
// compiled once per SIMD target by Highway's foreach_target.h and dispatched
// at run time.

#include <array>
#include <cstring>

#include "neardup/fingerprint.h"
#include "neardup/text.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fingerprint/simhash.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

// Lane i of the counting vectors counts bit i of the features: it reads byte
// i / 8 of the feature (kByteOf) and tests bit i % 8 of it (kBitOf).
#ifndef NEARDUP_SIMHASH_TABLES_
#define NEARDUP_SIMHASH_TABLES_
namespace neardup::internal {
alignas(64) inline constexpr uint8_t kByteOf[64] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2,
    2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5,
    5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7};
alignas(64) inline constexpr uint8_t kBitOf[64] = {
    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
}  // namespace neardup::internal
#endif

HWY_BEFORE_NAMESPACE();
namespace neardup::internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Adds to totals[i] the number of `features` with bit i set. 8-bit counters
// in vectors, flushed to the totals every 255 features before they overflow.
void CountBits(const uint64_t* features, size_t count, uint32_t* totals) {
  const hn::ScalableTag<uint8_t> d8;
  const hn::Repartition<uint64_t, decltype(d8)> d64;
  const size_t lanes = hn::Lanes(d8);
  // Up to 8 vectors of 8 or more 8-bit counters; other widths (a scalar
  // target, vectors wider than 64 lanes) count bit by bit.
  if (lanes < 8 || lanes > 64 || 64 % lanes != 0) {
    for (size_t f = 0; f < count; ++f) {
      for (int bit = 0; bit < 64; ++bit)
        totals[bit] += (features[f] >> bit) & 1;
    }
    return;
  }
  const size_t vectors = 64 / lanes;
  using V = hn::Vec<decltype(d8)>;
  V byte_of[8], bit_of[8], counters[8];
  for (size_t v = 0; v < vectors; ++v) {
    byte_of[v] = hn::Load(d8, kByteOf + v * lanes);
    bit_of[v] = hn::Load(d8, kBitOf + v * lanes);
  }
  const V one = hn::Set(d8, 1);
  HWY_ALIGN uint8_t flushed[64];
  size_t pos = 0;
  while (pos < count) {
    const size_t end = count - pos > 255 ? pos + 255 : count;
    for (size_t v = 0; v < vectors; ++v) counters[v] = hn::Zero(d8);
    for (; pos < end; ++pos) {
      // Every 16-byte block holds the feature, so a byte shuffle within
      // blocks can give each lane its byte.
      const V feature = hn::BitCast(d8, hn::Set(d64, features[pos]));
      for (size_t v = 0; v < vectors; ++v) {
        const V bits =
            hn::And(hn::TableLookupBytes(feature, byte_of[v]), bit_of[v]);
        counters[v] = hn::Add(counters[v], hn::Min(bits, one));
      }
    }
    for (size_t v = 0; v < vectors; ++v) {
      hn::Store(counters[v], d8, flushed + v * lanes);
    }
    for (int bit = 0; bit < 64; ++bit) totals[bit] += flushed[bit];
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace neardup::internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neardup {

namespace internal {
HWY_EXPORT(CountBits);
}  // namespace internal

Fingerprint simhash64(std::span<const uint64_t> features) {
  if (features.empty()) return 0;
  std::array<uint32_t, 64> totals{};
  HWY_DYNAMIC_DISPATCH(internal::CountBits)
  (features.data(), features.size(), totals.data());
  // Bit set iff strictly more than half of the features have it.
  const uint64_t n = features.size();
  Fingerprint result = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (2 * uint64_t{totals[bit]} > n) result |= uint64_t{1} << bit;
  }
  return result;
}

Fingerprint simhash64_reference(std::span<const uint64_t> features) {
  if (features.empty()) return 0;
  Fingerprint result = 0;
  for (int bit = 0; bit < 64; ++bit) {
    int64_t votes = 0;
    for (uint64_t h : features) votes += ((h >> bit) & 1) ? 1 : -1;
    if (votes > 0) result |= uint64_t{1} << bit;
  }
  return result;
}

Result<Fingerprint> simhash64_text(std::string_view text,
                                   const TextOptions& options) {
  Shingler shingler(options);
  std::vector<uint64_t> shingles;
  NEARDUP_RETURN_IF_ERROR(shingler.shingle(text, &shingles));
  return simhash64(shingles);
}

}  // namespace neardup
#endif  // HWY_ONCE
