// Banded LSH over b-bit MinHash signatures (see neardup/lsh.h).

#include "neardup/lsh.h"

// Inlined: band keys hash a few bytes each, where a call costs as much as
// the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "common/radix_sort.h"
#include "index/lsh_bands.h"

namespace neardup {

namespace {

constexpr double kChance = 1.0 / 256;  // two random bytes are equal

uint64_t pack(DocId a, DocId b) { return (uint64_t{a} << 32) | b; }

}  // namespace

LshParams choose_lsh_params(const MinHashOptions& options) {
  if (options.bands > 0 && options.rows > 0) {
    return lsh_params_areas(options.threshold, options.bands, options.rows);
  }
  return optimal_lsh_params(options.threshold, options.signature_length,
                            options.false_positive_weight,
                            options.false_negative_weight);
}

void reduce_signature(std::span<const uint64_t> signature,
                      std::span<uint8_t> out) {
  // Densification copies one hash into many bins of a sparse set. Kept as
  // is, its low byte would be the same in all of them, so two unrelated short
  // texts would agree on every copied bin at once with chance 1/256 (a single
  // shingle: estimated Jaccard 1). Mixing in the bin index gives each bin its
  // own byte: the murmur3 finalizer (fmix64) of h ^ (bin * 2^64 / phi).
  for (size_t i = 0; i < signature.size(); ++i) {
    uint64_t h = signature[i] ^ (uint64_t{i} * 0x9e3779b97f4a7c15ULL);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    out[i] = static_cast<uint8_t>(h >> 56);
  }
}

int equal_entries(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  // Plain loop: GCC and Clang vectorize the byte compare and sum.
  int equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return equal;
}

double bbit_jaccard(int equal, int length) {
  if (length <= 0) return 0;
  const double share = static_cast<double>(equal) / length;
  return std::clamp((share - kChance) / (1 - kChance), 0.0, 1.0);
}

int min_equal_entries(double threshold, int length) {
  // The estimate is increasing in `equal`; start from the rounded inverse and
  // step to the exact boundary so floating point cannot move it.
  int equal = static_cast<int>(
      std::floor((threshold * (1 - kChance) + kChance) * length));
  equal = std::clamp(equal, 0, length);
  while (equal > 0 && bbit_jaccard(equal - 1, length) >= threshold) --equal;
  while (equal <= length && bbit_jaccard(equal, length) < threshold) ++equal;
  return equal;
}

uint32_t band_key(std::span<const uint8_t> signature, int band, int rows) {
  const uint8_t* row = signature.data() + static_cast<size_t>(band) * rows;
  return static_cast<uint32_t>(
      XXH3_64bits_withSeed(row, rows, kBandSeed + band) >> 32);
}

std::span<uint8_t> SignatureTable::append() {
  const size_t slot = size_ % kBlockDocs;
  if (slot == 0) {
    blocks_.push_back(std::make_unique_for_overwrite<uint8_t[]>(
        kBlockDocs * static_cast<size_t>(length_)));
  }
  ++size_;
  return {blocks_.back().get() + slot * length_, static_cast<size_t>(length_)};
}

namespace internal {

void band_candidates(const SignatureTable& signatures,
                     std::span<const DocId> docs, int band, int rows,
                     int min_equal, std::vector<uint64_t>* pairs,
                     uint64_t* first_seen) {
  std::vector<uint64_t> keyed;
  keyed.resize(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const uint64_t key = band_key(signatures[docs[i]], band, rows);
    keyed[i] = (key << 32) | docs[i];
  }
  // Stable: documents stay in input order within a bucket.
  std::vector<uint64_t> scratch;
  internal::sort_by_high_word_stable(&keyed, &scratch);
  std::vector<uint64_t>().swap(scratch);

  const int length = signatures.length();
  uint64_t seen = 0;
  // Verified in the band, so that only pairs that can pass are kept: most
  // candidates of a large dump are partly similar documents that fail.
  auto consider = [&](DocId a, DocId b) {
    const std::span<const uint8_t> sa = signatures[a], sb = signatures[b];
    if (first_seen != nullptr) {
      bool earlier = false;
      for (int e = 0; e < band && !earlier; ++e) {
        const size_t at = static_cast<size_t>(e) * rows;
        earlier = std::equal(sa.begin() + at, sa.begin() + at + rows,
                             sb.begin() + at);
      }
      seen += !earlier;
    }
    if (min_equal <= 0 ||
        (min_equal <= length && equal_entries(sa, sb) >= min_equal)) {
      pairs->push_back(pack(a, b));
    }
  };
  const size_t first_pair = pairs->size();
  size_t start = 0;
  while (start < keyed.size()) {
    const uint64_t key = keyed[start] >> 32;
    size_t end = start + 1;
    while (end < keyed.size() && (keyed[end] >> 32) == key) ++end;
    auto doc = [&](size_t i) { return static_cast<DocId>(keyed[i]); };
    if (end - start <= kMaxAllPairsBucket) {
      for (size_t i = start; i < end; ++i) {
        for (size_t j = i + 1; j < end; ++j) consider(doc(i), doc(j));
      }
    } else {
      for (size_t i = start + 1; i < end; ++i) {
        consider(doc(start), doc(i));
        if (i > start + 1) consider(doc(i - 1), doc(i));
      }
    }
    start = end;
  }
  if (first_seen != nullptr) *first_seen += seen;
  std::vector<uint64_t> added(pairs->begin() + first_pair, pairs->end());
  uint64_t largest = 0;
  for (uint64_t p : added) largest = std::max(largest, p);
  internal::sort_by_top_bits(&added, std::bit_width(largest));
  added.erase(std::unique(added.begin(), added.end()), added.end());
  pairs->resize(first_pair);
  pairs->insert(pairs->end(), added.begin(), added.end());
}

}  // namespace internal

}  // namespace neardup
