// The stages of a dedup run cut into tasks for a distributed engine (the
// Dask driver, python/neardup/dask.py): each function does one step on one
// partition or one bucket of a shuffle, on plain arrays, so that the
// engine moves bytes and the results equal run_dedup()'s byte for byte.
//
// A partition is a line-aligned byte range of a plain input file, or a whole
// compressed one. DocIds are global: a partition's documents are numbered
// from the count of documents in the partitions before it.
//
// Example (one partition, by hand):
//   PartitionPlace place{"/data/a.jsonl", "a.jsonl", 0, size, 0, 0};
//   Result<PartitionSketch> sketch = sketch_partition(options, place);
//   std::vector<uint64_t> keys;
//   std::vector<uint32_t> docs;
//   band_entries(sketch->signatures, length, sketch->band_checks,
//                sketch->empty, bands, rows, &keys, &docs);
//   std::vector<uint64_t> pairs = bucket_pairs(keys, docs);

#ifndef NEARDUP_SRC_DIST_STAGES_H_
#define NEARDUP_SRC_DIST_STAGES_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/pipeline.h"
#include "neardup/status.h"
#include "neardup/types.h"

namespace neardup::internal {

// How an input is cut: partition i is [bounds[i], bounds[i + 1]).
// Compressed inputs are one partition, [0, size_bytes).
struct InputPlan {
  bool compressed = false;
  uint64_t size_bytes = 0;
  std::vector<uint64_t> bounds;
};

// Cuts `path` into ranges of about `partition_bytes` that start at a line
// start (never at a line that starts with a byte order mark, which the
// reader would drop there). NotFound or IOError naming the path.
Result<InputPlan> plan_input(const std::string& path, uint64_t partition_bytes);

// Where a partition is and where its lines stand in the run.
struct PartitionPlace {
  std::string path;  // opened by the workers
  std::string name;  // as given by the user: the rejects file's "input"
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t first_line = 0;       // 0-based, across all inputs
  uint64_t first_file_line = 0;  // 0-based, within the input
};

// The number of lines JsonlReader finds in the partition (rejected ones
// included). Reads the range (decompresses a compressed input).
Result<uint64_t> count_lines(const PartitionPlace& place);

// What pass 1 makes of a partition: per document, in input order.
struct PartitionSketch {
  uint64_t lines = 0;  // read, documents and rejected lines
  std::string ids;     // concatenated
  std::vector<uint64_t> id_ends;
  std::vector<uint8_t> signatures;     // MinHash: documents x length
  std::vector<uint8_t> band_checks;    // MinHash: documents x 2 * bands
  std::vector<uint64_t> fingerprints;  // SimHash
  std::vector<uint8_t> empty;          // 1: no shingles, never paired
  std::vector<uint64_t> doc_lines;     // 0-based, across all inputs
  std::vector<uint64_t> offsets;       // of the line in the input's bytes
  std::string rejects;                 // rejects-file lines
  std::array<uint64_t, kNumRejectReasons> rejected_by_reason{};
};

// Runs run_dedup()'s pass 1 (the same ChunkWorker) over the partition.
// Bad lines are rejects, never errors. InvalidArgument for bad options or
// story mode; NotFound or IOError naming the path.
Result<PartitionSketch> sketch_partition(const DedupOptions& options,
                                         const PartitionPlace& place);

// The bounds of MinHash verification (as run_dedup() uses them): pairs with
// fewer than `keep` equal entries are dropped, those with at least `sure`
// accepted on their estimate, the rest decided by exact Jaccard. `length`
// is the signature length, `bands` and `rows` the LSH's.
struct MinHashBounds {
  int keep = 0, sure = 0, need = 0;
  int length = 0, bands = 0, rows = 0;
  // Clustering::kBounded: equal entries a member needs with its
  // representative.
  int join = 0;
};
MinHashBounds minhash_bounds(const DedupOptions& options);

// True if a pair with `equal` equal entries passes the bands' filter.
bool keep_pair(const MinHashBounds& bounds, int equal);

// Band map: for each non-empty document i (of signatures, `length` bytes
// each, and band_checks, kBandCheckBytes * bands each) and each band,
// appends the bucket key band_key() to `keys` and i to `docs`.
void band_entries(std::span<const uint8_t> signatures, int length,
                  std::span<const uint8_t> band_checks,
                  std::span<const uint8_t> empty, int bands, int rows,
                  std::vector<uint64_t>* keys, std::vector<uint32_t>* docs);

// Band reduce: the candidate pairs of the buckets of equal keys, under the
// cap of band_candidates() (lsh_bands.h), as (a << 32 | b) with a < b,
// sorted, without repeats. `keys` and `docs` hold every entry of each of
// their buckets, in any order; `docs` are global DocIds.
std::vector<uint64_t> bucket_pairs(std::span<const uint64_t> keys,
                                   std::span<const uint32_t> docs);

// A stable order of rows by bucket (0 <= buckets[i] < num_buckets), by
// counting: the rows of bucket 0 first. For splitting map outputs.
std::vector<int64_t> bucket_order(std::span<const int64_t> buckets,
                                  size_t num_buckets);

// equal_entries() of row i of `a` and of `b` (`length` bytes each), for
// each i.
void equal_rows(std::span<const uint8_t> a, std::span<const uint8_t> b,
                int length, std::vector<uint16_t>* equal);

// equal[i] = equal entries of row a_rows[i] of `a` and row b_rows[i] of `b`
// (tables of `length`-byte rows), without gathering the rows. InvalidArgument
// if a row number is out of range or the index arrays differ in size.
Status equal_rows_indexed(std::span<const uint8_t> a,
                          std::span<const int64_t> a_rows,
                          std::span<const uint8_t> b,
                          std::span<const int64_t> b_rows, int length,
                          std::vector<uint16_t>* equal);

// Distinct shingle sets, concatenated: set i is values[ends[i-1], ends[i]).
struct ShingleSets {
  std::vector<uint64_t> values;
  std::vector<uint64_t> ends;
};

// The shingle sets of some documents of a partition, for exact
// verification: `lines` are their line numbers within the partition
// (ascending), `offsets` where those lines start in the input. Plain inputs
// are read by offset, compressed ones decompressed again. IOError if a line
// is no longer the record it was (the input changed).
Result<ShingleSets> read_shingle_sets(const DedupOptions& options,
                                      const PartitionPlace& place,
                                      std::span<const uint64_t> lines,
                                      std::span<const uint64_t> offsets);

// For each i, whether set a[i] and set b[i] pass exact verification:
// |A ∩ B| >= threshold * |A ∪ B|, as run_dedup() decides it.
std::vector<uint8_t> exact_accept(const ShingleSets& a, const ShingleSets& b,
                                  double threshold);

// A forest of stars: node[i]'s component is named by root[i], its smallest
// member; roots are not listed. Sorted by node.
struct StarForest {
  std::vector<uint32_t> nodes;
  std::vector<uint32_t> roots;
};

// The connected components of the edges (a[i], b[i]) as stars. A forest's
// own (nodes, roots) are edges too, so forests merge by concatenation.
StarForest star_forest(std::span<const uint32_t> a,
                       std::span<const uint32_t> b);

// The clusters of the documents of whole components: `docs` ascending,
// with their `sketches` (MinHash signatures, bounds.length bytes each, or
// 8-byte SimHashes), and every verified pair among them. Writes each
// document's representative (a position in `docs`) and its similarity
// measure to it: equal signature entries, or Hamming distance.
// Clustering is component-local and depends only on the DocId order, so
// this equals run_dedup()'s clusters of these documents.
void cluster_components(
    const DedupOptions& options, const MinHashBounds& bounds,
    std::span<const uint32_t> docs, std::span<const uint8_t> sketches,
    std::span<const uint32_t> pair_a, std::span<const uint32_t> pair_b,
    std::vector<uint32_t>* rep, std::vector<uint32_t>* measure);

// A partition's lines of the clusters file. Documents not in `members`
// (positions within the partition, ascending) are their own clusters; a
// member has representative id rep_ids[i] (concatenated, rep_id_ends) and
// `measure[i]` to it (0 and rep_is_self for a representative).
struct ClusterUpdates {
  std::span<const uint32_t> members;
  std::span<const uint8_t> rep_is_self;
  std::span<const uint32_t> measure;
  std::string_view rep_ids;
  std::span<const uint64_t> rep_id_ends;
};
std::string format_clusters(std::string_view ids,
                            std::span<const uint64_t> id_ends, bool simhash,
                            int signature_length,
                            const ClusterUpdates& updates);

// The lines (with '\n') of a partition at line numbers `lines` (within the
// partition, ascending), byte for byte: --output.
Result<std::string> partition_lines(const DedupOptions& options,
                                    const PartitionPlace& place,
                                    std::span<const uint64_t> lines);

// SimHash, step 1 on one bucket of (fingerprint, doc) entries holding all
// of each fingerprint's documents: as group_fingerprints() (corpus.h), the
// pairs (first, member) of each group of equal fingerprints, and the
// distinct fingerprints with their first documents and counts.
struct FingerprintBucket {
  std::vector<uint32_t> pair_a, pair_b;
  std::vector<uint64_t> unique;
  std::vector<uint32_t> first_doc;
  std::vector<uint32_t> count;
};
FingerprintBucket group_equal_fingerprints(std::span<const uint64_t> prints,
                                           std::span<const uint32_t> docs);

// The permuted-block tables' block count for `documents` fingerprints (as
// run_dedup() would choose it; results do not depend on it).
int simhash_blocks(int max_distance, uint64_t documents);

// SimHash, step 2 map: for each distinct fingerprint and each table, the
// table and a 64-bit hash of (table, key bits) to shuffle by.
Status table_entries(int max_distance, int blocks,
                     std::span<const uint64_t> prints,
                     std::vector<uint16_t>* tables,
                     std::vector<uint64_t>* shuffle_keys);

// SimHash, step 2 reduce: every pair within max_distance among `prints`
// (distinct per table, with all prints of each of their keys), found once
// through its lowest shared table, as (min, max) of their first documents.
Status table_pairs(int max_distance, int blocks,
                   std::span<const uint16_t> tables,
                   std::span<const uint64_t> prints,
                   std::span<const uint32_t> first_docs,
                   std::vector<uint32_t>* pair_a,
                   std::vector<uint32_t>* pair_b);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_DIST_STAGES_H_
