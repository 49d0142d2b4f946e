#include "reader/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "reader/jsonl_reader.h"

namespace neardup::internal {

namespace {

// Most news records are a few KB: one read usually finds the line's end, and
// a longer line doubles the read.
constexpr size_t kFirstReadBytes = size_t{8} << 10;

}  // namespace

LineReader::LineReader(std::vector<std::string> paths, size_t max_line_bytes)
    : paths_(std::move(paths)), max_line_bytes_(max_line_bytes) {}

LineReader::~LineReader() {
  for (int fd : fds_) ::close(fd);
}

Status LineReader::open() {
  for (const std::string& path : paths_) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IOError(path + ": cannot open: " + std::strerror(err));
    }
    fds_.push_back(fd);
  }
  return Status::OK();
}

Status LineReader::read_line(uint32_t input, uint64_t offset,
                             std::string* line) const {
  line->clear();
  size_t want = kFirstReadBytes;
  while (true) {
    const size_t have = line->size();
    line->resize(have + want);
    ssize_t got;
    do {
      got = ::pread(fds_[input], line->data() + have, want,
                    static_cast<off_t>(offset + have));
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      return Status::IOError(paths_[input] +
                             ": read failed: " + std::strerror(errno));
    }
    const void* end =
        std::memchr(line->data() + have, '\n', static_cast<size_t>(got));
    const size_t length =
        end != nullptr
            ? static_cast<size_t>(static_cast<const char*>(end) - line->data())
            : have + static_cast<size_t>(got);
    if (length > max_line_bytes_) {
      return Status::IOError(paths_[input] +
                             ": changed since it was first read");
    }
    if (end != nullptr || got == 0) {
      // Defined padding bytes for the parser, kept as capacity.
      line->resize(length);
      line->append(kParsePadding, ' ');
      line->resize(length);
      return Status::OK();
    }
    line->resize(length);
    want = length;
  }
}

}  // namespace neardup::internal
