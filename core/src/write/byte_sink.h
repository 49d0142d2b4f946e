// Output files: atomic (write/atomic_file.h), optionally compressed.

#ifndef NEARDUP_SRC_WRITE_BYTE_SINK_H_
#define NEARDUP_SRC_WRITE_BYTE_SINK_H_

#include <memory>
#include <string>
#include <string_view>

#include "neardup/status.h"

namespace neardup::internal {

// A buffered output. Not thread-safe. Until commit() the new file has no
// name (see AtomicFile), so destroying the sink without one, or killing the
// process, leaves the old file as it was and nothing else.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status append(std::string_view bytes) = 0;
  // Flushes, finishes compression and syncs, but leaves the file unnamed: a job
  // with several outputs finishes them all, then commits them all, so a full
  // disk on the last one replaces none. Idempotent; no append() after it.
  virtual Status finish() = 0;
  // finish(), then puts the file in place in one rename.
  virtual Status commit() = 0;
};

// Opens `path` for writing: "-" is stdout (not atomic), as is an existing
// path that is not a regular file (/dev/null); a path ending in .gz or .zst
// is compressed when `compress_by_extension`. The unnamed file is created at
// once, so an unwritable path fails here with IOError naming it.
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
