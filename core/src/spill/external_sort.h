// An external merge sort: values are added in any order and read back
// sorted, with at most a set number of bytes in memory; what does not fit
// goes to sorted runs in temporary files, merged k ways (Knuth, TAOCP
// vol. 3, 5.4.1).

#ifndef NEARDUP_SRC_SPILL_EXTERNAL_SORT_H_
#define NEARDUP_SRC_SPILL_EXTERNAL_SORT_H_

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "neardup/status.h"
#include "spill/temp_file.h"

namespace neardup::internal {

// Sorts values of a trivially copyable T with operator< and operator==.
// add() the values, finish(), then next() until it returns false, then
// check status(). With `unique`, equal values come out once. Memory: about
// `budget_bytes` (at least 4 KiB per run merged at once, so a small budget
// merges in several passes). At most max_open_temp_files() runs, each an
// open file, wait to be merged. Not thread-safe; `sort` may use threads.
template <typename T>
class ExternalSorter {
  static_assert(std::is_trivially_copyable_v<T>);

  struct Later {
    // Ties by run: the same order whatever the heap does.
    bool operator()(const std::pair<T, size_t>& a,
                    const std::pair<T, size_t>& b) const {
      if (b.first < a.first) return true;
      if (a.first < b.first) return false;
      return a.second > b.second;
    }
  };

 public:
  using SortFn = std::function<void(std::vector<T>*)>;

  ExternalSorter(TempSpace* space, size_t budget_bytes, bool unique,
                 SortFn sort = {})
      : space_(space),
        budget_(std::max(budget_bytes, kMinBudget)),
        capacity_(budget_ / sizeof(T)),
        max_runs_(max_open_temp_files()),
        unique_(unique),
        sort_(sort ? std::move(sort) : [](std::vector<T>* v) {
          std::sort(v->begin(), v->end());
        }) {}

  Status add(const T& value) {
    buffer_.push_back(value);
    if (buffer_.size() >= capacity_) return write_run();
    return Status::OK();
  }

  // Adds `sorted` (ascending) as a run of its own, written as is, and
  // empties it: for callers that sort their batches on their own threads
  // and hand them over under a lock. Its memory is the caller's.
  Status add_run(std::vector<T>* sorted) {
    if (unique_) {
      sorted->erase(std::unique(sorted->begin(), sorted->end()), sorted->end());
    }
    NEARDUP_RETURN_IF_ERROR(write_sorted(*sorted));
    sorted->clear();
    return Status::OK();
  }

  // Ends the adding. Values that all fit in the budget are never written.
  Status finish() {
    if (runs_.empty()) {
      sort_buffer();
      return Status::OK();
    }
    NEARDUP_RETURN_IF_ERROR(write_run());
    std::vector<T>().swap(buffer_);
    while (runs_.size() > max_fan_in()) NEARDUP_RETURN_IF_ERROR(merge_some());
    return Status::OK();
  }

  // A merge of sorted values: of the runs (or of the values kept in
  // memory), between optional bounds, with repeats dropped if the sorter
  // drops them. Used by one thread.
  class RangeMerge {
   public:
    // The next value in ascending order; false at the end or on an error.
    bool next(T* out) {
      while (take(out)) {
        if (!unique_ || !has_last_ || !(*out == last_)) {
          last_ = *out;
          has_last_ = true;
          return true;
        }
      }
      return false;
    }
    const Status& status() const { return status_; }

   private:
    friend class ExternalSorter;
    bool take(T* out) {
      if (readers_.empty()) {
        if (memory_.empty()) return false;
        *out = memory_.front();
        memory_ = memory_.subspan(1);
        return true;
      }
      if (heap_.empty() || !status_.ok()) return false;
      std::pair<T, size_t>& top = heap_.front();
      *out = top.first;
      // The top's run usually has a following value: it replaces the top
      // in place, one sift-down instead of a pop and a push.
      if (!readers_[top.second].next(&top.first, sizeof(T))) {
        if (!readers_[top.second].status().ok()) {
          status_ = readers_[top.second].status();
          return false;
        }
        top = heap_.back();
        heap_.pop_back();
      }
      sift_down();
      return true;
    }
    // Restores the heap order (std::make_heap's, under Later) from the top.
    void sift_down() {
      const size_t n = heap_.size();
      size_t i = 0;
      for (size_t child = 1; child < n; child = 2 * i + 1) {
        if (child + 1 < n && Later()(heap_[child], heap_[child + 1])) ++child;
        if (!Later()(heap_[i], heap_[child])) break;
        std::swap(heap_[i], heap_[child]);
        i = child;
      }
    }
    bool unique_ = false;
    std::span<const T> memory_;  // the values, when nothing was written
    std::vector<TempFileReader> readers_;
    std::vector<std::pair<T, size_t>> heap_;  // the earliest first
    T last_{};
    bool has_last_ = false;
    Status status_;
  };

  // The next value in ascending order; false at the end or on an error.
  // REQUIRES: finish() succeeded.
  bool next(T* out) {
    if (!all_) {
      all_ = std::make_unique<RangeMerge>(
          runs_.empty() ? merge_memory(nullptr, nullptr)
                        : merge_runs(runs_.size(), nullptr, nullptr, budget_));
    }
    return all_->next(out);
  }

  Status status() const { return all_ ? all_->status() : Status::OK(); }

  // The values v with lo <= v < hi, ascending (once each with `unique`),
  // read independently of next() and of other ranges: after finish(),
  // disjoint ranges can be merged on separate threads, each through its
  // own RangeMerge. Reads at most about `buffer_bytes` at a time.
  // REQUIRES: finish() succeeded. Thread-safe.
  RangeMerge range(const T& lo, const T& hi, size_t buffer_bytes) const {
    return runs_.empty() ? merge_memory(&lo, &hi)
                         : merge_runs(runs_.size(), &lo, &hi, buffer_bytes);
  }

  // Runs written (0: sorted in memory).
  size_t runs_written() const { return runs_written_; }

 private:
  static constexpr size_t kMinBudget = size_t{64} << 10;

  // Sets `*at` to the index of the first value >= `bound` in run `run`: a
  // binary search by reads of one value.
  Status bound_in_run(size_t run, const T& bound, uint64_t* at) const {
    uint64_t lo = 0, hi = runs_[run]->size() / sizeof(T);
    while (lo < hi) {
      const uint64_t mid = lo + (hi - lo) / 2;
      T value;
      NEARDUP_RETURN_IF_ERROR(
          runs_[run]->read(mid * sizeof(T), &value, sizeof(T)));
      if (value < bound) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    *at = lo;
    return Status::OK();
  }
  static constexpr size_t kMinReadBuffer = size_t{4} << 10;

  // Runs merged at once: each with a read buffer of at least 4 KiB, and
  // at most half the runs that may be open.
  size_t max_fan_in() const {
    return std::clamp<size_t>(budget_ / kMinReadBuffer, 2, max_runs_ / 2);
  }

  void sort_buffer() {
    sort_(&buffer_);
    if (unique_) {
      buffer_.erase(std::unique(buffer_.begin(), buffer_.end()), buffer_.end());
    }
  }

  Status write_run() {
    if (buffer_.empty()) return Status::OK();
    sort_buffer();
    NEARDUP_RETURN_IF_ERROR(write_sorted(buffer_));
    buffer_.clear();
    return Status::OK();
  }

  Status write_sorted(const std::vector<T>& values) {
    if (values.empty()) return Status::OK();
    Result<std::unique_ptr<TempFile>> file = TempFile::Create(space_);
    if (!file.ok()) return file.status();
    NEARDUP_RETURN_IF_ERROR(
        (*file)->append(values.data(), values.size() * sizeof(T)));
    NEARDUP_RETURN_IF_ERROR((*file)->flush());
    runs_.push_back(std::move(file).value());
    ++runs_written_;
    // Bounds the files open (one per run) while values are still added.
    if (runs_.size() >= max_runs_) return merge_some();
    return Status::OK();
  }

  // A merge of the values kept in memory, from `lo` and below `hi` when
  // given.
  RangeMerge merge_memory(const T* lo, const T* hi) const {
    RangeMerge merge;
    merge.unique_ = unique_;
    const auto begin =
        lo ? std::lower_bound(buffer_.begin(), buffer_.end(), *lo)
           : buffer_.begin();
    const auto end =
        hi ? std::lower_bound(begin, buffer_.end(), *hi) : buffer_.end();
    merge.memory_ = std::span<const T>(buffer_).subspan(
        static_cast<size_t>(begin - buffer_.begin()),
        static_cast<size_t>(end - begin));
    return merge;
  }

  // A merge of the first `count` runs, from `lo` and below `hi` when given.
  RangeMerge merge_runs(size_t count, const T* lo, const T* hi,
                        size_t buffer_bytes) const {
    RangeMerge merge;
    merge.unique_ = unique_;
    const size_t each = std::max(kMinReadBuffer, buffer_bytes / (count + 1));
    for (size_t i = 0; i < count; ++i) {
      uint64_t begin = 0, end = runs_[i]->size() / sizeof(T);
      Status s = lo ? bound_in_run(i, *lo, &begin) : Status::OK();
      if (s.ok() && hi) s = bound_in_run(i, *hi, &end);
      if (!s.ok()) {
        merge.status_ = s;
        return merge;
      }
      merge.readers_.emplace_back(runs_[i].get(), begin * sizeof(T),
                                  end * sizeof(T), each);
      T value;
      if (merge.readers_[i].next(&value, sizeof(T))) {
        merge.heap_.push_back({value, i});
      }
      if (!merge.readers_[i].status().ok()) {
        merge.status_ = merge.readers_[i].status();
      }
    }
    std::make_heap(merge.heap_.begin(), merge.heap_.end(), Later());
    return merge;
  }

  // Merges the first max_fan_in() runs into one at the end.
  Status merge_some() {
    const size_t count = max_fan_in();
    RangeMerge merge = merge_runs(count, nullptr, nullptr, budget_);
    Result<std::unique_ptr<TempFile>> merged = TempFile::Create(space_);
    if (!merged.ok()) return merged.status();
    T value;
    while (merge.next(&value)) {
      NEARDUP_RETURN_IF_ERROR((*merged)->append(&value, sizeof(T)));
    }
    NEARDUP_RETURN_IF_ERROR(merge.status());
    NEARDUP_RETURN_IF_ERROR((*merged)->flush());
    merge = RangeMerge();  // closes its readers before their runs go
    runs_.erase(runs_.begin(), runs_.begin() + static_cast<long>(count));
    runs_.push_back(std::move(merged).value());
    return Status::OK();
  }

  TempSpace* space_;
  const size_t budget_, capacity_;
  const size_t max_runs_;  // files open at once
  const bool unique_;
  const SortFn sort_;
  std::vector<T> buffer_;
  std::vector<std::unique_ptr<TempFile>> runs_;
  size_t runs_written_ = 0;
  std::unique_ptr<RangeMerge> all_;  // next()'s merge, made by its first call
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_SPILL_EXTERNAL_SORT_H_
