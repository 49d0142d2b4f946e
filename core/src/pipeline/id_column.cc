#include "pipeline/id_column.h"

#include <algorithm>

namespace neardup::internal {

void IdColumn::append(std::string_view text,
                      const std::vector<uint32_t>& ends) {
  if (segments_.empty() || segments_.back().text.size() + text.size() >
                               segments_.back().text.capacity()) {
    // A batch larger than a segment (very long ids) gets one of its own.
    Segment& fresh = segments_.emplace_back();
    fresh.text.reserve(std::max(segment_bytes_, text.size()));
    fresh.first_doc = static_cast<DocId>(ends_.size());
  }
  std::string& segment = segments_.back().text;
  const uint32_t base = static_cast<uint32_t>(segment.size());
  segment += text;
  for (uint32_t end : ends) ends_.push_back(base + end);
}

std::string_view IdColumn::id(DocId doc) const {
  const auto after = std::upper_bound(
      segments_.begin(), segments_.end(), doc,
      [](DocId d, const Segment& s) { return d < s.first_doc; });
  const Segment& segment = *(after - 1);
  const uint32_t begin = doc == segment.first_doc ? 0 : ends_[doc - 1];
  return std::string_view(segment.text).substr(begin, ends_[doc] - begin);
}

size_t IdColumn::bytes() const {
  size_t total = ends_.bytes() + segments_.capacity() * sizeof(Segment);
  // A segment's reserved but unwritten bytes are never touched, so they
  // take no memory.
  for (const Segment& s : segments_) total += s.text.size();
  return total;
}

}  // namespace neardup::internal
