// Exact Jaccard similarities of candidate pairs, computed while the
// documents' shingle sets stream past in input order.

#ifndef NEARDUP_SRC_PIPELINE_STREAMING_JACCARD_H_
#define NEARDUP_SRC_PIPELINE_STREAMING_JACCARD_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <span>
#include <utility>
#include <vector>

#include "neardup/status.h"
#include "neardup/types.h"
#include "spill/temp_file.h"

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

// The documents of `pairs` ((a << 32 | b) values), ascending, without
// repeats.
std::vector<DocId> pair_members(std::span<const uint64_t> pairs);

// Where exact verification sends the documents' shingle sets as they stream
// past in DocId order, with the calling contract of StreamingJaccard below:
// put(), then intersect(), then release(), per position in documents().
class SetStream {
 public:
  virtual ~SetStream() = default;
  // The documents whose sets are needed, ascending.
  virtual const std::vector<DocId>& documents() const = 0;
  virtual void put(size_t position, ShingleSet&& set) = 0;
  virtual void intersect(size_t position, ShingleTable* scratch) = 0;
  virtual void release(size_t position) = 0;
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
class StreamingJaccard : public SetStream {
 public:
  // `pairs`: (a << 32 | b) with a < b, sorted ascending, no repeats; must
  // outlive this object.
  explicit StreamingJaccard(std::span<const uint64_t> pairs);

  const std::vector<DocId>& documents() const override { return docs_; }

  // Stores the shingle set of documents()[position].
  void put(size_t position, ShingleSet&& set) override;
  // Computes every pair whose later document is documents()[position].
  // `scratch` (one per thread) holds that document's set as a table; the
  // overload without one allocates its own.
  void intersect(size_t position, ShingleTable* scratch) override;
  void intersect(size_t position);
  // Drops the sets whose last partner is at or before `position`.
  void release(size_t position) override;

  // Per pair, in the order of `pairs`: |A ∩ B| and |A ∪ B|. Complete once
  // every position has been through intersect().
  std::span<const uint32_t> intersections() const { return common_; }
  std::span<const uint32_t> unions() const { return all_; }
  // Moves the results out (the spans above become empty).
  void take_results(std::vector<uint32_t>* intersections,
                    std::vector<uint32_t>* unions);
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

// The exact Jaccard similarities of candidate pairs with the shingle sets
// on disk, for runs under a memory limit, where StreamingJaccard's held sets
// would grow with the pairs' spans (gigabytes at 50M documents). put()
// appends each set to an unnamed temporary file in position order;
// compute() then reads the pairs' sets back by offset, each first member
// once and each second member once per pair. Memory: 8 bytes per document
// and per pair, plus two sets and a table per thread; disk: 8 bytes per
// distinct shingle of the documents. intersect() and release() do nothing.
//
// Thread safety: put() from one thread at a time, in position order (the
// SetStream contract); compute() after the last put(), alone.
class SpilledJaccard : public SetStream {
 public:
  // `pairs` as for StreamingJaccard; must outlive this object. Fails if the
  // file cannot be made in `space` (the error names its directory).
  static Result<std::unique_ptr<SpilledJaccard>> Create(
      std::span<const uint64_t> pairs, TempSpace* space);

  const std::vector<DocId>& documents() const override { return docs_; }
  // Appends the set of documents()[position]; a write error is kept and
  // returned by compute().
  void put(size_t position, ShingleSet&& set) override;
  void intersect(size_t, ShingleTable*) override {}
  void release(size_t) override {}

  // Computes every pair on up to `threads` threads (0: all). REQUIRES:
  // put() called for every position.
  Status compute(int threads);
  // Per pair, in the order of `pairs`, once compute() has succeeded.
  std::span<const uint32_t> intersections() const { return common_; }
  std::span<const uint32_t> unions() const { return all_; }
  void take_results(std::vector<uint32_t>* intersections,
                    std::vector<uint32_t>* unions);

 private:
  SpilledJaccard(std::span<const uint64_t> pairs,
                 std::unique_ptr<TempFile> file);
  // Reads the set of position `p` into `out`.
  Status read_set(size_t p, std::vector<uint64_t>* out) const;

  std::span<const uint64_t> pairs_;
  std::vector<DocId> docs_;
  std::unique_ptr<TempFile> file_;
  // Set p is values [starts_[p], starts_[p + 1]) of the file.
  std::vector<uint64_t> starts_;
  Status failure_;
  std::vector<uint32_t> common_, all_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_STREAMING_JACCARD_H_
