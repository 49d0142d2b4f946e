// Open-addressing hash tables keyed by term hashes, for the story stages.
// Term hashes are XXH3 outputs, so their top bits are already uniform and
// index the table directly (no second hash).

#ifndef NEARDUP_SRC_STORY_TERM_TABLE_H_
#define NEARDUP_SRC_STORY_TERM_TABLE_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace neardup::internal {

// Smallest shift s such that a table of 2^(64 - s) slots holds `n` entries at
// a load of at most 1/2 (at least 16 slots).
inline int slot_shift_for(size_t n) {
  const int bits = std::max(4, static_cast<int>(std::bit_width(2 * n)));
  return 64 - bits;
}

// Counts the occurrences of each distinct term of one document. The table is
// reused across documents: sized for each document (a typical one stays in
// L1), cleared with one memset of the part used, and read back by a scan, so
// a document costs no allocation once the table has grown to the longest
// document. Not thread-safe.
class TermCounts {
 public:
  // Replaces the counts with those of `terms`.
  void count(std::span<const uint64_t> terms) {
    std::fill(slots_.begin(), slots_.begin() + used_, Slot{});
    const int shift = slot_shift_for(terms.size());
    used_ = size_t{1} << (64 - shift);
    if (slots_.size() < used_) slots_.resize(used_);
    const size_t mask = used_ - 1;
    for (const uint64_t term : terms) {
      size_t s = static_cast<size_t>(term >> shift);
      while (slots_[s].count != 0 && slots_[s].term != term) {
        s = (s + 1) & mask;
      }
      slots_[s].term = term;
      ++slots_[s].count;
    }
    // Half the slots are empty, at random: a branch would mispredict half
    // the time, so every slot is written and the cursor advances by 0 or 1.
    terms_.resize(used_);
    counts_.resize(used_);
    size_t n = 0;
    for (size_t s = 0; s < used_; ++s) {
      terms_[n] = slots_[s].term;
      counts_[n] = slots_[s].count;
      n += slots_[s].count != 0;
    }
    terms_.resize(n);
    counts_.resize(n);
  }

  // Distinct terms (in table order, which depends only on the terms), and
  // their counts.
  std::span<const uint64_t> terms() const { return terms_; }
  std::span<const uint32_t> counts() const { return counts_; }

 private:
  struct Slot {
    uint64_t term = 0;
    uint32_t count = 0;  // 0 = empty
  };

  std::vector<Slot> slots_;
  size_t used_ = 0;  // slots of the last document; all others are empty
  std::vector<uint64_t> terms_;
  std::vector<uint32_t> counts_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_STORY_TERM_TABLE_H_
