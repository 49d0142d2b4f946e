#include "reader/byte_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

namespace neardup::internal {

namespace {

constexpr size_t kInputBufferBytes = size_t{1} << 18;
// Bytes of an input decoded ahead to confirm a codec's magic.
constexpr size_t kDetectBytes = size_t{1} << 16;

std::string errno_text(int err) { return std::strerror(err); }

class FdSource final : public ByteSource, public PlainFile {
 public:
  // `size`: of a regular file, else 0.
  FdSource(int fd, bool owned, std::string path, bool regular_file = false,
           uint64_t size = 0)
      : fd_(fd),
        owned_(owned),
        regular_file_(regular_file),
        path_(std::move(path)),
        size_(size) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }

  PlainFile* plain_file() override { return regular_file_ ? this : nullptr; }
  uint64_t size() const override { return size_; }
  uint64_t mappable_end() const override {
    return (size_ + page_ - 1) / page_ * page_;
  }
  uint64_t position() const override {
    return raw_ - (peeked_.size() - peek_pos_);
  }
  Status seek(uint64_t offset) override {
    if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
      return Status::IOError(path_ + ": seek failed: " + errno_text(errno));
    }
    raw_ = offset;
    peeked_.clear();
    peek_pos_ = 0;
    return Status::OK();
  }
  FileView map(uint64_t offset, size_t length) const override {
    const uint64_t base = offset / page_ * page_;
    const size_t span = length + static_cast<size_t>(offset - base);
    void* mapped = ::mmap(nullptr, span, PROT_READ, MAP_PRIVATE, fd_,
                          static_cast<off_t>(base));
    if (mapped == MAP_FAILED) return {};
    return FileView(mapped, span,
                    static_cast<const char*>(mapped) + (offset - base));
  }

  Result<size_t> read(char* dst, size_t n) override {
    // Serve bytes that were peeked for format detection first.
    if (peek_pos_ < peeked_.size()) {
      const size_t take = std::min(n, peeked_.size() - peek_pos_);
      std::memcpy(dst, peeked_.data() + peek_pos_, take);
      peek_pos_ += take;
      return take;
    }
    while (true) {
      const ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) {
        raw_ += static_cast<uint64_t>(got);
        return static_cast<size_t>(got);
      }
      if (errno == EINTR) continue;
      return Status::IOError(path_ + ": read failed: " + errno_text(errno));
    }
  }

  uint64_t raw_bytes_read() const override { return raw_; }
  bool seekable() const override { return regular_file_; }

  // Reads up to `n` bytes ahead without consuming them.
  Result<std::string> peek(size_t n) {
    std::vector<char> buf(n);
    size_t have = 0;
    while (have < n) {
      Result<size_t> got = read(buf.data() + have, n - have);
      if (!got.ok()) return got.status();
      if (*got == 0) break;
      have += *got;
    }
    peeked_.assign(buf.data(), have);
    peek_pos_ = 0;
    return peeked_;
  }

 private:
  int fd_;
  bool owned_;
  bool regular_file_;
  std::string path_;
  uint64_t size_;
  uint64_t page_ = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t raw_ = 0;
  std::string peeked_;
  size_t peek_pos_ = 0;
};

class GzipSource final : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> raw, std::string path)
      : raw_(std::move(raw)), path_(std::move(path)), in_(kInputBufferBytes) {
    std::memset(&z_, 0, sizeof(z_));
    // 15 + 32: zlib or gzip header, detected automatically.
    init_ok_ = inflateInit2(&z_, 15 + 32) == Z_OK;
  }
  ~GzipSource() override { inflateEnd(&z_); }

  Result<size_t> read(char* dst, size_t n) override {
    if (!init_ok_) return Status::Internal(path_ + ": inflateInit2 failed");
    if (!pending_error_.ok()) return pending_error_;
    if (done_) return size_t{0};
    Result<size_t> got = inflate_into(dst, n);
    if (got.ok()) return got;
    // Hand out what was decoded before the damage; report it next time.
    const size_t produced = n - z_.avail_out;
    if (produced == 0) return got;
    pending_error_ = got.status();
    return produced;
  }

  uint64_t raw_bytes_read() const override { return raw_->raw_bytes_read(); }

 private:
  Result<size_t> inflate_into(char* dst, size_t n) {
    z_.next_out = reinterpret_cast<Bytef*>(dst);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0 && !raw_eof_) {
        Result<size_t> got = raw_->read(in_.data(), in_.size());
        if (!got.ok()) return got.status();
        if (*got == 0) {
          raw_eof_ = true;
        } else {
          z_.next_in = reinterpret_cast<Bytef*>(in_.data());
          z_.avail_in = static_cast<uInt>(*got);
        }
      }
      if (z_.avail_in == 0 && raw_eof_) {
        if (member_done_) {
          done_ = true;
          break;
        }
        return Status::Corruption(path_ + ": truncated gzip stream");
      }
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // A gzip file may hold several members; decode them all.
        member_done_ = true;
        inflateReset(&z_);
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Corruption(path_ + ": corrupt gzip data: " +
                                  (z_.msg ? z_.msg : "inflate failed"));
      }
      member_done_ = false;
      if (rc == Z_BUF_ERROR && z_.avail_in > 0) break;  // output full
    }
    return n - z_.avail_out;
  }

  std::unique_ptr<ByteSource> raw_;
  std::string path_;
  std::vector<char> in_;
  Status pending_error_;
  z_stream z_;
  bool init_ok_ = false;
  bool raw_eof_ = false;
  bool member_done_ = false;
  bool done_ = false;
};

class ZstdSource final : public ByteSource {
 public:
  ZstdSource(std::unique_ptr<ByteSource> raw, std::string path)
      : raw_(std::move(raw)),
        path_(std::move(path)),
        in_(ZSTD_DStreamInSize()),
        out_(ZSTD_DStreamOutSize()),
        stream_(ZSTD_createDStream()) {}
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }

  // Serves reads from out_, which decode() fills whole. zstd decodes a
  // frame that fits the output space in one step, all or nothing, so with
  // the caller's buffer what a damaged stream yields would depend on the
  // read sizes (and so on --chunk-bytes).
  Result<size_t> read(char* dst, size_t n) override {
    if (out_pos_ == out_end_) {
      if (!pending_error_.ok()) return pending_error_;
      Result<size_t> got = decode(out_.data(), out_.size());
      if (!got.ok()) return got;
      out_pos_ = 0;
      out_end_ = *got;
    }
    const size_t take = std::min(n, out_end_ - out_pos_);
    std::memcpy(dst, out_.data() + out_pos_, take);
    out_pos_ += take;
    return take;
  }

  uint64_t raw_bytes_read() const override { return raw_->raw_bytes_read(); }

 private:
  Result<size_t> decode(char* dst, size_t n) {
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos == 0) {
      if (in_buf_.pos == in_buf_.size && !raw_eof_) {
        Result<size_t> got = raw_->read(in_.data(), in_.size());
        if (!got.ok()) return got.status();
        if (*got == 0) raw_eof_ = true;
        in_buf_ = ZSTD_inBuffer{in_.data(), *got, 0};
      }
      const bool input_left = in_buf_.pos < in_buf_.size;
      const size_t in_before = in_buf_.pos;
      const size_t rc = ZSTD_decompressStream(stream_, &out, &in_buf_);
      if (ZSTD_isError(rc)) {
        Status error = Status::Corruption(
            path_ + ": corrupt zstd data: " + ZSTD_getErrorName(rc));
        // Hand out what was decoded before the damage; report it next time.
        if (out.pos == 0) return error;
        pending_error_ = std::move(error);
        return out.pos;
      }
      // 0 means a frame is complete and flushed; a call that made no progress
      // says nothing new.
      if (in_buf_.pos != in_before || out.pos > 0) frame_done_ = rc == 0;
      // At the end of the file, stop once the decoder has nothing to flush.
      if (raw_eof_ && !input_left && out.pos == 0) {
        if (!frame_done_) {
          return Status::Corruption(path_ + ": truncated zstd stream");
        }
        break;
      }
    }
    return out.pos;
  }

  std::unique_ptr<ByteSource> raw_;
  std::string path_;
  std::vector<char> in_;
  std::vector<char> out_;  // decoded bytes [out_pos_, out_end_) not yet read
  size_t out_pos_ = 0;
  size_t out_end_ = 0;
  ZSTD_DStream* stream_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  Status pending_error_;
  bool raw_eof_ = false;
  bool frame_done_ = true;
};

class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> read(char* dst, size_t n) override {
    const size_t take = std::min(n, data_.size() - pos_);
    std::memcpy(dst, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  uint64_t raw_bytes_read() const override { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class TeeSource final : public ByteSource {
 public:
  TeeSource(std::unique_ptr<ByteSource> inner, int fd, std::string fd_path)
      : inner_(std::move(inner)), fd_(fd), fd_path_(std::move(fd_path)) {}
  Result<size_t> read(char* dst, size_t n) override {
    Result<size_t> got = inner_->read(dst, n);
    if (!got.ok()) return got;
    size_t done = 0;
    while (done < *got) {
      const ssize_t put = ::write(fd_, dst + done, *got - done);
      if (put < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(fd_path_ +
                               ": write failed: " + errno_text(errno));
      }
      done += static_cast<size_t>(put);
    }
    return got;
  }
  uint64_t raw_bytes_read() const override { return inner_->raw_bytes_read(); }
  bool seekable() const override { return true; }

 private:
  std::unique_ptr<ByteSource> inner_;
  int fd_;
  std::string fd_path_;
};

}  // namespace

std::unique_ptr<ByteSource> tee_source(std::unique_ptr<ByteSource> inner,
                                       int fd, std::string fd_path) {
  return std::make_unique<TeeSource>(std::move(inner), fd, std::move(fd_path));
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

Compression sniff_magic(std::string_view head) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(head[i]); };
  if (head.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) {
    return Compression::kGzip;
  }
  if (head.size() >= 4 && byte(0) == 0x28 && byte(1) == 0xb5 &&
      byte(2) == 0x2f && byte(3) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

// True if `head` (the first bytes of the input; all of it if `whole`) is a
// valid start of a `kind` stream: the decoder consumes it without an error.
bool decodes_start(Compression kind, std::string_view head, bool whole) {
  std::vector<char> out(kInputBufferBytes);
  if (kind == Compression::kGzip) {
    z_stream z;
    std::memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(head.data()));
    z.avail_in = static_cast<uInt>(head.size());
    int rc = Z_OK;
    while (z.avail_in > 0 && rc == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      rc = inflate(&z, Z_NO_FLUSH);
      // A complete member may be followed by another: start it afresh.
      if (rc == Z_STREAM_END && z.avail_in > 0) rc = inflateReset(&z);
    }
    inflateEnd(&z);
    return rc == Z_OK || rc == Z_STREAM_END || (rc == Z_BUF_ERROR && !whole);
  }
  ZSTD_DStream* stream = ZSTD_createDStream();
  ZSTD_inBuffer in{head.data(), head.size(), 0};
  bool ok = stream != nullptr;
  while (ok && in.pos < in.size) {
    ZSTD_outBuffer sink{out.data(), out.size(), 0};
    ok = !ZSTD_isError(ZSTD_decompressStream(stream, &sink, &in));
  }
  ZSTD_freeDStream(stream);
  return ok;
}

// The container of an input. The first bytes must carry a codec's magic and
// decode: a plain JSONL file whose first line happens to begin with the magic
// is read as text, so no line is lost to a failed decode. Only a file whose
// name also says the codec (.gz, .zst) is taken as damaged when its start does
// not decode, and then reported as such.
Result<Compression> detect_compression(FdSource* raw, const std::string& path) {
  Result<std::string> head = raw->peek(4);
  if (!head.ok()) return head.status();
  const Compression kind = sniff_magic(*head);
  if (kind == Compression::kNone) return kind;
  const bool named = (kind == Compression::kGzip && ends_with(path, ".gz")) ||
                     (kind == Compression::kZstd && ends_with(path, ".zst"));
  if (named) return kind;
  head = raw->peek(kDetectBytes);
  if (!head.ok()) return head.status();
  const bool whole = head->size() < kDetectBytes;
  return decodes_start(kind, *head, whole) ? kind : Compression::kNone;
}

}  // namespace

Result<std::unique_ptr<ByteSource>> open_source(const std::string& path,
                                                uint64_t* size_bytes,
                                                Compression* compression) {
  std::unique_ptr<FdSource> raw;
  uint64_t size = 0;
  if (path == "-") {
    raw = std::make_unique<FdSource>(STDIN_FILENO, /*owned=*/false, "<stdin>");
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IOError(path + ": cannot open: " + errno_text(err));
    }
    struct stat st;
    bool regular = false;
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Status::IOError(path + ": is a directory");
      }
      regular = S_ISREG(st.st_mode);
      if (regular) size = static_cast<uint64_t>(st.st_size);
    }
    raw = std::make_unique<FdSource>(fd, /*owned=*/true, path, regular, size);
  }
  if (size_bytes != nullptr) *size_bytes = size;
  const std::string name = path == "-" ? "<stdin>" : path;
  Result<Compression> kind = detect_compression(raw.get(), path);
  if (!kind.ok()) return kind.status();
  if (compression != nullptr) *compression = *kind;
  switch (*kind) {
    case Compression::kGzip:
      return std::unique_ptr<ByteSource>(
          std::make_unique<GzipSource>(std::move(raw), name));
    case Compression::kZstd:
      return std::unique_ptr<ByteSource>(
          std::make_unique<ZstdSource>(std::move(raw), name));
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteSource>(std::move(raw));
}

FileView& FileView::operator=(FileView&& other) noexcept {
  if (this != &other) {
    reset();
    std::swap(base_, other.base_);
    std::swap(length_, other.length_);
    std::swap(data_, other.data_);
  }
  return *this;
}

void FileView::reset() {
  if (base_ != nullptr) ::munmap(base_, length_);
  base_ = nullptr;
  length_ = 0;
  data_ = nullptr;
}

std::unique_ptr<ByteSource> string_source(std::string data) {
  return std::make_unique<StringSource>(std::move(data));
}

Result<size_t> pread_full(int fd, const std::string& path, char* dst, size_t n,
                          uint64_t offset) {
  size_t have = 0;
  while (have < n) {
    const ssize_t got =
        ::pread(fd, dst + have, n - have, static_cast<off_t>(offset + have));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return Status::IOError(path + ": read failed: " + std::strerror(errno));
    }
    if (got == 0) break;
    have += static_cast<size_t>(got);
  }
  return have;
}

}  // namespace neardup::internal
