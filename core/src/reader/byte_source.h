// Byte sources: files, stdin, and gzip/zstd decoders over them.

#ifndef NEARDUP_SRC_READER_BYTE_SOURCE_H_
#define NEARDUP_SRC_READER_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "neardup/status.h"

namespace neardup::internal {

// A read-only mapping of part of a file, unmapped when destroyed.
class FileView {
 public:
  FileView() = default;
  FileView(void* base, size_t length, const char* data)
      : base_(base), length_(length), data_(data) {}
  FileView(FileView&& other) noexcept { *this = std::move(other); }
  FileView& operator=(FileView&& other) noexcept;
  FileView(const FileView&) = delete;
  FileView& operator=(const FileView&) = delete;
  ~FileView() { reset(); }

  const char* data() const { return data_; }  // the byte asked for
  explicit operator bool() const { return data_ != nullptr; }
  void reset();

 private:
  void* base_ = nullptr;  // page-aligned start of the mapping
  size_t length_ = 0;
  const char* data_ = nullptr;
};

// The random-access side of a source that reads a regular file as it is
// (no decoder): the reader maps whole chunks of it instead of copying them.
class PlainFile {
 public:
  virtual ~PlainFile() = default;
  virtual uint64_t size() const = 0;  // when opened
  // Bytes [0, mappable_end()) can be mapped: the file's size rounded up to
  // whole pages, the bytes past its end reading as zero.
  virtual uint64_t mappable_end() const = 0;
  virtual uint64_t position() const = 0;  // of the next byte read() returns
  // read() goes on from `offset` (<= size()). IOError names the path.
  virtual Status seek(uint64_t offset) = 0;
  // Maps [offset, offset + length), which must lie below mappable_end(); an
  // empty view if the system refuses (the caller reads instead).
  virtual FileView map(uint64_t offset, size_t length) const = 0;
};

// A forward-only stream of bytes. Not thread-safe.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `dst`; returns 0 only at the end. Returns
  // Corruption for damaged compressed data (including a truncated stream) and
  // IOError for a failed read; the source is unusable afterwards.
  virtual Result<size_t> read(char* dst, size_t n) = 0;
  // Bytes consumed from the underlying file (compressed bytes).
  virtual uint64_t raw_bytes_read() const = 0;
  // True if the bytes read stand at the same offsets in a regular file that
  // the second pass can read at random (the input itself, uncompressed, or
  // the spool of a tee_source()), so that a line can be read back by offset.
  virtual bool seekable() const { return false; }
  // Not null for a regular file read without a decoder.
  virtual PlainFile* plain_file() { return nullptr; }
};

enum class Compression { kNone, kGzip, kZstd };

// Opens `path` ("-" = stdin) and wraps it in a decoder chosen from its first
// bytes (gzip 1f 8b, zstd 28 b5 2f fd). The magic alone is not enough: the
// first 64 KiB must decode too, or the input is read as plain text, unless
// the name says the codec (.gz, .zst), which makes the file a damaged stream.
// NotFound or IOError name the path.
// `size_bytes`, if not null, receives the file size (0 for pipes/stdin).
Result<std::unique_ptr<ByteSource>> open_source(const std::string& path,
                                                uint64_t* size_bytes,
                                                Compression* compression);

// Passes `inner` through, copying every byte read to the open file `fd`
// (used to keep stdin for the second pass that writes the output). Seekable:
// the copy holds every byte at the offset it was read at.
std::unique_ptr<ByteSource> tee_source(std::unique_ptr<ByteSource> inner,
                                       int fd, std::string fd_path);

// Reads up to `n` bytes of `fd` at `offset` into `dst`, retrying short
// reads and EINTR; short only at the end of the file. IOError names `path`.
// Thread-safe (pread).
Result<size_t> pread_full(int fd, const std::string& path, char* dst, size_t n,
                          uint64_t offset);

// Serves `data` as a source (tests).
std::unique_ptr<ByteSource> string_source(std::string data);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_READER_BYTE_SOURCE_H_
