#include "write/byte_sink.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "reader/byte_source.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

std::string read_through_source(const std::string& path) {
  Result<std::unique_ptr<ByteSource>> src = open_source(path, nullptr, nullptr);
  EXPECT_TRUE(src.ok());
  std::string out;
  char buf[4096];
  while (true) {
    Result<size_t> n = (*src)->read(buf, sizeof(buf));
    EXPECT_TRUE(n.ok());
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

size_t files_in(const std::filesystem::path& dir) {
  return static_cast<size_t>(
      std::distance(std::filesystem::directory_iterator(dir),
                    std::filesystem::directory_iterator()));
}

TEST(ByteSinkTest, NothingAppearsBeforeCommitAndNothingRemainsWithout) {
  testing::TempDir dir;
  const std::string path = dir.file("out.jsonl");
  {
    auto sink = open_sink(path, true);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->append("partial\n").ok());
    EXPECT_FALSE(std::filesystem::exists(path));
  }  // destroyed without commit: a crash or an error
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(files_in(dir.path()), 0u);
}

TEST(ByteSinkTest, CommitReplacesAtomically) {
  testing::TempDir dir;
  const std::string path = dir.file("out.jsonl");
  testing::write_file(path, "old\n");
  auto sink = open_sink(path, true);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->append("new\n").ok());
  EXPECT_EQ(testing::read_file(path), "old\n");
  ASSERT_TRUE((*sink)->commit().ok());
  EXPECT_EQ(testing::read_file(path), "new\n");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(ByteSinkTest, CompressesByExtension) {
  testing::TempDir dir;
  std::string data;
  for (int i = 0; i < 100000; ++i) data += "line " + std::to_string(i) + "\n";
  for (const std::string name : {"o.jsonl.gz", "o.jsonl.zst", "o.jsonl"}) {
    auto sink = open_sink(dir.file(name), true);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->append(data).ok());
    ASSERT_TRUE((*sink)->commit().ok());
    EXPECT_EQ(read_through_source(dir.file(name)), data) << name;
  }
  EXPECT_LT(std::filesystem::file_size(dir.file("o.jsonl.zst")),
            data.size() / 3);
}

TEST(ByteSinkTest, UnwritablePathIsNamed) {
  auto sink = open_sink("/nonexistent-dir/neardup/out.jsonl", false);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), StatusCode::kIOError);
  EXPECT_NE(sink.status().message().find("/nonexistent-dir/neardup/out.jsonl"),
            std::string::npos);
}

TEST(ByteSinkTest, JsonStringsAreEscaped) {
  std::string out;
  append_json_string(std::string("a\"b\\c\n\x01\xC3\xA9", 9), &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\"");
}

}  // namespace
}  // namespace neardup::internal
