// One-permutation MinHash: estimates against exact Jaccard similarity,
// densification, a pinned signature, and the banded LSH parameters.

#include "neardup/minhash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "fingerprint/probe_order.h"

namespace neardup {
namespace {

std::vector<uint64_t> signature(const std::vector<uint64_t>& features,
                                size_t length) {
  std::vector<uint64_t> sig(length);
  minhash_signature(features, sig);
  return sig;
}

// Two sets of `size` random hashes sharing `common` of them.
std::pair<std::vector<uint64_t>, std::vector<uint64_t>> overlapping(
    std::mt19937_64& rng, size_t size, size_t common) {
  std::vector<uint64_t> a, b;
  for (size_t i = 0; i < size; ++i) {
    const uint64_t shared = rng();
    a.push_back(i < common ? shared : rng());
    b.push_back(i < common ? shared : rng());
  }
  return {a, b};
}

TEST(MinHashTest, EstimatesJaccardWithinItsStandardError) {
  std::mt19937_64 rng(11);
  constexpr size_t kLength = 256;
  for (const size_t common : {0u, 100u, 333u, 600u, 900u, 1000u}) {
    // J = common / (2 * 1000 - common).
    const double exact = static_cast<double>(common) / (2000.0 - common);
    double sum = 0;
    constexpr int kTrials = 20;
    for (int trial = 0; trial < kTrials; ++trial) {
      auto [a, b] = overlapping(rng, 1000, common);
      const double estimate =
          estimated_jaccard(signature(a, kLength), signature(b, kLength));
      // Any one estimate: within 5 standard errors.
      const double sd = std::sqrt(exact * (1 - exact) / kLength);
      EXPECT_NEAR(estimate, exact, 5 * sd + 1e-9) << common;
      sum += estimate;
    }
    // The mean of 20: unbiased to within its own standard error.
    EXPECT_NEAR(sum / kTrials, exact,
                5 * std::sqrt(exact * (1 - exact) / kLength / kTrials) + 0.005)
        << common;
  }
}

TEST(MinHashTest, SparseSetsAreDensifiedConsistently) {
  // 3 features in 128 bins: every bin filled, with one of the features.
  const std::vector<uint64_t> features = {
      0x1234567890abcdefULL, 0xfedcba0987654321ULL, 0x0f0f0f0f0f0f0f0fULL};
  const std::vector<uint64_t> sig = signature(features, 128);
  for (uint64_t v : sig) {
    EXPECT_TRUE(v == features[0] || v == features[1] || v == features[2]);
  }
  // The same set in another order: the same signature; a superset shares
  // most entries with it.
  EXPECT_EQ(
      signature({features[2], features[0], features[1], features[0]}, 128),
      sig);
  std::vector<uint64_t> more = features;
  more.push_back(0x5555aaaa5555aaaaULL);
  const double j = estimated_jaccard(sig, signature(more, 128));
  EXPECT_GT(j, 0.5);
  EXPECT_LT(j, 1.0);
}

// Densification by a ProbeOrder table gives the probing's signature, from
// one feature (every bin but one copied) to sets that fill most bins.
TEST(MinHashTest, ProbeOrderTableDensifiesAsProbingDoes) {
  std::mt19937_64 rng(29);
  for (uint32_t bins : {1u, 16u, 100u, 128u, 512u}) {
    const internal::ProbeOrder order(bins);
    for (size_t j = 0; j < bins; ++j) {
      // Every bin appears once in every list.
      std::vector<int> count(bins);
      for (uint16_t b : order.order(static_cast<uint32_t>(j))) ++count[b];
      ASSERT_EQ(std::count(count.begin(), count.end(), 1),
                static_cast<long>(bins))
          << bins << " " << j;
    }
    for (size_t size : {size_t{1}, size_t{2}, size_t{5}, size_t{40},
                        size_t{bins}, size_t{3} * bins}) {
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<uint64_t> features(size);
        for (uint64_t& f : features) f = rng();
        std::vector<uint64_t> probed(bins), tabled(bins);
        minhash_signature(features, probed);
        internal::minhash_signature(features, &order, tabled);
        ASSERT_EQ(probed, tabled) << bins << " bins, " << size << " features";
      }
    }
  }
}

TEST(MinHashTest, EmptySetsAndMismatchedSizes) {
  const std::vector<uint64_t> empty = signature({}, 64);
  for (uint64_t v : empty) EXPECT_EQ(v, kEmptySignature);
  EXPECT_EQ(estimated_jaccard(empty, empty), 0);
  const std::vector<uint64_t> one = signature({42}, 64);
  EXPECT_EQ(estimated_jaccard(one, one), 1);
  EXPECT_EQ(estimated_jaccard(one, signature({42}, 32)), 0);
}

// The signature is part of the format: these values must never change.
TEST(MinHashTest, SignatureIsPinned) {
  std::vector<uint64_t> features;
  for (uint64_t i = 1; i <= 5; ++i)
    features.push_back(i * 0x9e3779b97f4a7c15ULL);
  const std::vector<uint64_t> sig = signature(features, 8);
  // Features 5, 2, 4, 1, 3 fall in bins 0, 1, 3, 4, 6; bins 2, 5 and 7 are
  // densified from bins 1, 1 and 0.
  const std::vector<uint64_t> expected = {
      1663341875487337577ULL,  4354685564936845354ULL,  4354685564936845354ULL,
      8709371129873690708ULL,  11400714819323198485ULL, 4354685564936845354ULL,
      15755400384260043839ULL, 1663341875487337577ULL};
  EXPECT_EQ(sig, expected);
}

TEST(LshParamsTest, CandidateProbabilityIsTheSCurve) {
  EXPECT_DOUBLE_EQ(lsh_candidate_probability(0, 20, 5), 0);
  EXPECT_DOUBLE_EQ(lsh_candidate_probability(1, 20, 5), 1);
  EXPECT_NEAR(lsh_candidate_probability(0.5, 20, 5),
              1 - std::pow(1 - std::pow(0.5, 5), 20), 1e-15);
}

TEST(LshParamsTest, ParamsFitTheSignatureAndCentreTheCurveOnTheThreshold) {
  int previous_rows = 0;
  for (const double threshold : {0.3, 0.5, 0.7, 0.9}) {
    const LshParams p = optimal_lsh_params(threshold, 128);
    EXPECT_GE(p.bands, 1);
    EXPECT_GE(p.rows, 1);
    EXPECT_LE(p.bands * p.rows, 128);
    // Steep around the threshold: unlikely well below, likely well above.
    EXPECT_LT(lsh_candidate_probability(threshold - 0.2, p.bands, p.rows), 0.2)
        << threshold;
    EXPECT_GT(lsh_candidate_probability(std::min(1.0, threshold + 0.15),
                                        p.bands, p.rows),
              0.8)
        << threshold;
    // Higher thresholds need more rows per band.
    EXPECT_GE(p.rows, previous_rows) << threshold;
    previous_rows = p.rows;
  }
}

TEST(LshParamsTest, WeightsTradeFalsePositivesForFalseNegatives) {
  const LshParams balanced = optimal_lsh_params(0.5, 128);
  const LshParams strict = optimal_lsh_params(0.5, 128, 0.9, 0.1);
  const LshParams loose = optimal_lsh_params(0.5, 128, 0.1, 0.9);
  EXPECT_LT(strict.false_positive_area, balanced.false_positive_area);
  EXPECT_LT(loose.false_negative_area, balanced.false_negative_area);
}

TEST(MinHashTest, IntersectionSizeOfSortedSets) {
  const std::vector<uint64_t> a = {1, 3, 5, 7, 9}, b = {2, 3, 4, 9, 10, 11};
  EXPECT_EQ(intersection_size(a, b), 2u);
  EXPECT_EQ(intersection_size(b, a), 2u);
  EXPECT_EQ(intersection_size(a, {}), 0u);
  EXPECT_EQ(intersection_size(a, a), a.size());
}

TEST(MinHashTest, AreasOfFixedBandsMatchTheChosenOnes) {
  const LshParams chosen = optimal_lsh_params(0.6, 128);
  const LshParams fixed = lsh_params_areas(0.6, chosen.bands, chosen.rows);
  EXPECT_NEAR(fixed.false_positive_area, chosen.false_positive_area, 1e-3);
  EXPECT_NEAR(fixed.false_negative_area, chosen.false_negative_area, 1e-3);
}

}  // namespace
}  // namespace neardup
