#include "reader/jsonl_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <random>
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

// Checks Chunk::stream_offset: every kept line stands at stream_offset +
// its offset in the chunk, plus length + 1 for each kTooLong line before it
// in the chunk. Returns the number of lines checked.
size_t check_stream_offsets(const std::string& data, size_t chunk_bytes,
                            size_t max_line_bytes) {
  JsonlReader reader(
      {"a"}, chunk_bytes, max_line_bytes,
      [&](const std::string&,
          uint64_t* size) -> Result<std::unique_ptr<ByteSource>> {
        *size = data.size();
        return string_source(data);
      });
  Chunk chunk;
  size_t checked = 0;
  uint64_t next_line_at = data.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    // Chunks are contiguous: each starts where the last one's lines ended.
    EXPECT_EQ(chunk.stream_offset, next_line_at)
        << "chunk " << chunk_bytes << " line " << chunk.first_line;
    uint64_t dropped = 0;
    for (size_t i = 0; i < chunk.lines.size(); ++i) {
      const LineSpan& s = chunk.lines[i];
      const uint64_t at = chunk.stream_offset + dropped + s.offset;
      if (std::max(at, next_line_at) > data.size()) {
        ADD_FAILURE() << "offset " << std::max(at, next_line_at)
                      << " past the end, chunk " << chunk_bytes << " line "
                      << chunk.first_line + i;
        return checked;
      }
      if (s.kind == LineKind::kTooLong) {
        EXPECT_EQ(
            data.compare(next_line_at, s.length, std::string(s.length, 'L')), 0)
            << "chunk " << chunk_bytes << " line " << chunk.first_line + i;
        dropped += s.length + 1;
        next_line_at += s.length + 1;
        continue;
      }
      EXPECT_EQ(at, next_line_at)
          << "chunk " << chunk_bytes << " line " << chunk.first_line + i;
      EXPECT_EQ(
          data.compare(at, s.length,
                       std::string_view(chunk.data() + s.offset, s.length)),
          0)
          << "chunk " << chunk_bytes << " line " << chunk.first_line + i;
      next_line_at = at + s.length + 1;
      ++checked;
    }
  }
  EXPECT_GE(next_line_at, data.size()) << "chunk " << chunk_bytes;
  return checked;
}

TEST(JsonlReaderTest, StreamOffsetsPlaceEveryLineInTheInput) {
  // A byte order mark, CRLF, empty lines and over-long lines (all 'L') at
  // the start, in the middle, in a row and at the end without '\n'.
  std::string data = "\xEF\xBB\xBF" + std::string(500, 'L') + "\n";
  size_t kept = 0;
  for (int i = 0; i < 300; ++i) {
    data += "line " + std::to_string(i) + std::string(i % 40, '.') +
            (i % 2 ? "\r\n" : "\n");
    ++kept;
    if (i % 7 == 0) {
      data += "\n";
      ++kept;
    }
    if (i % 11 == 3) data += std::string(101 + i * 13 % 900, 'L') + "\n";
    if (i % 50 == 9)
      data += std::string(101, 'L') + "\n" + std::string(3000, 'L') + "\n";
  }
  data += "last";
  ++kept;
  for (size_t chunk : {64, 65, 100, 1000, 4096, 1 << 20}) {
    EXPECT_EQ(check_stream_offsets(data, chunk, 100), kept) << chunk;
  }
  EXPECT_EQ(check_stream_offsets(data + "\n" + std::string(200, 'L'), 64, 100),
            kept);
  EXPECT_EQ(check_stream_offsets("no bom\nx", 64, 100), 2u);
  EXPECT_EQ(check_stream_offsets("\xEF\xBB", 64, 100), 1u);
}

TEST(JsonlReaderTest, OnlyPlainRegularFilesAreSeekable) {
  testing::TempDir dir;
  const std::string data = "{\"text\": \"a\"}\n{\"text\": \"b\"}\n";
  testing::write_file(dir.file("a.jsonl"), data);
  testing::write_file(dir.file("a.jsonl.gz"), testing::gzip(data));
  testing::write_file(dir.file("a.jsonl.zst"), testing::zstd_compress(data));
  JsonlReader reader({dir.file("a.jsonl"), dir.file("a.jsonl.gz"),
                      dir.file("a.jsonl.zst"), dir.file("a.jsonl")},
                     1024, 1 << 20);
  std::vector<std::pair<uint32_t, bool>> seen;
  Chunk chunk;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    EXPECT_EQ(chunk.stream_offset, 0u) << chunk.input;
    seen.emplace_back(chunk.input, chunk.seekable);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<uint32_t, bool>>{
                      {0, true}, {1, false}, {2, false}, {3, true}}));
  // In-memory sources cannot be read back by offset either.
  JsonlReader strings(
      {"s"}, 1024, 1 << 20,
      [&](const std::string&,
          uint64_t* size) -> Result<std::unique_ptr<ByteSource>> {
        *size = data.size();
        return string_source(data);
      });
  ASSERT_TRUE(*strings.next(&chunk));
  EXPECT_FALSE(chunk.seekable);
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

// A plain file whose first line begins with a codec's magic bytes loses no
// line: its start does not decode, so it is read as text.
TEST_F(CompressedTest, MagicBytesInAPlainFileDoNotHideItsLines) {
  const std::string gzip_magic = "\x1f\x8b";
  const std::string zstd_magic = "\x28\xb5\x2f\xfd";
  for (const std::string& magic : {gzip_magic, zstd_magic}) {
    for (const std::string name : {"m.jsonl", "m"}) {
      testing::write_file(dir_.file(name), magic + data_);
      auto lines = read_file_lines(dir_.file(name));
      ASSERT_EQ(lines.size(), 3000u) << name;
      EXPECT_EQ(lines[0], magic + "{\"text\": \"line 0\"}");
      EXPECT_EQ(lines[2999], "{\"text\": \"line 2999\"}");
    }
  }
}

// The name decides only when the magic matches but the start is damaged: a
// .gz or .zst file is then a damaged stream, reported as such.
TEST_F(CompressedTest, ANamedCompressedFileWithADamagedStartIsReported) {
  for (const std::string name : {"d.gz", "d.zst"}) {
    std::string packed =
        name == "d.gz" ? testing::gzip(data_) : testing::zstd_compress(data_);
    // Damage the bytes after the magic and header flags.
    for (size_t i = 4; i < 40 && i < packed.size(); ++i) packed[i] ^= 0x5a;
    testing::write_file(dir_.file(name), packed);
    std::string error;
    auto lines = read_file_lines(dir_.file(name), &error);
    ASSERT_EQ(lines.size(), 1u) << name;
    EXPECT_EQ(lines[0].rfind("<truncated:", 0), 0u) << name;
    EXPECT_NE(error.find(name), std::string::npos) << error;
  }
  // Compressed data is found by its content whatever the name.
  testing::write_file(dir_.file("c.jsonl"), testing::gzip(data_));
  testing::write_file(dir_.file("c.txt"), testing::zstd_compress(data_));
  EXPECT_EQ(read_file_lines(dir_.file("c.jsonl")).size(), 3000u);
  EXPECT_EQ(read_file_lines(dir_.file("c.txt")).size(), 3000u);
  // A small file decodes as a whole.
  testing::write_file(dir_.file("s.jsonl"),
                      testing::gzip("{\"text\": \"x\"}\n"));
  EXPECT_EQ(read_file_lines(dir_.file("s.jsonl")).size(), 1u);
}

// Every line of `path` as "kind length bytes" (no bytes for kTooLong, or for
// kTruncated over the limit).
std::vector<std::string> described_lines(const std::string& path,
                                         size_t chunk_bytes,
                                         size_t max_line_bytes) {
  JsonlReader reader({path}, chunk_bytes, max_line_bytes);
  std::vector<std::string> out;
  Chunk chunk;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    for (const LineSpan& s : chunk.lines) {
      const bool kept =
          s.kind != LineKind::kTooLong &&
          !(s.kind == LineKind::kTruncated && s.length > max_line_bytes);
      out.push_back(
          std::to_string(static_cast<int>(s.kind)) + " " +
          std::to_string(s.length) + " " +
          (kept ? std::string(chunk.data() + s.offset, s.length) : ""));
    }
  }
  return out;
}

// Found by tests/fuzz/jsonl_reader_fuzz (issue 12): a zstd read that met the
// damage dropped the bytes it had decoded in the same call, so the lines
// depended on the read size, and an over-long line cut off by the damage
// hid the damage (too_long, no truncated_input).
TEST_F(CompressedTest, DamagedZstdReadsTheSameAtAnyChunkSize) {
  const std::string damaged(
      "\x28\xb5\x2f\xfd\x00\x2f\x20\x00\x00\xec\x00\x60\x30\x02\xff\x01"
      "\n11\xff\xff\x1f\x8b\n\n",
      25);
  testing::write_file(dir_.file("r.jsonl.zst"), damaged);
  for (size_t max_line_bytes : {size_t{1}, size_t{1} << 20}) {
    const std::vector<std::string> whole =
        described_lines(dir_.file("r.jsonl.zst"), 1 << 16, max_line_bytes);
    ASSERT_FALSE(whole.empty());
    EXPECT_EQ(whole.back()[0], '3') << "the damage is reported last";
    for (size_t chunk_bytes : {1, 7, 100, 5000}) {
      EXPECT_EQ(described_lines(dir_.file("r.jsonl.zst"), chunk_bytes,
                                max_line_bytes),
                whole)
          << chunk_bytes << " " << max_line_bytes;
    }
  }
}

TEST_F(CompressedTest, OverlongLineCutByDamageIsTruncated) {
  std::string packed = testing::gzip(data_ + std::string(100000, 'x'));
  packed.resize(packed.size() - 8);  // loses the end of the long last line
  testing::write_file(dir_.file("long.gz"), packed);
  const std::vector<std::string> lines =
      described_lines(dir_.file("long.gz"), 4096, 1000);
  ASSERT_EQ(lines.size(), 3001u);
  EXPECT_EQ(lines.back().substr(0, 2), "3 ");
  EXPECT_GT(std::stoul(lines.back().substr(2)), 1000u);
}

// A line as the pipeline places it: its input offset counts the bytes of
// the chunk's earlier over-long lines, which a copied chunk does not keep.
struct PlacedLine {
  uint64_t line;
  uint64_t offset;
  LineKind kind;
  uint64_t length;
  std::string text;
  bool operator==(const PlacedLine&) const = default;
};

void PrintTo(const PlacedLine& l, std::ostream* os) {
  *os << "{line " << l.line << " at " << l.offset << " kind "
      << static_cast<int>(l.kind) << " length " << l.length << "}";
}

std::vector<PlacedLine> placed_lines(JsonlReader* reader, bool* mapped) {
  std::vector<PlacedLine> out;
  Chunk chunk;
  while (true) {
    Result<bool> more = reader->next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    // simdjson's padding is readable (a missing page would fault here).
    uint8_t pad = 0;
    for (size_t i = 0; i < kParsePadding; ++i)
      pad |= chunk.data()[chunk.size() + i];
    EXPECT_LT(pad, 0x80);  // file bytes, zeros past its end, or spaces
    *mapped |= chunk.mapped();
    uint64_t dropped = 0;
    for (size_t i = 0; i < chunk.lines.size(); ++i) {
      const LineSpan& s = chunk.lines[i];
      const bool kept = s.kind != LineKind::kTooLong;
      // An over-long line has no bytes, hence no offset.
      out.push_back({chunk.first_line + i,
                     kept ? chunk.stream_offset + dropped + s.offset : 0,
                     s.kind, s.length,
                     kept ? std::string(chunk.data() + s.offset, s.length)
                          : std::string()});
      if (!kept) dropped += s.length + 1;
    }
  }
  return out;
}

// A plain file's chunks are mapped views, except where a line is longer than
// a chunk or than the limit and at the file's last page; the lines, kinds,
// offsets and line numbers are those of the same bytes read by copy, at
// every chunk size, with and without a byte order mark and a last newline,
// for files ending anywhere around a page boundary.
TEST(MappedFileTest, ReadsAsTheSameBytesReadByCopy) {
  testing::TempDir dir;
  std::mt19937_64 rng(11);
  bool any_mapped = false;
  for (int round = 0; round < 60; ++round) {
    std::string data = round % 5 == 0 ? "\xEF\xBB\xBF" : "";
    const size_t target = 4096 * (1 + round % 3) - 80 + rng() % 100;
    while (data.size() < target) {
      const uint64_t kind = rng() % 20;
      const size_t length = kind == 0   ? 0
                            : kind == 1 ? 300 + rng() % 3000
                                        : 1 + rng() % 90;
      for (size_t i = 0; i < length; ++i)
        data += static_cast<char>('a' + rng() % 26);
      data += '\n';
    }
    data.resize(target);  // often cuts the last line short of its newline
    const std::string path = dir.file(std::to_string(round).append(".jsonl"));
    testing::write_file(path, data);
    for (size_t chunk_bytes :
         {size_t{1}, size_t{64}, size_t{700}, size_t{1} << 20}) {
      for (size_t max_line_bytes : {size_t{200}, size_t{1} << 20}) {
        SCOPED_TRACE(std::to_string(round) + " " + std::to_string(chunk_bytes) +
                     " " + std::to_string(max_line_bytes));
        JsonlReader copied(
            {path}, chunk_bytes, max_line_bytes,
            [&](const std::string&, uint64_t* size) {
              *size = data.size();
              return Result<std::unique_ptr<ByteSource>>(string_source(data));
            });
        JsonlReader mapped({path}, chunk_bytes, max_line_bytes);
        bool copied_mapped = false;
        const std::vector<PlacedLine> expected =
            placed_lines(&copied, &copied_mapped);
        EXPECT_FALSE(copied_mapped);
        ASSERT_EQ(placed_lines(&mapped, &any_mapped), expected);
        EXPECT_EQ(mapped.bytes_read(), copied.bytes_read());
        EXPECT_EQ(mapped.raw_bytes_read(), data.size());
      }
    }
  }
  EXPECT_TRUE(any_mapped);
}

}  // namespace
}  // namespace neardup::internal
