#include "pipeline/streaming_jaccard.h"

#include <algorithm>
#include <mutex>

#include "common/parallel.h"

namespace neardup::internal {

namespace {

DocId first_of(uint64_t pair) { return static_cast<DocId>(pair >> 32); }
DocId second_of(uint64_t pair) { return static_cast<DocId>(pair); }

}  // namespace

void ShingleTable::reset(size_t expected) {
  size_t capacity = 16;
  while (capacity < 2 * expected) capacity *= 2;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  has_zero_ = false;
}

bool ShingleTable::insert(uint64_t hash) {
  if (hash == 0) {
    const bool added = !has_zero_;
    has_zero_ = true;
    return added;
  }
  uint64_t at = hash & mask_;
  while (slots_[at] != 0) {
    if (slots_[at] == hash) return false;
    at = (at + 1) & mask_;
  }
  slots_[at] = hash;
  return true;
}

bool ShingleTable::contains(uint64_t hash) const {
  if (hash == 0) return has_zero_;
  if (slots_.empty()) return false;
  for (uint64_t at = hash & mask_;; at = (at + 1) & mask_) {
    if (slots_[at] == hash) return true;
    if (slots_[at] == 0) return false;
  }
}

void ShingleSet::assign(std::span<const uint64_t> hashes,
                        ShingleTable* scratch) {
  scratch->reset(hashes.size());
  values_.clear();
  values_.reserve(hashes.size());
  for (uint64_t h : hashes) {
    if (scratch->insert(h)) values_.push_back(h);
  }
  // Sized exactly, as the set may wait long for its partners; a no-op when
  // no shingle repeats.
  values_.shrink_to_fit();
}

void ShingleSet::assign(std::span<const uint64_t> hashes) {
  ShingleTable scratch;
  assign(hashes, &scratch);
}

size_t ShingleSet::intersection_size(const ShingleSet& other) const {
  ShingleTable table;
  table.reset(other.size());
  for (uint64_t h : other.values_) table.insert(h);
  size_t common = 0;
  for (uint64_t h : values_) common += table.contains(h);
  return common;
}

std::vector<DocId> pair_members(std::span<const uint64_t> pairs) {
  std::vector<DocId> docs;
  docs.reserve(2 * pairs.size());
  for (uint64_t p : pairs) {
    docs.push_back(first_of(p));
    docs.push_back(second_of(p));
  }
  std::sort(docs.begin(), docs.end());
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  docs.shrink_to_fit();
  return docs;
}

StreamingJaccard::StreamingJaccard(std::span<const uint64_t> pairs)
    : pairs_(pairs),
      docs_(pair_members(pairs)),
      common_(pairs.size(), 0),
      all_(pairs.size(), 0) {
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

void StreamingJaccard::intersect(size_t position, ShingleTable* scratch) {
  const uint32_t begin = later_begin_[position];
  const uint32_t end = later_begin_[position + 1];
  if (begin == end) return;
  const ShingleSet& b = sets_[position];
  scratch->reset(b.size());
  for (uint64_t h : b.values()) scratch->insert(h);
  for (uint32_t k = begin; k < end; ++k) {
    const uint32_t pair = by_later_[k];
    const auto earlier =
        std::lower_bound(docs_.begin(), docs_.end(), first_of(pairs_[pair]));
    const ShingleSet& a = sets_[earlier - docs_.begin()];
    size_t common = 0;
    for (uint64_t h : a.values()) common += scratch->contains(h);
    common_[pair] = static_cast<uint32_t>(common);
    all_[pair] = static_cast<uint32_t>(a.size() + b.size() - common);
  }
}

void StreamingJaccard::intersect(size_t position) {
  ShingleTable scratch;
  intersect(position, &scratch);
}

void StreamingJaccard::take_results(std::vector<uint32_t>* intersections,
                                    std::vector<uint32_t>* unions) {
  *intersections = std::move(common_);
  *unions = std::move(all_);
  common_.clear();
  all_.clear();
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

Result<std::unique_ptr<SpilledJaccard>> SpilledJaccard::Create(
    std::span<const uint64_t> pairs, TempSpace* space) {
  Result<std::unique_ptr<TempFile>> file = TempFile::Create(space);
  if (!file.ok()) return file.status();
  return std::unique_ptr<SpilledJaccard>(
      new SpilledJaccard(pairs, std::move(*file)));
}

SpilledJaccard::SpilledJaccard(std::span<const uint64_t> pairs,
                               std::unique_ptr<TempFile> file)
    : pairs_(pairs), docs_(pair_members(pairs)), file_(std::move(file)) {
  starts_.reserve(docs_.size() + 1);
  starts_.push_back(0);
}

void SpilledJaccard::put(size_t position, ShingleSet&& set) {
  if (position + 1 != starts_.size()) {
    if (failure_.ok()) failure_ = Status::Internal("sets put out of order");
    return;
  }
  const std::span<const uint64_t> values = set.values();
  if (failure_.ok()) {
    failure_ = file_->append(values.data(), values.size_bytes());
  }
  starts_.push_back(starts_.back() + values.size());
  set.clear();
}

Status SpilledJaccard::read_set(size_t p, std::vector<uint64_t>* out) const {
  out->resize(starts_[p + 1] - starts_[p]);
  if (out->empty()) return Status::OK();
  return file_->read(starts_[p] * sizeof(uint64_t), out->data(),
                     out->size() * sizeof(uint64_t));
}

Status SpilledJaccard::compute(int threads) {
  NEARDUP_RETURN_IF_ERROR(failure_);
  if (starts_.size() != docs_.size() + 1) {
    return Status::Internal("exact verification is missing shingle sets");
  }
  NEARDUP_RETURN_IF_ERROR(file_->flush());
  common_.assign(pairs_.size(), 0);
  all_.assign(pairs_.size(), 0);
  std::mutex mu;
  Status failure;
  // Pairs are sorted by first member, so a range reads each of its first
  // members once and builds its table once.
  parallel_ranges(pairs_.size(), 4096, threads, [&](size_t begin, size_t end) {
    const auto position = [this](DocId doc) {
      return static_cast<size_t>(
          std::lower_bound(docs_.begin(), docs_.end(), doc) - docs_.begin());
    };
    std::vector<uint64_t> a, b;
    ShingleTable table;
    Status s;
    for (size_t i = begin; i < end; ++i) {
      if (i == begin || first_of(pairs_[i]) != first_of(pairs_[i - 1])) {
        s = read_set(position(first_of(pairs_[i])), &a);
        table.reset(a.size());
        for (uint64_t h : a) table.insert(h);
      }
      if (s.ok()) s = read_set(position(second_of(pairs_[i])), &b);
      if (!s.ok()) break;
      size_t common = 0;
      for (uint64_t h : b) common += table.contains(h);
      common_[i] = static_cast<uint32_t>(common);
      all_[i] = static_cast<uint32_t>(a.size() + b.size() - common);
    }
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      if (failure.ok()) failure = s;
    }
  });
  return failure;
}

void SpilledJaccard::take_results(std::vector<uint32_t>* intersections,
                                  std::vector<uint32_t>* unions) {
  *intersections = std::move(common_);
  *unions = std::move(all_);
  common_.clear();
  all_.clear();
}

}  // namespace neardup::internal
