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

int sketch_record_bytes(const MinHashOptions& options) {
  return options.signature_length +
         kBandCheckBytes * choose_lsh_params(options).bands;
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

void band_checks(std::span<const uint64_t> signature, int bands, int rows,
                 std::span<uint8_t> out) {
  uint8_t small[8 * 16];
  std::vector<uint8_t> large;
  uint8_t* bytes = small;
  if (rows > 16) {
    large.resize(8 * static_cast<size_t>(rows));
    bytes = large.data();
  }
  for (int band = 0; band < bands; ++band) {
    const uint64_t* entry = signature.data() + static_cast<size_t>(band) * rows;
    for (int r = 0; r < rows; ++r) {
      for (int k = 0; k < 8; ++k) bytes[8 * r + k] = entry[r] >> (8 * k);
    }
    const uint64_t h = XXH3_64bits_withSeed(
        bytes, 8 * static_cast<size_t>(rows), kBandCheckSeed + band);
    out[2 * band] = static_cast<uint8_t>(h >> 48);
    out[2 * band + 1] = static_cast<uint8_t>(h >> 56);
  }
}

namespace {

uint64_t check_of(std::span<const uint8_t> checks, int band) {
  return checks[2 * band] | uint64_t{checks[2 * band + 1]} << 8;
}

}  // namespace

uint64_t band_key(std::span<const uint8_t> signature,
                  std::span<const uint8_t> checks, int band, int rows) {
  const uint8_t* row = signature.data() + static_cast<size_t>(band) * rows;
  return XXH3_64bits_withSeed(
      row, rows, kBandSeed + band + (check_of(checks, band) << 32));
}

bool band_equal(std::span<const uint8_t> sig_a,
                std::span<const uint8_t> checks_a,
                std::span<const uint8_t> sig_b,
                std::span<const uint8_t> checks_b, int band, int rows) {
  const size_t at = static_cast<size_t>(band) * rows;
  return check_of(checks_a, band) == check_of(checks_b, band) &&
         std::equal(sig_a.begin() + at, sig_a.begin() + at + rows,
                    sig_b.begin() + at);
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

namespace {

// A SignatureTable of sketch records: `length` signature bytes, then the
// band checks.
struct SketchRecords {
  const SignatureTable& table;
  size_t length;

  std::span<const uint8_t> signature(DocId d) const {
    return table[d].first(length);
  }
  std::span<const uint8_t> checks(DocId d) const {
    return table[d].subspan(length);
  }
  uint64_t key(DocId d, int band, int rows) const {
    return band_key(table[d], checks(d), band, rows);
  }
  bool band_equal(DocId a, DocId b, int band, int rows) const {
    return neardup::band_equal(table[a], checks(a), table[b], checks(b), band,
                               rows);
  }
  // The two cache lines that key() reads for `band`.
  void prefetch_band(DocId d, int band, int rows) const {
    __builtin_prefetch(signature(d).data() + static_cast<size_t>(band) * rows);
    __builtin_prefetch(checks(d).data() + 2 * static_cast<size_t>(band));
  }
  void prefetch(DocId d) const {
    const std::span<const uint8_t> record = table[d];
    for (size_t at = 0; at < record.size(); at += 64) {
      __builtin_prefetch(record.data() + at);
    }
  }
};

// How far ahead (in sorted documents) prefetch() runs.
constexpr size_t kPrefetchDocs = 16;

// Calls `visit` with each bucket (documents of one full band key, in input
// order) among `members`, documents whose keys share their top 32 bits.
// Almost always they share the whole key, and `members` is one bucket.
template <typename Visit>
void split_by_full_key(const SketchRecords& records, int band, int rows,
                       std::vector<DocId>* members,
                       std::vector<std::pair<uint64_t, DocId>>* split,
                       Visit visit) {
  const DocId first = members->front();
  bool one = true;
  for (size_t i = 1; i < members->size() && one; ++i) {
    one = records.band_equal(first, (*members)[i], band, rows);
  }
  if (one) {
    visit(std::span<const DocId>(*members));
    return;
  }
  split->clear();
  for (DocId d : *members) {
    split->emplace_back(records.key(d, band, rows), d);
  }
  std::sort(split->begin(), split->end());
  size_t start = 0;
  while (start < split->size()) {
    size_t end = start + 1;
    while (end < split->size() && (*split)[end].first == (*split)[start].first)
      ++end;
    if (end - start > 1) {
      members->clear();
      for (size_t i = start; i < end; ++i)
        members->push_back((*split)[i].second);
      visit(std::span<const DocId>(*members));
    }
    start = end;
  }
}

// (top 32 bits of the band key << 32 | doc) for `docs`, sorted: each bucket's
// documents in input order.
std::vector<uint64_t> sorted_band_words(const SketchRecords& records,
                                        std::span<const DocId> docs, int band,
                                        int rows) {
  std::vector<uint64_t> keyed(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    // The records are read in order, one or two lines of each: too far
    // apart for the hardware prefetcher once a 4 KiB page ends.
    if (i + kPrefetchDocs < docs.size()) {
      records.prefetch_band(docs[i + kPrefetchDocs], band, rows);
    }
    const uint64_t key = records.key(docs[i], band, rows);
    keyed[i] = (key >> 32 << 32) | docs[i];
  }
  std::vector<uint64_t> scratch;
  internal::sort_by_high_word_stable(&keyed, &scratch);
  return keyed;
}

// The pairs of one band's buckets, verified on the spot (band_candidates()).
class BandPairs {
 public:
  // `count_seen`: count first_seen() (it costs a look at earlier bands).
  BandPairs(const SketchRecords& records, int band, int rows, int min_equal,
            bool count_seen, std::vector<uint64_t>* pairs)
      : records_(records),
        band_(band),
        rows_(rows),
        min_equal_(min_equal),
        count_seen_(count_seen),
        pairs_(pairs) {}

  // Visits the buckets of `keyed` (sorted_band_words()), fetching the
  // sketches of those a few places ahead while one is compared: a large
  // corpus's sketches are far bigger than the caches, and buckets read
  // their members' at random.
  void scan(const std::vector<uint64_t>& keyed) {
    const size_t n = keyed.size();
    size_t fetched = 0;
    size_t start = 0;
    while (start < n) {
      const uint64_t top = keyed[start] >> 32;
      size_t end = start + 1;
      while (end < n && (keyed[end] >> 32) == top) ++end;
      for (; fetched < std::min(end + kPrefetchDocs, n); ++fetched) {
        const bool shared = (fetched > 0 && (keyed[fetched] >> 32) ==
                                                (keyed[fetched - 1] >> 32)) ||
                            (fetched + 1 < n && (keyed[fetched] >> 32) ==
                                                    (keyed[fetched + 1] >> 32));
        if (shared) records_.prefetch(static_cast<DocId>(keyed[fetched]));
      }
      if (end - start > 1) {
        members_.clear();
        for (size_t i = start; i < end; ++i) {
          members_.push_back(static_cast<DocId>(keyed[i]));
        }
        split_by_full_key(records_, band_, rows_, &members_, &split_,
                          [this](std::span<const DocId> m) { bucket(m); });
      }
      start = end;
    }
  }

  // Pairs that agree on no earlier band.
  uint64_t first_seen() const { return seen_; }

 private:
  // A bucket: the documents of one full band key, in input order.
  void bucket(std::span<const DocId> members) {
    for_each_bucket_pair(members, [this](DocId a, DocId b) { consider(a, b); });
  }

  // Verified in the band, so that only pairs that can pass are kept: most
  // candidates of a large dump are partly similar documents that fail.
  void consider(DocId a, DocId b) {
    if (count_seen_) {
      bool earlier = false;
      for (int e = 0; e < band_ && !earlier; ++e) {
        earlier = records_.band_equal(a, b, e, rows_);
      }
      seen_ += !earlier;
    }
    const auto length = static_cast<int>(records_.length);
    if (min_equal_ <= 0 ||
        (min_equal_ <= length &&
         equal_entries(records_.signature(a), records_.signature(b)) >=
             min_equal_)) {
      pairs_->push_back(pack(a, b));
    }
  }

  const SketchRecords& records_;
  const int band_, rows_, min_equal_;
  const bool count_seen_;
  std::vector<uint64_t>* pairs_;
  uint64_t seen_ = 0;
  std::vector<DocId> members_;
  std::vector<std::pair<uint64_t, DocId>> split_;
};

// Sorts (*pairs)[from, end) and removes its repeats.
void sort_unique_from(size_t from, std::vector<uint64_t>* pairs) {
  std::vector<uint64_t> added(pairs->begin() + from, pairs->end());
  uint64_t largest = 0;
  for (uint64_t p : added) largest = std::max(largest, p);
  internal::sort_by_top_bits(&added, std::bit_width(largest));
  added.erase(std::unique(added.begin(), added.end()), added.end());
  pairs->resize(from);
  pairs->insert(pairs->end(), added.begin(), added.end());
}

}  // namespace

void band_candidates(const SignatureTable& signatures, int length,
                     std::span<const DocId> docs, int band, int rows,
                     int min_equal, std::vector<uint64_t>* pairs,
                     uint64_t* first_seen) {
  const SketchRecords records{signatures, static_cast<size_t>(length)};
  const size_t first_pair = pairs->size();
  BandPairs band_pairs(records, band, rows, min_equal, first_seen != nullptr,
                       pairs);
  band_pairs.scan(sorted_band_words(records, docs, band, rows));
  if (first_seen != nullptr) *first_seen += band_pairs.first_seen();
  sort_unique_from(first_pair, pairs);
}

}  // namespace internal

}  // namespace neardup
