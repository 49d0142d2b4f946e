// File: neardup/minhash.h
//
// MinHash signatures (Broder 1997) computed with one-permutation hashing
// (Li, Owen & Zhang, NIPS 2012) and optimal densification (Shrivastava,
// ICML 2017), and the banded LSH parameters for a Jaccard threshold
// (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman, "Mining of Massive
// Datasets", section 3.4), chosen as datasketch chooses them.
//
// One-permutation hashing: each feature hash h goes to bin
// ((h >> 32) * K) >> 32 of K bins, and each bin keeps its smallest h. Bins
// no feature reached copy the value of the first non-empty bin on their own
// probe sequence j_t = bin of XXH3-64(i | t << 32, kDensifySeed) for
// t = 0, 1, ..., so that two documents fill an empty bin from the same place.
// For two feature sets A and B, each entry is equal with probability
// Jaccard(A, B) = |A n B| / |A u B|, so the share of equal entries estimates
// it with standard deviation about sqrt(J (1 - J) / K).
//
// Example:
//   std::vector<uint64_t> a(128), b(128);
//   neardup::minhash_signature(shingles_a, a);
//   neardup::minhash_signature(shingles_b, b);
//   double j = neardup::estimated_jaccard(a, b);

#ifndef NEARDUP_MINHASH_H_
#define NEARDUP_MINHASH_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace neardup {

// Seed of XXH3-64 for the densification probes (part of the signature's
// specification: changing it changes every signature of a sparse set).
inline constexpr uint64_t kDensifySeed = 0x64656e73696679ULL;  // "densify"

// Every entry of the signature of an empty feature set.
inline constexpr uint64_t kEmptySignature = ~uint64_t{0};

// Largest signature length.
inline constexpr int kMaxSignatureLength = 4096;

// Writes the signature of `features` (uniformly distributed 64-bit hashes,
// such as Shingler output; duplicates allowed) into `signature`, whose size
// K (1..kMaxSignatureLength) is the number of bins. All entries are
// kEmptySignature when `features` is empty. O(|features| + K) expected time.
// Thread-safe.
void minhash_signature(std::span<const uint64_t> features,
                       std::span<uint64_t> signature);

// The share of equal entries of two signatures of the same size, in [0, 1];
// 0 if either is the signature of an empty set or if they are empty.
double estimated_jaccard(std::span<const uint64_t> a,
                         std::span<const uint64_t> b);

// |a n b| for two sets given as sorted hashes without repeats (such as
// distinct shingle hashes): the numerator of their exact Jaccard similarity,
// whose denominator is |a| + |b| - |a n b|. O(|a| + |b|). Thread-safe.
size_t intersection_size(std::span<const uint64_t> a,
                         std::span<const uint64_t> b);

// Probability that banded LSH makes two documents of Jaccard similarity `s`
// a candidate pair: 1 - (1 - s^rows)^bands.
double lsh_candidate_probability(double s, int bands, int rows);

// Bands and rows for banded LSH over signatures of `signature_length`
// entries (bands * rows <= signature_length), minimising
//   fp_weight * integral_0^t P(s) ds + fn_weight * integral_t^1 (1 - P(s)) ds
// with P the candidate probability and t the `threshold` (0 < t < 1): the
// weighted areas of false positives and false negatives under the S-curve.
struct LshParams {
  int bands = 0;
  int rows = 0;
  double false_positive_area = 0;
  double false_negative_area = 0;
};
// The false-positive and false-negative areas of `bands` x `rows` for
// `threshold` (as above, midpoint rule with 1000 steps on [0, 1]).
LshParams lsh_params_areas(double threshold, int bands, int rows);

LshParams optimal_lsh_params(double threshold, int signature_length,
                             double fp_weight = 0.5, double fn_weight = 0.5);

}  // namespace neardup

#endif  // NEARDUP_MINHASH_H_
