// File: neardup/pipeline.h
//
// The whole dedup job: read JSONL inputs, fingerprint each record's text,
// find near-duplicate pairs, cluster them and write the outputs.
//
// Example:
//   neardup::DedupOptions options;
//   neardup::DedupOutputs outputs;
//   outputs.clusters_path = "clusters.jsonl";
//   auto stats = neardup::run_dedup(options, {"news.jsonl.zst"}, outputs);
//   if (!stats.ok()) return 1;
//   std::cout << stats->clusters << " clusters\n";

#ifndef NEARDUP_PIPELINE_H_
#define NEARDUP_PIPELINE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/status.h"

namespace neardup {

// Why an input line was not used. Names (reject_reason_name) are stable: they
// appear in the rejects and stats files.
enum class RejectReason {
  kEmptyLine = 0,   // "empty_line": nothing but spaces/tabs/CR
  kTooLong,         // "too_long": over DedupOptions::max_line_bytes
  kInvalidUtf8,     // "invalid_utf8"
  kBadJson,         // "bad_json": not one well-formed JSON object
  kMissingField,    // "missing_field": no value at text_field
  kNotString,       // "not_string": text_field is not a string
  kBadId,           // "bad_id": id_field is not a string, number or null
  kTruncatedInput,  // "truncated_input": tail of a damaged .gz/.zst input
  kDuplicateId,     // "duplicate_id": DuplicateIds::kReject, a repeated id
};
inline constexpr int kNumRejectReasons = 9;
std::string_view reject_reason_name(RejectReason reason);

// One rejected line. Views are valid only during the Reporter call.
struct RejectedLine {
  std::string_view input;  // the path as given ("-" for stdin)
  uint64_t line = 0;       // 1-based line number within `input`
  uint64_t bytes = 0;      // length of the line without its newline
  RejectReason reason = RejectReason::kBadJson;
  std::string_view detail;  // human-readable specifics, may be empty
};

// Receives every rejected line, in input order, from one thread at a time.
// A rejected line never stops the run.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void rejected_line(const RejectedLine& line) = 0;
};

// Where run_dedup() writes. Empty paths are not written. "-" is stdout (only
// for one output). Files are written atomically: to a temporary file in the
// same directory, renamed over `path` on success, removed on failure.
struct DedupOutputs {
  // JSONL, one line per document in input order:
  // {"id": "...", "cluster": "<representative id>", "representative": bool,
  //  "similarity": <estimated Jaccard similarity to the representative, 0-1>}
  // With Algorithm::kSimHash, "distance": <Hamming distance to the
  // representative, 0-64> instead of "similarity".
  std::string clusters_path;
  // The representatives' original lines, byte for byte, in input order.
  // Compressed when the path ends in .gz or .zst.
  std::string output_path;
  // JSONL, one line per rejected input line:
  // {"input": "...", "line": N, "bytes": N, "reason": "...", "detail": "..."}
  std::string rejects_path;
  // A JSON object with the DedupStats fields (stats_to_json()).
  std::string stats_path;
  // JSONL, one line per verified pair within the inputs, sorted by input
  // order: {"a": "<id>", "b": "<id>", "similarity": <estimate>} (SimHash:
  // "distance"), a before b. Mode::kCopies only. SimHash lists documents
  // with equal fingerprints as pairs of the group's first with each other
  // member, so the file can have fewer lines than stats' verified_pairs.
  std::string pairs_path;
};

class Index;

// Dedup against earlier crawls (neardup/index.h).
struct IndexUse {
  // Each document's most similar entry of this index (MinHash: by the
  // signature estimate, as Verification::kEstimate decides; the index keeps
  // no texts) is added to its clusters line: "match" (the entry's id, or
  // null), "match_source" (its source) and "match_similarity" (SimHash:
  // "match_distance"). Documents with a match are left out of --output.
  // The index's options must equal the run's (InvalidArgument naming the
  // field). Not owned; not modified.
  const Index* against = nullptr;
  // After the queries, every document of the inputs (duplicates and matches
  // too) is added to this index under `source`, in input order. May be the
  // same index as `against`. The caller saves it, once run_dedup() succeeds.
  Index* add_to = nullptr;
  std::string source;
};

// Progress of a running job, reported one call at a time from any of the
// job's threads.
struct Progress {
  uint64_t bytes_read = 0;   // input bytes consumed (compressed bytes)
  uint64_t bytes_total = 0;  // sum of input file sizes; 0 if unknown (stdin)
  uint64_t documents = 0;    // documents fingerprinted so far
  double seconds = 0;        // since the start of the run
};
using ProgressCallback = std::function<void(const Progress&)>;

// What a run did. Accounting: lines_read == documents + lines_rejected, and
// documents == clusters + duplicates.
struct DedupStats {
  uint64_t inputs = 0;
  uint64_t input_bytes = 0;         // bytes read from the inputs as stored
  uint64_t uncompressed_bytes = 0;  // JSONL bytes after decompression
  uint64_t lines_read = 0;
  uint64_t documents = 0;
  uint64_t lines_rejected = 0;
  std::array<uint64_t, kNumRejectReasons> rejected_by_reason{};
  uint64_t empty_documents = 0;  // documents without tokens (never merged)
  // Documents (DuplicateIds::kKeep) or lines (kReject) whose id repeats an
  // earlier document's, and the first of them as "FILE:LINE repeats the id
  // "ID" of FILE:LINE" (lines 1-based), or empty.
  uint64_t duplicate_ids = 0;
  std::string first_duplicate_id;
  uint64_t distinct_fingerprints = 0;
  uint64_t candidate_pairs = 0;  // distinct document pairs examined
  uint64_t verified_pairs = 0;   // document pairs within the threshold
  uint64_t clusters = 0;         // singletons included
  uint64_t duplicates = 0;       // documents that are not representatives
  uint64_t largest_cluster = 0;
  int threads = 0;
  Mode mode = Mode::kCopies;
  Algorithm algorithm = Algorithm::kMinHash;
  Clustering clustering = Clustering::kConnectedComponents;
  int shingle_words = 0;
  // Algorithm::kSimHash: the threshold and the permuted-block tables.
  int max_hamming_distance = 0;
  int table_blocks = 0;
  int tables = 0;
  // Algorithm::kMinHash: the threshold, the signature, the LSH bands and the
  // S-curve's false-positive and false-negative areas (see minhash.h).
  double jaccard_threshold = 0;
  int signature_length = 0;
  int bands = 0;
  int rows = 0;
  double false_positive_area = 0;
  double false_negative_area = 0;
  Verification verification = Verification::kBorderline;
  double bound_ratio = 0;        // Clustering::kBounded
  uint64_t exact_pairs = 0;      // candidate pairs decided by exact Jaccard
  uint64_t exact_documents = 0;  // documents read again for them
  // IndexUse: the entries of the `against` index, the documents with a
  // match in it, the documents neither duplicates nor matched (those
  // --output keeps), and the documents added to `add_to`.
  uint64_t index_entries = 0;
  uint64_t index_matches = 0;
  uint64_t kept_documents = 0;
  uint64_t added_to_index = 0;
  // Wall-clock seconds per stage.
  double read_fingerprint_seconds = 0;  // read, parse, shingle, SimHash
  double index_seconds = 0;             // pair search and verification
  double match_seconds = 0;             // IndexUse: queries and adds
  double cluster_seconds = 0;
  double write_seconds = 0;
  double total_seconds = 0;
  uint64_t peak_rss_bytes = 0;
  // DedupOptions::memory_limit_bytes as applied, whether the sketches went
  // to disk, the temporary files' bytes held at most at once and written
  // in all, and the LSH bands whose entries did not fit in memory and were
  // sorted in runs on disk.
  uint64_t memory_limit_bytes = 0;
  bool spilled = false;
  uint64_t temp_peak_bytes = 0;
  uint64_t temp_written_bytes = 0;
  uint64_t external_band_sorts = 0;
};

// "minhash", "simhash"; "bounded", "components", "representative";
// "borderline", "estimate", "exact": the names used by the stats file and the
// command line.
std::string_view algorithm_name(Algorithm algorithm);
std::string_view mode_name(Mode mode);  // "copies", "story"
std::string_view clustering_name(Clustering clustering);
std::string_view verification_name(Verification verification);

// Serializes `stats` as a pretty-printed JSON object, with docs_per_second and
// mb_per_second (uncompressed bytes / 10^6 / total seconds) derived.
std::string stats_to_json(const DedupStats& stats);

// Runs the job over `inputs` (paths of .jsonl, .jsonl.gz or .jsonl.zst files,
// or "-" for stdin; compression is detected from the magic bytes) in order.
// Bad lines go to `reporter` (optional) and to outputs.rejects_path; they
// never fail the run. Returns InvalidArgument for bad options, NotFound or
// IOError naming the path of an input that cannot be opened or read or an
// output that cannot be written. Outputs for the same inputs and
// results-affecting options are byte-identical for any thread count and
// chunk size. Not reentrant for one Reporter; otherwise thread-safe.
Result<DedupStats> run_dedup(const DedupOptions& options,
                             const std::vector<std::string>& inputs,
                             const DedupOutputs& outputs,
                             Reporter* reporter = nullptr,
                             const ProgressCallback& progress = {});

// run_dedup() that also queries and/or adds to an index (IndexUse). With
// neither set it is run_dedup(). Not thread-safe for one Index.
Result<DedupStats> run_dedup(const DedupOptions& options,
                             const std::vector<std::string>& inputs,
                             const DedupOutputs& outputs, const IndexUse& index,
                             Reporter* reporter = nullptr,
                             const ProgressCallback& progress = {});

// Reads `inputs` and adds every document to `index` under `source`, in input
// order, without a pair search (`neardup index build` and `index add`).
// Only outputs.rejects_path and outputs.stats_path are written. Errors as
// run_dedup(); the index is unchanged if reading fails.
Result<DedupStats> add_to_index(const DedupOptions& options,
                                const std::vector<std::string>& inputs,
                                Index* index, std::string_view source,
                                const DedupOutputs& outputs,
                                Reporter* reporter = nullptr,
                                const ProgressCallback& progress = {});

// Counts the document frequencies of the terms of every record of `inputs`
// (as run_dedup() with Mode::kStory does in its first pass) and saves them as
// an IDF model at `model_path` (IdfModel::save, story.h), for
// DedupOptions::idf_model_path: a later run, or a stream, then needs one pass.
// Returns InvalidArgument for bad options, NotFound or IOError naming an
// input or the model path. Thread-safe.
Status build_idf_model(const DedupOptions& options,
                       const std::vector<std::string>& inputs,
                       const std::string& model_path);

// The library version, "MAJOR.MINOR.PATCH".
std::string_view version();

}  // namespace neardup

#endif  // NEARDUP_PIPELINE_H_
