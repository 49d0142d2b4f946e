#include "spill/temp_file.h"

#include <sys/resource.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "reader/byte_source.h"
#include "write/atomic_file.h"

namespace neardup::internal {

namespace {

// Appends are written in pieces of this size.
constexpr size_t kWriteBuffer = size_t{1} << 20;

}  // namespace

void release_free_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

size_t max_open_temp_files() {
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 16;
  const uint64_t soft =
      limit.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : limit.rlim_cur;
  return static_cast<size_t>(std::clamp<uint64_t>(soft / 8, 16, 1024));
}

void TempSpace::add(uint64_t bytes) {
  const uint64_t held = held_.fetch_add(bytes) + bytes;
  written_.fetch_add(bytes);
  uint64_t peak = peak_.load();
  while (held > peak && !peak_.compare_exchange_weak(peak, held)) {
  }
}

void TempSpace::remove(uint64_t bytes) { held_.fetch_sub(bytes); }

Result<std::unique_ptr<TempFile>> TempFile::Create(TempSpace* space) {
  Result<int> fd = open_unnamed_temp(space->dir());
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<TempFile>(new TempFile(space, *fd));
}

TempFile::~TempFile() {
  ::close(fd_);
  space_->remove(flushed_);
}

Status TempFile::io_error(const char* what) const {
  return Status::IOError(space_->dir() + ": " + what +
                         " a temporary file: " + std::strerror(errno));
}

Status TempFile::append(const void* data, size_t bytes) {
  const char* p = static_cast<const char*>(data);
  if (buffer_.capacity() < kWriteBuffer) buffer_.reserve(kWriteBuffer);
  while (bytes > 0) {
    const size_t n = std::min(bytes, kWriteBuffer - buffer_.size());
    buffer_.insert(buffer_.end(), p, p + n);
    p += n;
    bytes -= n;
    if (buffer_.size() == kWriteBuffer) NEARDUP_RETURN_IF_ERROR(flush());
  }
  return Status::OK();
}

Status TempFile::flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::pwrite(fd_, buffer_.data() + done,
                               buffer_.size() - done, flushed_ + done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      return io_error("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  flushed_ += done;
  space_->add(done);
  buffer_.clear();
  return Status::OK();
}

Status TempFile::read(uint64_t offset, void* out, size_t bytes) const {
  Result<size_t> got = pread_full(fd_, space_->dir() + ": a temporary file",
                                  static_cast<char*>(out), bytes, offset);
  if (!got.ok()) return got.status();
  if (*got != bytes) {  // shorter than written: the file was cut
    return Status::IOError(space_->dir() +
                           ": a temporary file is shorter than written");
  }
  return Status::OK();
}

bool TempFileReader::refill_and_copy(void* out, size_t bytes) {
  char* p = static_cast<char*>(out);
  while (bytes > 0) {
    if (begin_ == filled_) {
      if (offset_ >= end_ || !status_.ok()) return false;
      const size_t n = static_cast<size_t>(
          std::min<uint64_t>(buffer_.size(), end_ - offset_));
      status_ = file_->read(offset_, buffer_.data(), n);
      if (!status_.ok()) return false;
      offset_ += n;
      begin_ = 0;
      filled_ = n;
    }
    const size_t n = std::min(bytes, filled_ - begin_);
    std::memcpy(p, buffer_.data() + begin_, n);
    begin_ += n;
    p += n;
    bytes -= n;
  }
  return true;
}

}  // namespace neardup::internal
