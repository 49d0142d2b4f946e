// File: neardup/hamming_index.h
//
// All pairs of fingerprints within Hamming distance k, found with the
// permuted-block tables of Manku, Jain and Das Sarma, "Detecting
// Near-Duplicates for Web Crawling", WWW 2007, section 3: the 64 bits are cut
// into `blocks` blocks; two fingerprints within distance k agree on at least
// blocks - k of them (pigeonhole), so one table per choice of blocks - k key
// blocks finds every such pair among fingerprints sharing that key. This is
// the paper's batch mode (section 3.1.2): each table is one sort.
//
// Example:
//   auto tables = neardup::HammingTables::create(/*max_distance=*/3,
//                                                /*blocks=*/4);
//   std::vector<neardup::DocPair> pairs;
//   for (int t = 0; t < tables->num_tables(); ++t)
//     tables->find_pairs(t, fingerprints, &pairs, &stats);

#ifndef NEARDUP_HAMMING_INDEX_H_
#define NEARDUP_HAMMING_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "neardup/status.h"
#include "neardup/types.h"

namespace neardup {

struct PairSearchStats {
  uint64_t candidate_pairs = 0;  // distinct pairs sharing a table key
  uint64_t verified_pairs = 0;   // of those, pairs within max_distance
};

// Immutable after create(); all methods are const and thread-safe, so tables
// may be searched in parallel (the pipeline does).
class HammingTables {
 public:
  // REQUIRES: 0 <= max_distance <= 8 and max_distance < blocks <= 16.
  // Returns InvalidArgument otherwise. Blocks are contiguous bit ranges of
  // 64 / blocks bits (the first 64 % blocks blocks one bit wider).
  static Result<HammingTables> create(int max_distance, int blocks);

  // The number of blocks with the least estimated work for `n` distinct
  // fingerprints: tables * (n + expected same-key pairs). Results never depend
  // on it, only speed.
  static int suggested_blocks(int max_distance, size_t n);

  int max_distance() const { return max_distance_; }
  int blocks() const { return blocks_; }
  // C(blocks, blocks - max_distance).
  int num_tables() const { return static_cast<int>(key_masks_.size()); }
  // The bits table `table` keys on. REQUIRES: 0 <= table < num_tables().
  uint64_t key_mask(int table) const { return key_masks_[table]; }

  // Appends to `out` each pair (a < b, indices into `fingerprints`) within
  // max_distance whose lowest-numbered shared table is `table`, so that the
  // union over all tables has every pair exactly once. Adds to `stats`.
  // `fingerprints` should be distinct (equal fingerprints share every key and
  // cost quadratic time); at most 2^32 - 1 of them.
  // Cost: one sort of fingerprints.size() entries plus the same-key pairs.
  void find_pairs(int table, std::span<const Fingerprint> fingerprints,
                  std::vector<DocPair>* out, PairSearchStats* stats) const;

 private:
  HammingTables(int max_distance, int blocks);
  // True if the pair agreeing on `agree_blocks` also shares an earlier key.
  bool owned_by_earlier(int table, uint32_t agree_blocks) const;

  int max_distance_;
  int blocks_;
  std::vector<uint64_t> block_masks_;     // one per block
  std::vector<uint64_t> key_masks_;       // one per table
  std::vector<uint32_t> key_block_sets_;  // one per table, bit i = block i
};

}  // namespace neardup

#endif  // NEARDUP_HAMMING_INDEX_H_
