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
#include <cstdint>
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
  // Texts with fewer tokens than this (after the line filter) are one
  // shingle of all their tokens, so they match only as wholes. The Jaccard
  // similarity of a short text's shingles swings with each changed token:
  // two 15-word dividend notices that differ in one figure share 10 of 16
  // shingles (0.62), so templated briefs about other companies and dates
  // passed the threshold. At 20, labelled precision on Reuters rises from
  // 0.48 to 0.62 with no labelled duplicate lost; from 25 on, AG News's
  // 30-word summaries lose true copies (README "Short texts").
  // REQUIRES: 0 <= short_text_words <= 1000; 0 or 1 turns it off.
  int short_text_words = 20;
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

// How verified pairs become clusters. The default, kBounded, was chosen on
// the real news of ../shared/datasets: see README "Quality".
enum class Clustering {
  // Connected components grown from each representative and bounded by it
  // (bounded_clusters() in cluster.h): a document joins a cluster through a
  // verified pair only if it is also similar enough to the cluster's
  // representative (MinHashOptions::bound_ratio; SimHash: within twice the
  // Hamming distance). Keeps chains of copies of copies, cuts chains of
  // merely similar documents such as templated briefs.
  kBounded = 0,
  // Connected components of the pair graph (union-find): A~B and B~C put A
  // and C together even when A and C are not similar.
  kConnectedComponents,
  // Each member is similar to its cluster's representative: documents are
  // visited in input order; one not yet in a cluster becomes a
  // representative and takes every later unclustered document it is paired
  // with. No chains, at the cost of splitting some chains of copies.
  kRepresentative,
};

// How Algorithm::kMinHash decides a candidate pair. The signature estimate
// has a standard deviation of sqrt(J(1 - J) / signature_length), 0.044 at
// J = 0.5 with 128 entries: near the threshold it errs both ways.
enum class Verification {
  // Estimate first: a pair more than 3 standard deviations from the
  // threshold (chance of the wrong side ~1e-3 at that distance) is decided
  // by its estimate, the rest by exact Jaccard similarity. Those documents
  // are read again: just their lines from plain files, a second
  // decompression otherwise.
  kBorderline = 0,
  // By the signature estimate alone: no second read.
  kEstimate,
  // Every candidate whose estimate is not more than 4 standard deviations
  // below the threshold is decided by exact Jaccard similarity.
  kExact,
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
  Verification verification = Verification::kBorderline;
  // Clustering::kBounded: a member's estimated Jaccard similarity to its
  // representative is at least bound_ratio * threshold. The default, 0.5,
  // keeps co-clustered pairs above threshold / 2 on real news while losing
  // under 1% of the pairs above the threshold (README "Quality").
  // REQUIRES: 0 <= bound_ratio <= 1 (0: connected components).
  double bound_ratio = 0.5;
};

// The defaults were chosen on the labelled news of ../shared/datasets
// (ECB+ and NewsWCL50 mixed into 32.5k documents; research/story_study.cc).
struct StoryOptions {
  // ---- Parameters that affect results (changing them changes output) ----

  // Salient terms kept per document (k). REQUIRES: 1 <= terms_per_doc <= 256.
  int terms_per_doc = 24;
  // Stop words: terms in more than max(max_df_fraction * num_docs,
  // min_stop_df) documents get weight 0. This replaces a language's stop
  // list (it works for any language that is a large share of the corpus).
  // The floor keeps a small corpus from losing a story's own terms (in 1,000
  // documents, 2% is 20). REQUIRES: max_df_fraction in (0, 1].
  double max_df_fraction = 0.02;
  uint32_t min_stop_df = 100;
  // Terms in fewer than `min_df` documents get weight 0: with document
  // frequencies from the corpus being clustered, a term of one document
  // cannot link it to another and would only dilute its fingerprint. Use 0
  // with a model built from other text, where a new term has df 0.
  // REQUIRES: min_df <= 2^31.
  uint32_t min_df = 2;
  // Average linkage merges two clusters while the mean cosine over all
  // pairs of their members (pairs below edge_similarity count as 0) is >=
  // this. Lower merges more: at 0.15, ECB+ recall rises from 0.73 to 0.85
  // but two related NewsWCL50 stories merge (research/story_study.cc --sweep).
  // REQUIRES: in (0, 1].
  double min_similarity = 0.25;
  // Pairs of documents with cosine >= this are the edges of the similarity
  // graph; lower finds more of the pairs that average linkage would count,
  // at the cost of memory and linkage time. REQUIRES: 0 < edge_similarity
  // <= min_similarity.
  double edge_similarity = 0.1;
  // A term in more than this many fingerprints is a stop word of the run
  // (left out of candidate generation and of the similarities): scoring its
  // posting list would cost O(length^2), and a term that salient in that
  // many documents names a topic or a template (Reuters' dividend notices)
  // more often than one story. A story told by more documents than this
  // keeps its other terms only. REQUIRES: >= 2.
  uint32_t max_posting = 200;
  // Each document keeps at most this many edges to earlier documents (its
  // most similar ones; ties: the earlier document). Bounds the graph, so
  // the linkage, at this many edges per document on dense corpora; a story
  // of more documents than this links through fewer of its pairs, so its
  // mean similarity is underestimated. REQUIRES: >= 1.
  uint32_t max_edges_per_doc = 16;

  // ---- Parameters that affect performance only ----

  // Documents per task of the clustering's parallel loop. REQUIRES: >= 1.
  uint32_t block_docs = 2048;
};

// Returns InvalidArgument naming the first option out of range.
[[nodiscard]] Status validate(const StoryOptions& options);

// What "the same document" means.
enum class Mode {
  // Copies: the same text with other boilerplate, small edits, reordering
  // or truncation, by shingle sets (Algorithm).
  kCopies = 0,
  // Stories: rewrites of the same story, by salient terms (see story.h).
  kStory,
};

// What to do with a document whose id repeats an earlier document's id (a
// document without an id has its line number as id, see id_field).
enum class DuplicateIds {
  // Keep it: it is a document like any other. DedupStats counts it and the
  // clusters file, one line per document in input order, then has two lines
  // with that id.
  kKeep = 0,
  // Reject its line with reason `duplicate_id`: the ids of the documents are
  // unique, the first occurrence stays.
  kReject,
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

  Mode mode = Mode::kCopies;
  // Mode::kStory: the clustering options, and an IDF model file (from
  // build_idf_model(), `neardup idf build`) to use instead of a first pass
  // over the inputs that counts document frequencies.
  StoryOptions story;
  std::string idf_model_path;

  // Mode::kCopies:
  Algorithm algorithm = Algorithm::kMinHash;
  Clustering clustering = Clustering::kBounded;
  MinHashOptions minhash;

  // With Algorithm::kSimHash: two documents are near-duplicates when their
  // SimHash fingerprints differ in at most this many bits. REQUIRES: 0 <=
  // max_hamming_distance <= 8. Default chosen on real data: see README
  // "Choosing the defaults".
  int max_hamming_distance = 5;

  // Lines longer than this (bytes, without the newline) are rejected with
  // reason `too_long`. REQUIRES: in [64, 2^31].
  size_t max_line_bytes = size_t{64} << 20;

  DuplicateIds duplicate_ids = DuplicateIds::kKeep;

  // ---- Parameters that affect performance only ----

  // Worker threads. 0 = all hardware threads.
  int threads = 0;
  // Bytes per chunk handed from the reader to the workers. A chunk holds whole
  // lines; a longer line gets a chunk of its own. REQUIRES: >= 64.
  size_t chunk_bytes = size_t{1} << 20;
  // Algorithm::kMinHash copies: when the sketches and the band search would
  // take more memory than this (estimated as the sketch records plus 100
  // bytes per document), the sketches go to a temporary file and the band
  // search sorts externally within it (same results, more time; see
  // README "Memory"). Bytes; 0: three quarters of physical memory.
  // Per-document columns (ids, line offsets, clusters: about 20 bytes per
  // document plus the id) are not bounded by it. REQUIRES: 0 or >= 1 MiB.
  uint64_t memory_limit_bytes = 0;
  // Where temporary files go: unnamed files (O_TMPFILE) that vanish with
  // the run, even a killed one. Empty: $TMPDIR, else /tmp, checked only
  // when a run spills; a directory given here must exist (NotFound or
  // InvalidArgument before any work).
  std::string temp_dir;
};

// Returns InvalidArgument naming the first option out of range.
[[nodiscard]] Status validate(const DedupOptions& options);

}  // namespace neardup

#endif  // NEARDUP_OPTIONS_H_
