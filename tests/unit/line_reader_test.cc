#include "reader/line_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reader/jsonl_reader.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

class LineReaderTest : public ::testing::Test {
 protected:
  // Writes `lines` joined by '\n' (and `tail` after the last '\n') to a file
  // and remembers where each line starts.
  std::string write(const std::string& name,
                    const std::vector<std::string>& lines,
                    const std::string& tail) {
    std::string data;
    offsets_.clear();
    for (const std::string& line : lines) {
      offsets_.push_back(data.size());
      data += line + "\n";
    }
    offsets_.push_back(data.size());
    data += tail;
    const std::string path = dir_.file(name);
    testing::write_file(path, data);
    return path;
  }

  // Reads every line written by write() back by its offset, then the tail.
  void expect_lines(const LineReader& reader,
                    const std::vector<std::string>& lines,
                    const std::string& tail) {
    std::string line;
    for (size_t i = 0; i < lines.size(); ++i) {
      ASSERT_TRUE(reader.read_line(0, offsets_[i], &line).ok()) << "line " << i;
      EXPECT_EQ(line, lines[i]) << "line " << i;
    }
    ASSERT_TRUE(reader.read_line(0, offsets_.back(), &line).ok());
    EXPECT_EQ(line, tail);
  }

  testing::TempDir dir_;
  std::vector<uint64_t> offsets_;
};

TEST_F(LineReaderTest, ReadsLinesAtTheirOffsets) {
  const std::vector<std::string> lines = {"{\"id\": 1}", "", "second",
                                          "with\rcarriage return\r",
                                          std::string(300, 'x')};
  const std::string path = write("a.jsonl", lines, "last without newline");
  LineReader reader({path}, 1 << 20);
  ASSERT_TRUE(reader.open().ok());
  expect_lines(reader, lines, "last without newline");
  std::string line;
  // Mid-line: the rest of that line.
  ASSERT_TRUE(reader.read_line(0, offsets_[2] + 3, &line).ok());
  EXPECT_EQ(line, "ond");
  // At the end of the file: nothing.
  const uint64_t end =
      offsets_.back() + std::string("last without newline").size();
  ASSERT_TRUE(reader.read_line(0, end, &line).ok());
  EXPECT_EQ(line, "");
}

TEST_F(LineReaderTest, ReadsFromSeveralInputs) {
  const std::string a = write("a.jsonl", {"a0", "a1"}, "");
  const std::string b = write("b.jsonl", {"b0", "b1"}, "b2");
  LineReader reader({a, b}, 1 << 20);
  ASSERT_TRUE(reader.open().ok());
  std::string line;
  ASSERT_TRUE(reader.read_line(1, 3, &line).ok());
  EXPECT_EQ(line, "b1");
  ASSERT_TRUE(reader.read_line(0, 3, &line).ok());
  EXPECT_EQ(line, "a1");
  ASSERT_TRUE(reader.read_line(1, 6, &line).ok());
  EXPECT_EQ(line, "b2");
}

TEST_F(LineReaderTest, ReadsLinesLongerThanTheFirstRead) {
  // The first read is 8 KiB; lines around it and far past it.
  std::vector<std::string> lines;
  for (size_t length : {8191, 8192, 8193, 16384, 50000}) {
    std::string line;
    for (size_t i = 0; i < length; ++i) line += static_cast<char>('a' + i % 26);
    lines.push_back(line);
  }
  const std::string path = write("long.jsonl", lines, lines.back());
  LineReader reader({path}, 1 << 20);
  ASSERT_TRUE(reader.open().ok());
  expect_lines(reader, lines, lines.back());
}

TEST_F(LineReaderTest, KeepsParsePaddingAfterTheLine) {
  std::vector<std::string> lines = {"short", std::string(8191, 'y'),
                                    std::string(50000, 'z')};
  const std::string path = write("pad.jsonl", lines, "tail");
  LineReader reader({path}, 1 << 20);
  ASSERT_TRUE(reader.open().ok());
  for (size_t i = 0; i < offsets_.size(); ++i) {
    // A fresh string each time: no capacity left from an earlier read.
    std::string line;
    ASSERT_TRUE(reader.read_line(0, offsets_[i], &line).ok()) << "line " << i;
    EXPECT_GE(line.capacity(), line.size() + kParsePadding) << "line " << i;
    // The padding can be read (sanitizers check this).
    size_t spaces = 0;
    for (size_t k = 1; k < kParsePadding; ++k) {
      spaces += line.data()[line.size() + k] == ' ';
    }
    EXPECT_EQ(spaces, kParsePadding - 1) << "line " << i;
  }
}

TEST_F(LineReaderTest, MissingFileIsNotFoundNamingThePath) {
  const std::string present = write("present.jsonl", {"x"}, "");
  const std::string missing = dir_.file("missing.jsonl");
  LineReader reader({present, missing}, 1 << 20);
  const Status s = reader.open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.message();
}

TEST_F(LineReaderTest, LineLongerThanTheLimitIsAnIoErrorNamingThePath) {
  // The first pass kept only lines of up to max_line_bytes: a longer one at
  // a document's offset means the file changed.
  const std::string path =
      write("changed.jsonl", {"ok", std::string(50000, 'x'), "ok"}, "");
  LineReader reader({path}, 1000);
  ASSERT_TRUE(reader.open().ok());
  std::string line;
  ASSERT_TRUE(reader.read_line(0, offsets_[0], &line).ok());
  EXPECT_EQ(line, "ok");
  const Status s = reader.read_line(0, offsets_[1], &line);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  // The reader stays usable.
  ASSERT_TRUE(reader.read_line(0, offsets_[2], &line).ok());
  EXPECT_EQ(line, "ok");
}

// The limit holds also when the line's end is found in the first read.
TEST_F(LineReaderTest, ShortLineOverTheLimitIsAnIoError) {
  const std::string path = write(
      "short.jsonl", {std::string(5000, 'x'), std::string(1000, 'y')}, "");
  LineReader reader({path}, 1000);
  ASSERT_TRUE(reader.open().ok());
  std::string line;
  EXPECT_EQ(reader.read_line(0, offsets_[0], &line).code(),
            StatusCode::kIOError);
  ASSERT_TRUE(reader.read_line(0, offsets_[1], &line).ok());
  EXPECT_EQ(line.size(), 1000u);
}

}  // namespace
}  // namespace neardup::internal
