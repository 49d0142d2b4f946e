// The pieces of an Index (neardup/index.h): its stored options (the
// layout), the columns of entries waiting to be sorted, and the immutable
// sorted run, which is the same bytes in memory and in its file
// (core/FORMAT.md section 10).

#ifndef NEARDUP_SRC_INDEX_INDEX_RUN_H_
#define NEARDUP_SRC_INDEX_INDEX_RUN_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/status.h"

namespace neardup::internal {

// The options that decide an index's sketches and matches, as saved.
struct IndexLayout {
  Algorithm algorithm = Algorithm::kMinHash;
  int shingle_words = 0;
  int min_line_words = 0;
  int short_text_words = 0;
  int signature_length = 0;  // MinHash
  int bands = 0;             // MinHash, resolved by choose_lsh_params
  int rows = 0;
  double threshold = 0;
  int max_hamming_distance = 0;  // SimHash
  int simhash_blocks = 0;        // SimHash permuted-table blocks

  // Derived, not saved.
  int sketch_bytes = 0;  // MinHash: signature_length + band checks; SimHash: 8
  int tables = 0;        // bands or C(blocks, blocks - distance)
  int need_equal = 0;    // MinHash: min_equal_entries(threshold, length)
  // SimHash: per table, the (low bit, width) of each run of key bits, from
  // the highest; table keys are these bits packed at the top of a word.
  std::vector<std::vector<std::pair<int, int>>> key_segments;

  static Result<IndexLayout> FromOptions(const DedupOptions& options);
  // The options, defaults elsewhere, with `threads` copied from `base`.
  DedupOptions to_options(const DedupOptions& base) const;
  // The fixed little-endian block of core/FORMAT.md section 10.1.
  std::string encode() const;
  // Parses `bytes`; Corruption naming `path` if malformed.
  static Result<IndexLayout> Decode(std::string_view bytes,
                                    const std::string& path);
  // InvalidArgument naming the first field where `wanted` differs.
  Status check_same(const IndexLayout& wanted, const std::string& path) const;

  // Table `table`'s key of a sketch (sketch_bytes bytes), a 64-bit value
  // whose top bits are uniformly spread. REQUIRES: 0 <= table < tables.
  uint64_t table_key(std::span<const uint8_t> sketch, int table) const;
  // True if the sketch `a` matches `b`; sets *similarity and *distance.
  bool matches(std::span<const uint8_t> a, std::span<const uint8_t> b,
               double* similarity, int* distance) const;

 private:
  Status derive();
};

// Entries in insertion order, column by column.
struct EntryColumns {
  std::vector<uint8_t> sketches;  // size() * sketch_bytes
  std::vector<uint8_t> empty;     // 1 if the sketch has no shingles
  std::string keys;
  std::vector<uint64_t> key_ends;
  std::vector<std::string> source_names;
  std::vector<uint32_t> source_of;  // index into source_names

  size_t size() const { return key_ends.size(); }
  uint32_t source_index(std::string_view name);
  void append(std::string_view key, uint32_t source,
              std::span<const uint8_t> sketch, bool is_empty);
  std::string_view key(size_t i) const {
    const uint64_t begin = i == 0 ? 0 : key_ends[i - 1];
    return std::string_view(keys).substr(begin, key_ends[i] - begin);
  }
  void clear() { *this = EntryColumns(); }
};

class Reader;
struct RunHeader;

// An immutable sorted run: the entries' columns, and per table the
// non-empty entries sorted by (table key, entry) with a directory on the
// key's top bits. Thread-safe (all const).
class IndexRun {
 public:
  // Sorts `columns` into a run held in memory, using `threads` threads.
  static Result<std::shared_ptr<IndexRun>> Build(const IndexLayout& layout,
                                                 const EntryColumns& columns,
                                                 int threads);
  // Maps the run file at `path` (size `bytes` and checksum `checksum` from
  // the manifest) and checks it against `layout`. Corruption naming the path
  // when anything disagrees.
  static Result<std::shared_ptr<IndexRun>> Map(const IndexLayout& layout,
                                               const std::string& path,
                                               uint64_t bytes,
                                               uint64_t checksum);
  ~IndexRun();

  size_t size() const { return entries_; }
  size_t empty_entries() const { return entries_ - indexed_; }
  std::span<const uint8_t> sketch(size_t i) const {
    return {sketches_ + i * sketch_bytes_, sketch_bytes_};
  }
  bool empty(size_t i) const { return (empty_bits_[i / 64] >> (i % 64)) & 1; }
  std::string_view key(size_t i) const;
  std::string_view source(size_t i) const;
  // (name, entries) of each source, in order of first appearance.
  std::vector<std::pair<std::string, uint64_t>> sources() const;

  // Appends to `out` (run-local entries, ascending by key) a superset of
  // the first kMaxBucketScan entries of table `table` whose key is `key`:
  // those whose key agrees on its top directory bits + 8, which the caller
  // must check against the full key. Reads no sketch unless more than
  // kProbeScan entries agree.
  void probe(int table, uint64_t key, std::vector<uint32_t>* out) const;
  // probe() of table t with keys[t] for every table, appending (entry,
  // table) pairs; the memory reads of the tables overlap.
  void probe_all(std::span<const uint64_t> keys,
                 std::vector<std::pair<uint32_t, int>>* out) const;

  // probe() for many queries of one table at once, `sorted` by key (key,
  // query number): appends (entry << 32 | query) for each entry found. The
  // table is read front to back, once.
  void probe_sorted(int table,
                    std::span<const std::pair<uint64_t, uint32_t>> sorted,
                    std::vector<uint64_t>* out) const;

  static constexpr size_t kMaxBucketScan = 4096;  // Index::kMaxBucketScan
  static constexpr size_t kProbeScan = 64;
  static constexpr size_t kPrefetchAhead = 8;

  // The serialized run (the file's bytes) and its checksum.
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  uint64_t checksum() const { return checksum_; }
  bool mapped() const { return mapped_; }

  // Appends this run's entries to `columns`.
  void append_to(EntryColumns* columns) const;

 private:
  IndexRun() = default;
  Status parse(const IndexLayout& layout, const std::string& name);
  Status parse_header(const IndexLayout& layout, Reader* r, RunHeader* h);
  Status parse_columns(const RunHeader& h, Reader* r);
  Status check_columns(const RunHeader& h, const Reader& r) const;
  Status parse_tables(const RunHeader& h, Reader* r);

  const IndexLayout* layout_ = nullptr;
  std::vector<uint8_t> owned_;
  bool mapped_ = false;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint64_t checksum_ = 0;

  size_t entries_ = 0, indexed_ = 0;
  size_t sketch_bytes_ = 0;
  int directory_bits_ = 0;
  std::vector<std::string_view> source_names_;
  const uint8_t* ranges_ = nullptr;  // (u64 first entry, u64 source)
  size_t num_ranges_ = 0;
  const uint8_t* key_ends_ = nullptr;  // u32 each
  const char* keys_ = nullptr;
  const uint64_t* empty_bits_ = nullptr;
  const uint8_t* sketches_ = nullptr;
  // The directory slot of `key`: its top directory_bits_ bits.
  uint64_t slot(uint64_t key) const {
    return directory_bits_ == 0 ? 0 : key >> (64 - directory_bits_);
  }

  // Entry `p` of table `table`'s sorted order (packed, entry_bits_ each).
  uint32_t entry_at(size_t table, size_t p) const {
    const uint64_t bit = p * static_cast<uint64_t>(entry_bits_);
    uint64_t word;
    std::memcpy(&word, permutations_[table] + bit / 8, 8);
    return static_cast<uint32_t>((word >> (bit % 8)) &
                                 ((uint64_t{1} << entry_bits_) - 1));
  }

  int entry_bits_ = 32;
  std::vector<const uint32_t*> directories_;
  std::vector<const uint8_t*> permutations_;
  std::vector<const uint8_t*> remainders_;  // 8 key bits per sorted entry
};

// The checksum of the format: XXH3-64 with seed 0.
uint64_t format_checksum(std::span<const uint8_t> bytes);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_INDEX_INDEX_RUN_H_
