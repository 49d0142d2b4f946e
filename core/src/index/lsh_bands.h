// The banded candidate search of Algorithm::kMinHash over a SignatureTable:
// pipeline plumbing (packed pair words, first-seen counts, the bucket cap),
// not public API.

#ifndef NEARDUP_SRC_INDEX_LSH_BANDS_H_
#define NEARDUP_SRC_INDEX_LSH_BANDS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "neardup/lsh.h"
#include "neardup/types.h"

namespace neardup::internal {

// Buckets with more members than this yield pairs of each member with the
// bucket's first (in input order) and with the member before it, instead of
// all pairs: a bucket of m identical pages then costs 2m pairs, not m^2 / 2,
// and still joins all m.
inline constexpr size_t kMaxAllPairsBucket = 32;

// Calls visit(a, b) for the pairs of one bucket, `members` in input order:
// all pairs, or as kMaxAllPairsBucket says.
template <typename Visit>
void for_each_bucket_pair(std::span<const DocId> members, Visit visit) {
  const size_t m = members.size();
  if (m <= kMaxAllPairsBucket) {
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = i + 1; j < m; ++j) visit(members[i], members[j]);
    }
    return;
  }
  for (size_t i = 1; i < m; ++i) {
    visit(members[0], members[i]);
    if (i > 1) visit(members[i - 1], members[i]);
  }
}

// The candidate pairs of band `band` (0-based) of `rows` entries, among the
// documents `docs` (ascending) of `signatures`, sketch records of `length`
// signature bytes followed by their band checks (Sketch::band_checks),
// verified on the spot: appends
// each pair with at least `min_equal` equal signature entries (all pairs if
// min_equal <= 0) as (a << 32 | b) with a < b, sorted and without repeats.
// Pairs of buckets over kMaxAllPairsBucket members as described there.
// A bucket is the documents of one full band key (band_key()): entry bytes
// and check equal. If `first_seen` is not null, adds the number of this
// band's pairs that agree on no earlier band: summed over the bands, the
// number of distinct candidate pairs.
// REQUIRES: (band + 1) * rows <= length. O(|docs|) time plus
// O(band * rows) per pair. Thread-safe for distinct `pairs`, `first_seen`.
void band_candidates(const SignatureTable& signatures, int length,
                     std::span<const DocId> docs, int band, int rows,
                     int min_equal, std::vector<uint64_t>* pairs,
                     uint64_t* first_seen = nullptr);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_INDEX_LSH_BANDS_H_
