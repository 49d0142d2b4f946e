// File: neardup/index.h
//
// A searchable, saved set of sketches (sketch.h): the near-duplicates of a
// new document among every document an ingestion job has seen, in this
// process or in earlier crawls.
//
// MinHash sketches are found with banded LSH (Leskovec, Rajaraman & Ullman,
// "Mining of Massive Datasets", section 3.4.1), the bands and rows of
// choose_lsh_params(), and kept when their estimated Jaccard similarity
// reaches the threshold: exactly the candidate pairs and the estimate of
// `neardup dedup --verify estimate`. SimHash sketches are found with the
// permuted-block tables of Manku, Jain & Das Sarma (WWW 2007, section 3) and
// kept within max_hamming_distance.
//
// Storage follows leveldb: entries are added to an in-memory delta; the
// delta is frozen into immutable sorted runs, and save() writes each new run
// to its own file plus a new manifest, so adding a crawl never rewrites the
// earlier ones. compact() merges the runs. The files are specified in
// core/FORMAT.md section 10; open() maps them and rebuilds nothing.
//
// Example (one writer thread; see README "Ingestion jobs"):
//   auto index = neardup::Index::Open("crawls.ndx", &options);
//   auto sketcher = neardup::Sketcher::Create((*index)->options());
//   neardup::Sketch sketch;
//   std::vector<neardup::IndexMatch> matches;
//   NEARDUP_RETURN_IF_ERROR((*sketcher)->sketch(text, &sketch));
//   NEARDUP_RETURN_IF_ERROR(
//       (*index)->query_or_add(id, "2026-11", sketch, &matches));
//   if (!matches.empty()) std::cout << (*index)->key(matches[0].entry);
//   NEARDUP_RETURN_IF_ERROR((*index)->save());

#ifndef NEARDUP_INDEX_H_
#define NEARDUP_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/sketch.h"
#include "neardup/status.h"

namespace neardup {

namespace internal {
class IndexAccess;
}

// One indexed document similar to a query.
struct IndexMatch {
  // The entry's position in insertion order over the index's whole life
  // (0-based, stable across save, open and compact).
  uint64_t entry = 0;
  // MinHash: the estimated Jaccard similarity, in [0, 1]. SimHash:
  // 1 - distance / 64.
  double similarity = 0;
  // SimHash: the Hamming distance, 0..64. MinHash: the number of unequal
  // signature entries.
  int distance = 0;
};

// What Index::info() reports.
struct IndexInfo {
  struct Run {
    std::string file;  // file name inside the index directory; "" if unsaved
    uint64_t entries = 0;
    uint64_t bytes = 0;  // serialized size (the file's size once saved)
  };
  struct Source {
    std::string name;
    uint64_t entries = 0;
  };
  uint64_t entries = 0;        // runs and delta
  uint64_t empty_entries = 0;  // sketches without shingles (never match)
  uint64_t delta_entries = 0;  // not yet in a run
  uint64_t memory_bytes = 0;   // heap and mapped bytes held
  uint64_t file_bytes = 0;     // manifest and run files, when opened/saved
  std::vector<Run> runs;
  std::vector<Source> sources;  // in order of first appearance
  DedupOptions options;         // the results-affecting fields
  int tables = 0;               // MinHash bands, or SimHash permuted tables
};

// The index. Thread-safety: const methods (query, query_batch, key, source,
// info) may run concurrently with each other; add, add_batch, query_or_add,
// save and compact need exclusive access (one writer, no readers during a
// write). Batch forms use up to options().threads threads themselves. One
// process at a time may save to an index directory (no lock file); others
// may open it meanwhile.
class Index {
 public:
  // An empty, unsaved index for `options` (Mode::kCopies; the fields that
  // change sketches and matches are kept with it). InvalidArgument if
  // validate(options) fails or options.mode is not kCopies.
  static Result<std::unique_ptr<Index>> Create(const DedupOptions& options);

  // Opens the index saved in directory `path`, mapping its run files and
  // verifying their checksums (read at disk speed; nothing is rebuilt). If
  // `expected` is not null, its results-affecting options must equal the
  // saved ones: otherwise InvalidArgument naming the first field that
  // differs. NotFound if `path` holds no index; Corruption (naming the file)
  // for a damaged, truncated or foreign file, or a newer format version.
  // Performance-only fields (threads) come from `expected` when given.
  static Result<std::unique_ptr<Index>> Open(const std::string& path,
                                             const DedupOptions* expected);

  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // The options the index was created with; sketches given to it must be
  // made with Sketcher::Create(options()).
  const DedupOptions& options() const;

  // Adds one document under `key` (its id) from `source` (the crawl's name).
  // Keys are not required to be unique: adding a key again adds a second
  // entry, and queries return both, each with its own source. InvalidArgument
  // if the sketch's algorithm or signature length does not match.
  [[nodiscard]] Status add(std::string_view key, std::string_view source,
                           const Sketch& sketch);
  // add() for each i in order, all from `source`. REQUIRES: keys.size() ==
  // sketches.size(). A sketch that does not fit fails the call before any
  // entry of the batch is added.
  [[nodiscard]] Status add_batch(std::span<const std::string_view> keys,
                                 std::string_view source,
                                 std::span<const Sketch> sketches);

  // add_batch() of sketches given as rows, for callers that hold them in one
  // array (NumPy): `rows` holds keys.size() rows of sketch_bytes() bytes
  // (MinHash: the 8-bit signature then its band checks, Sketch::signature
  // and Sketch::band_checks; SimHash: 8 little-endian bytes), and
  // empty[i] != 0 marks a text without shingles (its row is not read).
  // InvalidArgument if the sizes do not fit; then nothing is added.
  [[nodiscard]] Status add_rows(std::span<const std::string_view> keys,
                                std::string_view source,
                                std::span<const uint8_t> rows,
                                std::span<const uint8_t> empty);
  // query_batch() of sketches given as rows, as add_rows() takes them.
  [[nodiscard]] Status query_rows(std::span<const uint8_t> rows,
                                  std::span<const uint8_t> empty,
                                  std::vector<std::vector<IndexMatch>>* matches,
                                  size_t limit = 0) const;
  // The bytes of one sketch row: signature_length + kBandCheckBytes * bands
  // (MinHash) or 8 (SimHash).
  size_t sketch_bytes() const;

  // Replaces `matches` with the entries similar to `sketch` (MinHash:
  // estimated Jaccard similarity >= threshold; SimHash: Hamming distance <=
  // max_hamming_distance), most similar first, ties by insertion order,
  // at most `limit` of them (0: all). An empty sketch matches nothing.
  // A bucket (one band value or table key in one run) with more than
  // kMaxBucketScan entries contributes its first kMaxBucketScan (an entry
  // past them is still found through another table's bucket). Cost per
  // query: one lookup per table and run, plus the candidates found.
  [[nodiscard]] Status query(const Sketch& sketch,
                             std::vector<IndexMatch>* matches,
                             size_t limit = 0) const;
  // query() for each sketch, in parallel; (*matches)[i] answers sketches[i].
  [[nodiscard]] Status query_batch(
      std::span<const Sketch> sketches,
      std::vector<std::vector<IndexMatch>>* matches, size_t limit = 0) const;

  // query(); then, if nothing matched, add(). The verdict a stream needs:
  // `matches` empty means the document was new and is now indexed.
  [[nodiscard]] Status query_or_add(std::string_view key,
                                    std::string_view source,
                                    const Sketch& sketch,
                                    std::vector<IndexMatch>* matches,
                                    size_t limit = 0);

  // The key and source of entry `entry` (from a match). The views stay valid
  // until the next non-const call. REQUIRES: entry < size().
  std::string_view key(uint64_t entry) const;
  std::string_view source(uint64_t entry) const;

  uint64_t size() const;
  IndexInfo info() const;

  // Saves to the directory the index was opened from or last saved to:
  // the entries added since are written as one new run file, then the
  // manifest is replaced atomically. Files already saved are not rewritten.
  // FailedPrecondition if the index was never saved (use save(path)).
  // IOError naming the path if a file cannot be written; the index on disk
  // is then as before (a crash leaves at most an unlisted run file).
  [[nodiscard]] Status save();
  // Saves to directory `path`: the same directory as save(), or a new one,
  // created if missing, which must not already hold an index (InvalidArgument
  // naming it); every run is written there, and later save() calls go there.
  [[nodiscard]] Status save(const std::string& path);

  // Merges every run and the delta into one run. The next save() writes it
  // and then removes the files of the runs it replaced.
  [[nodiscard]] Status compact();

  // Entries that stay in the in-memory delta before they are frozen into a
  // sorted run.
  static constexpr size_t kDeltaEntries = size_t{1} << 15;
  static constexpr size_t kMaxBucketScan = 4096;

 private:
  friend class internal::IndexAccess;
  struct Impl;
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace neardup

#endif  // NEARDUP_INDEX_H_
