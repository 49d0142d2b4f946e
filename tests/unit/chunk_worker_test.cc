#include "pipeline/chunk_worker.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "pipeline/corpus.h"
#include "reader/jsonl_reader.h"
#include "reader/line_reader.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

constexpr size_t kMaxLineBytes = 200;

// A dump with everything that moves offsets: a byte order mark, CRLF and LF
// line ends, empty and blank lines, a line that is not JSON, records longer
// than kMaxLineBytes (first, in the middle, two in a row, one of exactly
// kMaxLineBytes + 1 bytes) and a last line without '\n'. `offsets` gets the
// offset of each record's line by id.
std::string hostile_dump(std::map<std::string, uint64_t>* offsets) {
  std::string data = "\xEF\xBB\xBF";
  int next_id = 0;
  auto record = [&](size_t text_bytes, const char* end) {
    // Appends, not operator+ on a literal: GCC 12's -Wrestrict misfires.
    std::string id = "d";
    id += std::to_string(next_id++);
    std::string text;
    for (size_t i = 0; text.size() < text_bytes; ++i) {
      text += 'w';
      text += std::to_string((next_id * 7 + i) % 50);
      text += ' ';
    }
    text.resize(text_bytes);
    (*offsets)[id] = data.size();
    data += "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}" + end;
    return id;
  };
  auto too_long = [&](size_t bytes) {
    // Line length without '\n', the JSON being valid.
    const std::string prefix = "{\"id\": \"long\", \"text\": \"";
    data += prefix + std::string(bytes - prefix.size() - 2, 'x') + "\"}\n";
  };
  too_long(1000);
  for (int i = 0; i < 400; ++i) {
    record(40 + (i * 13) % 120, i % 3 == 0 ? "\r\n" : "\n");
    switch (i % 10) {
      case 1:
        data += "\n";
        break;
      case 3:
        data += "  \r\n";
        break;
      case 4:
        too_long(kMaxLineBytes + 1 + (i * 37) % 3000);
        break;
      case 6:
        too_long(kMaxLineBytes + 1);
        too_long(5000);
        break;
      case 8:
        data += "not json\n";
        break;
    }
  }
  // Exactly kMaxLineBytes with its '\r': kept.
  const std::string exact = record(1, "\r\n");
  const size_t exact_length = data.size() - 2 - (*offsets)[exact];
  const std::string pad(kMaxLineBytes - exact_length - 1, ' ');
  data.insert(data.size() - 2, pad);
  record(60, "");  // no '\n'
  return data;
}

struct Doc {
  std::string id;
  uint64_t offset;
};

// Every document ChunkWorker::process() gives for `path`, with the chunks'
// seekable flags.
std::vector<Doc> process_all(const std::string& path, size_t chunk_bytes,
                             std::vector<bool>* seekable = nullptr) {
  JsonlReader reader({path}, chunk_bytes, kMaxLineBytes);
  ChunkWorker worker{DedupOptions{}};
  Chunk chunk;
  ChunkResult result;
  std::vector<Doc> docs;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    worker.process(chunk, &result);
    EXPECT_EQ(result.input, chunk.input);
    EXPECT_EQ(result.seekable, chunk.seekable);
    if (seekable != nullptr) seekable->push_back(result.seekable);
    uint32_t id_begin = 0;
    for (const DocRecord& doc : result.docs) {
      docs.push_back(
          {result.ids.substr(id_begin, doc.id_end - id_begin), doc.offset});
      id_begin = doc.id_end;
    }
  }
  return docs;
}

class ChunkWorkerOffsetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = hostile_dump(&offsets_);
    plain_ = dir_.file("dump.jsonl");
    testing::write_file(plain_, data_);
  }

  testing::TempDir dir_;
  std::string data_;
  std::map<std::string, uint64_t> offsets_;
  std::string plain_;
};

TEST_F(ChunkWorkerOffsetTest, OffsetsPointAtTheFirstByteOfEachLine) {
  // The reader reads at least 4 KiB at a time, so chunks below that hold
  // about 4 KiB of kept lines: several chunks in every case but the last.
  for (size_t chunk_bytes : {64, 100, 4096, 5000, 1 << 20}) {
    std::vector<bool> seekable;
    const std::vector<Doc> docs = process_all(plain_, chunk_bytes, &seekable);
    // Every record is a document; "long" ones are over the limit.
    ASSERT_EQ(docs.size(), offsets_.size()) << "chunk " << chunk_bytes;
    if (chunk_bytes < (1 << 20)) {
      EXPECT_GE(seekable.size(), 4u) << "chunk " << chunk_bytes;
    }
    for (bool s : seekable) EXPECT_TRUE(s) << "chunk " << chunk_bytes;
    for (const Doc& doc : docs) {
      ASSERT_TRUE(offsets_.count(doc.id)) << doc.id;
      EXPECT_EQ(doc.offset, offsets_.at(doc.id))
          << "doc " << doc.id << " chunk " << chunk_bytes;
      // The file's bytes: a line starts there (after the byte order mark or
      // a '\n'), and it is this document's.
      ASSERT_LT(doc.offset, data_.size());
      EXPECT_TRUE(doc.offset == 3 || data_[doc.offset - 1] == '\n')
          << "doc " << doc.id << " chunk " << chunk_bytes;
      const std::string head = "{\"id\": \"" + doc.id + "\"";
      EXPECT_EQ(data_.compare(doc.offset, head.size(), head), 0)
          << "doc " << doc.id << " chunk " << chunk_bytes;
    }
  }
}

// What exact verification does: each document's line read back by offset is
// the line the first pass parsed, and shingles.
TEST_F(ChunkWorkerOffsetTest, LinesReadBackByOffsetAreTheDocuments) {
  const std::vector<Doc> docs = process_all(plain_, 100);
  LineReader lines({plain_}, kMaxLineBytes);
  ASSERT_TRUE(lines.open().ok());
  ChunkWorker worker{DedupOptions{}};
  std::string line;
  for (const Doc& doc : docs) {
    ASSERT_TRUE(lines.read_line(0, doc.offset, &line).ok()) << doc.id;
    const uint64_t expected = offsets_.at(doc.id);
    const size_t end = data_.find('\n', expected);
    EXPECT_EQ(line, data_.substr(expected, end == std::string::npos
                                               ? std::string::npos
                                               : end - expected))
        << doc.id;
    ShingleSet set;
    EXPECT_TRUE(worker.shingle_set(line, &set)) << doc.id;
  }
}

TEST_F(ChunkWorkerOffsetTest, CompressedInputsHaveTheSameOffsetsButNoSeeking) {
  const std::vector<Doc> plain = process_all(plain_, 100);
  testing::write_file(dir_.file("dump.jsonl.gz"), testing::gzip(data_));
  testing::write_file(dir_.file("dump.jsonl.zst"),
                      testing::zstd_compress(data_));
  for (const char* name : {"dump.jsonl.gz", "dump.jsonl.zst"}) {
    std::vector<bool> seekable;
    const std::vector<Doc> docs = process_all(dir_.file(name), 100, &seekable);
    ASSERT_EQ(docs.size(), plain.size()) << name;
    for (size_t i = 0; i < docs.size(); ++i) {
      EXPECT_EQ(docs[i].id, plain[i].id) << name;
      EXPECT_EQ(docs[i].offset, plain[i].offset) << name << " " << docs[i].id;
    }
    ASSERT_FALSE(seekable.empty());
    for (bool s : seekable) EXPECT_FALSE(s) << name;
  }
}

// Corpus::line_place() over a plain, a compressed and a plain input: the
// places of the plain inputs' documents, none for the compressed one.
TEST_F(ChunkWorkerOffsetTest, CorpusLinePlaces) {
  const std::string packed = dir_.file("dump.jsonl.gz");
  testing::write_file(packed, testing::gzip(data_));
  const std::string second = dir_.file("second.jsonl");
  const std::string second_data = "{\"id\": \"x0\", \"text\": \"a b c\"}\n\n" +
                                  std::string(300, 'y') +
                                  "\n{\"id\": \"x1\", \"text\": \"d e f\"}\n";
  const uint64_t x1_offset = second_data.find("{\"id\": \"x1\"");
  testing::write_file(second, second_data);
  const DedupOptions options;
  Corpus corpus;
  corpus.signature_length = options.minhash.signature_length;
  corpus.signatures = SignatureTable(corpus.signature_length);
  JsonlReader reader({plain_, packed, second}, 64, kMaxLineBytes);
  ChunkWorker worker(options);
  Chunk chunk;
  ChunkResult result;
  std::vector<uint32_t> input_of;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    worker.process(chunk, &result);
    ASSERT_TRUE(corpus.append(result).ok());
    input_of.insert(input_of.end(), result.docs.size(), chunk.input);
  }
  const size_t n = offsets_.size();
  ASSERT_EQ(corpus.size(), 2 * n + 2);
  ASSERT_EQ(input_of.size(), corpus.size());
  for (DocId doc = 0; doc < corpus.size(); ++doc) {
    uint32_t input = 99;
    uint64_t offset = 0;
    const bool placed = corpus.line_place(doc, &input, &offset);
    const std::string id(corpus.id(doc));
    if (input_of[doc] == 1) {
      EXPECT_FALSE(placed) << "doc " << doc;
      continue;
    }
    ASSERT_TRUE(placed) << "doc " << doc;
    EXPECT_EQ(input, input_of[doc]) << "doc " << doc;
    if (input == 0) {
      EXPECT_EQ(offset, offsets_.at(id)) << "doc " << doc << " " << id;
    } else {
      EXPECT_EQ(offset, id == "x0" ? 0 : x1_offset)
          << "doc " << doc << " " << id;
    }
  }
}

}  // namespace
}  // namespace neardup::internal
