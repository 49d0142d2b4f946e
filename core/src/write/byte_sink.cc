#include "write/byte_sink.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "write/atomic_file.h"

namespace neardup::internal {

namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// Raw bytes to a file descriptor.
class FdWriter {
 public:
  FdWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status write(const char* data, size_t n) {
    while (n > 0) {
      const ssize_t put = ::write(fd_, data, n);
      if (put < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(path_ +
                               ": write failed: " + std::strerror(errno));
      }
      data += put;
      n -= static_cast<size_t>(put);
    }
    return Status::OK();
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

enum class Codec { kNone, kGzip, kZstd };

class FileSink final : public ByteSink {
 public:
  static Result<std::unique_ptr<ByteSink>> open(const std::string& path,
                                                Codec codec) {
    std::unique_ptr<AtomicFile> file;
    if (path != "-") {
      Result<std::unique_ptr<AtomicFile>> created = AtomicFile::create(path);
      if (!created.ok()) return created.status();
      file = std::move(created).value();
    }
    const int fd = file ? file->fd() : STDOUT_FILENO;
    auto sink = std::unique_ptr<FileSink>(
        new FileSink(fd, path, std::move(file), codec));
    NEARDUP_RETURN_IF_ERROR(sink->init());
    return std::unique_ptr<ByteSink>(std::move(sink));
  }

  ~FileSink() override {
    if (gzip_ready_) deflateEnd(&gz_);
    if (zstd_ != nullptr) ZSTD_freeCStream(zstd_);
  }

  Status append(std::string_view bytes) override {
    buffer_.append(bytes);
    if (buffer_.size() >= kBufferBytes) return flush_buffer(false);
    return Status::OK();
  }

  Status finish() override {
    if (finished_) return Status::OK();
    NEARDUP_RETURN_IF_ERROR(flush_buffer(true));
    if (file_) NEARDUP_RETURN_IF_ERROR(file_->sync());
    finished_ = true;
    return Status::OK();
  }

  Status commit() override {
    NEARDUP_RETURN_IF_ERROR(finish());
    return file_ ? file_->commit() : Status::OK();  // stdout: nothing to do
  }

 private:
  FileSink(int fd, std::string path, std::unique_ptr<AtomicFile> file,
           Codec codec)
      : writer_(fd, path),
        path_(std::move(path)),
        file_(std::move(file)),
        codec_(codec) {}

  Status init() {
    if (codec_ == Codec::kGzip) {
      std::memset(&gz_, 0, sizeof(gz_));
      // 15 + 16: a gzip header rather than zlib's.
      if (deflateInit2(&gz_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK) {
        return Status::Internal(path_ + ": deflateInit2 failed");
      }
      gzip_ready_ = true;
    } else if (codec_ == Codec::kZstd) {
      zstd_ = ZSTD_createCStream();
      if (zstd_ == nullptr || ZSTD_isError(ZSTD_CCtx_setParameter(
                                  zstd_, ZSTD_c_compressionLevel, 3))) {
        return Status::Internal(path_ + ": ZSTD_createCStream failed");
      }
    }
    return Status::OK();
  }

  Status flush_buffer(bool finish) {
    switch (codec_) {
      case Codec::kNone:
        NEARDUP_RETURN_IF_ERROR(writer_.write(buffer_.data(), buffer_.size()));
        break;
      case Codec::kGzip: {
        gz_.next_in = reinterpret_cast<Bytef*>(buffer_.data());
        gz_.avail_in = static_cast<uInt>(buffer_.size());
        int rc;
        do {
          gz_.next_out = reinterpret_cast<Bytef*>(out_.data());
          gz_.avail_out = static_cast<uInt>(out_.size());
          rc = deflate(&gz_, finish ? Z_FINISH : Z_NO_FLUSH);
          if (rc == Z_STREAM_ERROR) {
            return Status::Internal(path_ + ": deflate failed");
          }
          NEARDUP_RETURN_IF_ERROR(
              writer_.write(out_.data(), out_.size() - gz_.avail_out));
        } while (gz_.avail_out == 0 || (finish && rc != Z_STREAM_END));
        break;
      }
      case Codec::kZstd: {
        ZSTD_inBuffer in{buffer_.data(), buffer_.size(), 0};
        const ZSTD_EndDirective mode = finish ? ZSTD_e_end : ZSTD_e_continue;
        size_t remaining;
        do {
          ZSTD_outBuffer out{out_.data(), out_.size(), 0};
          remaining = ZSTD_compressStream2(zstd_, &out, &in, mode);
          if (ZSTD_isError(remaining)) {
            return Status::Internal(path_ + ": " +
                                    ZSTD_getErrorName(remaining));
          }
          NEARDUP_RETURN_IF_ERROR(writer_.write(out_.data(), out.pos));
        } while (finish ? remaining != 0 : in.pos < in.size);
        break;
      }
    }
    buffer_.clear();
    return Status::OK();
  }

  FdWriter writer_;
  std::string path_;
  std::unique_ptr<AtomicFile> file_;  // null for stdout
  Codec codec_;
  std::string buffer_;
  std::vector<char> out_ = std::vector<char>(kBufferBytes);
  z_stream gz_;
  bool gzip_ready_ = false;
  ZSTD_CStream* zstd_ = nullptr;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<ByteSink>> open_sink(const std::string& path,
                                            bool compress_by_extension) {
  Codec codec = Codec::kNone;
  if (compress_by_extension && ends_with(path, ".gz")) codec = Codec::kGzip;
  if (compress_by_extension && ends_with(path, ".zst")) codec = Codec::kZstd;
  return FileSink::open(path, codec);
}

void append_json_escaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Runs of bytes that need no escape are copied at once: in text they are
  // almost everything.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (byte) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[byte >> 4]);
        out->push_back(kHex[byte & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
}

void append_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  append_json_escaped(s, out);
  out->push_back('"');
}

}  // namespace neardup::internal
