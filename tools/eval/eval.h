// File: eval/eval.h
//
// Scores a clustering against labels: the engine behind `neardup eval`.
// Pair precision, recall and F1 count the pairs of documents put in one
// cluster; B-cubed (Bagga & Baldwin 1998) averages, per document, the share
// of its predicted cluster that is truly its own (precision) and of its true
// cluster that was found with it (recall); the adjusted Rand index (Hubert &
// Arabie 1985) corrects pair agreement for chance (1 = identical, about 0 =
// random). Copy recall ("copies linked to their original") asks, for each
// document derived from another, whether it landed in its original's
// predicted cluster: the headline number of the accuracy targets. Every
// function here is thread-safe (no shared state).
//
// Example:
//   neardup::Result<neardup::eval::Labels> truth =
//       neardup::eval::read_truth("truth.tsv");
//   neardup::Result<neardup::eval::Labels> predicted =
//       neardup::eval::read_clusters("clusters.jsonl");
//   neardup::Result<neardup::eval::Scores> scores =
//       neardup::eval::evaluate(*predicted, *truth);

#ifndef NEARDUP_TOOLS_EVAL_EVAL_H_
#define NEARDUP_TOOLS_EVAL_EVAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "neardup/status.h"

namespace neardup::eval {

// A cluster label, and optionally a kind, per document id. Ids are unique.
struct Labels {
  std::vector<std::string> ids;
  std::vector<std::string> clusters;
  std::vector<std::string> kinds;                 // empty, or one per id
  std::unordered_map<std::string, size_t> index;  // id -> position
};

// Called with a line's 1-based number, the line, and how many bytes from
// line.data() may be read (at least the line and simdjson's padding).
using LineFn = std::function<Status(uint64_t number, std::string_view line,
                                    size_t readable)>;

// Calls `line_fn` for every non-empty line of `path` (gzip and zstd
// decompressed, a trailing '\r' dropped), stopping at the first error it
// returns. The line is valid during the call only. The readers here and in
// pair_labels.h use it, so that every label file is read the same way.
// Errors: those of `line_fn`; IOError/NotFound for the file, Corruption for a
// truncated compressed file, InvalidArgument naming the path and line for a
// line over 1 GiB.
Status for_each_line(const std::string& path, const LineFn& line_fn);

// Reads a `neardup dedup --clusters` file (JSONL, .gz or .zst): the
// "cluster" field labels each "id" (strings, or numbers as their JSON token;
// other fields are ignored). Errors name the path and the line.
Result<Labels> read_clusters(const std::string& path);

// Where read_truth() finds the fields of a JSONL truth file. JSON pointers
// (RFC 6901): "" or starting with '/'. Not used for TSV files.
struct TruthOptions {
  // The group (true cluster) label: a string or a number (its JSON token).
  std::string group_field = "/cluster";
  // The kind, e.g. "original", "edit+unicode", "cut": a string or a number.
  // Optional: if the first line has none, no line may have one and the
  // labels have no kinds, unless `require_kind`.
  std::string kind_field = "/kind";
  bool require_kind = false;  // then a line without a kind is an error
};

// Reads labels: a TSV with the header `id<TAB>group[<TAB>kind]` (as `neardup
// gen --truth` writes), or JSONL with an "id" (string or number) and the
// group and kind where `options` point (chosen by the first byte: '{' is
// JSONL).
// Errors (InvalidArgument, or IOError/NotFound for the file) name the path
// and the line: a missing id or group, an id seen twice, a kind on some lines
// only, a bad pointer.
Result<Labels> read_truth(const std::string& path,
                          const TruthOptions& options = {});

struct KindScores {
  uint64_t documents = 0;
  double bcubed_recall = 0;  // mean over the documents of this kind
};

// Copies linked to their original. A truth group's original is the member
// whose id equals the group label (`neardup gen --truth` labels a group with
// its original's id); failing that, the first member in file order whose kind
// is "original" or "orig"; failing that, the group has no original and none
// of its members is counted. Every other member of a group with an original
// is a copy; it is linked when its predicted cluster is its original's.
struct CopyScores {
  uint64_t copies = 0;      // documents counted
  uint64_t linked = 0;      // of those, in their original's predicted cluster
  double linked_share = 1;  // linked / copies; 1 when there are no copies
};

struct Scores {
  uint64_t documents = 0;  // those with a truth label
  uint64_t predicted_clusters = 0, true_clusters = 0;
  uint64_t predicted_pairs = 0, true_pairs = 0, common_pairs = 0;
  double pair_precision = 1, pair_recall = 1, pair_f1 = 1;
  double bcubed_precision = 1, bcubed_recall = 1, bcubed_f1 = 1;
  double adjusted_rand_index = 1;
  uint64_t predicted_only = 0;  // predicted ids without a truth label
  // When the truth has kinds: per kind as written, and per part of a kind
  // split at '+' (a "boilerplate+edit" copy counts for both parts).
  std::map<std::string, KindScores> by_kind;
  std::map<std::string, KindScores> by_kind_part;
  // Copies linked to their original (see CopyScores): all copies, and per
  // kind and kind part of the copy as above.
  CopyScores copies;
  std::map<std::string, CopyScores> copies_by_kind;
  std::map<std::string, CopyScores> copies_by_kind_part;
  uint64_t groups_without_original = 0;
  uint64_t documents_without_original = 0;  // their members, not counted
};

// Scores `predicted` against `truth` over the documents of `truth`. Returns
// InvalidArgument if a truth id has no predicted label; predicted ids
// without a truth label are counted in `predicted_only` and left out.
// Precision (recall) is 1 when nothing is predicted (expected) together.
// O(documents) time and memory.
Result<Scores> evaluate(const Labels& predicted, const Labels& truth);

// For each document of `truth`, the index of its group's original (itself
// for the original), or -1 if the group has none; see CopyScores.
std::vector<int64_t> find_originals(const Labels& truth);

// The scores as a JSON object (one line), and as a short text report.
std::string scores_to_json(const Scores& scores);
std::string scores_to_text(const Scores& scores);

// A score as a JSON number with 6 decimals, as every eval report writes it.
std::string json_number(double v);

// Writes scores_to_json() to `path` atomically (temporary file, rename).
Status write_json(const std::string& path, const Scores& scores);
// Writes `json` to `path` atomically (temporary file, rename).
Status write_json(const std::string& path, std::string_view json);

}  // namespace neardup::eval

#endif  // NEARDUP_TOOLS_EVAL_EVAL_H_
