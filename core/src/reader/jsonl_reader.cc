#include "reader/jsonl_reader.h"

#include <algorithm>
#include <cstring>

namespace neardup::internal {

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";
// Reads of at least this much, so small chunk sizes still read efficiently.
constexpr size_t kMinRead = 4096;

}  // namespace

void Chunk::reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  const size_t capacity = std::max(bytes, capacity_ + capacity_ / 2);
  std::unique_ptr<char[]> grown(new char[capacity + kParsePadding]);
  if (size_ > 0) std::memcpy(grown.get(), buffer_.get(), size_);
  // Defined bytes after the data keep sanitizers and valgrind quiet.
  std::memset(grown.get() + size_, ' ', capacity + kParsePadding - size_);
  buffer_ = std::move(grown);
  capacity_ = capacity;
}

JsonlReader::JsonlReader(std::vector<std::string> inputs, size_t chunk_bytes,
                         size_t max_line_bytes, SourceOpener opener)
    : inputs_(std::move(inputs)),
      chunk_bytes_(chunk_bytes),
      max_line_bytes_(max_line_bytes),
      opener_(std::move(opener)) {
  if (!opener_) {
    opener_ = [](const std::string& path, uint64_t* size) {
      return open_source(path, size, nullptr);
    };
  }
}

uint64_t JsonlReader::raw_bytes_read() const {
  return raw_done_ + (source_ ? source_->raw_bytes_read() : 0);
}

Status JsonlReader::open_next() {
  const std::string& path = inputs_[next_input_];
  uint64_t size = 0;
  Result<std::unique_ptr<ByteSource>> source = opener_(path, &size);
  if (!source.ok()) return source.status();
  source_ = std::move(source).value();
  total_bytes_ += size;
  current_ = static_cast<int>(next_input_);
  ++next_input_;
  input_failed_ = false;
  input_error_.clear();
  file_line_ = 0;
  carry_.clear();
  // Look at the first three bytes for a byte order mark.
  char head[3];
  size_t have = 0;
  while (have < 3) {
    Result<size_t> got = source_->read(head + have, 3 - have);
    if (!got.ok()) {
      if (got.status().code() != StatusCode::kCorruption) return got.status();
      input_failed_ = true;
      input_error_ = got.status().message();
      break;
    }
    if (*got == 0) break;
    have += *got;
  }
  bytes_ += have;
  input_bytes_ = have;
  if (have == 3 && std::memcmp(head, kBom, 3) == 0) have = 0;
  carry_.assign(head, have);
  plain_ = source_->plain_file();
  return return_carry();
}

Status JsonlReader::return_carry() {
  if (plain_ == nullptr || carry_.empty()) return Status::OK();
  NEARDUP_RETURN_IF_ERROR(plain_->seek(plain_->position() - carry_.size()));
  bytes_ -= carry_.size();
  input_bytes_ -= carry_.size();
  carry_.clear();
  return Status::OK();
}

Result<bool> JsonlReader::next_mapped(Chunk* chunk) {
  const uint64_t at = plain_->position();
  const uint64_t size = plain_->size();
  if (at >= size) return false;
  const size_t window =
      static_cast<size_t>(std::min<uint64_t>(size - at, chunk_bytes_));
  // simdjson reads up to kParsePadding bytes past a line; past the file's
  // last page there is nothing to map.
  if (at + window + kParsePadding > plain_->mappable_end()) return false;
  FileView view = plain_->map(at, window + kParsePadding);
  if (!view) return false;
  const char* base = view.data();
  size_t line_start = 0;
  bool whole = true;  // every line seen is kept
  while (line_start < window) {
    const void* hit = std::memchr(base + line_start, '\n', window - line_start);
    if (hit == nullptr) break;
    const size_t newline =
        static_cast<size_t>(static_cast<const char*>(hit) - base);
    if (newline - line_start > max_line_bytes_) {
      whole = false;
      break;
    }
    add_line(chunk, line_start, newline - line_start, LineKind::kComplete);
    line_start = newline + 1;
  }
  if (whole && at + window == size && line_start < window &&
      window - line_start <= max_line_bytes_) {
    add_line(chunk, line_start, window - line_start, LineKind::kLast);
    line_start = window;
  }
  if (chunk->lines.empty()) return false;
  NEARDUP_RETURN_IF_ERROR(plain_->seek(at + line_start));
  chunk->view_ = std::move(view);
  chunk->size_ = line_start;
  bytes_ += line_start;
  input_bytes_ += line_start;
  return true;
}

Result<size_t> JsonlReader::fill(Chunk* chunk, size_t want) {
  if (input_failed_) return size_t{0};
  chunk->reserve(chunk->size_ + want);
  Result<size_t> got = source_->read(chunk->buffer_.get() + chunk->size_, want);
  if (!got.ok()) {
    if (got.status().code() != StatusCode::kCorruption) return got.status();
    // Damaged compressed data ends this input; what was decoded is kept.
    input_failed_ = true;
    input_error_ = got.status().message();
    return size_t{0};
  }
  bytes_ += *got;
  input_bytes_ += *got;
  chunk->size_ += *got;
  return *got;
}

void JsonlReader::add_line(Chunk* chunk, size_t offset, size_t length,
                           LineKind kind) {
  chunk->lines.push_back({offset, length, kind});
  ++line_;
  ++file_line_;
}

Result<bool> JsonlReader::next(Chunk* chunk) {
  chunk->lines.clear();
  chunk->size_ = 0;
  chunk->view_.reset();
  chunk->input_error.clear();
  while (!source_) {
    if (next_input_ >= inputs_.size()) return false;
    NEARDUP_RETURN_IF_ERROR(open_next());
  }
  chunk->input = static_cast<uint32_t>(current_);
  chunk->first_line = line_;
  chunk->first_file_line = file_line_;
  chunk->stream_offset = input_bytes_ - carry_.size();
  chunk->seekable = source_->seekable();
  if (plain_ != nullptr) {
    Result<bool> mapped = next_mapped(chunk);
    if (!mapped.ok()) return mapped.status();
    if (*mapped) return true;
  }
  chunk->reserve(std::max(chunk_bytes_, carry_.size() + kMinRead));
  std::memcpy(chunk->buffer_.get(), carry_.data(), carry_.size());
  chunk->size_ = carry_.size();
  carry_.clear();

  size_t line_start = 0;  // start of the unfinished line
  size_t scan = 0;
  bool skipping = false;  // inside a line longer than max_line_bytes_
  size_t skipped = 0;     // its bytes so far
  bool eof = false;
  while (true) {
    char* base = chunk->buffer_.get();
    while (scan < chunk->size_) {
      const void* hit = std::memchr(base + scan, '\n', chunk->size_ - scan);
      if (hit == nullptr) {
        scan = chunk->size_;
        break;
      }
      const size_t newline = static_cast<const char*>(hit) - base;
      const size_t length = skipped + (newline - line_start);
      if (skipping || length > max_line_bytes_) {
        add_line(chunk, 0, length, LineKind::kTooLong);
        // Drop the line's bytes: move what follows the newline down.
        std::memmove(base + line_start, base + newline + 1,
                     chunk->size_ - newline - 1);
        chunk->size_ -= newline + 1 - line_start;
        scan = line_start;
        skipping = false;
        skipped = 0;
        continue;
      }
      add_line(chunk, line_start, length, LineKind::kComplete);
      line_start = newline + 1;
      scan = line_start;
    }
    const size_t partial = chunk->size_ - line_start;
    if (skipping || partial > max_line_bytes_) {
      // Forget the bytes of the over-long line but remember how many.
      skipping = true;
      skipped += partial;
      chunk->size_ = line_start;
      scan = line_start;
    }
    if (chunk->size_ >= chunk_bytes_ && !chunk->lines.empty() && !skipping) {
      break;
    }
    const size_t want =
        std::max(kMinRead, chunk_bytes_ - std::min(chunk_bytes_, chunk->size_));
    Result<size_t> got = fill(chunk, want);
    if (!got.ok()) return got.status();
    if (*got == 0) {
      eof = true;
      break;
    }
  }

  if (eof) {
    const size_t partial = chunk->size_ - line_start;
    if (skipping) {
      // An over-long line cut off by damaged data is the input's truncated
      // tail: the damage must be reported, not hidden behind too_long.
      add_line(chunk, 0, skipped + partial,
               input_failed_ ? LineKind::kTruncated : LineKind::kTooLong);
      chunk->size_ = line_start;
    } else if (input_failed_) {
      add_line(chunk, line_start, partial, LineKind::kTruncated);
    } else if (partial > 0) {
      add_line(chunk, line_start, partial, LineKind::kLast);
    }
    chunk->input_error = input_error_;
    raw_done_ += source_->raw_bytes_read();
    source_.reset();
    plain_ = nullptr;
    if (chunk->lines.empty()) return next(chunk);  // empty input: go on
    return true;
  }
  carry_.assign(chunk->buffer_.get() + line_start, chunk->size_ - line_start);
  chunk->size_ = line_start;
  NEARDUP_RETURN_IF_ERROR(return_carry());
  return true;
}

}  // namespace neardup::internal
