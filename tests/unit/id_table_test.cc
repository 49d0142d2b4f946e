#include "pipeline/id_table.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace neardup::internal {
namespace {

// Ids drawn with repeats, through growth from 4,096 slots to 262,144: every
// repeat finds its first document, every new id is added, and an id table
// of std::unordered_map agrees.
TEST(IdTableTest, RepeatsFindTheFirstDocumentThroughGrowth) {
  std::mt19937_64 rng(5);
  std::vector<std::string> ids;  // by document
  std::unordered_map<std::string, DocId> first;
  IdTable table;
  const IdTable::IdText id_of = [&](DocId doc) {
    return std::string_view(ids.at(doc));
  };
  size_t repeats = 0;
  for (DocId doc = 0; doc < 150000; ++doc) {
    // One id in four is an earlier one; the empty id is an id too.
    std::string id = (rng() % 4 == 0 && !ids.empty())
                         ? ids[rng() % ids.size()]
                         : "doc-" + std::to_string(rng() % 1000000);
    if (doc == 777) id.clear();
    ids.push_back(id);
    const auto [it, added] = first.emplace(id, doc);
    const DocId got = table.find_or_add(id_hash(id), id, doc, id_of);
    ASSERT_EQ(got, it->second) << "document " << doc << " id " << id;
    repeats += !added;
  }
  EXPECT_GT(repeats, 30000u);
  // 5 bytes a slot, at most 80% full and at least 40% after a doubling.
  EXPECT_LE(table.bytes(), first.size() * 5 * 10 / 4);
  EXPECT_GE(table.bytes(), first.size() * 5);
}

// 8-bit tags match for one id in 256: ids whose tags match but whose texts
// differ stay apart, as do ids that differ only after a common prefix.
TEST(IdTableTest, EqualTagsDoNotMergeIds) {
  std::vector<std::string> ids;
  const IdTable::IdText id_of = [&](DocId doc) {
    return std::string_view(ids.at(doc));
  };
  IdTable table;
  std::vector<std::string> same_tag;
  const uint8_t tag = static_cast<uint8_t>(id_hash("x0") >> 56);
  for (int i = 0; same_tag.size() < 50; ++i) {
    std::string id = "x";  // not "x" + ...: a false -Wrestrict in GCC 12
    id += std::to_string(i);
    if (static_cast<uint8_t>(id_hash(id) >> 56) == tag) same_tag.push_back(id);
  }
  for (const std::string& id : same_tag) {
    const DocId doc = static_cast<DocId>(ids.size());
    ids.push_back(id);
    EXPECT_EQ(table.find_or_add(id_hash(id), id, doc, id_of), doc) << id;
  }
  for (size_t i = 0; i < same_tag.size(); ++i) {
    const std::string& id = same_tag[i];
    EXPECT_EQ(table.find_or_add(id_hash(id), id, 9999, id_of), i) << id;
  }
  table.clear();
  EXPECT_EQ(table.bytes(), 0u);
  EXPECT_EQ(table.find_or_add(id_hash("x0"), "x0", 5, id_of), 5u);
}

}  // namespace
}  // namespace neardup::internal
