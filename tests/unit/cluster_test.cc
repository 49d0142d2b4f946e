#include "neardup/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <utility>

namespace neardup {
namespace {

TEST(ClusterTest, SingletonsAreTheirOwnRepresentative) {
  const std::vector<DocId> rep = cluster_representatives(4, {});
  EXPECT_EQ(rep, (std::vector<DocId>{0, 1, 2, 3}));
}

TEST(ClusterTest, ConnectedComponentsWithSmallestMemberFirst) {
  // 5~2, 2~7 chain into one cluster even though 5 and 7 are not paired.
  const std::vector<DocPair> pairs = {{5, 7, 3}, {2, 5, 1}, {1, 3, 0}};
  const std::vector<DocId> rep = cluster_representatives(8, pairs);
  EXPECT_EQ(rep, (std::vector<DocId>{0, 1, 2, 1, 4, 2, 6, 2}));
}

TEST(ClusterTest, ResultDoesNotDependOnPairOrder) {
  std::mt19937_64 rng(5);
  std::vector<DocPair> pairs;
  for (int i = 0; i < 3000; ++i) {
    DocId a = rng() % 2000, b = rng() % 2000;
    if (a == b) continue;
    pairs.push_back({std::min(a, b), std::max(a, b), 0});
  }
  const std::vector<DocId> first = cluster_representatives(2000, pairs);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    ASSERT_EQ(cluster_representatives(2000, pairs), first);
  }
  for (DocId d = 0; d < 2000; ++d) EXPECT_LE(first[d], d);
}

TEST(ClusterTest, RepresentativeClustersDoNotChain) {
  // 2~5 and 5~7 but not 2~7: 7 stays out of 2's cluster, and 5 (taken by 2)
  // does not become a representative.
  const std::vector<DocPair> pairs = {{5, 7, 3}, {2, 5, 1}, {1, 3, 0}};
  const std::vector<DocId> rep = representative_clusters(8, pairs);
  EXPECT_EQ(rep, (std::vector<DocId>{0, 1, 2, 1, 4, 2, 6, 7}));
}

TEST(ClusterTest, RepresentativeMembersArePairedWithTheirRepresentative) {
  std::mt19937_64 rng(9);
  std::vector<DocPair> pairs;
  for (int i = 0; i < 3000; ++i) {
    DocId a = rng() % 2000, b = rng() % 2000;
    if (a == b) continue;
    pairs.push_back({std::min(a, b), std::max(a, b), 0});
  }
  const std::vector<DocId> first = representative_clusters(2000, pairs);
  std::set<std::pair<DocId, DocId>> paired;
  for (const DocPair& p : pairs) paired.insert({p.a, p.b});
  for (DocId d = 0; d < 2000; ++d) {
    ASSERT_LE(first[d], d);
    EXPECT_EQ(first[first[d]], first[d]);  // representatives lead themselves
    if (first[d] != d) {
      EXPECT_TRUE(paired.count({first[d], d})) << d;
    }
  }
  for (int trial = 0; trial < 3; ++trial) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    for (DocPair& p : pairs) {
      if (rng() % 2) std::swap(p.a, p.b);
    }
    ASSERT_EQ(representative_clusters(2000, pairs), first);
  }
}

TEST(UnionFindTest, UniteIsSymmetricAndIdempotent) {
  UnionFind sets(4);
  sets.unite(3, 1);
  sets.unite(1, 3);
  EXPECT_EQ(sets.find(3), 1u);
  EXPECT_EQ(sets.find(0), 0u);
  EXPECT_EQ(sets.size(), 4u);
}

}  // namespace
}  // namespace neardup
