// Permuted-block tables (Manku, Jain and Das Sarma, WWW 2007, section 3).
// In batch mode a "permutation" reduces to a mask: sorting by the key bits
// brings every pair that agrees on them next to each other.

#include "neardup/hamming_index.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

#include "common/bits.h"
#include "common/radix_sort.h"

namespace neardup {

namespace {

constexpr int kMaxDistance = 8;
constexpr int kMaxBlocks = 16;

// Appends every subset of {0..n-1} with `size` elements, as bit sets, in
// lexicographic order of their sorted elements.
void subsets(int n, int size, int first, uint32_t chosen,
             std::vector<uint32_t>* out) {
  if (size == 0) {
    out->push_back(chosen);
    return;
  }
  for (int i = first; i <= n - size; ++i) {
    subsets(n, size - 1, i + 1, chosen | (uint32_t{1} << i), out);
  }
}

double binomial(int n, int k) {
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

}  // namespace

Result<HammingTables> HammingTables::create(int max_distance, int blocks) {
  if (max_distance < 0 || max_distance > kMaxDistance) {
    return Status::InvalidArgument("max_distance must be in [0, 8], got " +
                                   std::to_string(max_distance));
  }
  if (blocks <= max_distance || blocks > kMaxBlocks) {
    return Status::InvalidArgument(
        "blocks must be in (max_distance, 16], got " + std::to_string(blocks));
  }
  return HammingTables(max_distance, blocks);
}

HammingTables::HammingTables(int max_distance, int blocks)
    : max_distance_(max_distance), blocks_(blocks) {
  int low = 0;
  for (int i = 0; i < blocks; ++i) {
    const int width = 64 / blocks + (i < 64 % blocks ? 1 : 0);
    const uint64_t mask =
        width == 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1) << low;
    block_masks_.push_back(mask);
    low += width;
  }
  subsets(blocks, blocks - max_distance, 0, 0, &key_block_sets_);
  for (uint32_t set : key_block_sets_) {
    uint64_t key = 0;
    for (int i = 0; i < blocks; ++i) {
      if (set & (uint32_t{1} << i)) key |= block_masks_[i];
    }
    key_masks_.push_back(key);
  }
}

int HammingTables::suggested_blocks(int max_distance, size_t n) {
  const double count = static_cast<double>(std::max<size_t>(n, 2));
  int best = max_distance + 1;
  double best_cost = 0;
  for (int blocks = max_distance + 1; blocks <= kMaxBlocks; ++blocks) {
    const double tables = binomial(blocks, blocks - max_distance);
    // The narrowest key has (blocks - k) blocks of floor(64 / blocks) bits.
    const double key_bits = (blocks - max_distance) * (64 / blocks);
    const double same_key_pairs = count * count / 2 / std::exp2(key_bits);
    const double cost = tables * (count * std::log2(count) + same_key_pairs);
    if (blocks == max_distance + 1 || cost < best_cost) {
      best = blocks;
      best_cost = cost;
    }
  }
  return best;
}

bool HammingTables::owned_by_earlier(int table, uint32_t agree_blocks) const {
  for (int t = 0; t < table; ++t) {
    if ((key_block_sets_[t] & ~agree_blocks) == 0) return true;
  }
  return false;
}

void HammingTables::find_pairs(int table,
                               std::span<const Fingerprint> fingerprints,
                               std::vector<DocPair>* out,
                               PairSearchStats* stats) const {
  const uint64_t key_mask = key_masks_[table];
  const size_t n = fingerprints.size();
  uint64_t candidates = 0;
  uint64_t verified = 0;
  // Compares every pair within each run of equal keys of `sorted`, which is
  // sorted by (key, index) so that a < b within a run.
  auto search_runs = [&](const auto& sorted, auto key_of, auto doc_of) {
    size_t run_start = 0;
    while (run_start < sorted.size()) {
      const uint64_t key = key_of(sorted[run_start]);
      size_t run_end = run_start + 1;
      while (run_end < sorted.size() && key_of(sorted[run_end]) == key) {
        ++run_end;
      }
      for (size_t i = run_start; i < run_end; ++i) {
        const DocId a = doc_of(sorted[i]);
        const Fingerprint fa = fingerprints[a];
        for (size_t j = i + 1; j < run_end; ++j) {
          const DocId b = doc_of(sorted[j]);
          const Fingerprint diff = fa ^ fingerprints[b];
          uint32_t agree = 0;
          for (int blk = 0; blk < blocks_; ++blk) {
            if ((diff & block_masks_[blk]) == 0) agree |= uint32_t{1} << blk;
          }
          if (owned_by_earlier(table, agree)) continue;
          ++candidates;
          const int distance = internal::popcount64(diff);
          if (distance <= max_distance_) {
            ++verified;
            out->push_back({a, b, static_cast<uint32_t>(distance)});
          }
        }
      }
      run_start = run_end;
    }
  };
  if (internal::popcount64(key_mask) <= 32 && n <= (uint64_t{1} << 32)) {
    // The usual case (keys of at most 32 bits): the key bits, gathered, go
    // above the index in one 64-bit word; half the memory of a (key, index)
    // pair and a faster sort. The order of runs differs, not the pairs.
    struct KeyBlock {
      uint64_t mask;
      int low, width;
    };
    std::vector<KeyBlock> key_blocks;
    int key_bits = 0;
    for (uint64_t mask : block_masks_) {
      if ((key_mask & mask) == 0) continue;
      const int width = internal::popcount64(mask);
      key_blocks.push_back({mask, std::countr_zero(mask), width});
      key_bits += width;
    }
    std::vector<uint64_t> sorted(n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t key = 0;
      for (const KeyBlock& b : key_blocks) {
        key = (key << b.width) | ((fingerprints[i] & b.mask) >> b.low);
      }
      sorted[i] = (key << 32) | i;
    }
    internal::sort_by_top_bits(&sorted, 32 + key_bits);
    search_runs(
        sorted, [](uint64_t v) { return v >> 32; },
        [](uint64_t v) { return static_cast<DocId>(v & 0xffffffffu); });
  } else {
    std::vector<std::pair<uint64_t, DocId>> sorted(n);
    for (size_t i = 0; i < n; ++i) {
      sorted[i] = {fingerprints[i] & key_mask, static_cast<DocId>(i)};
    }
    std::sort(sorted.begin(), sorted.end());
    search_runs(
        sorted, [](const auto& e) { return e.first; },
        [](const auto& e) { return e.second; });
  }
  stats->candidate_pairs += candidates;
  stats->verified_pairs += verified;
}

}  // namespace neardup
