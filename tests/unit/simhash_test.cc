#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "neardup/fingerprint.h"
#include "neardup/text.h"
#include "test_util.h"

namespace neardup {
namespace {

TEST(SimHashTest, EmptyIsZero) {
  EXPECT_EQ(simhash64({}), 0u);
  EXPECT_EQ(simhash64_reference({}), 0u);
}

TEST(SimHashTest, OneFeatureIsItself) {
  const uint64_t f = 0x0123456789abcdefULL;
  EXPECT_EQ(simhash64(std::span<const uint64_t>(&f, 1)), f);
}

TEST(SimHashTest, TiesGiveZero) {
  const std::vector<uint64_t> features = {0xffffffffffffffffULL, 0};
  EXPECT_EQ(simhash64(features), 0u);
}

TEST(SimHashTest, MatchesReferenceOnRandomInput) {
  std::mt19937_64 rng(42);
  // Sizes around the 255-feature flush of the byte counters included.
  for (size_t n : {1, 2, 3, 7, 64, 254, 255, 256, 257, 510, 511, 1000, 5000}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<uint64_t> features(n);
      for (auto& f : features) f = rng();
      ASSERT_EQ(simhash64(features), simhash64_reference(features))
          << "n=" << n << " trial=" << trial;
    }
  }
}

TEST(SimHashTest, MatchesReferenceOnSkewedInput) {
  // Bits that are nearly always set stress counter overflow.
  std::mt19937_64 rng(7);
  for (size_t n : {255, 256, 1000, 70000}) {
    std::vector<uint64_t> features(n);
    for (auto& f : features) f = rng() | rng() | 0xff00000000000001ULL;
    ASSERT_EQ(simhash64(features), simhash64_reference(features)) << n;
  }
}

TEST(SimHashTest, MatchesReferenceOnRealText) {
  const std::string text =
      testing::read_file(testing::bundled("seeds/seeds.jsonl"));
  ASSERT_FALSE(text.empty());
  for (int k = 1; k <= 5; ++k) {
    Shingler shingler(TextOptions{k});
    std::vector<uint64_t> shingles;
    ASSERT_TRUE(shingler.shingle(text, &shingles).ok());
    ASSERT_GT(shingles.size(), 1000u);
    EXPECT_EQ(simhash64(shingles), simhash64_reference(shingles)) << "k=" << k;
  }
}

TEST(SimHashTest, OrderDoesNotMatterAndDoublingKeepsIt) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> features(301);
  for (auto& f : features) f = rng();
  const Fingerprint base = simhash64(features);
  std::shuffle(features.begin(), features.end(), rng);
  EXPECT_EQ(simhash64(features), base);
  std::vector<uint64_t> doubled = features;
  doubled.insert(doubled.end(), features.begin(), features.end());
  EXPECT_EQ(simhash64(doubled), base);
}

TEST(SimHashTest, IdenticalTextsHaveDistanceZeroAndEditsAreClose) {
  const TextOptions options{};
  const std::string a =
      "The European Community agreed on Tuesday to reduce diesel exhaust "
      "emissions from trucks and buses by twenty percent over five years, "
      "officials said after a meeting of environment ministers in Brussels.";
  Result<Fingerprint> fa = simhash64_text(a, options);
  Result<Fingerprint> fb = simhash64_text(a, options);
  ASSERT_TRUE(fa.ok() && fb.ok());
  EXPECT_EQ(hamming_distance(*fa, *fb), 0);
  Result<Fingerprint> fc = simhash64_text(
      "THE EUROPEAN COMMUNITY agreed on Tuesday to reduce diesel exhaust "
      "emissions from trucks and buses by twenty percent over five years, "
      "officials said after a meeting of environment ministers in Brussels!!",
      options);
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(*fc, *fa);  // case and punctuation only
}

TEST(HammingDistanceTest, CountsDifferingBits) {
  EXPECT_EQ(hamming_distance(0, 0), 0);
  EXPECT_EQ(hamming_distance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(hamming_distance(0b1011, 0b0001), 2);
}

}  // namespace
}  // namespace neardup
