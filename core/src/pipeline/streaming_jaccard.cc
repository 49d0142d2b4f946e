#include "pipeline/streaming_jaccard.h"

#include <algorithm>

namespace neardup::internal {

namespace {

DocId first_of(uint64_t pair) { return static_cast<DocId>(pair >> 32); }
DocId second_of(uint64_t pair) { return static_cast<DocId>(pair); }

}  // namespace

void ShingleSet::assign(std::span<const uint64_t> hashes) {
  size_t capacity = 16;
  while (capacity < 2 * hashes.size()) capacity *= 2;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  values_.clear();
  values_.reserve(hashes.size());
  has_zero_ = false;
  for (uint64_t h : hashes) {
    if (h == 0) {
      has_zero_ = true;
      continue;
    }
    uint64_t at = h & mask_;
    while (slots_[at] != 0 && slots_[at] != h) at = (at + 1) & mask_;
    if (slots_[at] == 0) {
      slots_[at] = h;
      values_.push_back(h);
    }
  }
}

bool ShingleSet::contains(uint64_t hash) const {
  if (hash == 0) return has_zero_;
  for (uint64_t at = hash & mask_;; at = (at + 1) & mask_) {
    if (slots_[at] == hash) return true;
    if (slots_[at] == 0) return false;
  }
}

size_t ShingleSet::intersection_size(const ShingleSet& other) const {
  if (other.size() < size()) return other.intersection_size(*this);
  size_t common = has_zero_ && other.has_zero_;
  for (uint64_t h : values_) common += other.contains(h);
  return common;
}

void ShingleSet::clear() {
  std::vector<uint64_t>().swap(slots_);
  std::vector<uint64_t>().swap(values_);
  mask_ = 0;
  has_zero_ = false;
}

StreamingJaccard::StreamingJaccard(std::span<const uint64_t> pairs)
    : pairs_(pairs), common_(pairs.size(), 0), all_(pairs.size(), 0) {
  docs_.reserve(2 * pairs.size());
  for (uint64_t p : pairs) {
    docs_.push_back(first_of(p));
    docs_.push_back(second_of(p));
  }
  std::sort(docs_.begin(), docs_.end());
  docs_.erase(std::unique(docs_.begin(), docs_.end()), docs_.end());
  docs_.shrink_to_fit();
  auto position = [this](DocId doc) {
    return static_cast<uint32_t>(
        std::lower_bound(docs_.begin(), docs_.end(), doc) - docs_.begin());
  };
  // A set is needed until its latest partner (itself if none is later).
  last_partner_.resize(docs_.size());
  for (uint32_t p = 0; p < docs_.size(); ++p) last_partner_[p] = p;
  later_begin_.assign(docs_.size() + 1, 0);
  for (uint64_t pair : pairs) {
    uint32_t& last = last_partner_[position(first_of(pair))];
    const uint32_t later = position(second_of(pair));
    last = std::max(last, later);
    ++later_begin_[later + 1];
  }
  for (size_t p = 0; p < docs_.size(); ++p) {
    later_begin_[p + 1] += later_begin_[p];
  }
  by_later_.resize(pairs.size());
  std::vector<uint32_t> fill(later_begin_.begin(), later_begin_.end() - 1);
  for (size_t i = 0; i < pairs.size(); ++i) {
    by_later_[fill[position(second_of(pairs[i]))]++] = static_cast<uint32_t>(i);
  }
  sets_.resize(docs_.size());
}

void StreamingJaccard::put(size_t position, ShingleSet&& set) {
  sets_[position] = std::move(set);
  const size_t now = bytes_ += sets_[position].bytes();
  peak_bytes_ = std::max(peak_bytes_, now);
}

void StreamingJaccard::intersect(size_t position) {
  const ShingleSet& b = sets_[position];
  for (uint32_t k = later_begin_[position]; k < later_begin_[position + 1];
       ++k) {
    const uint32_t pair = by_later_[k];
    const auto earlier =
        std::lower_bound(docs_.begin(), docs_.end(), first_of(pairs_[pair]));
    const ShingleSet& a = sets_[earlier - docs_.begin()];
    const size_t common = a.intersection_size(b);
    common_[pair] = static_cast<uint32_t>(common);
    all_[pair] = static_cast<uint32_t>(a.size() + b.size() - common);
  }
}

void StreamingJaccard::release(size_t position) {
  held_.emplace(last_partner_[position], static_cast<uint32_t>(position));
  while (!held_.empty() && held_.top().first <= position) {
    ShingleSet& set = sets_[held_.top().second];
    bytes_ -= set.bytes();
    set.clear();
    held_.pop();
  }
}

}  // namespace neardup::internal
