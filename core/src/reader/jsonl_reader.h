// Cuts a sequence of inputs into chunks of whole lines for the workers.

#ifndef NEARDUP_SRC_READER_JSONL_READER_H_
#define NEARDUP_SRC_READER_JSONL_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "neardup/status.h"
#include "reader/byte_source.h"

namespace neardup::internal {

// simdjson reads up to 64 bytes past the end of a document; every chunk keeps
// that much spare space after its data (simdjson's SIMDJSON_PADDING).
inline constexpr size_t kParsePadding = 64;

enum class LineKind : uint8_t {
  kComplete,  // ended by '\n'
  kLast,      // the input's last line, without '\n'
  kTooLong,   // longer than max_line_bytes; its bytes are not kept
  // Tail of an input whose decompression failed. If it is longer than
  // max_line_bytes, its bytes are not kept either (as for kTooLong).
  kTruncated,
};

struct LineSpan {
  size_t offset = 0;  // into Chunk::data(); 0 for kTooLong
  size_t length = 0;  // bytes without the '\n' (for kTooLong, the full length)
  LineKind kind = LineKind::kComplete;
};

// Whole lines of one input: a view into a mapped plain file, or a copy.
// `data()` stays readable kParsePadding bytes past `size()`.
class Chunk {
 public:
  const char* data() const { return view_ ? view_.data() : buffer_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }  // excluding the padding
  bool mapped() const { return static_cast<bool>(view_); }

  uint32_t input = 0;            // index into the reader's inputs
  uint64_t first_line = 0;       // 0-based line number across all inputs
  uint64_t first_file_line = 0;  // 0-based line number within `input`
  // Offset of data()[0] in the input's (decompressed) bytes. Lines after a
  // kTooLong line stand that line's length + 1 further on, as its bytes are
  // not kept.
  uint64_t stream_offset = 0;
  // The input's bytes can be read back by offset (ByteSource::seekable()).
  bool seekable = false;
  std::vector<LineSpan> lines;
  std::string input_error;  // why the input ended early, for kTruncated

 private:
  friend class JsonlReader;
  void reserve(size_t bytes);  // keeps the first size_ bytes

  FileView view_;  // when set, the data instead of buffer_
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Opens a source for an input path; tests substitute string sources.
using SourceOpener = std::function<Result<std::unique_ptr<ByteSource>>(
    const std::string& path, uint64_t* size_bytes)>;

// Serial: one thread calls next() at a time. Lines are split at '\n'; a UTF-8
// byte order mark at the start of an input is dropped; a line longer than
// `max_line_bytes` is skipped without being buffered. Chunks of a plain
// regular file are mapped, not copied (a file cut shorter while it is read
// then ends the process with SIGBUS, as with any mapped input).
class JsonlReader {
 public:
  JsonlReader(std::vector<std::string> inputs, size_t chunk_bytes,
              size_t max_line_bytes, SourceOpener opener = {});

  // Fills `chunk` with the next lines (at least one) and returns true, or
  // returns false at the end of the last input. Returns the error of an input
  // that cannot be opened or read (not for damaged compressed data, which
  // ends that input with a kTruncated line).
  Result<bool> next(Chunk* chunk);

  const std::vector<std::string>& inputs() const { return inputs_; }
  uint64_t raw_bytes_read() const;                // over all inputs so far
  uint64_t bytes_read() const { return bytes_; }  // after decompression
  // Sum of input file sizes known when they were opened.
  uint64_t total_bytes() const { return total_bytes_; }
  void set_total_bytes(uint64_t bytes) { total_bytes_ = bytes; }

 private:
  Status open_next();
  // Fills `chunk` with a view of the plain file's next lines; false if they
  // must be read by copy instead (a line longer than a chunk or than
  // max_line_bytes_, the file's last page, the end of the file).
  Result<bool> next_mapped(Chunk* chunk);
  // Puts the bytes of carry_ back into the plain file, to be mapped.
  Status return_carry();
  // Reads into chunk; returns 0 at end of input (sets error on corruption).
  Result<size_t> fill(Chunk* chunk, size_t want);
  void add_line(Chunk* chunk, size_t offset, size_t length, LineKind kind);

  std::vector<std::string> inputs_;
  size_t chunk_bytes_;
  size_t max_line_bytes_;
  SourceOpener opener_;

  size_t next_input_ = 0;
  int current_ = -1;
  std::unique_ptr<ByteSource> source_;
  PlainFile* plain_ = nullptr;  // source_'s, if it reads a plain file
  std::string carry_;           // bytes of an unfinished line
  std::string input_error_;
  bool input_failed_ = false;
  uint64_t line_ = 0;
  uint64_t file_line_ = 0;
  uint64_t input_bytes_ = 0;  // decompressed bytes read from this input
  uint64_t bytes_ = 0;
  uint64_t raw_done_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_READER_JSONL_READER_H_
