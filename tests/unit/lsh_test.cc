#include "neardup/lsh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "index/lsh_bands.h"
#include "neardup/minhash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {
namespace {

using internal::band_candidates;
using internal::kMaxAllPairsBucket;

TEST(LshTest, ReduceSignatureMixesTheBinIndex) {
  // fmix64(h ^ (i * 0x9e3779b97f4a7c15)) >> 56, computed by hand.
  const std::vector<uint64_t> sig = {0, 0, 0x1234};
  std::vector<uint8_t> out(3);
  reduce_signature(sig, out);
  EXPECT_EQ(out[0], 0x00);  // fmix64(0) = 0
  EXPECT_NE(out[1], out[0]);
  // One hash copied into every bin (a one-shingle set) gives bytes that
  // differ across bins, so two such sets agree on ~1/256 of them, not on all.
  std::vector<uint64_t> a(256, 0x1234), b(256, 0x5678);
  std::vector<uint8_t> ra(256), rb(256);
  reduce_signature(a, ra);
  reduce_signature(b, rb);
  EXPECT_LT(equal_entries(ra, rb), 8);
  EXPECT_GT(std::set<uint8_t>(ra.begin(), ra.end()).size(), 100u);
}

TEST(LshTest, BbitJaccardCorrectsForChanceAgreement) {
  EXPECT_DOUBLE_EQ(bbit_jaccard(128, 128), 1.0);
  EXPECT_DOUBLE_EQ(bbit_jaccard(0, 128), 0.0);
  // Half equal: (0.5 - 1/256) / (1 - 1/256) = 127/255.
  EXPECT_DOUBLE_EQ(bbit_jaccard(64, 128), 127.0 / 255.0);
  EXPECT_DOUBLE_EQ(bbit_jaccard(0, 0), 0.0);
}

TEST(LshTest, MinEqualEntriesIsTheExactBoundary) {
  for (int length : {16, 100, 128, 1024}) {
    for (double t : {0.01, 0.3, 0.5, 0.55, 0.7, 0.9, 0.99}) {
      const int m = min_equal_entries(t, length);
      ASSERT_LE(m, length);
      EXPECT_GE(bbit_jaccard(m, length), t) << length << " " << t;
      if (m > 0) {
        EXPECT_LT(bbit_jaccard(m - 1, length), t) << length << " " << t;
      }
    }
  }
}

TEST(LshTest, EstimateTracksExactJaccard) {
  // Sets of 600 features sharing `common`: J = common / (1200 - common).
  std::mt19937_64 rng(11);
  for (int common : {100, 300, 450, 600}) {
    std::vector<uint64_t> a, b;
    for (int i = 0; i < common; ++i) {
      const uint64_t h = rng();
      a.push_back(h);
      b.push_back(h);
    }
    while (a.size() < 600) a.push_back(rng());
    while (b.size() < 600) b.push_back(rng());
    const double exact = common / (1200.0 - common);
    std::vector<uint64_t> sa(512), sb(512);
    minhash_signature(a, sa);
    minhash_signature(b, sb);
    std::vector<uint8_t> ra(512), rb(512);
    reduce_signature(sa, ra);
    reduce_signature(sb, rb);
    const double est = bbit_jaccard(equal_entries(ra, rb), 512);
    const double se = std::sqrt(std::max(exact * (1 - exact), 0.01) / 512);
    EXPECT_NEAR(est, exact, 5 * se) << common;
  }
}

// Sketch records of `sigs` with all band checks 0 (room for `length`
// bands): bands then match on their bytes alone.
SignatureTable table_of(const std::vector<uint8_t>& sigs, int length) {
  SignatureTable table(length + kBandCheckBytes * length);
  for (size_t at = 0; at < sigs.size(); at += length) {
    std::span<uint8_t> sig = table.append();
    std::copy_n(sigs.begin() + at, length, sig.begin());
    std::fill(sig.begin() + length, sig.end(), 0);
  }
  return table;
}

TEST(LshTest, SignatureTableSpansBlocks) {
  SignatureTable table(3);
  const size_t n = 2 * SignatureTable::kBlockDocs + 5;
  for (size_t i = 0; i < n; ++i) {
    std::span<uint8_t> sig = table.append();
    ASSERT_EQ(sig.size(), 3u);
    for (uint8_t& b : sig) b = static_cast<uint8_t>(i * 7);
  }
  ASSERT_EQ(table.size(), n);
  for (size_t i = 0; i < n; i += 997) {
    EXPECT_EQ(table[static_cast<DocId>(i)][2], static_cast<uint8_t>(i * 7));
  }
}

// Brute force: pairs of documents whose band bytes are equal.
std::set<uint64_t> brute_force(const std::vector<uint8_t>& sigs, int length,
                               const std::vector<DocId>& docs, int band,
                               int rows) {
  std::set<uint64_t> out;
  for (size_t i = 0; i < docs.size(); ++i) {
    for (size_t j = i + 1; j < docs.size(); ++j) {
      const uint8_t* a = sigs.data() + size_t{docs[i]} * length + band * rows;
      const uint8_t* b = sigs.data() + size_t{docs[j]} * length + band * rows;
      if (std::equal(a, a + rows, b)) {
        out.insert((uint64_t{docs[i]} << 32) | docs[j]);
      }
    }
  }
  return out;
}

TEST(LshTest, BandCandidatesEqualBruteForceOnSmallBuckets) {
  constexpr int kLength = 16, kRows = 2, kDocs = 3000;
  std::mt19937_64 rng(3);
  std::vector<uint8_t> sigs(size_t{kDocs} * kLength);
  // Few distinct values per entry, so that many bands collide.
  for (uint8_t& v : sigs) v = static_cast<uint8_t>(rng() % 5);
  std::vector<DocId> docs;
  for (DocId d = 0; d < kDocs; d += 1 + rng() % 2) docs.push_back(d);
  for (int band = 0; band < kLength / kRows; ++band) {
    std::vector<uint64_t> pairs = {42};  // appended after existing content
    band_candidates(table_of(sigs, kLength), kLength, docs, band, kRows, 0,
                    &pairs);
    ASSERT_EQ(pairs.front(), 42u);
    pairs.erase(pairs.begin());
    ASSERT_TRUE(std::is_sorted(pairs.begin(), pairs.end()));
    // 25 band values over ~2000 docs: buckets are large, so only check that
    // every pair is a real collision and that big buckets stay connected.
    const std::set<uint64_t> truth =
        brute_force(sigs, kLength, docs, band, kRows);
    for (uint64_t p : pairs) EXPECT_TRUE(truth.count(p)) << p;
  }
  // Distinct values: buckets of 2, all pairs exactly.
  std::vector<uint8_t> distinct(size_t{kDocs} * kLength);
  for (uint8_t& v : distinct) v = static_cast<uint8_t>(rng());
  for (DocId d = 0; d + 1 < kDocs; d += 7) {
    std::copy_n(distinct.begin() + size_t{d} * kLength, kLength,
                distinct.begin() + size_t{d + 1} * kLength);
  }
  for (int band = 0; band < kLength / kRows; ++band) {
    std::vector<uint64_t> pairs;
    band_candidates(table_of(distinct, kLength), kLength, docs, band, kRows, 0,
                    &pairs);
    const std::set<uint64_t> truth =
        brute_force(distinct, kLength, docs, band, kRows);
    EXPECT_EQ(std::set<uint64_t>(pairs.begin(), pairs.end()), truth);
  }
}

TEST(LshTest, BandsVerifyAndCountEachCandidateOnce) {
  constexpr int kLength = 12, kRows = 3;
  std::vector<uint8_t> sigs(3 * kLength);
  for (int i = 0; i < 3 * kLength; ++i) sigs[i] = static_cast<uint8_t>(i);
  // Doc 1 equals doc 0 everywhere; doc 2 equals doc 0 on band 2 only.
  std::copy_n(sigs.begin(), kLength, sigs.begin() + kLength);
  std::copy_n(sigs.begin() + 2 * kRows, kRows,
              sigs.begin() + 2 * kLength + 2 * kRows);
  const SignatureTable table = table_of(sigs, kLength);
  const std::vector<DocId> docs = {0, 1, 2};
  uint64_t seen = 0;
  std::vector<uint64_t> all, verified;
  for (int band = 0; band < kLength / kRows; ++band) {
    band_candidates(table, kLength, docs, band, kRows, 0, &all, &seen);
    band_candidates(table, kLength, docs, band, kRows, 4, &verified);
  }
  // (0, 1) in every band, (0, 2) and (1, 2) in band 2; counted once each.
  const uint64_t p12 = (uint64_t{1} << 32) | 2;
  EXPECT_EQ(all, (std::vector<uint64_t>{1, 1, 1, 2, p12, 1}));
  EXPECT_EQ(seen, 3u);
  // (0, 2) and (1, 2) have 3 equal entries: kept at min_equal 3, not at 4.
  EXPECT_EQ(verified, (std::vector<uint64_t>{1, 1, 1, 1}));
  std::vector<uint64_t> three;
  band_candidates(table, kLength, docs, 2, kRows, 3, &three);
  EXPECT_EQ(three, (std::vector<uint64_t>{1, 2, p12}));
}

TEST(LshTest, LargeBucketGivesStarAndChainPairs) {
  constexpr int kLength = 8;
  const size_t m = kMaxAllPairsBucket + 18;
  std::vector<uint8_t> sigs(m * kLength, 7);  // all identical
  std::vector<DocId> docs(m);
  for (size_t i = 0; i < m; ++i) docs[i] = static_cast<DocId>(i);
  std::vector<uint64_t> pairs;
  band_candidates(table_of(sigs, kLength), kLength, docs, 0, 4, 0, &pairs);
  // (0, i) for every i, plus (i - 1, i) for i >= 2.
  EXPECT_EQ(pairs.size(), (m - 1) + (m - 2));
  for (DocId i = 1; i < m; ++i) {
    EXPECT_TRUE(std::binary_search(pairs.begin(), pairs.end(), uint64_t{i}));
  }
}

TEST(LshTest, ChooseLshParams) {
  MinHashOptions o;
  o.threshold = 0.7;
  const LshParams chosen = choose_lsh_params(o);
  const LshParams optimal =
      optimal_lsh_params(0.7, o.signature_length, o.false_positive_weight,
                         o.false_negative_weight);
  EXPECT_EQ(chosen.bands, optimal.bands);
  EXPECT_EQ(chosen.rows, optimal.rows);
  o.bands = 16;
  o.rows = 8;
  const LshParams fixed = choose_lsh_params(o);
  EXPECT_EQ(fixed.bands, 16);
  EXPECT_EQ(fixed.rows, 8);
  EXPECT_GT(fixed.false_positive_area, 0);
  EXPECT_GT(fixed.false_negative_area, 0);
  // The default weights favour recall: the S-curve is past 0.8 at the
  // default threshold.
  const LshParams by_default = choose_lsh_params(MinHashOptions{});
  EXPECT_GT(lsh_candidate_probability(MinHashOptions{}.threshold,
                                      by_default.bands, by_default.rows),
            0.8);
}

TEST(LshTest, BandChecksHashTheFullEntries) {
  // Band b's check: the top 16 bits of XXH3-64 of its entries' little-endian
  // bytes with seed kBandCheckSeed + b, stored little-endian.
  const std::vector<uint64_t> sig = {0x0102030405060708ULL, 42, 7, 9,
                                     0xffffffffffffffffULL, 0};
  std::vector<uint8_t> checks(2 * kBandCheckBytes);
  band_checks(sig, 2, 3, checks);
  for (int band = 0; band < 2; ++band) {
    uint8_t bytes[24];
    for (int r = 0; r < 3; ++r) {
      for (int k = 0; k < 8; ++k) {
        bytes[8 * r + k] = static_cast<uint8_t>(sig[3 * band + r] >> (8 * k));
      }
    }
    const uint64_t h =
        XXH3_64bits_withSeed(bytes, sizeof(bytes), kBandCheckSeed + band);
    EXPECT_EQ(checks[2 * band] | checks[2 * band + 1] << 8, h >> 48) << band;
  }
  // Entries that differ only in bits the 8-bit signature drops still change
  // the check.
  std::vector<uint64_t> other = sig;
  other[1] ^= 1;
  std::vector<uint8_t> other_checks(2 * kBandCheckBytes);
  band_checks(other, 2, 3, other_checks);
  EXPECT_NE(other_checks[0] | other_checks[1] << 8, checks[0] | checks[1] << 8);
  EXPECT_EQ(other_checks[2], checks[2]);
  EXPECT_EQ(other_checks[3], checks[3]);
}

TEST(LshTest, BandsMatchOnBytesAndCheck) {
  constexpr int kLength = 6, kRows = 3;
  // Docs 0, 1 and 2 have equal band-0 bytes; doc 2's band-0 check differs.
  SignatureTable table(kLength + kBandCheckBytes * 2);
  for (int doc = 0; doc < 3; ++doc) {
    std::span<uint8_t> record = table.append();
    std::fill(record.begin(), record.begin() + kLength, 5);
    std::fill(record.begin() + kLength, record.end(), 0);
    if (doc == 2) record[kLength] = 1;
  }
  EXPECT_TRUE(band_equal(table[0], table[0].subspan(kLength), table[1],
                         table[1].subspan(kLength), 0, kRows));
  EXPECT_FALSE(band_equal(table[0], table[0].subspan(kLength), table[2],
                          table[2].subspan(kLength), 0, kRows));
  EXPECT_TRUE(band_equal(table[0], table[0].subspan(kLength), table[2],
                         table[2].subspan(kLength), 1, kRows));
  EXPECT_NE(band_key(table[0], table[0].subspan(kLength), 0, kRows),
            band_key(table[2], table[2].subspan(kLength), 0, kRows));
  const std::vector<DocId> docs = {0, 1, 2};
  std::vector<uint64_t> band0, band1;
  uint64_t seen = 0;
  band_candidates(table, kLength, docs, 0, kRows, 0, &band0, &seen);
  band_candidates(table, kLength, docs, 1, kRows, 0, &band1, &seen);
  const uint64_t p02 = 2, p12 = (uint64_t{1} << 32) | 2;
  EXPECT_EQ(band0, (std::vector<uint64_t>{1}));
  EXPECT_EQ(band1, (std::vector<uint64_t>{1, p02, p12}));
  EXPECT_EQ(seen, 3u);
}

TEST(LshTest, BucketsAreFullKeysNotTheirTop32Bits) {
  // Two band values (1-row bands, check 0) whose keys share their top 32
  // bits but not the rest: found by the birthday bound among 2^20 values.
  constexpr int kLength = 4;
  std::vector<uint8_t> value(kLength + kBandCheckBytes * kLength, 0);
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  for (uint32_t v = 0; v < (1u << 20); ++v) {
    for (int k = 0; k < kLength; ++k)
      value[k] = static_cast<uint8_t>(v >> (8 * k));
    const uint64_t key =
        band_key(value, std::span(value).subspan(kLength), 0, kLength);
    keys.emplace_back(key >> 32, v);
  }
  std::sort(keys.begin(), keys.end());
  uint32_t x = 0, y = 0;
  for (size_t i = 1; i < keys.size() && x == y; ++i) {
    if (keys[i].first == keys[i - 1].first) {
      x = keys[i - 1].second;
      y = keys[i].second;
    }
  }
  ASSERT_NE(x, y) << "no collision of the top 32 bits among 2^20 keys";
  // Docs 0 and 2 hold x, docs 1 and 3 hold y: pairs (0, 2) and (1, 3) only.
  std::vector<uint8_t> sigs;
  for (uint32_t v : {x, y, x, y}) {
    for (int k = 0; k < kLength; ++k)
      sigs.push_back(static_cast<uint8_t>(v >> (8 * k)));
  }
  const std::vector<DocId> docs = {0, 1, 2, 3};
  std::vector<uint64_t> pairs;
  uint64_t seen = 0;
  band_candidates(table_of(sigs, kLength), kLength, docs, 0, kLength, 0, &pairs,
                  &seen);
  EXPECT_EQ(pairs, (std::vector<uint64_t>{2, (uint64_t{1} << 32) | 3}));
  EXPECT_EQ(seen, 2u);
}

}  // namespace
}  // namespace neardup
