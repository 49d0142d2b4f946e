// Exact Jaccard similarities of candidate pairs, computed while the
// documents' shingle sets stream past in input order.

#ifndef NEARDUP_SRC_PIPELINE_STREAMING_JACCARD_H_
#define NEARDUP_SRC_PIPELINE_STREAMING_JACCARD_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <span>
#include <utility>
#include <vector>

#include "neardup/types.h"

namespace neardup::internal {

// An open-addressing hash set of shingle hashes (linear probing, at most
// half full), reused from set to set: one per thread. Building one is O(n)
// where sorting for a merge intersection is O(n log n), which was most of the
// cost of exact verification. Shingle hashes are XXH3 outputs, so their low
// bits index the table directly. Not thread-safe.
class ShingleTable {
 public:
  // Empties the table and makes room for `expected` values.
  void reset(size_t expected);
  // Adds `hash`; returns false if it was already there.
  bool insert(uint64_t hash);
  bool contains(uint64_t hash) const;

 private:
  std::vector<uint64_t> slots_;  // 0 = empty; the value 0 is `has_zero_`
  uint64_t mask_ = 0;
  bool has_zero_ = false;
};

// The distinct shingle hashes of one document, as a plain array (8 bytes a
// hash while it waits for its partners); intersections go through a
// ShingleTable.
class ShingleSet {
 public:
  // Replaces the set with the distinct values of `hashes`; `scratch` finds
  // the repeats. The overload without one allocates its own.
  void assign(std::span<const uint64_t> hashes, ShingleTable* scratch);
  void assign(std::span<const uint64_t> hashes);
  size_t size() const { return values_.size(); }
  std::span<const uint64_t> values() const { return values_; }
  size_t bytes() const { return values_.capacity() * sizeof(uint64_t); }
  void clear() { std::vector<uint64_t>().swap(values_); }
  // |this ∩ other|. Allocates a table; StreamingJaccard reuses one instead.
  size_t intersection_size(const ShingleSet& other) const;

 private:
  std::vector<uint64_t> values_;
};

// The exact Jaccard similarities of candidate pairs, computed while the
// documents' shingle sets stream past in DocId order: a pair is computed once
// its later document has arrived, and a set is dropped once its last partner
// has been computed, so memory follows the pairs' spans rather than their
// number (copies near their original in the input hold few sets at a time).
//
// Three phases per document, each called with the document's position in
// documents(): put() stores its set, intersect() computes the pairs whose
// later document it is, release() drops the sets no longer needed.
// Thread safety: put() and release() are each called from one thread at a
// time, in position order; intersect(p) may run on any thread, concurrently
// with other calls, once put() has returned for every position <= p; and
// release(p) only once intersect() has returned for every position <= p.
class StreamingJaccard {
 public:
  // `pairs`: (a << 32 | b) with a < b, sorted ascending, no repeats; must
  // outlive this object.
  explicit StreamingJaccard(std::span<const uint64_t> pairs);

  // The documents whose sets are needed, ascending.
  const std::vector<DocId>& documents() const { return docs_; }

  // Stores the shingle set of documents()[position].
  void put(size_t position, ShingleSet&& set);
  // Computes every pair whose later document is documents()[position].
  // `scratch` (one per thread) holds that document's set as a table; the
  // overload without one allocates its own.
  void intersect(size_t position, ShingleTable* scratch);
  void intersect(size_t position);
  // Drops the sets whose last partner is at or before `position`.
  void release(size_t position);

  // Per pair, in the order of `pairs`: |A ∩ B| and |A ∪ B|. Complete once
  // every position has been through intersect().
  std::span<const uint32_t> intersections() const { return common_; }
  std::span<const uint32_t> unions() const { return all_; }
  // Most bytes of shingle sets held at once.
  size_t peak_bytes() const { return peak_bytes_; }

 private:
  std::span<const uint64_t> pairs_;
  std::vector<DocId> docs_;
  // Per position in docs_: the position of its last partner, and its set
  // (empty once released).
  std::vector<uint32_t> last_partner_;
  std::vector<ShingleSet> sets_;
  // Pair indexes sorted by later document; those of position p are
  // [later_begin_[p], later_begin_[p + 1]).
  std::vector<uint32_t> by_later_;
  std::vector<uint32_t> later_begin_;
  // (last partner, position) of the sets held, soonest first. release() only.
  std::priority_queue<std::pair<uint32_t, uint32_t>,
                      std::vector<std::pair<uint32_t, uint32_t>>,
                      std::greater<>>
      held_;
  std::atomic<size_t> bytes_{0};
  size_t peak_bytes_ = 0;  // put() only
  std::vector<uint32_t> common_, all_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_STREAMING_JACCARD_H_
