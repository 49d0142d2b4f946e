// File: eval/pair_labels.h
//
// Scores a clustering against pairs of documents that an annotator labelled
// "duplicate" or "distinct": the engine behind `neardup eval --pair-labels`.
// A pair counts as predicted duplicate when its two documents share a
// predicted cluster (co-clustered). Precision is the share of co-clustered
// labelled pairs that are duplicates; recall is the share of duplicate pairs
// that are co-clustered. Unlike --truth, the labels cover pairs, not whole
// groups, so a sample of pairs read one by one (datasets/labels/) can score
// a run on real text. Every function here is thread-safe (no shared state).
//
// Example:
//   neardup::Result<std::vector<neardup::eval::LabelledPair>> pairs =
//       neardup::eval::read_pair_labels(
//           "datasets/labels/real_news_pairs.tsv", "reuters21578");
//   neardup::eval::PairLabelScores scores =
//       neardup::eval::score_pair_labels(*predicted, *pairs);

#ifndef NEARDUP_TOOLS_EVAL_PAIR_LABELS_H_
#define NEARDUP_TOOLS_EVAL_PAIR_LABELS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eval/eval.h"
#include "neardup/status.h"

namespace neardup::eval {

// One labelled pair of document ids.
struct LabelledPair {
  std::string id_a, id_b;  // different, non-empty
  bool duplicate = false;  // label "duplicate"; false for "distinct"
};

// Reads a TSV of labelled pairs (gzip and zstd decompressed). The first
// non-empty line is a header naming the columns; `id_a`, `id_b` and `label`
// are required, in any order, and other columns (e.g. jaccard, note) are
// ignored. `label` is `duplicate` or `distinct`. If `corpus` is not empty,
// only rows whose `corpus` column equals it are returned. Blank lines are
// skipped; rows keep their file order.
// Errors (InvalidArgument naming the path and line): a required column
// missing or a column named twice in the header; a row with fewer fields than
// the header needs, an empty id, an id paired with itself, another label, or
// a pair already labelled (in either order); `corpus` given but no `corpus`
// column, or no row of that corpus. IOError/NotFound for the file.
Result<std::vector<LabelledPair>> read_pair_labels(const std::string& path,
                                                   std::string_view corpus);

// Counts over the labelled pairs. A pair is scored when both of its ids are
// in the clusters file, and skipped otherwise.
struct PairLabelScores {
  uint64_t pairs = 0;                    // labelled pairs given
  uint64_t duplicates = 0;               // scored pairs labelled duplicate
  uint64_t distinct = 0;                 // scored pairs labelled distinct
  uint64_t co_clustered = 0;             // scored pairs in one cluster
  uint64_t co_clustered_duplicates = 0;  // of those, labelled duplicate
  double precision = 1;  // co_clustered_duplicates / co_clustered; 1 if none
  double recall = 1;     // co_clustered_duplicates / duplicates; 1 if none
  uint64_t skipped_pairs = 0;  // pairs with an id not in the clusters file
  uint64_t missing_ids = 0;    // distinct ids of those not in the file
};

// Scores `predicted` (from read_clusters()) against `pairs`. O(pairs).
PairLabelScores score_pair_labels(const Labels& predicted,
                                  std::span<const LabelledPair> pairs);

// read_pair_labels() and score_pair_labels(); errors as read_pair_labels().
Result<PairLabelScores> run_pair_labels(const std::string& path,
                                        std::string_view corpus,
                                        const Labels& predicted);

// The scores as a JSON object (no newline), and as a text report naming the
// labels file `path` and, if not empty, the selected `corpus`.
std::string pair_labels_to_json(const PairLabelScores& scores);
std::string pair_labels_to_text(const PairLabelScores& scores,
                                const std::string& path,
                                std::string_view corpus);

// Adds the scores as the member "pair_labels" to `report`, a JSON object
// ending in "}\n" as report_to_json() (oracle.h) returns it.
std::string add_pair_labels_to_report(std::string report,
                                      const PairLabelScores& scores);

}  // namespace neardup::eval

#endif  // NEARDUP_TOOLS_EVAL_PAIR_LABELS_H_
