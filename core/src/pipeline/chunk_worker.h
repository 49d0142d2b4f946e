// The per-chunk work of the parallel stage: parse, shingle, fingerprint.

#ifndef NEARDUP_SRC_PIPELINE_CHUNK_WORKER_H_
#define NEARDUP_SRC_PIPELINE_CHUNK_WORKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "neardup/options.h"
#include "neardup/pipeline.h"
#include "neardup/sketch.h"
#include "neardup/story.h"
#include "neardup/text.h"
#include "neardup/types.h"
#include "parse/record_parser.h"
#include "pipeline/streaming_jaccard.h"
#include "reader/jsonl_reader.h"

namespace neardup::internal {

struct DocRecord {
  Fingerprint fingerprint = 0;  // Algorithm::kSimHash only
  uint64_t line = 0;            // 0-based across all inputs
  uint64_t offset = 0;          // of the line in its input's bytes
  uint32_t id_end = 0;          // end of the id in ChunkResult::ids
  uint64_t id_hash = 0;         // id_hash() of the id
  bool empty = false;           // no tokens: never merged
};

struct Rejection {
  uint64_t file_line = 0;  // 0-based within the chunk's input
  uint64_t bytes = 0;
  RejectReason reason = RejectReason::kBadJson;
  std::string detail;
};

// What one chunk produced, in line order.
struct ChunkResult {
  uint32_t input = 0;     // Chunk::input
  bool seekable = false;  // Chunk::seekable: offsets can be read back
  std::vector<DocRecord> docs;
  std::string ids;  // concatenated; doc i spans [docs[i-1].id_end, id_end)
  std::vector<Rejection> rejects;
  // Algorithm::kMinHash: the sketch records of `docs` (the 8-bit signature,
  // then its band checks), one after another.
  std::vector<uint8_t> signatures;
  // Mode::kStory: the story fingerprints of `docs`, one after another, and
  // the number of terms of each.
  std::vector<StoryTerm> story_terms;
  std::vector<uint32_t> story_sizes;

  void clear() {
    docs.clear();
    signatures.clear();
    story_terms.clear();
    story_sizes.clear();
    ids.clear();
    rejects.clear();
  }
};

// Removes the documents at `sorted` (ascending indexes into out->docs) and
// their ids, signatures and story terms from `out`.
void remove_documents(const std::vector<size_t>& sorted, ChunkResult* out);

// Reusable per-thread state. Not thread-safe: one per worker.
class ChunkWorker {
 public:
  // `model` (Mode::kStory only) must outlive the worker.
  explicit ChunkWorker(const DedupOptions& options,
                       const IdfModel* model = nullptr);

  // Replaces `out` with the documents and rejected lines of `chunk`.
  void process(const Chunk& chunk, ChunkResult* out);

  // The shingle set of the record on `line` (a line that process()
  // accepted), for exact verification. Returns false if the line is no
  // longer a valid record (the input changed since).
  bool shingle_set(std::string_view line, ShingleSet* out);

  // Mode::kStory's first pass: adds the terms of every record of `chunk`
  // that process() would accept to `counter`. Rejected lines are skipped
  // (process() reports them in the next pass).
  void count_terms(const Chunk& chunk, DocFrequencyCounter* counter);

 private:
  // Appends `doc` with the current record's id (or its line number).
  void append_id(DocRecord doc, ChunkResult* out) const;

  RecordParser parser_;
  ParsedRecord record_;
  std::unique_ptr<Sketcher> sketcher_;  // Mode::kCopies
  Sketch sketch_;
  ShingleTable set_table_;  // shingle_set()'s scratch
  Mode mode_;
  Algorithm algorithm_;
  std::unique_ptr<StoryFingerprinter> fingerprinter_;
  std::vector<StoryTerm> story_fingerprint_;
  TermHasher term_hasher_;
  std::vector<uint64_t> terms_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_CHUNK_WORKER_H_
