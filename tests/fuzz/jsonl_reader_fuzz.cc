// Fuzzes the JSONL reader over plain, gzip and zstd inputs.
//
// Input: byte 0 picks the small chunk size, byte 1 the line limit and byte 2
// where the compressed copies split into two gzip members / zstd frames; the
// rest is the dump. Identities: small chunks and one chunk larger than any
// input (run with -max_len below 64 KiB) give the same lines;
// the gzip and zstd copies give the plain file's lines; LineReader reads
// every line back at its offset.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_codecs.h"
#include "fuzz_util.h"
#include "reader/jsonl_reader.h"
#include "reader/line_reader.h"

namespace neardup::fuzz {
namespace {

struct Line {
  uint32_t input;
  uint64_t line, file_line, stream_offset;
  internal::LineKind kind;
  size_t length;
  std::string bytes;  // empty for kTooLong
  std::string input_error;
  bool seekable;

  bool same_text(const Line& o) const {
    return line == o.line && file_line == o.file_line &&
           stream_offset == o.stream_offset && kind == o.kind &&
           length == o.length && bytes == o.bytes;
  }
  bool operator==(const Line& o) const {
    return same_text(o) && input == o.input && input_error == o.input_error &&
           seekable == o.seekable;
  }
};

struct Read {
  StatusCode code = StatusCode::kOk;
  std::vector<Line> lines;
};

Read read_all(const std::vector<std::string>& inputs, size_t chunk_bytes,
              size_t max_line_bytes) {
  Read read;
  internal::JsonlReader reader(inputs, chunk_bytes, max_line_bytes);
  internal::Chunk chunk;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok()) {
      read.code = more.status().code();
      break;
    }
    if (!*more) break;
    NEARDUP_FUZZ_CHECK(!chunk.lines.empty());
    uint64_t skipped = 0;  // bytes of kTooLong lines not kept in the chunk
    for (size_t i = 0; i < chunk.lines.size(); ++i) {
      const internal::LineSpan& span = chunk.lines[i];
      Line line{chunk.input,
                chunk.first_line + i,
                chunk.first_file_line + i,
                0,
                span.kind,
                span.length,
                {},
                {},
                chunk.seekable};
      if (span.kind == internal::LineKind::kTooLong ||
          (span.kind == internal::LineKind::kTruncated &&
           span.length > max_line_bytes)) {
        skipped += span.length + 1;
      } else {
        NEARDUP_FUZZ_CHECK(span.offset + span.length <= chunk.size());
        line.stream_offset = chunk.stream_offset + span.offset + skipped;
        line.bytes.assign(chunk.data() + span.offset, span.length);
      }
      if (span.kind == internal::LineKind::kTruncated) {
        line.input_error = chunk.input_error;
      }
      read.lines.push_back(std::move(line));
    }
  }
  return read;
}

// Whether the reader would take the plain file for compressed data.
// Prints the lines read, to tell what differs when an identity fails.
void print(const char* name, const Read& read) {
  std::fprintf(stderr, "%s: status %d\n", name, static_cast<int>(read.code));
  for (size_t i = 0; i < read.lines.size() && i < 40; ++i) {
    const Line& l = read.lines[i];
    std::fprintf(stderr,
                 "  input %u line %llu offset %llu kind %d length %zu "
                 "seekable %d error '%s'\n",
                 l.input, static_cast<unsigned long long>(l.line),
                 static_cast<unsigned long long>(l.stream_offset),
                 static_cast<int>(l.kind), l.length, l.seekable,
                 l.input_error.c_str());
  }
}

bool looks_compressed(std::string_view d) {
  return (d.size() >= 2 && d.substr(0, 2) == "\x1f\x8b") ||
         (d.size() >= 4 && d.substr(0, 4) == "\x28\xb5\x2f\xfd");
}

}  // namespace
}  // namespace neardup::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace neardup::fuzz;
  using neardup::internal::LineKind;
  if (size < 3) return 0;
  const size_t small_chunk = 1 + data[0] % 97;
  const size_t max_line_bytes =
      data[1] < 64 ? 1 + data[1] : size_t{16} << 20;  // some inputs skip lines
  const std::string_view dump(reinterpret_cast<const char*>(data) + 3,
                              size - 3);
  const size_t split = dump.empty() ? 0 : data[2] % (dump.size() + 1);

  const std::string dir = scratch_dir();
  const std::string plain = dir + "/plain.jsonl";
  const std::string gz = dir + "/dump.jsonl.gz";
  const std::string zst = dir + "/dump.jsonl.zst";
  const std::string raw_gz = dir + "/raw.jsonl.gz";
  const std::string raw_zst = dir + "/raw.jsonl.zst";
  write_file(plain, dump);
  write_file(gz, gzip(dump.substr(0, split)) + gzip(dump.substr(split)));
  write_file(zst, zstd(dump.substr(0, split)) + zstd(dump.substr(split)));
  write_file(raw_gz, dump);  // named compressed, holding anything
  write_file(raw_zst, dump);

  const std::vector<std::string> inputs = {plain, gz, zst, raw_gz, raw_zst};
  const Read small = read_all(inputs, small_chunk, max_line_bytes);
  // 64 KiB rather than the default 1 MiB: each run allocates it afresh.
  const Read large = read_all(inputs, size_t{1} << 16, max_line_bytes);
  if (small.code != large.code || small.lines != large.lines) {
    print("small chunks", small);
    print("one chunk", large);
    identity_failed("small and large chunks read different lines");
  }
  if (small.code != neardup::StatusCode::kOk) return 0;

  // Per input, the lines in file order.
  std::vector<std::vector<const Line*>> by_input(inputs.size());
  for (const Line& line : small.lines) by_input[line.input].push_back(&line);
  if (!looks_compressed(dump)) {
    for (size_t input : {1, 2}) {
      NEARDUP_FUZZ_CHECK(by_input[input].size() == by_input[0].size());
      for (size_t i = 0; i < by_input[0].size(); ++i) {
        const Line& a = *by_input[0][i];
        const Line& b = *by_input[input][i];
        NEARDUP_FUZZ_CHECK(
            a.file_line == b.file_line && a.stream_offset == b.stream_offset &&
            a.kind == b.kind && a.length == b.length && a.bytes == b.bytes);
      }
    }
  }

  // Lines of a seekable input read back by offset.
  neardup::internal::LineReader line_reader(inputs, max_line_bytes);
  NEARDUP_FUZZ_CHECK(line_reader.open().ok());
  std::string back;
  for (const Line& line : small.lines) {
    if (!line.seekable || line.kind == LineKind::kTooLong ||
        line.kind == LineKind::kTruncated) {
      continue;
    }
    NEARDUP_FUZZ_CHECK(
        line_reader.read_line(line.input, line.stream_offset, &back).ok());
    NEARDUP_FUZZ_CHECK(back == line.bytes);
  }
  return 0;
}
