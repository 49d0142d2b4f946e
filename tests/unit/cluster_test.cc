#include "neardup/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
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

// Random pairs over `num_docs` documents, in random order and orientation,
// with some repeated and some self pairs.
std::vector<DocPair> random_pairs(uint64_t seed, DocId num_docs, size_t count) {
  std::mt19937_64 rng(seed);
  std::vector<DocPair> pairs;
  for (size_t i = 0; i < count; ++i) {
    const DocId a = static_cast<DocId>(rng() % num_docs);
    const DocId b = static_cast<DocId>(rng() % num_docs);
    pairs.push_back({a, b, 0});
    if (rng() % 20 == 0) pairs.push_back({b, a, 0});
  }
  return pairs;
}

TEST(BoundedClustersTest, AlwaysJoiningIsConnectedComponents) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    // From sparse (many singletons) to one giant component.
    const DocId n = 500;
    const std::vector<DocPair> pairs = random_pairs(seed, n, seed * 40);
    EXPECT_EQ(bounded_clusters(n, pairs, [](DocId, DocId) { return true; }),
              cluster_representatives(n, pairs))
        << "seed " << seed;
  }
}

TEST(BoundedClustersTest, JoiningOnlyPairsOfTheRepresentativeIsLeaderClusters) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const DocId n = 500;
    const std::vector<DocPair> pairs = random_pairs(seed, n, seed * 40);
    std::set<std::pair<DocId, DocId>> paired;
    for (const DocPair& p : pairs) {
      paired.insert({std::min(p.a, p.b), std::max(p.a, p.b)});
    }
    const std::vector<DocId> rep =
        bounded_clusters(n, pairs, [&](DocId member, DocId representative) {
          return paired.count({std::min(member, representative),
                               std::max(member, representative)}) > 0;
        });
    EXPECT_EQ(rep, representative_clusters(n, pairs)) << "seed " << seed;
  }
}

TEST(BoundedClustersTest, ChainIsCutWhereItDriftsFromTheRepresentative) {
  // a-b-c-d as 0-1-2-3; 3 may not join 0's cluster, so it leads its own.
  const std::vector<DocPair> pairs = {{0, 1, 0}, {1, 2, 0}, {2, 3, 0}};
  const std::vector<DocId> rep =
      bounded_clusters(4, pairs, [](DocId member, DocId representative) {
        return !(member == 3 && representative == 0);
      });
  EXPECT_EQ(rep, (std::vector<DocId>{0, 0, 0, 3}));
  // Refusing 1 cuts 2 and 3 off as well: they reach 0 only through 1, which
  // leads them.
  const std::vector<DocId> cut =
      bounded_clusters(4, pairs, [](DocId member, DocId representative) {
        return !(member == 1 && representative == 0);
      });
  EXPECT_EQ(cut, (std::vector<DocId>{0, 1, 1, 1}));
}

TEST(BoundedClustersTest, MembersArePathConnectedAndPassTheTest) {
  // may_join: a fixed pseudo-random relation. Every member passed it against
  // its representative and is linked to it by pairs inside the cluster; a
  // document paired with a member of an earlier cluster was refused by that
  // cluster's representative (it was not in a cluster yet when the member's
  // pairs were followed).
  const DocId n = 400;
  const std::vector<DocPair> pairs = random_pairs(12, n, 800);
  auto allowed = [](DocId member, DocId representative) {
    return (uint64_t{member} * 0x9e3779b97f4a7c15 ^ representative) % 3 != 0;
  };
  const std::vector<DocId> rep = bounded_clusters(n, pairs, allowed);
  for (DocId d = 0; d < n; ++d) {
    ASSERT_LE(rep[d], d);
    EXPECT_EQ(rep[rep[d]], rep[d]) << d;
    if (rep[d] != d) {
      EXPECT_TRUE(allowed(d, rep[d])) << d;
    }
  }
  UnionFind inside(n);
  size_t cut = 0;
  for (const DocPair& p : pairs) {
    if (rep[p.a] == rep[p.b]) inside.unite(p.a, p.b);
  }
  for (DocId d = 0; d < n; ++d) {
    EXPECT_EQ(inside.find(d), inside.find(rep[d])) << d;
  }
  for (const DocPair& p : pairs) {
    if (rep[p.a] == rep[p.b]) continue;
    ++cut;
    for (auto [x, y] : {std::pair{p.a, p.b}, std::pair{p.b, p.a}}) {
      if (rep[y] > rep[x]) {
        EXPECT_FALSE(allowed(y, rep[x])) << x << " " << y;
      }
    }
  }
  EXPECT_GT(cut, 0u);
}

TEST(BoundedClustersTest, ResultDoesNotDependOnPairOrder) {
  std::mt19937_64 rng(17);
  const DocId n = 1000;
  std::vector<DocPair> pairs = random_pairs(17, n, 2500);
  auto allowed = [](DocId member, DocId representative) {
    return (member + 3 * representative) % 5 != 0;
  };
  const std::vector<DocId> first = bounded_clusters(n, pairs, allowed);
  // The test must cut something, or it would only check components.
  ASSERT_NE(first, cluster_representatives(n, pairs));
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    for (DocPair& p : pairs) {
      if (rng() % 2) std::swap(p.a, p.b);
    }
    ASSERT_EQ(bounded_clusters(n, pairs, allowed), first) << "trial " << trial;
  }
}

TEST(BoundedClustersTest, AsksAtMostOncePerDocumentAndRepresentative) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    // Dense, so that documents are reached through many members.
    const DocId n = 200;
    const std::vector<DocPair> pairs = random_pairs(seed, n, 2000);
    std::map<std::pair<DocId, DocId>, int> calls;
    const std::vector<DocId> rep =
        bounded_clusters(n, pairs, [&](DocId member, DocId representative) {
          ++calls[{member, representative}];
          EXPECT_LT(representative, member);
          return (member ^ representative) % 4 == 0;
        });
    ASSERT_FALSE(calls.empty());
    for (const auto& [key, count] : calls) {
      EXPECT_EQ(count, 1) << "seed " << seed << ": " << key.first << " for "
                          << key.second;
    }
    ASSERT_EQ(rep.size(), n);
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
