// Output files: atomic (temporary file + rename), optionally compressed.

#ifndef NEARDUP_SRC_WRITE_BYTE_SINK_H_
#define NEARDUP_SRC_WRITE_BYTE_SINK_H_

#include <memory>
#include <string>
#include <string_view>

#include "neardup/status.h"

namespace neardup::internal {

// A buffered output. Not thread-safe. Destroying a sink without a successful
// commit() removes its temporary file, so no half-written output remains.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status append(std::string_view bytes) = 0;
  // Flushes, finishes compression, and renames the file into place.
  virtual Status commit() = 0;
};

// Opens `path` for writing: "-" is stdout (not atomic); a path ending in .gz
// or .zst is compressed when `compress_by_extension`. The temporary file is
// created at once, so an unwritable path fails here with IOError naming it.
Result<std::unique_ptr<ByteSink>> open_sink(const std::string& path,
                                            bool compress_by_extension);

// Appends `s` to `out` JSON-escaped, without quotes: '"', '\\' and control
// characters are escaped, every other byte copied. Thread-safe.
void append_json_escaped(std::string_view s, std::string* out);

// Appends `s` to `out` as a JSON string literal, quotes included. `s` must be
// valid UTF-8.
void append_json_string(std::string_view s, std::string* out);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_WRITE_BYTE_SINK_H_
