#include "pipeline/streaming_jaccard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "spill/temp_file.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

ShingleSet set_of(const std::vector<uint64_t>& hashes) {
  ShingleSet set;
  set.assign(hashes);
  return set;
}

size_t reference_intersection(const std::set<uint64_t>& a,
                              const std::set<uint64_t>& b) {
  size_t common = 0;
  for (uint64_t h : a) common += b.count(h);
  return common;
}

// `n` values drawn from `pool` (so with repeats), and 0 when `zero`.
std::vector<uint64_t> draw(std::mt19937_64& rng,
                           const std::vector<uint64_t>& pool, size_t n,
                           bool zero) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(pool[rng() % pool.size()]);
  if (zero) {
    out.insert(out.begin() + static_cast<ptrdiff_t>(rng() % (n + 1)), 0);
  }
  return out;
}

TEST(ShingleSetTest, SizeAndIntersectionEqualStdSet) {
  std::mt19937_64 rng(21);
  // Random 64-bit values, and values that share their low 16 bits, which
  // index the table: every one of them probes past the others.
  std::vector<uint64_t> random_pool, colliding_pool;
  for (int i = 0; i < 400; ++i) {
    random_pool.push_back(rng() | 1);
    colliding_pool.push_back((rng() << 16) | 0x1234);
  }
  for (const std::vector<uint64_t>* pool : {&random_pool, &colliding_pool}) {
    for (int trial = 0; trial < 200; ++trial) {
      const size_t na = rng() % 600, nb = rng() % 600;
      const std::vector<uint64_t> a =
          draw(rng, *pool, na, /*zero=*/trial % 3 != 0);
      const std::vector<uint64_t> b =
          draw(rng, *pool, nb, /*zero=*/trial % 2 != 0);
      const std::set<uint64_t> ra(a.begin(), a.end()), rb(b.begin(), b.end());
      const ShingleSet sa = set_of(a), sb = set_of(b);
      ASSERT_EQ(sa.size(), ra.size()) << "trial " << trial;
      ASSERT_EQ(sb.size(), rb.size()) << "trial " << trial;
      const size_t common = reference_intersection(ra, rb);
      EXPECT_EQ(sa.intersection_size(sb), common) << "trial " << trial;
      EXPECT_EQ(sb.intersection_size(sa), common) << "trial " << trial;
      EXPECT_EQ(sa.intersection_size(sa), ra.size()) << "trial " << trial;
    }
  }
}

TEST(ShingleSetTest, ZeroIsAValue) {
  const ShingleSet zero = set_of({0, 0, 0});
  EXPECT_EQ(zero.size(), 1u);
  EXPECT_EQ(zero.intersection_size(set_of({0, 5})), 1u);
  EXPECT_EQ(set_of({0, 5}).intersection_size(zero), 1u);
  EXPECT_EQ(zero.intersection_size(set_of({5, 16, 32})), 0u);
  EXPECT_EQ(set_of({5, 16, 32}).intersection_size(zero), 0u);
  EXPECT_EQ(set_of({0, 7}).intersection_size(set_of({7, 0, 9})), 2u);
}

TEST(ShingleSetTest, EmptySets) {
  const ShingleSet unassigned;
  const ShingleSet empty = set_of({});
  const ShingleSet some = set_of({0, 1, 2, 3, 1u << 20});
  EXPECT_EQ(unassigned.size(), 0u);
  EXPECT_EQ(empty.size(), 0u);
  for (const ShingleSet* e : {&unassigned, &empty}) {
    EXPECT_EQ(e->intersection_size(some), 0u);
    EXPECT_EQ(some.intersection_size(*e), 0u);
    EXPECT_EQ(e->intersection_size(unassigned), 0u);
    EXPECT_EQ(e->intersection_size(empty), 0u);
  }
  ShingleSet cleared = set_of({1, 2, 3});
  cleared.clear();
  EXPECT_EQ(cleared.size(), 0u);
  EXPECT_EQ(cleared.bytes(), 0u);
  EXPECT_EQ(cleared.intersection_size(some), 0u);
  EXPECT_EQ(some.intersection_size(cleared), 0u);
}

TEST(ShingleSetTest, AssignReplacesTheSet) {
  ShingleSet set = set_of({1, 2, 3, 0});
  set.assign(std::vector<uint64_t>{4, 5});
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.intersection_size(set_of({0, 1, 2, 3, 4})), 1u);
}

TEST(ShingleSetTest, SetsOfVeryDifferentSizes) {
  std::mt19937_64 rng(3);
  std::vector<uint64_t> big;
  for (int i = 0; i < 100000; ++i) big.push_back(rng());
  big.push_back(0);
  // 3 members of `big` (one of them 0) and 4 values not in it.
  std::vector<uint64_t> small = {big[10], big[99999], 0};
  for (int i = 0; i < 4; ++i) small.push_back(rng());
  const ShingleSet sbig = set_of(big), ssmall = set_of(small);
  ASSERT_EQ(sbig.size(), 100001u);
  ASSERT_EQ(ssmall.size(), 7u);
  EXPECT_EQ(sbig.intersection_size(ssmall), 3u);
  EXPECT_EQ(ssmall.intersection_size(sbig), 3u);
  EXPECT_EQ(set_of({big[5]}).intersection_size(sbig), 1u);
  EXPECT_EQ(sbig.intersection_size(set_of({})), 0u);
  // A held set costs 8 bytes a value, exactly.
  EXPECT_EQ(sbig.bytes(), 100001 * sizeof(uint64_t));
}

// A random test case: sorted distinct pairs (a << 32 | b), a < b, over
// `docs` documents drawn from [0, 4 * docs), and a set per document.
struct PairCase {
  std::vector<uint64_t> pairs;
  std::map<DocId, std::vector<uint64_t>> shingles;
};

PairCase random_case(uint64_t seed, size_t docs, size_t num_pairs) {
  std::mt19937_64 rng(seed);
  std::set<DocId> chosen;
  while (chosen.size() < docs) {
    chosen.insert(static_cast<DocId>(rng() % (4 * docs)));
  }
  const std::vector<DocId> ids(chosen.begin(), chosen.end());
  std::set<uint64_t> pairs;
  while (pairs.size() < num_pairs) {
    DocId a = ids[rng() % ids.size()], b = ids[rng() % ids.size()];
    if (a == b) continue;
    if (b < a) std::swap(a, b);
    pairs.insert((uint64_t{a} << 32) | b);
  }
  PairCase c;
  c.pairs.assign(pairs.begin(), pairs.end());
  // Drawn from a small pool so that sets overlap; repeats and 0 included.
  std::vector<uint64_t> pool;
  for (int i = 0; i < 300; ++i) pool.push_back(rng());
  for (DocId d : ids) {
    c.shingles[d] = draw(rng, pool, rng() % 200, /*zero=*/rng() % 4 == 0);
  }
  return c;
}

// |A ∩ B| and |A ∪ B| of every pair, by std::set.
void brute_force(const PairCase& c, std::vector<uint32_t>* common,
                 std::vector<uint32_t>* all) {
  for (uint64_t pair : c.pairs) {
    const std::vector<uint64_t>& va =
        c.shingles.at(static_cast<DocId>(pair >> 32));
    const std::vector<uint64_t>& vb = c.shingles.at(static_cast<DocId>(pair));
    const std::set<uint64_t> a(va.begin(), va.end()), b(vb.begin(), vb.end());
    std::set<uint64_t> u = a;
    u.insert(b.begin(), b.end());
    common->push_back(static_cast<uint32_t>(reference_intersection(a, b)));
    all->push_back(static_cast<uint32_t>(u.size()));
  }
}

template <typename Jaccard>
void expect_brute_force(const PairCase& c, const Jaccard& jaccard,
                        uint64_t seed) {
  std::vector<uint32_t> common, all;
  brute_force(c, &common, &all);
  const std::span<const uint32_t> got_common = jaccard.intersections();
  const std::span<const uint32_t> got_all = jaccard.unions();
  ASSERT_EQ(got_common.size(), c.pairs.size());
  ASSERT_EQ(got_all.size(), c.pairs.size());
  for (size_t i = 0; i < c.pairs.size(); ++i) {
    EXPECT_EQ(got_common[i], common[i])
        << "seed " << seed << " pair " << (c.pairs[i] >> 32) << "-"
        << static_cast<DocId>(c.pairs[i]);
    EXPECT_EQ(got_all[i], all[i])
        << "seed " << seed << " pair " << (c.pairs[i] >> 32) << "-"
        << static_cast<DocId>(c.pairs[i]);
  }
}

std::vector<DocId> members(const std::vector<uint64_t>& pairs) {
  std::set<DocId> docs;
  for (uint64_t p : pairs) {
    docs.insert(static_cast<DocId>(p >> 32));
    docs.insert(static_cast<DocId>(p));
  }
  return std::vector<DocId>(docs.begin(), docs.end());
}

TEST(StreamingJaccardTest, EqualsBruteForceInPositionOrder) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const PairCase c = random_case(seed, 300, 50 + seed * 40);
    StreamingJaccard jaccard(c.pairs);
    ASSERT_EQ(jaccard.documents(), members(c.pairs)) << "seed " << seed;
    const std::vector<DocId>& docs = jaccard.documents();
    for (size_t p = 0; p < docs.size(); ++p) {
      jaccard.put(p, set_of(c.shingles.at(docs[p])));
      jaccard.intersect(p);
      jaccard.release(p);
    }
    expect_brute_force(c, jaccard, seed);
  }
}

TEST(StreamingJaccardTest, NoPairsNoDocuments) {
  StreamingJaccard jaccard({});
  EXPECT_TRUE(jaccard.documents().empty());
  EXPECT_TRUE(jaccard.intersections().empty());
  EXPECT_TRUE(jaccard.unions().empty());
  EXPECT_EQ(jaccard.peak_bytes(), 0u);
}

TEST(StreamingJaccardTest, EmptySetsGiveEmptyUnions) {
  // 3 has no shingles; 0 is a shingle like any other.
  const std::vector<uint64_t> pairs = {(uint64_t{1} << 32) | 3,
                                       (uint64_t{1} << 32) | 7,
                                       (uint64_t{3} << 32) | 9};
  StreamingJaccard jaccard(pairs);
  ASSERT_EQ(jaccard.documents(), (std::vector<DocId>{1, 3, 7, 9}));
  const std::vector<std::vector<uint64_t>> sets = {{0, 1, 2}, {}, {0, 2}, {}};
  for (size_t p = 0; p < 4; ++p) {
    jaccard.put(p, set_of(sets[p]));
    jaccard.intersect(p);
    jaccard.release(p);
  }
  EXPECT_EQ(std::vector<uint32_t>(jaccard.intersections().begin(),
                                  jaccard.intersections().end()),
            (std::vector<uint32_t>{0, 2, 0}));
  EXPECT_EQ(
      std::vector<uint32_t>(jaccard.unions().begin(), jaccard.unions().end()),
      (std::vector<uint32_t>{3, 3, 0}));
}

// The pipeline's order: batches of positions; the sets of batch k + 1 are
// put (and intersected) before batch k is released.
TEST(StreamingJaccardTest, EqualsBruteForceWhenBatchesOverlap) {
  for (uint64_t seed = 30; seed < 40; ++seed) {
    const PairCase c = random_case(seed, 300, 600);
    for (size_t batch : {1, 7, 64}) {
      StreamingJaccard jaccard(c.pairs);
      const std::vector<DocId>& docs = jaccard.documents();
      const size_t n = docs.size();
      auto each = [&](size_t k, auto&& f) {
        for (size_t p = k * batch; p < std::min(n, (k + 1) * batch); ++p) f(p);
      };
      const size_t batches = (n + batch - 1) / batch;
      for (size_t k = 0; k <= batches; ++k) {
        if (k < batches) {
          each(k, [&](size_t p) {
            jaccard.put(p, set_of(c.shingles.at(docs[p])));
          });
          each(k, [&](size_t p) { jaccard.intersect(p); });
        }
        if (k > 0) each(k - 1, [&](size_t p) { jaccard.release(p); });
      }
      expect_brute_force(c, jaccard, seed * 1000 + batch);
    }
  }
}

// As the pipeline runs it: intersect() of batch k on two threads while batch
// k - 1 is released and batch k + 1 put.
TEST(StreamingJaccardTest, EqualsBruteForceWithConcurrentIntersect) {
  const PairCase c = random_case(77, 400, 3000);
  StreamingJaccard jaccard(c.pairs);
  const std::vector<DocId>& docs = jaccard.documents();
  const size_t n = docs.size();
  constexpr size_t kBatch = 16;
  const size_t batches = (n + kBatch - 1) / kBatch;
  auto begin = [&](size_t k) { return std::min(n, k * kBatch); };
  auto put = [&](size_t k) {
    for (size_t p = begin(k); p < begin(k + 1); ++p) {
      jaccard.put(p, set_of(c.shingles.at(docs[p])));
    }
  };
  put(0);
  for (size_t k = 0; k < batches; ++k) {
    // Two threads share batch k's positions.
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 2; ++t) {
      threads.emplace_back([&, k, t] {
        for (size_t p = begin(k) + t; p < begin(k + 1); p += 2) {
          jaccard.intersect(p);
        }
      });
    }
    if (k > 0) {
      for (size_t p = begin(k - 1); p < begin(k); ++p) jaccard.release(p);
    }
    put(k + 1);
    for (std::thread& t : threads) t.join();
  }
  for (size_t p = begin(batches - 1); p < n; ++p) jaccard.release(p);
  expect_brute_force(c, jaccard, 77);
}

// Memory follows the pairs' spans: over 20,000 documents where every pair
// spans at most W = 8 positions, a set is held from its put() until the
// release() of its last partner, at most W positions later. So when
// put(p) runs, the sets held are those of positions p - W..p: at most W + 1,
// against 20,000 for keeping them all.
TEST(StreamingJaccardTest, PeakBytesFollowThePairSpans) {
  constexpr size_t kDocs = 20000;
  constexpr DocId kSpan = 8;  // W
  std::mt19937_64 rng(8);
  std::vector<uint64_t> pairs;
  for (DocId a = 0; a + 1 < kDocs; ++a) {
    // The next document always, so that every document takes part, and
    // one more within W.
    pairs.push_back((uint64_t{a} << 32) | (a + 1));
    const DocId b = a + 2 + static_cast<DocId>(rng() % (kSpan - 1));
    if (b < kDocs) pairs.push_back((uint64_t{a} << 32) | b);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  StreamingJaccard jaccard(pairs);
  ASSERT_EQ(jaccard.documents().size(), kDocs);
  // 100 shingles per set, so every set has the same bytes().
  size_t set_bytes = 0, total_bytes = 0;
  for (size_t p = 0; p < kDocs; ++p) {
    // Document d holds d..d+99: neighbours at distance k share 100 - k.
    std::vector<uint64_t> hashes;
    for (uint64_t h = p; h < p + 100; ++h) {
      hashes.push_back(h * 0x9e3779b97f4a7c15);
    }
    ShingleSet set = set_of(hashes);
    set_bytes = std::max(set_bytes, set.bytes());
    total_bytes += set.bytes();
    jaccard.put(p, std::move(set));
    jaccard.intersect(p);
    jaccard.release(p);
  }
  ASSERT_GT(set_bytes, 0u);
  EXPECT_LE(jaccard.peak_bytes(), (kSpan + 1) * set_bytes);
  EXPECT_GE(jaccard.peak_bytes(), 2 * set_bytes);  // a pair is held at once
  EXPECT_LT(jaccard.peak_bytes(), total_bytes / 1000);
  for (size_t i = 0; i < pairs.size(); ++i) {
    const uint32_t distance =
        static_cast<DocId>(pairs[i]) - static_cast<DocId>(pairs[i] >> 32);
    ASSERT_EQ(jaccard.intersections()[i], 100 - distance) << i;
    ASSERT_EQ(jaccard.unions()[i], 100 + distance) << i;
  }
}

// The sets on disk give what brute force gives, on one thread and on
// several, including a few sets far larger than the rest.
TEST(SpilledJaccardTest, EqualsBruteForce) {
  testing::TempDir dir;
  TempSpace space(dir.path());
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    PairCase c = random_case(seed, 300, 50 + seed * 60);
    if (seed == 12) {
      std::mt19937_64 rng(seed);
      for (auto& [doc, shingles] : c.shingles) {
        if (doc % 5 == 0) {
          for (int i = 0; i < 3000; ++i) shingles.push_back(rng() % 5000);
        }
      }
    }
    for (int threads : {1, 3}) {
      Result<std::unique_ptr<SpilledJaccard>> jaccard =
          SpilledJaccard::Create(c.pairs, &space);
      ASSERT_TRUE(jaccard.ok()) << jaccard.status().to_string();
      ASSERT_EQ((*jaccard)->documents(), members(c.pairs));
      const std::vector<DocId>& docs = (*jaccard)->documents();
      for (size_t p = 0; p < docs.size(); ++p) {
        (*jaccard)->put(p, set_of(c.shingles.at(docs[p])));
      }
      ASSERT_TRUE((*jaccard)->compute(threads).ok());
      expect_brute_force(c, **jaccard, seed * 10 + threads);
      // Results moved out leave the spans empty.
      std::vector<uint32_t> common, all;
      (*jaccard)->take_results(&common, &all);
      EXPECT_EQ(common.size(), c.pairs.size());
      EXPECT_EQ(all.size(), c.pairs.size());
      EXPECT_TRUE((*jaccard)->intersections().empty());
    }
  }
  // Every file is gone with its object.
  EXPECT_EQ(space.held_bytes(), 0u);
  EXPECT_GT(space.written_bytes(), 0u);
}

TEST(SpilledJaccardTest, EmptySetsAndNoPairs) {
  testing::TempDir dir;
  TempSpace space(dir.path());
  const std::vector<uint64_t> pairs = {(uint64_t{1} << 32) | 3,
                                       (uint64_t{1} << 32) | 7,
                                       (uint64_t{3} << 32) | 9};
  Result<std::unique_ptr<SpilledJaccard>> jaccard =
      SpilledJaccard::Create(pairs, &space);
  ASSERT_TRUE(jaccard.ok());
  const std::vector<std::vector<uint64_t>> sets = {{0, 1, 2}, {}, {0, 2}, {}};
  for (size_t p = 0; p < 4; ++p) (*jaccard)->put(p, set_of(sets[p]));
  ASSERT_TRUE((*jaccard)->compute(2).ok());
  EXPECT_EQ(std::vector<uint32_t>((*jaccard)->intersections().begin(),
                                  (*jaccard)->intersections().end()),
            (std::vector<uint32_t>{0, 2, 0}));
  EXPECT_EQ(std::vector<uint32_t>((*jaccard)->unions().begin(),
                                  (*jaccard)->unions().end()),
            (std::vector<uint32_t>{3, 3, 0}));

  Result<std::unique_ptr<SpilledJaccard>> none =
      SpilledJaccard::Create({}, &space);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE((*none)->documents().empty());
  EXPECT_TRUE((*none)->compute(2).ok());
  EXPECT_TRUE((*none)->intersections().empty());
}

TEST(SpilledJaccardTest, MissingOrMisorderedSetsAreErrors) {
  testing::TempDir dir;
  TempSpace space(dir.path());
  const std::vector<uint64_t> pairs = {(uint64_t{1} << 32) | 3,
                                       (uint64_t{3} << 32) | 9};
  Result<std::unique_ptr<SpilledJaccard>> missing =
      SpilledJaccard::Create(pairs, &space);
  ASSERT_TRUE(missing.ok());
  (*missing)->put(0, set_of({1}));
  (*missing)->put(1, set_of({1}));
  EXPECT_FALSE((*missing)->compute(1).ok());

  Result<std::unique_ptr<SpilledJaccard>> misordered =
      SpilledJaccard::Create(pairs, &space);
  ASSERT_TRUE(misordered.ok());
  (*misordered)->put(1, set_of({1}));
  (*misordered)->put(0, set_of({1}));
  (*misordered)->put(2, set_of({1}));
  EXPECT_FALSE((*misordered)->compute(1).ok());

  TempSpace nowhere(dir.path().string() + "/missing");
  Result<std::unique_ptr<SpilledJaccard>> no_dir =
      SpilledJaccard::Create(pairs, &nowhere);
  ASSERT_FALSE(no_dir.ok());
  EXPECT_NE(no_dir.status().to_string().find(dir.path().string() + "/missing"),
            std::string::npos);
}

}  // namespace
}  // namespace neardup::internal
