// File: neardup/lsh.h
//
// Banded LSH over b-bit MinHash signatures: the candidate-pair search of
// Algorithm::kMinHash.
//
// Signatures are kept as 8 bits of each MinHash entry (b-bit minwise
// hashing, Li & Koenig, WWW 2010, section 2): 8 bytes per entry become 1.
// The bits are the top byte of a mix of the entry and its bin index, so that
// bins that densification filled from one hash still get independent bytes. Two
// 8-bit entries are equal with probability P = J + (1 - J) / 256 for Jaccard
// similarity J, so J is estimated as (share equal - 1/256) / (1 - 1/256).
//
// Banding (Leskovec, Rajaraman & Ullman, "Mining of Massive Datasets",
// section 3.4.1): the first bands * rows entries are cut into `bands` bands
// of `rows` consecutive entries; two documents whose entries agree on a whole
// band are a candidate pair, which happens with probability
// 1 - (1 - P^rows)^bands.
//
// Band checks: the 8-bit entries of a band of 3 rows carry only 24 bits, so
// unrelated documents would collide in a band with probability 2^-24 and
// random candidates would grow with the square of the corpus (1.2 per
// document at 10^6 documents, 1,200 at 10^9). Each band therefore also
// keeps kBandCheckBytes bytes of a hash of its full-width MinHash entries,
// taken at sketch time: a band matches when its entry bytes and its check
// agree, 40 bits for 3 rows (0.02 random candidates per document at 10^9).
// The check agrees whenever the full entries do, so the S-curve is unchanged.
//
// Example:
//   std::vector<uint8_t> sig(128), checks(kBandCheckBytes * bands);
//   neardup::reduce_signature(minhash, sig);
//   neardup::band_checks(minhash, bands, rows, checks);
//   uint64_t key = neardup::band_key(sig, checks, /*band=*/0, rows);

#ifndef NEARDUP_LSH_H_
#define NEARDUP_LSH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "neardup/minhash.h"
#include "neardup/options.h"
#include "neardup/types.h"

namespace neardup {

// Seed of the band keys (part of the candidate search's specification).
inline constexpr uint64_t kBandSeed = 0x62616e64ULL;  // "band"

// Seed of the band checks, and their size per band (core/FORMAT.md
// section 8).
inline constexpr uint64_t kBandCheckSeed = 0x636865636bULL;  // "check"
inline constexpr int kBandCheckBytes = 2;

// The bands and rows a run with `options` uses: options.bands x options.rows
// if set, else optimal_lsh_params(threshold, signature_length, weights).
// REQUIRES: validate() accepts options with these MinHash settings.
LshParams choose_lsh_params(const MinHashOptions& options);

// Bytes of a sketch record under `options`: the signature_length signature
// bytes, then kBandCheckBytes per band of choose_lsh_params(options) (what
// Index::sketch_bytes() is; Sketch::signature then Sketch::band_checks).
// REQUIRES: as choose_lsh_params().
int sketch_record_bytes(const MinHashOptions& options);

// Writes 8 bits of each entry of `signature` to `out`: for entry h in bin
// i, the top byte of fmix64(h ^ (i * 0x9e3779b97f4a7c15)) (core/FORMAT.md
// section 7). Equal entries in one bin give equal bytes.
// REQUIRES: out.size() == signature.size().
void reduce_signature(std::span<const uint64_t> signature,
                      std::span<uint8_t> out);

// Number of positions at which `a` and `b` hold equal bytes.
// REQUIRES: a.size() == b.size().
int equal_entries(std::span<const uint8_t> a, std::span<const uint8_t> b);

// The Jaccard similarity estimated from `equal` of `length` equal 8-bit
// entries, corrected for chance agreement and clamped to [0, 1].
double bbit_jaccard(int equal, int length);

// Smallest number of equal entries (0..length) whose bbit_jaccard() is at
// least `threshold`; length + 1 if none is.
int min_equal_entries(double threshold, int length);

// Writes the band checks of a full-width `signature` (minhash_signature()
// entries) to `out`: for band b, the top 16 bits of XXH3-64 of the
// little-endian bytes of entries [b * rows, (b + 1) * rows) with seed
// kBandCheckSeed + b, stored little-endian at out[2b], out[2b + 1].
// REQUIRES: bands * rows <= signature.size(), out.size() ==
// kBandCheckBytes * bands. Thread-safe.
void band_checks(std::span<const uint64_t> signature, int bands, int rows,
                 std::span<uint8_t> out);

// The 64-bit key of band `band` of `rows` entries: XXH3-64 of the 8-bit
// `signature` bytes [band * rows, (band + 1) * rows) with seed kBandSeed +
// band + (check << 32), where check is the band's 16-bit check from
// `checks` (band_checks()). Equal keys mean equal bytes and check, up to
// 64-bit hash collisions. REQUIRES: (band + 1) * rows <= signature.size(),
// kBandCheckBytes * (band + 1) <= checks.size().
uint64_t band_key(std::span<const uint8_t> signature,
                  std::span<const uint8_t> checks, int band, int rows);

// True if two documents agree on band `band`: its `rows` entry bytes and
// its check. Same requirements as band_key().
bool band_equal(std::span<const uint8_t> sig_a,
                std::span<const uint8_t> checks_a,
                std::span<const uint8_t> sig_b,
                std::span<const uint8_t> checks_b, int band, int rows);

// The 8-bit signatures of a run's documents, in DocId order, stored in
// blocks of kBlockDocs signatures so that growing never copies them (a
// growing vector would briefly hold twice their size). Not thread-safe to
// append; thread-safe to read.
class SignatureTable {
 public:
  static constexpr size_t kBlockDocs = size_t{1} << 13;

  // REQUIRES: 1 <= length <= 4096.
  explicit SignatureTable(int length) : length_(length) {}
  SignatureTable(SignatureTable&&) = default;
  SignatureTable& operator=(SignatureTable&&) = default;

  int length() const { return length_; }
  size_t size() const { return size_; }
  // Room for the next document's signature, to be filled by the caller.
  std::span<uint8_t> append();
  // REQUIRES: doc < size().
  std::span<const uint8_t> operator[](DocId doc) const {
    return {blocks_[doc / kBlockDocs].get() + (doc % kBlockDocs) * length_,
            static_cast<size_t>(length_)};
  }

 private:
  int length_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
};
}  // namespace neardup

#endif  // NEARDUP_LSH_H_
