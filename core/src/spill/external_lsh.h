// Banded LSH over sketches kept on disk: the candidate search of runs past
// DedupOptions::memory_limit_bytes, with the same candidate pairs and
// equal-entry counts as band_candidates() over the records in memory.

#ifndef NEARDUP_SRC_SPILL_EXTERNAL_LSH_H_
#define NEARDUP_SRC_SPILL_EXTERNAL_LSH_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "neardup/status.h"
#include "neardup/types.h"
#include "spill/temp_file.h"

namespace neardup::internal {

// The sketches of documents 0, 1, ... on disk, in two temporary files:
// the signatures (signature_length bytes per document, for reads by
// document) and the band bytes (each band's `rows` signature bytes and its
// 2-byte check), band-major within blocks of kBlockDocs documents, so that
// a pass over a few bands reads only theirs. One writer; reads are
// thread-safe after flush(), and appends end there.
class SketchFile {
 public:
  static constexpr size_t kBlockDocs = size_t{1} << 16;

  // `block_docs`: documents per block of the band file (tests use few).
  static Result<std::unique_ptr<SketchFile>> Create(
      TempSpace* space, int length, int bands, int rows,
      size_t block_docs = kBlockDocs);
  // Appends whole sketch records (Corpus::signatures' layout: signature
  // bytes, then kBandCheckBytes per band).
  Status append(std::span<const uint8_t> records);
  Status flush();
  size_t size() const { return docs_; }
  int signature_length() const { return length_; }
  int bands() const { return bands_count_; }
  int rows() const { return rows_; }
  // Band bytes per document and band: rows, then the check.
  size_t band_bytes() const { return static_cast<size_t>(rows_) + 2; }
  // Reads the signatures of documents [first, first + count) into `out`.
  Status read_signatures(DocId first, size_t count, uint8_t* out) const {
    return signatures_->read(uint64_t{first} * length_, out,
                             count * static_cast<size_t>(length_));
  }
  size_t blocks() const {
    return (docs_ + block_docs_max_ - 1) / block_docs_max_;
  }
  size_t block_docs() const { return block_docs_max_; }
  // Reads band `band` of block `block` into `out`, band_bytes() per
  // document of the block; returns the block's documents.
  Result<size_t> read_band(size_t block, int band,
                           std::vector<uint8_t>* out) const;

 private:
  SketchFile(std::unique_ptr<TempFile> signatures,
             std::unique_ptr<TempFile> bands, int length, int bands_count,
             int rows, size_t block_docs);
  Status write_block();

  std::unique_ptr<TempFile> signatures_, bands_;
  const int length_, bands_count_, rows_;
  const size_t block_docs_max_;
  std::vector<uint8_t> block_;  // the block being filled, band-major
  size_t block_docs_ = 0;
  size_t docs_ = 0;
};

// One document's band value: the band's entries and check, exactly (rows
// <= 6), else its 64-bit band_key().
struct BandEntry {
  uint64_t value = 0;
  uint32_t doc = 0;
  uint32_t unused = 0;  // zero: the files hold no stray bytes
  friend bool operator==(const BandEntry&, const BandEntry&) = default;
  friend auto operator<=>(const BandEntry& a, const BandEntry& b) {
    return a.value != b.value ? a.value <=> b.value : a.doc <=> b.doc;
  }
};

// Memory for each step, in bytes.
struct ExternalLshBudget {
  // The sorts of band entries: one band per thread, each with an equal
  // share (its words or entries, and its radix sort's scratch).
  size_t band_entries = 0;
  size_t pairs = 0;      // the sort of bucket pairs (and of the kept ones)
  size_t block = 0;      // the signatures of a block of first members
  size_t far_pairs = 0;  // pairs waiting for their second member
  size_t window = 0;     // signatures of second members read at once
  // The whole limit: every step's share of it.
  static ExternalLshBudget FromLimit(uint64_t limit_bytes);
};

struct ExternalLshResult {
  // The pairs with at least min_equal equal signature entries, as (a << 32
  // | b) with a < b, ascending, and their equal entries.
  std::vector<uint64_t> pairs;
  std::vector<uint16_t> equal;
  uint64_t bucket_pairs = 0;         // distinct pairs sharing a bucket
  uint64_t external_band_sorts = 0;  // bands sorted in runs on disk
};

// The candidate pairs of the bands of `sketches`, documents with `empty`
// set left out, each kept if it has at least `min_equal` equal entries
// (all if min_equal <= 0): what band_candidates() finds band by band, the
// same buckets and kMaxAllPairsBucket rule. The steps:
// - each band, on one of up to `threads` threads (0: all), is cut into
//   buckets of equal values. Values of at most 40 bits (rows <= 3) are
//   counted by their top 8 bits in one read of the band's bytes; then each
//   of up to 4 more reads collects, as 8-byte words, the partitions that
//   fit the thread's share, sorted in memory. Longer values, or bands whose
//   words need more reads or whose largest partition does not fit, go
//   through an external sort of 16-byte (value, document) entries;
// - the buckets' pairs are sorted in batches on the bands' threads and
//   merged without repeats;
// - a block join reads the first members' signatures a block at a time
//   and the second members' in ascending windows, and checks the pairs;
//   the first members' range is cut into parts, each merged from the pair
//   runs and checked on one thread.
// Memory: about the budget's largest step, plus the result's 10 bytes per
// kept pair. Disk: the entries of bands sorted externally (16 bytes per
// document of the bands in flight), the pairs (8 bytes each, repeats within
// a run dropped) and the kept pairs (10 bytes each) when they pass the pair
// sort's share.
Status external_band_candidates(const SketchFile& sketches,
                                const std::vector<bool>& empty, int min_equal,
                                const ExternalLshBudget& budget, int threads,
                                TempSpace* space, ExternalLshResult* result);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_SPILL_EXTERNAL_LSH_H_
