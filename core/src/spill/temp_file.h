// Unnamed temporary files for the stages that spill to disk when the
// in-memory state would pass DedupOptions::memory_limit_bytes.

#ifndef NEARDUP_SRC_SPILL_TEMP_FILE_H_
#define NEARDUP_SRC_SPILL_TEMP_FILE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "neardup/status.h"

namespace neardup::internal {

// Where a run's temporary files go, and how much disk they take: the bytes
// held now, the most held at once, and all bytes written. Thread-safe.
class TempSpace {
 public:
  explicit TempSpace(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  void add(uint64_t bytes);
  void remove(uint64_t bytes);
  uint64_t held_bytes() const { return held_.load(); }
  uint64_t peak_bytes() const { return peak_.load(); }
  uint64_t written_bytes() const { return written_.load(); }

 private:
  std::string dir_;
  std::atomic<uint64_t> held_{0}, peak_{0}, written_{0};
};

// An append-then-read temporary file with no name (open_unnamed_temp()):
// it disappears when closed, by the destructor or by the process's end,
// so neither a failed nor a killed run leaves anything in the directory.
// Appends are buffered; read() sees them after flush(). Errors name the
// directory. One writer; read() is thread-safe after flush().
class TempFile {
 public:
  static Result<std::unique_ptr<TempFile>> Create(TempSpace* space);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  Status append(const void* data, size_t bytes);
  Status flush();
  // Reads exactly `bytes` at `offset` into `out`. REQUIRES: within size().
  Status read(uint64_t offset, void* out, size_t bytes) const;
  // Bytes appended, flushed or not.
  uint64_t size() const { return flushed_ + buffer_.size(); }

 private:
  TempFile(TempSpace* space, int fd) : space_(space), fd_(fd) {}
  Status io_error(const char* what) const;

  TempSpace* space_;
  int fd_;
  uint64_t flushed_ = 0;
  std::vector<char> buffer_;
};

// Returns the heap's free memory to the system. A run under a memory limit
// calls it after freeing a large step's buffers: glibc keeps freed memory
// in per-thread arenas, resident (measured: about 1 GB of a 2 GB limit
// after the sketches were spilled), unless trimmed. No-op elsewhere.
void release_free_memory();

// How many temporary files one sort may hold open: an eighth of the
// process's limit on open files (RLIMIT_NOFILE), within [16, 1024].
size_t max_open_temp_files();

// Reads a TempFile from `offset` to `end` in buffered pieces.
class TempFileReader {
 public:
  TempFileReader(const TempFile* file, uint64_t offset, uint64_t end,
                 size_t buffer_bytes)
      : file_(file), offset_(offset), end_(end), buffer_(buffer_bytes) {}
  // Copies the next `bytes` into `out`; false at the end. An error is kept
  // in status().
  bool next(void* out, size_t bytes) {
    if (filled_ - begin_ >= bytes) {  // inlined: merges call it per value
      std::memcpy(out, buffer_.data() + begin_, bytes);
      begin_ += bytes;
      return true;
    }
    return refill_and_copy(out, bytes);
  }
  const Status& status() const { return status_; }

 private:
  bool refill_and_copy(void* out, size_t bytes);

  const TempFile* file_;
  uint64_t offset_, end_;
  std::vector<char> buffer_;
  size_t begin_ = 0, filled_ = 0;
  Status status_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_SPILL_TEMP_FILE_H_
