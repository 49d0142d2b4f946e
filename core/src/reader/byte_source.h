// Byte sources: files, stdin, and gzip/zstd decoders over them.

#ifndef NEARDUP_SRC_READER_BYTE_SOURCE_H_
#define NEARDUP_SRC_READER_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "neardup/status.h"

namespace neardup::internal {

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
