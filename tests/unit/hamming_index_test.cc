#include "neardup/hamming_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "neardup/fingerprint.h"

namespace neardup {
namespace {

// Random distinct fingerprints with planted neighbours at every distance.
std::vector<Fingerprint> planted(size_t n, std::mt19937_64& rng) {
  std::set<Fingerprint> seen;
  std::vector<Fingerprint> fps;
  while (fps.size() < n) {
    Fingerprint f = rng();
    if (!fps.empty() && rng() % 2 == 0) {
      f = fps[rng() % fps.size()];
      const int flips = static_cast<int>(rng() % 10);
      for (int i = 0; i < flips; ++i) f ^= uint64_t{1} << (rng() % 64);
    }
    if (seen.insert(f).second) fps.push_back(f);
  }
  return fps;
}

std::vector<DocPair> brute_force(const std::vector<Fingerprint>& fps, int k) {
  std::vector<DocPair> pairs;
  for (DocId a = 0; a < fps.size(); ++a) {
    for (DocId b = a + 1; b < fps.size(); ++b) {
      const int d = hamming_distance(fps[a], fps[b]);
      if (d <= k) pairs.push_back({a, b, static_cast<uint32_t>(d)});
    }
  }
  return pairs;
}

bool by_docs(const DocPair& x, const DocPair& y) {
  return std::tie(x.a, x.b) < std::tie(y.a, y.b);
}

TEST(HammingTablesTest, RejectsBadParameters) {
  EXPECT_FALSE(HammingTables::create(-1, 4).ok());
  EXPECT_FALSE(HammingTables::create(9, 12).ok());
  EXPECT_FALSE(HammingTables::create(3, 3).ok());
  EXPECT_FALSE(HammingTables::create(3, 17).ok());
}

TEST(HammingTablesTest, TableCountIsBinomial) {
  auto t = HammingTables::create(3, 6);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->num_tables(), 20);  // C(6, 3), Manku et al.'s example
  // Each key covers blocks - k blocks of the 64 bits.
  for (int i = 0; i < t->num_tables(); ++i) {
    const int bits = std::popcount(t->key_mask(i));
    EXPECT_GE(bits, 30);
    EXPECT_LE(bits, 33);
  }
}

TEST(HammingTablesTest, FindsExactlyTheBruteForcePairsOnce) {
  std::mt19937_64 rng(2024);
  const std::vector<Fingerprint> fps = planted(1500, rng);
  for (int k = 0; k <= 8; ++k) {
    for (int blocks : {k + 1, k + 2, std::min(16, k + 4)}) {
      auto tables = HammingTables::create(k, blocks);
      ASSERT_TRUE(tables.ok());
      std::vector<DocPair> found;
      PairSearchStats stats;
      for (int t = 0; t < tables->num_tables(); ++t) {
        tables->find_pairs(t, fps, &found, &stats);
      }
      std::vector<DocPair> expected = brute_force(fps, k);
      std::sort(found.begin(), found.end(), by_docs);
      std::sort(expected.begin(), expected.end(), by_docs);
      ASSERT_EQ(found, expected) << "k=" << k << " blocks=" << blocks;
      EXPECT_EQ(stats.verified_pairs, expected.size());
      EXPECT_GE(stats.candidate_pairs, stats.verified_pairs);
    }
  }
}

TEST(HammingTablesTest, SuggestedBlocksGrowWithN) {
  const int small = HammingTables::suggested_blocks(4, 1000);
  const int large = HammingTables::suggested_blocks(4, 100'000'000);
  EXPECT_GT(small, 4);
  EXPECT_GE(large, small);
  EXPECT_LE(large, 16);
}

}  // namespace
}  // namespace neardup
