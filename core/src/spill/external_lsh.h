// Banded LSH over sketch records kept on disk: the candidate search of
// DedupOptions::memory_limit_bytes runs, with the same candidate pairs and
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

// Sketch records (Corpus::signatures' layout: signature bytes, then band
// checks) of documents 0, 1, ... in a temporary file. One writer; read()
// is thread-safe after flush().
class SketchFile {
 public:
  static Result<std::unique_ptr<SketchFile>> Create(TempSpace* space,
                                                    size_t record_bytes);
  // Appends whole records.
  Status append(std::span<const uint8_t> records);
  Status flush() { return file_->flush(); }
  size_t size() const { return file_->size() / record_bytes_; }
  size_t record_bytes() const { return record_bytes_; }
  // Reads records [first, first + count) into `out`.
  Status read(DocId first, size_t count, uint8_t* out) const {
    return file_->read(uint64_t{first} * record_bytes_, out,
                       count * record_bytes_);
  }

 private:
  SketchFile(std::unique_ptr<TempFile> file, size_t record_bytes)
      : file_(std::move(file)), record_bytes_(record_bytes) {}
  std::unique_ptr<TempFile> file_;
  size_t record_bytes_;
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
  size_t band_entries = 0;  // the sorts of band entries, all bands at once
  size_t pairs = 0;         // the sort of bucket pairs
  size_t block = 0;         // the records of a block of first members
  size_t far_pairs = 0;     // pairs waiting for their second member
  size_t window = 0;        // records of second members read at once
  // The whole limit: every step's share of it.
  static ExternalLshBudget FromLimit(uint64_t limit_bytes);
};

struct ExternalLshResult {
  // The pairs with at least min_equal equal signature entries, as (a << 32
  // | b) with a < b, ascending, and their equal entries.
  std::vector<uint64_t> pairs;
  std::vector<uint16_t> equal;
  uint64_t bucket_pairs = 0;  // distinct pairs sharing a bucket
  uint64_t band_passes = 0;   // sequential reads of the sketch file
};

// The candidate pairs of `bands` bands of `rows` entries over the records
// of `sketches` (signature_length `length`), documents with `empty` set
// left out; each kept if it has at least `min_equal` equal entries (all if
// min_equal <= 0), as band_candidates() does band by band: the same
// buckets and kMaxAllPairsBucket rule. The steps: each group of bands is
// one sequential read of the file, its band entries externally sorted and
// cut into buckets; the buckets' pairs are externally sorted without
// repeats; then a block join reads the first members' records a block at a
// time and the second members' in ascending windows. `sort_entries` sorts
// a vector of entries (it may use threads). Memory: about the budget's
// largest step plus 10 bytes per kept pair. Disk: the band entries of one
// group (16 bytes per document and band) and the pairs (8 bytes each).
Status external_band_candidates(
    const SketchFile& sketches, int length, const std::vector<bool>& empty,
    int bands, int rows, int min_equal, const ExternalLshBudget& budget,
    TempSpace* space,
    const std::function<void(std::vector<BandEntry>*)>& sort_entries,
    ExternalLshResult* result);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_SPILL_EXTERNAL_LSH_H_
