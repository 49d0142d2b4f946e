// What pass 1 keeps per document, and the steps after it that need no
// threads: grouping equal fingerprints, and writing the outputs.

#ifndef NEARDUP_SRC_PIPELINE_CORPUS_H_
#define NEARDUP_SRC_PIPELINE_CORPUS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neardup/index.h"
#include "neardup/lsh.h"
#include "neardup/pipeline.h"
#include "neardup/story.h"
#include "neardup/types.h"
#include "pipeline/chunk_worker.h"
#include "pipeline/id_column.h"
#include "spill/external_lsh.h"
#include "write/byte_sink.h"

namespace neardup::internal {

// Per-document columns, in input order: 4 bytes (the id's end) and one bit
// per document, plus the id text and the fingerprint: 8 bytes of SimHash or
// signature_length bytes of 8-bit MinHash signature and kBandCheckBytes per
// band of band checks; MinHash adds 4 bytes for where the line starts. Line
// numbers are not stored per document: doc i is on the line after
// doc i - 1's unless `line_jumps` says otherwise, which it does only after
// rejected lines.
struct Corpus {
  std::vector<Fingerprint> fingerprints;  // Algorithm::kSimHash
  // Algorithm::kMinHash: sketch records, the signature_length bytes of the
  // signature then kBandCheckBytes per band of band checks; in memory, or
  // after spill_sketches() in `sketch_file` (and `signatures` is empty).
  SignatureTable signatures{1};
  std::unique_ptr<SketchFile> sketch_file;
  int signature_length = 0;
  bool story = false;  // Mode::kStory
  StoryFingerprints story_fingerprints;
  // Mode::kStory, after clustering: similarity to the representative.
  std::vector<float> story_similarity;
  IdColumn ids;
  std::vector<bool> empty;  // no tokens
  // (doc, its 0-based line across all inputs) for each doc not on the line
  // after its predecessor's (doc 0: not on line 0).
  std::vector<std::pair<DocId, uint64_t>> line_jumps;
  uint64_t next_line = 0;  // where the next appended doc is expected
  // Algorithm::kMinHash: where each document's line starts, so that exact
  // verification can read it back: 4 bytes per document from its chunk's
  // place. A chunk whose input cannot be read by offset has kNoPlace.
  struct ChunkPlace {
    DocId first_doc = 0;
    uint32_t input = 0;
    uint64_t base = 0;  // offset in the input, or kNoPlace
  };
  static constexpr uint64_t kNoPlace = ~uint64_t{0};
  std::vector<ChunkPlace> chunk_places;
  BlockArray<uint32_t> line_offsets;  // from the chunk's base

  size_t size() const { return ids.size(); }
  // A document's signature. With the sketches in a file, the span is one
  // of two cached signatures: it stays valid until two calls for other
  // documents, and calls are not thread-safe; a read error returns zeros
  // and is kept in read_failure().
  std::span<const uint8_t> signature(DocId doc) const;
  // REQUIRES: the sketches in memory (no sketch_file).
  std::span<const uint8_t> band_checks(DocId doc) const {
    return signatures[doc].subspan(static_cast<size_t>(signature_length));
  }
  const Status& read_failure() const { return cache_.failure; }
  // Bytes of the per-document columns (ids, offsets, flags), which stay in
  // memory when the sketches go to disk.
  uint64_t column_bytes() const;
  std::string_view id(DocId doc) const { return ids.id(doc); }
  // Appends one chunk's documents. Fails only on writing `sketch_file`.
  Status append(const ChunkResult& result);
  // Moves the sketch records (of `bands` bands of `rows`) to new files in
  // `space`, where those of documents appended later go too.
  Status spill_sketches(TempSpace* space, int bands, int rows);
  // Sets `input` and `offset` to where `doc`'s line starts and returns true,
  // or returns false if its input cannot be read by offset. O(log chunks).
  bool line_place(DocId doc, uint32_t* input, uint64_t* offset) const;

 private:
  struct SignatureCache {
    DocId doc[2] = {~DocId{0}, ~DocId{0}};
    std::vector<uint8_t> signature[2];
    int next = 0;  // the slot the next miss fills
    Status failure;
  };
  mutable SignatureCache cache_;
};

// Visits the documents' line numbers in input order.
class CorpusLines {
 public:
  explicit CorpusLines(const Corpus& corpus) : corpus_(corpus) { seek(); }
  bool done() const { return doc_ >= corpus_.size(); }
  DocId doc() const { return doc_; }
  uint64_t line() const { return line_; }
  void next() {
    ++doc_;
    ++line_;
    seek();
  }

 private:
  void seek() {
    const auto& jumps = corpus_.line_jumps;
    if (jump_ < jumps.size() && jumps[jump_].first == doc_) {
      line_ = jumps[jump_++].second;
    }
  }
  const Corpus& corpus_;
  DocId doc_ = 0;
  uint64_t line_ = 0;
  size_t jump_ = 0;
};

// Documents with equal fingerprints: `unique` is sorted; group g has `count[g]`
// members, the first (in input order) being `first_doc[g]`.
struct FingerprintGroups {
  std::vector<Fingerprint> unique;
  std::vector<DocId> first_doc;
  std::vector<uint32_t> count;
};

// Groups `sorted` (fingerprint, doc) pairs, sorted ascending. Appends a pair
// (first member, member) for every other member of each group to `pairs` and
// returns the number of document pairs with equal fingerprints.
uint64_t group_fingerprints(
    std::span<const std::pair<Fingerprint, DocId>> sorted,
    FingerprintGroups* groups, std::vector<DocPair>* pairs);

// dedup --against: each document's most similar entry of an index.
struct IndexVerdicts {
  static constexpr uint64_t kNoMatch = ~uint64_t{0};
  const Index* index = nullptr;
  std::vector<IndexMatch> best;  // entry kNoMatch if none
  bool matched(DocId doc) const {
    return index != nullptr && best[doc].entry != kNoMatch;
  }
};

// One clusters-file line: a document, its representative, and its
// similarity to it (MinHash or story) or its Hamming distance (SimHash).
struct ClusterLine {
  std::string_view id;
  std::string_view cluster;  // the representative's id
  bool representative = false;
  bool simhash = false;  // "distance" instead of "similarity"
  double similarity = 1;
  int distance = 0;
};

// Appends `line` from its opening brace up to, not including, the closing
// one, so that write_clusters() can add an index verdict.
void append_cluster_fields(const ClusterLine& line, std::string* out);

// Writes the clusters file: one JSON line per document, in input order, with
// the Hamming distance to the representative (SimHash) or the estimated
// Jaccard similarity to it (MinHash), and with `verdicts` (if not null) the
// document's match in the index.
Status write_clusters(const Corpus& corpus, std::span<const DocId> rep,
                      const IndexVerdicts* verdicts, ByteSink* sink);

// Writes the verified pairs, sorted, one JSON line each.
Status write_pairs(const Corpus& corpus, std::vector<DocPair> pairs,
                   ByteSink* sink);

// The RejectedLine of a chunk's rejection `r` of input `input` (the path as
// given); views into `input` and `r`.
RejectedLine rejected_line(std::string_view input, const Rejection& r);

// Formats one rejects-file line (with its newline) into `out`.
void format_rejection(std::string_view input, const RejectedLine& line,
                      std::string* out);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_CORPUS_H_
