// File: eval/oracle.h
//
// The exact Jaccard oracle behind `neardup eval --oracle`: every pair of
// documents whose shingle sets have Jaccard similarity |A ∩ B| / |A ∪ B| >= t,
// found exactly (no sketch), and a clustering scored against those pairs.
// The sets are the distinct shingle hashes `neardup dedup` computes
// (neardup::Shingler with the same TextOptions), so the oracle answers "which
// pairs should a perfect near-duplicate detector at Jaccard t have joined?".
//
// Example:
//   neardup::Result<neardup::eval::OracleDocs> docs =
//       neardup::eval::read_oracle_docs("dump.jsonl.zst", {});
//   neardup::Result<std::vector<neardup::eval::JaccardPair>> pairs =
//       neardup::eval::all_pairs_jaccard(docs->shingles, 0.7);
//   neardup::Result<neardup::eval::OracleScores> scores =
//       neardup::eval::score_oracle(*docs, *pairs, *predicted, 0.7);

#ifndef NEARDUP_TOOLS_EVAL_ORACLE_H_
#define NEARDUP_TOOLS_EVAL_ORACLE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "eval/eval.h"
#include "neardup/options.h"
#include "neardup/status.h"

namespace neardup::eval {

// Two sets and their exact Jaccard similarity.
struct JaccardPair {
  uint32_t a = 0;      // index of the first set; a < b
  uint32_t b = 0;      // index of the second set
  double jaccard = 0;  // |A ∩ B| / |A ∪ B| as one double division, in (0, 1]
  bool operator==(const JaccardPair&) const = default;
};

// Returns |a ∩ b| / |a ∪ b| (one double division; 0 when both are empty).
// REQUIRES: `a` and `b` sorted ascending without repeats. Pure, thread-safe,
// O(|a| + |b|).
double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b);

// Returns every pair of `sets` with jaccard(a, b) >= `threshold`, exactly as
// jaccard() computes it, sorted by (a, b). Empty sets take part in no pair.
// Errors: InvalidArgument if `threshold` is not in (0, 1], a set is not
// sorted ascending without repeats, or there are 2^32 or more sets.
//
// Algorithm: AllPairs (Bayardo, Ma & Srikant, "Scaling Up All Pairs
// Similarity Search", WWW 2007, section 4) for Jaccard on sets. Elements are
// ordered by document frequency, rarest first; sets are processed by size,
// smallest first. A pair with Jaccard >= t shares at least ceil(t|x|)
// elements of x (and ceil(t|y|) of y), so the first |x| - ceil(t|x|) + 1
// elements of each set in that order share one element (the prefix filter,
// Chaudhuri, Ganti & Kaushik, ICDE 2006): only those prefixes are indexed and
// probed. The size filter skips indexed sets y with |y| < t|x|, dropping them
// from the front of each posting list for good (sizes only grow). The
// positional filter of ppjoin (Xiao, Wang, Lin & Yu, WWW 2008) drops a
// candidate once the elements left after a match cannot make up the overlap
// needed, ceil(t(|x| + |y|) / (1 + t)). Survivors are verified by merge
// intersection.
// Cost: sorts all E elements once (O(E log E)); memory 8 bytes per element
// while sorting, then about 40 per element found in two or more sets. The
// join is fast when most elements are rare, as text shingles are: 50,000
// generated news documents of ~700 shingles take 6 s at t = 0.7 and 15 s at
// t = 0.3 on one core. Single-threaded; thread-safe (no shared state).
Result<std::vector<JaccardPair>> all_pairs_jaccard(
    std::span<const std::vector<uint64_t>> sets, double threshold);

// Which documents the oracle reads, and how it shingles them. The defaults are
// those of `neardup dedup`.
struct OracleOptions {
  std::string text_field = "/text";  // JSON pointers, as in DedupOptions
  std::string id_field = "/id";      // absent or null: the 0-based line number
  TextOptions text;
  uint64_t max_records = 0;  // read the first this many records; 0 = all
};

// The documents of a dump, as the oracle sees them.
struct OracleDocs {
  std::vector<std::string> ids;  // as dedup names them in --clusters
  // Per document: its distinct shingle hashes, sorted ascending, non-empty.
  std::vector<std::vector<uint64_t>> shingles;
  uint64_t records = 0;           // records read: lines dedup accepts
  uint64_t without_shingles = 0;  // of those, skipped: no shingles
  uint64_t rejected_lines = 0;    // lines dedup rejects (bad JSON, no text)
};

// Reads the first `options.max_records` records (all if 0) of the JSONL dump
// at `path` (plain, .gz or .zst, detected from the content) the way `neardup
// dedup` does: the same parser, ids and shingles. Records with no shingles
// are counted and left out. Errors: the file cannot be opened or read
// (IOError/NotFound, naming the path), InvalidArgument for bad options.
// Memory: about 8 bytes per distinct shingle. Single-threaded.
Result<OracleDocs> read_oracle_docs(const std::string& path,
                                    const OracleOptions& options);

// A clustering scored against the oracle's pairs. Pairs are unordered pairs
// of distinct documents of OracleDocs (the sample); "co-clustered" means both
// documents have the same predicted cluster.
struct OracleScores {
  double threshold = 0;  // t
  uint64_t records = 0, documents = 0, without_shingles = 0,
           rejected_lines = 0;  // as in OracleDocs; documents have shingles
  // Oracle pairs: pairs with exact Jaccard >= t.
  uint64_t oracle_pairs = 0;
  uint64_t oracle_pairs_co_clustered = 0;
  double lsh_recall = 1;  // co-clustered / oracle pairs; 1 if none
  // Co-clustered pairs among the sample, and how many of them reach t and
  // t/2 (connected components chain: A~B~C joins A and C).
  uint64_t co_clustered_pairs = 0;
  uint64_t co_clustered_at_threshold = 0;       // == oracle_pairs_co_clustered
  uint64_t co_clustered_at_half_threshold = 0;  // Jaccard >= t/2
  uint64_t largest_cluster = 0;  // sampled documents in the largest cluster
  double precision = 1;          // at_threshold / co-clustered
  double precision_at_half_threshold = 1;  // at_half / co-clustered
  // Co-clustered pairs with Jaccard < t, in bins [0, 0.1), [0.1, 0.2), ...;
  // the last bin ends at t.
  struct Bin {
    double from = 0, to = 0;
    uint64_t pairs = 0;
  };
  std::vector<Bin> below_threshold;
  // Wall time, filled by run_oracle() only.
  double read_seconds = 0, join_seconds = 0;
};

// A pair of sampled documents that score_oracle() lists: co-clustered, or an
// oracle pair that the clustering split.
struct ListedPair {
  uint32_t a = 0, b = 0;  // indexes into OracleDocs, a < b
  double jaccard = 0;     // exact
  bool co_clustered = false;
};

// Scores `predicted` against `pairs` (from all_pairs_jaccard(docs.shingles,
// threshold)). Documents are matched by id; `predicted` may have more. If
// `listed` is not null, appends every co-clustered pair (by cluster, then in
// sample order) and then every oracle pair that is not co-clustered.
// Errors: InvalidArgument naming the id if a document has no predicted
// cluster. Cost: O(documents + pairs) plus one jaccard() per co-clustered
// pair (a cluster of k sampled documents costs k(k-1)/2 of them).
Result<OracleScores> score_oracle(const OracleDocs& docs,
                                  std::span<const JaccardPair> pairs,
                                  const Labels& predicted, double threshold,
                                  std::vector<ListedPair>* listed = nullptr);

// read_oracle_docs(), all_pairs_jaccard() and score_oracle(), timed. If
// `pairs_path` is not empty, also writes the listed pairs there as TSV with a
// header line: id_a, id_b, jaccard (exact, 4 decimals), co_clustered (1 or
// 0), predicted cluster of id_a and of id_b. Errors as those functions', and
// IOError naming `pairs_path` if it cannot be written.
Result<OracleScores> run_oracle(const std::string& path,
                                const OracleOptions& options, double threshold,
                                const Labels& predicted,
                                const std::string& pairs_path = {});

// A JSON object (no newline), and a text report naming `path`.
std::string oracle_to_json(const OracleScores& scores);
std::string oracle_to_text(const OracleScores& scores, const std::string& path);

// The `neardup eval --json` document: the scores of evaluate() if `scores`
// is not null, and the oracle's under "oracle" if `oracle` is not null.
std::string report_to_json(const Scores* scores, const OracleScores* oracle);

}  // namespace neardup::eval

#endif  // NEARDUP_TOOLS_EVAL_ORACLE_H_
