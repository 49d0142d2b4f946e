// File: neardup/story.h
//
// Story mode: clusters documents that tell the same story in different words
// (rewrites by different sites), which share few shingles but the same
// salient terms. Three stages, each usable from a parallel pipeline:
//
//   1. Document frequencies. One DocFrequencyCounter per thread counts, for
//      every term, the documents containing it; partial counters merge
//      (the sum does not depend on the merge order) into an IdfModel, which
//      can be saved and loaded (format below) to fingerprint a stream in one
//      pass.
//   2. Fingerprints. StoryFingerprinter (one per thread) reduces a document
//      to its `terms_per_doc` most salient terms, weighted by TF-IDF
//      (story_term_weight()) and normalized to unit length.
//   3. Clustering. cluster_stories() finds the pairs of fingerprints with
//      cosine >= `edge_similarity` through an inverted index (every pair
//      sharing a term is scored, none other: no all-pairs step; posting
//      lists are capped), then merges clusters by average linkage (UPGMA)
//      while the mean similarity of all pairs across two clusters is >=
//      `min_similarity`. A single strong link does not merge two groups, so
//      unrelated stories do not chain, and the order of merges (and so the
//      result) is deterministic.
//
// Terms are the tokens of text.h (FORMAT.md steps 2 and 4: NFKC, case
// folding, Unicode word tokens, no line filter), each hashed as a 1-word
// shingle (FORMAT.md step 5 with k = 1): term = XXH3_64(LE64(XXH3_64(token,
// kTokenSeed)), kShingleSeed). No language-specific stop list is used: stop
// words are the terms of high document frequency.
//
// Example:
//   neardup::TermHasher hasher;
//   neardup::DocFrequencyCounter counter;
//   std::vector<uint64_t> terms;
//   for (std::string_view text : texts) {
//     terms.clear();
//     if (hasher.hash_terms(text, &terms).ok()) counter.add_document(terms);
//   }
//   neardup::IdfModel model = counter.finish();
//   neardup::StoryFingerprinter fingerprinter(&model, options);
//   neardup::StoryFingerprints fingerprints;
//   std::vector<neardup::StoryTerm> fp;
//   for (std::string_view text : texts) {
//     fp.clear();
//     (void)fingerprinter.fingerprint(text, &fp);  // empty on error
//     fingerprints.append(fp);
//   }
//   neardup::Result<std::vector<neardup::StoryAssignment>> clusters =
//       neardup::cluster_stories(fingerprints, options);

#ifndef NEARDUP_STORY_H_
#define NEARDUP_STORY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/status.h"
#include "neardup/text.h"
#include "neardup/types.h"

namespace neardup {

// StoryOptions and validate(StoryOptions) are in neardup/options.h.

// ---------------------------------------------------------------------------
// Terms.

// Turns text into term hashes (see the file comment), reusing its buffers.
// Not thread-safe: use one TermHasher per thread.
class TermHasher {
 public:
  TermHasher();

  // Appends to `out` one term hash per token of `text` (raw UTF-8), in text
  // order, repeats included. Returns Corruption on invalid UTF-8 (nothing
  // appended). O(bytes); about 500 MB/s on one core.
  Status hash_terms(std::string_view text, std::vector<uint64_t>* out);

 private:
  Shingler shingler_;
};

// ---------------------------------------------------------------------------
// Document frequencies.

class IdfModel;

// Counts, per term, the documents that contain it: exact counts in an
// open-addressing hash table (16-32 bytes per distinct term).
// Not thread-safe: use one counter per thread, then merge() them.
class DocFrequencyCounter {
 public:
  DocFrequencyCounter();
  ~DocFrequencyCounter();
  DocFrequencyCounter(DocFrequencyCounter&&) noexcept;
  DocFrequencyCounter& operator=(DocFrequencyCounter&&) noexcept;

  // Counts one document: each distinct hash of `terms` (any order, repeats
  // allowed, as from TermHasher) once. An empty span counts a document with
  // no terms. O(terms.size()) expected.
  void add_document(std::span<const uint64_t> terms);

  // Adds the counts of `other` to this one. The result does not depend on
  // the order in which partial counters are merged.
  void merge(const DocFrequencyCounter& other);

  uint64_t num_docs() const { return num_docs_; }
  size_t num_terms() const;

  // The model of the counts so far; terms in fewer than `min_df_kept`
  // documents are left out (they read as df 0), which keeps a saved model
  // small: most distinct terms of a corpus occur once.
  IdfModel finish(uint32_t min_df_kept = 2) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t num_docs_ = 0;
};

// Document frequencies of a corpus, immutable once built.
// Thread-safe: const methods may be called concurrently.
//
// File format (version 1), all integers little-endian:
//   offset  0: 8 bytes magic "NDIDFMOD"
//   offset  8: u32 version (1)
//   offset 12: u32 min_df_kept
//   offset 16: u64 num_docs
//   offset 24: u64 num_terms (n)
//   offset 32: u64 term seed (kTokenSeed; other term hashes are rejected)
//   offset 40: n records of (u64 term, u32 df), terms strictly increasing
//   then    : u64 XXH3_64 of all preceding bytes, seed kIdfModelSeed.
// The bytes depend only on the counts, not on threads or merge order.
class IdfModel {
 public:
  IdfModel();  // empty: no documents
  ~IdfModel();
  IdfModel(IdfModel&&) noexcept;
  IdfModel& operator=(IdfModel&&) noexcept;

  // Builds a model from (term, df) entries in any order, each term once.
  // REQUIRES: every df <= num_docs.
  static IdfModel from_counts(uint64_t num_docs,
                              std::vector<std::pair<uint64_t, uint32_t>> counts,
                              uint32_t min_df_kept);

  // Writes the model to `path` (replacing it). IOError names the path.
  Status save(const std::string& path) const;
  // Reads a model. NotFound, IOError, or Corruption (bad magic, unknown
  // version, wrong size, unsorted terms, df > num_docs, checksum mismatch),
  // each naming the path.
  static Result<IdfModel> load(const std::string& path);

  // Documents containing `term`, or 0 if unknown or below min_df_kept.
  // O(1) expected.
  uint32_t df(uint64_t term) const;
  // Hints that df(term) follows soon (a cache prefetch); no effect on results.
  void prefetch(uint64_t term) const {
    __builtin_prefetch(slots_.data() + (term >> slot_shift_));
  }
  uint64_t num_docs() const { return num_docs_; }
  size_t num_terms() const { return terms_.size(); }
  uint32_t min_df_kept() const { return min_df_kept_; }
  // The entries sorted by term (the file's records).
  std::span<const uint64_t> terms() const { return terms_; }
  std::span<const uint32_t> dfs() const { return dfs_; }

 private:
  void build_table();

  uint64_t num_docs_ = 0;
  uint32_t min_df_kept_ = 0;
  std::vector<uint64_t> terms_;
  std::vector<uint32_t> dfs_;
  // Open addressing over the same entries for df(); df 0 = empty slot.
  struct Slot {
    uint64_t term = 0;
    uint32_t df = 0;
  };
  std::vector<Slot> slots_;
  int slot_shift_ = 64;
};

// Seed of the IdfModel file checksum.
inline constexpr uint64_t kIdfModelSeed = 0x6964666d6f64656cULL;  // "idfmodel"

// ---------------------------------------------------------------------------
// Fingerprints.

// One salient term of a document.
struct StoryTerm {
  uint64_t term = 0;  // term hash (see the file comment)
  float weight = 0;   // > 0; a fingerprint's weights have unit L2 norm

  friend bool operator==(const StoryTerm&, const StoryTerm&) = default;
};

// TF-IDF weight of a term that occurs `tf` >= 1 times in a document and in
// `df` of the model's `num_docs` documents, before normalization:
//   (1 + ln tf) * idf^2,  idf = ln((num_docs + 1) / (df + 1)),
// sublinear TF and smoothed IDF (Manning, Raghavan & Schuetze, "Introduction
// to Information Retrieval", 2008, sections 6.2.1 and 6.4.1). IDF is squared
// as in Lucene's classic TF-IDF score, where a term's IDF weighs both the
// query and the document side: rare terms (names, places) identify a story,
// and with plain IDF, topical terms shared by related but distinct stories
// weighed too much (research/story_study.cc on the labelled mix: with plain IDF
// no threshold gave NewsWCL50 B-cubed F1 >= 0.92 with ECB+ above 0.80;
// squared, 0.97 with 0.83). 0 for stop words (df > max(max_df_fraction *
// num_docs, min_stop_df)) and for df < min_df. Thread-safe.
double story_term_weight(uint32_t tf, uint32_t df, uint64_t num_docs,
                         const StoryOptions& options);

// Reduces documents to their salient terms. Not thread-safe: use one per
// thread; several may share one model.
class StoryFingerprinter {
 public:
  // `model` must outlive the fingerprinter. REQUIRES: validate(options).ok().
  StoryFingerprinter(const IdfModel* model, const StoryOptions& options);
  ~StoryFingerprinter();

  // Appends to `out` the fingerprint of `text` (raw UTF-8): the (at most)
  // terms_per_doc distinct terms of highest story_term_weight() (ties: the
  // smaller hash), with weights divided by their L2 norm, sorted by term
  // hash. Nothing is appended when no term has a positive weight. Returns
  // Corruption on invalid UTF-8 (nothing appended). O(bytes).
  Status fingerprint(std::string_view text, std::vector<StoryTerm>* out);

  // The same from term hashes (TermHasher output). Never fails.
  void fingerprint_terms(std::span<const uint64_t> terms,
                         std::vector<StoryTerm>* out);

 private:
  struct Scratch;
  const IdfModel* model_;
  StoryOptions options_;
  TermHasher hasher_;
  std::vector<uint64_t> terms_;
  std::unique_ptr<Scratch> scratch_;
};

// Cosine similarity of two fingerprints (sorted by term, unit norm): the sum
// of weight products over shared terms, in [0, 1] up to rounding. Pure.
double story_cosine(std::span<const StoryTerm> a, std::span<const StoryTerm> b);

// ---------------------------------------------------------------------------
// Clustering.

// The fingerprints of a run, DocId = order of append(). Stored flat: 12
// bytes per term plus 8 per document. Not thread-safe for writing; const
// methods may be called concurrently.
class StoryFingerprints {
 public:
  StoryFingerprints() { offsets_.push_back(0); }

  // Appends the next document's fingerprint (as from StoryFingerprinter,
  // possibly empty) and returns its DocId. REQUIRES: sorted by term with
  // distinct terms, fewer than 2^32 - 1 documents.
  DocId append(std::span<const StoryTerm> fingerprint);

  size_t size() const { return offsets_.size() - 1; }
  // REQUIRES: doc < size(). The views live until the next append().
  std::span<const uint64_t> terms(DocId doc) const {
    return {terms_.data() + offsets_[doc], terms_.data() + offsets_[doc + 1]};
  }
  std::span<const float> weights(DocId doc) const {
    return {weights_.data() + offsets_[doc],
            weights_.data() + offsets_[doc + 1]};
  }
  // Cosine of two stored fingerprints, as story_cosine().
  double cosine(DocId a, DocId b) const;

 private:
  std::vector<uint64_t> terms_;
  std::vector<float> weights_;
  std::vector<uint64_t> offsets_;
};

// A document's cluster: its representative and their similarity.
struct StoryAssignment {
  DocId representative = 0;  // == the document for itself and singletons
  // Similarity to the representative (see cluster_stories()), in [0, 1]; 1
  // for the representative. A member may be below min_similarity: linkage
  // bounds the cluster's mean, not each pair.
  float similarity = 1;
};

struct StoryClusterStats {
  uint64_t indexed_terms = 0;     // postings in the inverted index
  uint64_t skipped_postings = 0;  // terms over max_posting
  uint64_t candidate_pairs = 0;   // pairs sharing an unskipped term
  uint64_t similar_pairs = 0;     // of those, similarity >= edge_similarity
  uint64_t clusters = 0;          // including singletons
  uint64_t largest_cluster = 0;
  // Wall-clock seconds of the steps: building the index, scoring pairs
  // (the parallel part), and linkage with representatives (serial).
  double index_seconds = 0, score_seconds = 0, linkage_seconds = 0;
};

// Runs `body(task)` once for every task in [0, num_tasks), possibly
// concurrently and in any order. A pipeline passes a TBB parallel_for here;
// an empty function runs the tasks in order on the calling thread.
using StoryParallelFor = std::function<void(
    size_t num_tasks, const std::function<void(size_t task)>& body)>;

// Clusters the fingerprints. First drops, from every fingerprint, the terms
// found in more than max_posting fingerprints and renormalizes what is left
// ("similarity" below is the cosine of these reduced fingerprints). Then
// scores every pair that shares a term with an inverted index and keeps
// those with similarity >= edge_similarity. Then average linkage (Sokal &
// Michener 1958; Manning et al. 2008, section 17.3): starting from
// singletons, repeatedly merges the two clusters with the highest mean
// similarity over all pairs of their members (pairs not kept count as 0),
// ties to the smaller DocIds, while that mean is >= min_similarity. The
// representative of a cluster is its member with the largest sum of kept
// similarities to the other members (ties: the smaller DocId).
// Each document keeps only its max_edges_per_doc strongest pairs with
// earlier documents, which bounds the linkage's work on dense corpora.
// The result depends only on the fingerprints and options, not on threads or
// `parallel_for`. Documents with an empty fingerprint are singletons.
// Returns one assignment per document, or InvalidArgument for bad options or
// more than 2^31 - 1 fingerprint terms in all.
// Memory, besides the fingerprints: 12 bytes per fingerprint term (the
// index), about 45 bytes per kept pair (at most max_edges_per_doc per
// document), about 40 bytes per document, and 8 bytes per document for each
// concurrent task. Time: per document, the lengths of the posting lists of
// its terms (each at most max_posting); the linkage is serial, O(pairs) plus
// a heap operation per merge.
Result<std::vector<StoryAssignment>> cluster_stories(
    const StoryFingerprints& fingerprints, const StoryOptions& options,
    const StoryParallelFor& parallel_for = {},
    StoryClusterStats* stats = nullptr);

}  // namespace neardup

#endif  // NEARDUP_STORY_H_
