// The SIMD byte classifier and token grouping (whatever target the CPU
// dispatches to) against their scalar definitions, on random bytes, on every
// length around the vector widths, and on real text.

#include "text/byte_classes.h"

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace neardup::internal {
namespace {

void expect_same_classes(const std::string& text) {
  std::vector<uint64_t> word, high, newline, word_ref, high_ref, newline_ref;
  const bool any = classify_bytes(text, &word, &high, &newline);
  const bool any_ref =
      classify_bytes_reference(text, &word_ref, &high_ref, &newline_ref);
  EXPECT_EQ(any, any_ref) << text.size();
  EXPECT_EQ(word, word_ref) << text.size();
  EXPECT_EQ(high, high_ref) << text.size();
  EXPECT_EQ(newline, newline_ref) << text.size();
  std::string lower(text.size(), '\0'), lower_ref(text.size(), '\0');
  EXPECT_EQ(ascii_lower(text, lower.data()),
            ascii_lower_reference(text, lower_ref.data()));
  EXPECT_EQ(lower, lower_ref);
}

// Runs `check` on every SIMD target that this CPU runs and the library was
// built for.
template <class Check>
void on_every_target(Check check) {
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    SCOPED_TRACE(hwy::TargetName(target));
    hwy::SetSupportedTargetsForTest(target);
    check();
  }
  hwy::SetSupportedTargetsForTest(0);
}

// Token edges against a bit-by-bit walk, on random bit sets of every density.
void expect_edges_are_the_bit_changes() {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 500; ++round) {
    std::vector<uint64_t> word(1 + rng() % 9);
    const int density = round % 4;
    for (uint64_t& w : word) {
      w = rng();
      for (int i = 0; i < density; ++i) w &= rng();  // sparser and sparser
      if (round % 7 == 0) w = ~uint64_t{0};
    }
    std::vector<uint64_t> starts;
    std::vector<uint32_t> edges;
    const size_t count = word_edges(word, &starts, &edges);
    std::vector<uint32_t> expected_edges;
    std::vector<uint64_t> expected_starts(word.size(), 0);
    bool previous = false;
    for (size_t i = 0; i < word.size() * 64; ++i) {
      const bool bit = (word[i / 64] >> (i % 64)) & 1;
      if (bit != previous) expected_edges.push_back(static_cast<uint32_t>(i));
      if (bit && !previous) expected_starts[i / 64] |= uint64_t{1} << (i % 64);
      previous = bit;
    }
    ASSERT_EQ(count, expected_edges.size());
    EXPECT_TRUE(std::equal(expected_edges.begin(), expected_edges.end(),
                           edges.begin()));
    EXPECT_EQ(starts, expected_starts);
  }
}

TEST(ByteClassesTest, WordEdgesAreTheBitChangesOnEveryTarget) {
  on_every_target(expect_edges_are_the_bit_changes);
}

// Tokens grouped by length class against a scalar pass, for every token
// count around the vector widths, with lengths at each class boundary; each
// list may hold stale entries past its size, never past its stride.
void expect_grouped_by_length_class() {
  std::mt19937_64 rng(5);
  const uint32_t lengths[] = {1, 2, 3, 4, 8, 9, 16, 17, 40};
  for (size_t tokens = 0; tokens < 70; ++tokens) {
    std::vector<uint32_t> edges;
    uint32_t at = 0;
    for (size_t i = 0; i < tokens; ++i) {
      at += 1 + static_cast<uint32_t>(rng() % 3);
      edges.push_back(at);
      at += lengths[rng() % std::size(lengths)];
      edges.push_back(at);
    }
    const size_t stride = tokens + 1;
    std::vector<uint32_t> lists(4 * stride + 1, 0xdeadbeef);
    size_t sizes[4] = {};
    group_by_length_class(edges, lists.data(), stride, sizes);
    EXPECT_EQ(lists.back(), 0xdeadbeef) << "wrote past the last list";
    for (int c = 0; c < 4; ++c) {
      std::vector<uint32_t> expected;
      for (size_t i = 0; i < tokens; ++i) {
        const uint32_t length = edges[2 * i + 1] - edges[2 * i];
        if ((length > 3) + (length > 8) + (length > 16) == c) {
          expected.push_back(static_cast<uint32_t>(i));
        }
      }
      ASSERT_EQ(sizes[c], expected.size()) << tokens << " tokens, class " << c;
      EXPECT_TRUE(std::equal(expected.begin(), expected.end(),
                             lists.begin() + c * stride))
          << tokens << " tokens, class " << c;
    }
  }
}

TEST(ByteClassesTest, GroupsTokensByLengthClassOnEveryTarget) {
  on_every_target(expect_grouped_by_length_class);
}

TEST(ByteClassesTest, MatchesReferenceOnRandomBytesOfEveryLength) {
  std::mt19937_64 rng(42);
  for (size_t size = 0; size <= 300; ++size) {
    std::string text(size, '\0');
    // Mostly ASCII with the edges of each class, some high bytes.
    const std::string alphabet = "09AZaz@[`{/:\n \x7f\x80\xff";
    for (char& c : text) {
      c = rng() % 4 == 0 ? static_cast<char>(rng())
                         : alphabet[rng() % alphabet.size()];
    }
    expect_same_classes(text);
  }
}

TEST(ByteClassesTest, EveryByteValueIsClassified) {
  std::string text;
  for (int c = 0; c < 256; ++c) text.push_back(static_cast<char>(c));
  expect_same_classes(text);
  expect_same_classes(text + text.substr(0, 77));
}

TEST(ByteClassesTest, MatchesReferenceOnRealText) {
  const std::string seeds =
      testing::read_file(testing::bundled("seeds/seeds.jsonl"));
  ASSERT_FALSE(seeds.empty());
  expect_same_classes(seeds);
  for (size_t cut = 1; cut < 200; cut += 7) {
    expect_same_classes(seeds.substr(cut, seeds.size() - 2 * cut));
  }
}

}  // namespace
}  // namespace neardup::internal
