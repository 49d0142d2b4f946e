// SimHash (Charikar 2002, section 3) with unit weights.

#include <array>
#include <cstring>

#include "neardup/fingerprint.h"
#include "neardup/text.h"

namespace neardup {

namespace {

// kSpread[v] has byte j equal to bit j of v: one byte of a feature spread over
// eight 8-bit counters, so one 64-bit add bumps eight counters at once.
constexpr std::array<uint64_t, 256> make_spread() {
  std::array<uint64_t, 256> table{};
  for (int v = 0; v < 256; ++v) {
    uint64_t spread = 0;
    for (int j = 0; j < 8; ++j) spread |= uint64_t((v >> j) & 1) << (8 * j);
    table[v] = spread;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kSpread = make_spread();

// 8-bit counters overflow after 255 increments: flush before that.
constexpr size_t kBatch = 255;

}  // namespace

Fingerprint simhash64(std::span<const uint64_t> features) {
  if (features.empty()) return 0;
  std::array<uint32_t, 64> totals{};
  size_t pos = 0;
  while (pos < features.size()) {
    const size_t end = std::min(features.size(), pos + kBatch);
    // counters[j] holds, in byte b, the count of bit 8*j + b.
    std::array<uint64_t, 8> counters{};
    for (; pos < end; ++pos) {
      const uint64_t h = features[pos];
      for (int j = 0; j < 8; ++j) counters[j] += kSpread[(h >> (8 * j)) & 0xff];
    }
    for (int j = 0; j < 8; ++j) {
      for (int b = 0; b < 8; ++b) {
        totals[8 * j + b] +=
            static_cast<uint32_t>((counters[j] >> (8 * b)) & 0xff);
      }
    }
  }
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
