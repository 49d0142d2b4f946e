#include "common/radix_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace neardup::internal {
namespace {

TEST(RadixSortTest, SortByTopBitsEqualsStdSort) {
  std::mt19937_64 rng(1);
  for (size_t n : {0, 10, 5000, 100000}) {
    for (int bits : {20, 40, 64}) {
      std::vector<uint64_t> v(n);
      for (uint64_t& x : v) x = bits == 64 ? rng() : rng() >> (64 - bits);
      std::vector<uint64_t> want = v;
      std::sort(want.begin(), want.end());
      sort_by_top_bits(&v, bits);
      EXPECT_EQ(v, want) << n << " " << bits;
    }
  }
}

TEST(RadixSortTest, SortByHighWordIsStable) {
  std::mt19937_64 rng(2);
  for (size_t n : {0, 100, 300, 70000}) {
    // Few distinct keys, so that stability shows; low word = position.
    std::vector<uint64_t> v(n);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t key = (rng() % 50) * 0x0123456789ULL & 0xffffffffULL;
      v[i] = (key << 32) | i;
    }
    std::vector<uint64_t> want = v;
    std::stable_sort(want.begin(), want.end(), [](uint64_t a, uint64_t b) {
      return (a >> 32) < (b >> 32);
    });
    std::vector<uint64_t> scratch;
    sort_by_high_word_stable(&v, &scratch);
    EXPECT_EQ(v, want) << n;
  }
}

TEST(RadixSortTest, PartitionByHighWordGroupsBlocksInOrder) {
  std::mt19937_64 rng(3);
  for (size_t n : {0, 1, 2, 1000, 100000}) {
    for (int shift : {0, 4, 20}) {
      std::vector<uint64_t> v(n);
      for (uint64_t& x : v) x = (rng() % 3000) << 32 | (rng() & 0xffffffff);
      std::vector<uint64_t> want = v;
      partition_by_high_word(&v, shift);
      // The same values, and their blocks ascending.
      std::vector<uint64_t> got = v;
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      EXPECT_EQ(got, want) << n << " " << shift;
      EXPECT_TRUE(std::is_sorted(v.begin(), v.end(),
                                 [&](uint64_t a, uint64_t b) {
                                   return (a >> 32 >> shift) <
                                          (b >> 32 >> shift);
                                 }))
          << n << " " << shift;
    }
  }
}

}  // namespace
}  // namespace neardup::internal
