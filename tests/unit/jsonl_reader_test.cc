#include "reader/jsonl_reader.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "reader/byte_source.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

struct Line {
  uint32_t input;
  uint64_t line;
  uint64_t file_line;
  std::string text;
  LineKind kind;
  uint64_t length;
  bool operator==(const Line&) const = default;
};

// Reads every line of in-memory inputs (name -> contents).
std::vector<Line> read_all(const std::map<std::string, std::string>& files,
                           const std::vector<std::string>& order,
                           size_t chunk_bytes,
                           size_t max_line_bytes = 1 << 20) {
  JsonlReader reader(
      order, chunk_bytes, max_line_bytes,
      [&](const std::string& path,
          uint64_t* size) -> Result<std::unique_ptr<ByteSource>> {
        auto it = files.find(path);
        if (it == files.end()) return Status::NotFound(path);
        *size = it->second.size();
        return string_source(it->second);
      });
  std::vector<Line> lines;
  Chunk chunk;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    EXPECT_FALSE(chunk.lines.empty());
    for (size_t i = 0; i < chunk.lines.size(); ++i) {
      const LineSpan& s = chunk.lines[i];
      std::string text = s.kind == LineKind::kTooLong
                             ? std::string()
                             : std::string(chunk.data() + s.offset, s.length);
      lines.push_back({chunk.input, chunk.first_line + i,
                       chunk.first_file_line + i, text, s.kind, s.length});
    }
  }
  return lines;
}

std::vector<std::string> texts(const std::vector<Line>& lines) {
  std::vector<std::string> out;
  for (const Line& l : lines) out.push_back(l.text);
  return out;
}

TEST(JsonlReaderTest, SplitsLinesAndKeepsTheLastUnterminatedOne) {
  auto lines = read_all({{"a", "one\ntwo\n\nthree"}}, {"a"}, 1 << 16);
  ASSERT_EQ(texts(lines),
            (std::vector<std::string>{"one", "two", "", "three"}));
  EXPECT_EQ(lines[1].kind, LineKind::kComplete);
  EXPECT_EQ(lines[3].kind, LineKind::kLast);
}

TEST(JsonlReaderTest, KeepsCarriageReturnsForTheParser) {
  auto lines = read_all({{"a", "x\r\ny\r\n"}}, {"a"}, 1 << 16);
  EXPECT_EQ(texts(lines), (std::vector<std::string>{"x\r", "y\r"}));
}

TEST(JsonlReaderTest, DropsByteOrderMarkOnlyAtTheStart) {
  auto lines =
      read_all({{"a", "\xEF\xBB\xBFone\n\xEF\xBB\xBFtwo\n"}}, {"a"}, 64);
  EXPECT_EQ(texts(lines), (std::vector<std::string>{"one", "\xEF\xBB\xBFtwo"}));
}

TEST(JsonlReaderTest, SameLinesForEveryChunkSize) {
  std::string data;
  for (int i = 0; i < 500; ++i) {
    data += std::string(static_cast<size_t>(i % 97), 'a' + i % 26) + "\n";
  }
  data += "tail";
  const auto expected = read_all({{"a", data}}, {"a"}, 1 << 20);
  ASSERT_EQ(expected.size(), 501u);
  for (size_t chunk : {64, 65, 100, 1000, 4096, 10000}) {
    EXPECT_EQ(read_all({{"a", data}}, {"a"}, chunk), expected) << chunk;
  }
}

TEST(JsonlReaderTest, NumbersLinesAcrossInputsAndSkipsEmptyInputs) {
  auto lines =
      read_all({{"a", "1\n2\n"}, {"e", ""}, {"b", "3\n"}}, {"a", "e", "b"}, 64);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], (Line{2, 2, 0, "3", LineKind::kComplete, 1}));
}

TEST(JsonlReaderTest, OverlongLinesAreSkippedNotBuffered) {
  const std::string longline(10000, 'x');
  for (size_t chunk : {64, 4096, 1 << 16}) {
    auto lines =
        read_all({{"a", "short\n" + longline + "\nafter\n" + longline}}, {"a"},
                 chunk, /*max_line_bytes=*/1000);
    ASSERT_EQ(lines.size(), 4u) << chunk;
    EXPECT_EQ(lines[0].text, "short");
    EXPECT_EQ(lines[1].kind, LineKind::kTooLong);
    EXPECT_EQ(lines[1].length, 10000u);
    EXPECT_EQ(lines[2].text, "after");
    EXPECT_EQ(lines[3].kind, LineKind::kTooLong);
  }
}

TEST(JsonlReaderTest, MissingInputIsAnError) {
  JsonlReader reader({"/nonexistent/neardup/x.jsonl"}, 1024, 1 << 20);
  Chunk chunk;
  Result<bool> r = reader.next(&chunk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/neardup/x.jsonl"),
            std::string::npos);
}

class CompressedTest : public ::testing::Test {
 protected:
  std::vector<std::string> read_file_lines(const std::string& path,
                                           std::string* error = nullptr) {
    JsonlReader reader({path}, 4096, 1 << 20);
    std::vector<std::string> out;
    Chunk chunk;
    while (true) {
      Result<bool> more = reader.next(&chunk);
      EXPECT_TRUE(more.ok()) << more.status().to_string();
      if (!more.ok() || !*more) break;
      for (const LineSpan& s : chunk.lines) {
        if (s.kind == LineKind::kTruncated) {
          out.push_back("<truncated:" +
                        std::string(chunk.data() + s.offset, s.length) + ">");
          if (error) *error = chunk.input_error;
        } else {
          out.emplace_back(chunk.data() + s.offset, s.length);
        }
      }
    }
    return out;
  }
  testing::TempDir dir_;
  std::string data_ = [] {
    std::string d;
    for (int i = 0; i < 3000; ++i)
      d += "{\"text\": \"line " + std::to_string(i) + "\"}\n";
    return d;
  }();
};

TEST_F(CompressedTest, DecodesGzipZstdAndConcatenatedGzipMembers) {
  testing::write_file(dir_.file("a.gz"), testing::gzip(data_));
  testing::write_file(dir_.file("a.zst"), testing::zstd_compress(data_));
  testing::write_file(
      dir_.file("b.gz"),
      testing::gzip(data_) + testing::gzip("{\"text\": \"more\"}\n"));
  EXPECT_EQ(read_file_lines(dir_.file("a.gz")).size(), 3000u);
  EXPECT_EQ(read_file_lines(dir_.file("a.zst")).size(), 3000u);
  auto b = read_file_lines(dir_.file("b.gz"));
  ASSERT_EQ(b.size(), 3001u);
  EXPECT_EQ(b.back(), "{\"text\": \"more\"}");
}

TEST_F(CompressedTest, TruncatedStreamsEndWithATruncatedLine) {
  for (const std::string name : {"t.gz", "t.zst"}) {
    std::string packed =
        name == "t.gz" ? testing::gzip(data_) : testing::zstd_compress(data_);
    packed.resize(packed.size() / 2);
    testing::write_file(dir_.file(name), packed);
    std::string error;
    auto lines = read_file_lines(dir_.file(name), &error);
    ASSERT_FALSE(lines.empty()) << name;
    EXPECT_EQ(lines.back().rfind("<truncated:", 0), 0u) << name;
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
    EXPECT_NE(error.find(name), std::string::npos) << error;
    // Every complete line before the damage is delivered.
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
      ASSERT_EQ(lines[i], "{\"text\": \"line " + std::to_string(i) + "\"}");
    }
  }
}

}  // namespace
}  // namespace neardup::internal
