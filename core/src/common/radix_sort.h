// In-place radix sort of packed 64-bit keys, shared by the index stages.

#ifndef NEARDUP_COMMON_RADIX_SORT_H_
#define NEARDUP_COMMON_RADIX_SORT_H_

#include <cstdint>
#include <vector>

namespace neardup::internal {

// Sorts `v`, whose values are below 2^bits (bits <= 64): one in-place radix
// pass (American flag sort) on the top 11 bits, then each bucket, now small
// and in cache, on its own. No memory beyond the bucket counts.
void sort_by_top_bits(std::vector<uint64_t>* v, int bits);

// Sorts `v` by the top 32 bits of its values, keeping the order of values
// with equal top bits (stable): three LSD radix passes of 11 bits through
// `scratch`, which is resized to v->size(). O(n), 2n words of memory.
void sort_by_high_word_stable(std::vector<uint64_t>* v,
                              std::vector<uint64_t>* scratch);

// Reorders `v` so that values with smaller (value >> 32) >> shift come
// first; the order within one such block is unspecified. One counting pass
// and an in-place permutation (American flag sort's): O(n), no copy.
void partition_by_high_word(std::vector<uint64_t>* v, int shift);

}  // namespace neardup::internal

#endif  // NEARDUP_COMMON_RADIX_SORT_H_
