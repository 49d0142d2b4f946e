// File: eval/eval.h
//
// Scores a clustering against labels: the engine behind `neardup eval`.
// Pair precision, recall and F1 count the pairs of documents put in one
// cluster; B-cubed (Bagga & Baldwin 1998) averages, per document, the share
// of its predicted cluster that is truly its own (precision) and of its true
// cluster that was found with it (recall); the adjusted Rand index (Hubert &
// Arabie 1985) corrects pair agreement for chance (1 = identical, about 0 =
// random).
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
#include <map>
#include <string>
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

// Reads a `neardup dedup --clusters` file (JSONL, .gz or .zst): the
// "cluster" field labels each "id". Errors name the path and the line.
Result<Labels> read_clusters(const std::string& path);

// Reads labels: a TSV with the header `id<TAB>group[<TAB>kind]` (as `neardup
// gen --truth` writes), or JSONL with string fields "id" and "cluster" and
// optionally "kind" (chosen by the first byte: '{' is JSONL).
Result<Labels> read_truth(const std::string& path);

struct KindScores {
  uint64_t documents = 0;
  double bcubed_recall = 0;  // mean over the documents of this kind
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
};

// Scores `predicted` against `truth` over the documents of `truth`. Returns
// InvalidArgument if a truth id has no predicted label; predicted ids
// without a truth label are counted in `predicted_only` and left out.
// Precision (recall) is 1 when nothing is predicted (expected) together.
Result<Scores> evaluate(const Labels& predicted, const Labels& truth);

// The scores as a JSON object (one line), and as a short text report.
std::string scores_to_json(const Scores& scores);
std::string scores_to_text(const Scores& scores);

// Writes scores_to_json() to `path` atomically (temporary file, rename).
Status write_json(const std::string& path, const Scores& scores);

}  // namespace neardup::eval

#endif  // NEARDUP_TOOLS_EVAL_EVAL_H_
