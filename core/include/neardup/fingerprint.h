// File: neardup/fingerprint.h
//
// 64-bit SimHash (Charikar, "Similarity estimation techniques from rounding
// algorithms", STOC 2002, section 3; as used for web pages by Manku, Jain and
// Das Sarma, WWW 2007, section 2). Two documents whose shingle multisets have
// angle theta differ in each bit with probability theta / pi.
//
// Example:
//   std::vector<uint64_t> shingles = ...;  // from Shingler::shingle()
//   neardup::Fingerprint f = neardup::simhash64(shingles);
//   int d = neardup::hamming_distance(f, g);

#ifndef NEARDUP_FINGERPRINT_H_
#define NEARDUP_FINGERPRINT_H_

#include <bit>
#include <cstdint>
#include <span>
#include <string_view>

#include "neardup/options.h"
#include "neardup/status.h"
#include "neardup/types.h"

namespace neardup {

// Returns the 64-bit SimHash of `features` (one 64-bit hash per shingle, from
// Shingler::shingle()). Each feature has weight 1 and repeats count with
// multiplicity; bit b is 1 iff more than half of the features have bit b set
// (a tie gives 0). Order does not matter. Empty input returns 0.
// Pure function, thread-safe, O(features.size()); SWAR byte counters (eight
// 8-bit counters per 64-bit word), checked against simhash64_reference().
Fingerprint simhash64(std::span<const uint64_t> features);

// The plain per-bit reference of simhash64(), for tests. Same contract.
Fingerprint simhash64_reference(std::span<const uint64_t> features);

// Convenience: shingles `text` with `options`, then simhash64(). Allocates;
// not for hot loops. Returns Corruption on invalid UTF-8.
Result<Fingerprint> simhash64_text(std::string_view text,
                                   const TextOptions& options);

// Number of differing bits, in [0, 64].
inline int hamming_distance(Fingerprint a, Fingerprint b) {
  return std::popcount(a ^ b);
}

}  // namespace neardup

#endif  // NEARDUP_FINGERPRINT_H_
