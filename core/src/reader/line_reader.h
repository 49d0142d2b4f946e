// Reads single lines back from regular files by offset: exact verification
// rereads only the documents it needs.

#ifndef NEARDUP_SRC_READER_LINE_READER_H_
#define NEARDUP_SRC_READER_LINE_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "neardup/status.h"

namespace neardup::internal {

// Thread-safe once open() has returned (reads are pread()s).
class LineReader {
 public:
  LineReader(std::vector<std::string> paths, size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Opens every path. NotFound or IOError naming the path.
  [[nodiscard]] Status open();

  // Replaces `line` with the bytes of input `input` from `offset` up to the
  // next '\n' (not included) or the end of the file; kParsePadding readable
  // bytes follow line->data() + line->size(). IOError naming the path if the
  // read fails or finds no line end within max_line_bytes (the file changed).
  [[nodiscard]] Status read_line(uint32_t input, uint64_t offset,
                                 std::string* line) const;

 private:
  std::vector<std::string> paths_;
  std::vector<int> fds_;
  size_t max_line_bytes_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_READER_LINE_READER_H_
