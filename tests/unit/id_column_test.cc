#include "pipeline/id_column.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace neardup::internal {
namespace {

TEST(BlockArrayTest, KeepsValuesAcrossBlocks) {
  BlockArray<uint32_t> array;
  EXPECT_EQ(array.size(), 0u);
  EXPECT_EQ(array.bytes(), 0u);
  for (uint32_t i = 0; i < 200000; ++i) array.push_back(i * 7);
  ASSERT_EQ(array.size(), 200000u);
  for (uint32_t i = 0; i < 200000; i += 997) ASSERT_EQ(array[i], i * 7) << i;
  EXPECT_EQ(array[65535], 65535u * 7);
  EXPECT_EQ(array[65536], 65536u * 7);
  // Four blocks of 2^16 values: at most one block beyond what is used.
  EXPECT_GE(array.bytes(), 200000 * sizeof(uint32_t));
  EXPECT_LE(array.bytes(), (200000 + 65536) * sizeof(uint32_t) + 64);
}

// Batches of random ids, empty ones and one batch far larger than a
// segment, read back by document across many small segments.
TEST(IdColumnTest, IdsReadBackAcrossSegments) {
  std::mt19937_64 rng(9);
  IdColumn column(/*segment_bytes=*/1 << 16);
  std::vector<std::string> expected;
  size_t text_bytes = 0;
  for (int batch = 0; batch < 300; ++batch) {
    std::string text;
    std::vector<uint32_t> ends;
    const size_t n = batch == 150 ? 1 : rng() % 250;
    for (size_t i = 0; i < n; ++i) {
      // About 10 KB a batch, so that batches fill many 64 KiB segments.
      const size_t length = batch == 150     ? (size_t{1} << 20)
                            : rng() % 8 == 0 ? 0
                                             : rng() % 80;
      std::string id(length, static_cast<char>('a' + rng() % 26));
      if (!id.empty()) id[0] = static_cast<char>('0' + batch % 10);
      text += id;
      ends.push_back(static_cast<uint32_t>(text.size()));
      expected.push_back(std::move(id));
    }
    text_bytes += text.size();
    column.append(text, ends);
  }
  ASSERT_EQ(column.size(), expected.size());
  for (size_t doc = 0; doc < expected.size(); ++doc) {
    ASSERT_EQ(column.id(static_cast<DocId>(doc)), expected[doc]) << doc;
  }
  EXPECT_GE(column.bytes(), text_bytes + 4 * expected.size());
  EXPECT_LE(column.bytes(), text_bytes + 4 * (expected.size() + 65536) + 4096);
}

TEST(IdColumnTest, EmptyBatchesAndEmptyIds) {
  IdColumn column;
  column.append("", {});
  EXPECT_EQ(column.size(), 0u);
  column.append("", {0, 0});
  column.append("ab", {1, 1, 2});
  ASSERT_EQ(column.size(), 5u);
  EXPECT_EQ(column.id(0), "");
  EXPECT_EQ(column.id(1), "");
  EXPECT_EQ(column.id(2), "a");
  EXPECT_EQ(column.id(3), "");
  EXPECT_EQ(column.id(4), "b");
}

}  // namespace
}  // namespace neardup::internal
