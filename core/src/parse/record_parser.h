// Extracts the id and text fields of one JSONL record with simdjson.

#ifndef NEARDUP_SRC_PARSE_RECORD_PARSER_H_
#define NEARDUP_SRC_PARSE_RECORD_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "neardup/pipeline.h"

namespace neardup::internal {

struct ParsedRecord {
  bool ok = false;
  RejectReason reason = RejectReason::kBadJson;  // when !ok
  std::string detail;                            // when !ok
  bool has_id = false;
  std::string id;         // the id as text (string value or number token)
  std::string_view text;  // unescaped; valid until the next parse()
};

// One reused simdjson parser. Not thread-safe: one per worker thread.
class RecordParser {
 public:
  RecordParser(std::string text_pointer, std::string id_pointer);
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // Parses `line` (no newline, no trailing CR). REQUIRES: kParsePadding
  // readable bytes after line.data() + line.size(). The line is accepted iff
  // it is exactly one valid JSON object (JSON whitespace around it allowed,
  // every value checked, not only the id and text) without a raw NUL byte,
  // the text pointer finds a string, and the id pointer finds a string, a
  // number, null or nothing. A pointer that leads nowhere finds nothing.
  void parse(std::string_view line, ParsedRecord* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PARSE_RECORD_PARSER_H_
