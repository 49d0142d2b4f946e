// The per-chunk work of the parallel stage: parse, shingle, fingerprint.

#ifndef NEARDUP_SRC_PIPELINE_CHUNK_WORKER_H_
#define NEARDUP_SRC_PIPELINE_CHUNK_WORKER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "neardup/options.h"
#include "neardup/pipeline.h"
#include "neardup/text.h"
#include "neardup/types.h"
#include "parse/record_parser.h"
#include "reader/jsonl_reader.h"

namespace neardup::internal {

struct DocRecord {
  Fingerprint fingerprint = 0;  // Algorithm::kSimHash only
  uint64_t line = 0;            // 0-based across all inputs
  uint32_t id_end = 0;          // end of the id in ChunkResult::ids
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
  std::vector<DocRecord> docs;
  std::string ids;  // concatenated; doc i spans [docs[i-1].id_end, id_end)
  std::vector<Rejection> rejects;
  // Algorithm::kMinHash: the 8-bit signatures of `docs`, one after another.
  std::vector<uint8_t> signatures;

  void clear() {
    docs.clear();
    signatures.clear();
    ids.clear();
    rejects.clear();
  }
};

// Reusable per-thread state. Not thread-safe: one per worker.
class ChunkWorker {
 public:
  explicit ChunkWorker(const DedupOptions& options);

  // Replaces `out` with the documents and rejected lines of `chunk`.
  void process(const Chunk& chunk, ChunkResult* out);

  // The sorted distinct shingle hashes of the record on `line` (a line that
  // process() accepted), for exact verification. Returns false if the line
  // is no longer a valid record (the input changed since).
  bool shingle_set(std::string_view line, std::vector<uint64_t>* out);

 private:
  RecordParser parser_;
  Shingler shingler_;
  ParsedRecord record_;
  std::vector<uint64_t> shingles_;
  Algorithm algorithm_;
  std::vector<uint64_t> signature_;  // full 64-bit MinHash entries
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_CHUNK_WORKER_H_
