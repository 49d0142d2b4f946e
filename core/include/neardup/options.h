// File: neardup/options.h
//
// The options of a dedup run, split like leveldb's: those that change results
// and those that change only speed.
//
// Example:
//   neardup::DedupOptions options;
//   options.minhash.threshold = 0.8;
//   if (neardup::Status s = neardup::validate(options); !s.ok()) { ... }

#ifndef NEARDUP_OPTIONS_H_
#define NEARDUP_OPTIONS_H_

#include <cstddef>
#include <string>

#include "neardup/status.h"

namespace neardup {

// How text becomes shingles (see text.h). Part of the fingerprint format.
struct TextOptions {
  // Tokens per shingle. REQUIRES: 1 <= shingle_words <= 16. Documents with
  // fewer tokens get a single shingle of all their tokens.
  int shingle_words = 3;
  // Lines (split at '\n') with fewer tokens than this are left out of the
  // shingles, unless that would leave out more than half of the document's
  // tokens or leave fewer than 50. Site boilerplate (navigation, share buttons,
  // bylines, copyright lines) is mostly such short lines. 0 keeps every line.
  // REQUIRES: 0 <= min_line_words <= 1000.
  int min_line_words = 12;
};

// How documents are fingerprinted and compared.
enum class Algorithm {
  // MinHash signatures (Broder 1997) with banded LSH, pairs kept when their
  // estimated Jaccard similarity of shingle sets reaches a threshold.
  kMinHash = 0,
  // 64-bit SimHash (Charikar 2002), pairs within a Hamming distance, found
  // with permuted-block tables (Manku, Jain & Das Sarma 2007).
  kSimHash,
};

// How verified pairs become clusters.
enum class Clustering {
  // Connected components of the pair graph (union-find): A~B and B~C put A
  // and C together even when A and C are not similar.
  kConnectedComponents = 0,
  // Each member is similar to its cluster's representative: documents are
  // visited in input order; one not yet in a cluster becomes a
  // representative and takes every later unclustered document it is paired
  // with. No chains, at the cost of splitting some chains of copies.
  kRepresentative,
};

// MinHash settings (Algorithm::kMinHash).
struct MinHashOptions {
  // Documents are near-duplicates when the Jaccard similarity of their
  // shingle sets is at least this. REQUIRES: 0 < threshold < 1.
  // Default chosen on generated copies: see README "Quality".
  double threshold = 0.5;
  // Signature entries (one-permutation hashing bins), each kept as its lowest
  // 8 bits. REQUIRES: 16 <= signature_length <= 1024.
  int signature_length = 128;
  // LSH bands and rows per band; both 0 (the default) derives them from the
  // threshold (optimal_lsh_params with these weights). Otherwise
  // REQUIRES: bands >= 1, rows >= 1, bands * rows <= signature_length.
  int bands = 0;
  int rows = 0;
  // Verification removes the LSH's false positives, which then only cost
  // time, while its misses are lost: misses weigh 99 times more, which puts
  // the S-curve at about 0.99 at the threshold (0.5: 39 bands of 3 rows).
  // REQUIRES: both > 0.
  double false_positive_weight = 0.01;
  double false_negative_weight = 0.99;
  // Decide each candidate pair by the exact Jaccard similarity of the two
  // shingle sets (a second read of the inputs) instead of the signature
  // estimate.
  bool exact_verification = false;
};

struct DedupOptions {
  // ---- Parameters that affect results (changing them changes output) ----

  // JSON pointers (RFC 6901) to the text and id fields of each record. The
  // text must be a string. The id may be a string or a number; when it is
  // absent or null the id is the record's 0-based line number across all
  // inputs.
  std::string text_field = "/text";
  std::string id_field = "/id";

  TextOptions text;

  Algorithm algorithm = Algorithm::kMinHash;
  Clustering clustering = Clustering::kConnectedComponents;
  MinHashOptions minhash;

  // With Algorithm::kSimHash: two documents are near-duplicates when their
  // SimHash fingerprints differ in at most this many bits. REQUIRES: 0 <=
  // max_hamming_distance <= 8. Default chosen on real data: see README
  // "Choosing the defaults".
  int max_hamming_distance = 5;

  // Lines longer than this (bytes, without the newline) are rejected with
  // reason `too_long`. REQUIRES: in [64, 2^31].
  size_t max_line_bytes = size_t{64} << 20;

  // ---- Parameters that affect performance only ----

  // Worker threads. 0 = all hardware threads.
  int threads = 0;
  // Bytes per chunk handed from the reader to the workers. A chunk holds whole
  // lines; a longer line gets a chunk of its own. REQUIRES: >= 64.
  size_t chunk_bytes = size_t{1} << 20;
};

// Returns InvalidArgument naming the first option out of range.
[[nodiscard]] Status validate(const DedupOptions& options);

}  // namespace neardup

#endif  // NEARDUP_OPTIONS_H_
