// Per-document columns that grow without reallocating: a run at 50M
// documents would otherwise copy, and for a moment double, hundreds of
// megabytes each time a std::vector or std::string grows.

#ifndef NEARDUP_SRC_PIPELINE_ID_COLUMN_H_
#define NEARDUP_SRC_PIPELINE_ID_COLUMN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/types.h"

namespace neardup::internal {

// An append-only array in blocks of 2^16 values: growing never moves the
// values, and holds at most one block unfilled. Not thread-safe for
// writes; reads are thread-safe while nothing is appended.
template <typename T>
class BlockArray {
 public:
  void push_back(T value) {
    if ((size_ & kMask) == 0) {
      blocks_.push_back(std::make_unique_for_overwrite<T[]>(kBlock));
    }
    blocks_.back()[size_ & kMask] = value;
    ++size_;
  }
  T operator[](size_t i) const { return blocks_[i >> kShift][i & kMask]; }
  size_t size() const { return size_; }
  size_t bytes() const {
    return blocks_.size() * (kBlock * sizeof(T) + sizeof(blocks_[0]));
  }

 private:
  static constexpr int kShift = 16;
  static constexpr size_t kBlock = size_t{1} << kShift;
  static constexpr size_t kMask = kBlock - 1;
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

// The documents' ids in input order: the texts in segments (64 MiB), which
// are allocated once and never moved, and 4 bytes per document for where
// its id ends in its segment. About 4 bytes per document plus the texts.
// Not thread-safe for writes; reads are thread-safe while nothing is
// appended.
class IdColumn {
 public:
  static constexpr size_t kSegmentBytes = size_t{64} << 20;
  explicit IdColumn(size_t segment_bytes = kSegmentBytes)
      : segment_bytes_(segment_bytes) {}

  // Appends a batch of ids: `text` holds them concatenated, id i ending at
  // ends[i] (ascending, within text.size()). A batch stays in one segment.
  void append(std::string_view text, const std::vector<uint32_t>& ends);
  std::string_view id(DocId doc) const;
  size_t size() const { return ends_.size(); }
  // Bytes in use.
  size_t bytes() const;

 private:
  struct Segment {
    std::string text;  // reserved up front
    DocId first_doc = 0;
  };
  size_t segment_bytes_;
  std::vector<Segment> segments_;
  BlockArray<uint32_t> ends_;  // within the document's segment
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_ID_COLUMN_H_
