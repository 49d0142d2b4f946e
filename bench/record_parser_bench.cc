// RecordParser::parse: extracting the id and text of one JSONL record with
// simdjson On Demand. Lines are laid out as the reader's chunks are: one
// after another in a buffer with kParsePadding spare bytes at its end.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench_common.h"
#include "parse/record_parser.h"
#include "reader/jsonl_reader.h"
#include "write/byte_sink.h"

namespace neardup::bench {
namespace {

using internal::ParsedRecord;
using internal::RecordParser;

// Lines copied into one buffer, each followed by '\n', then kParsePadding
// bytes: every line has at least that many readable bytes after it.
class PaddedLines {
 public:
  explicit PaddedLines(const std::vector<std::string>& lines) {
    size_t total = 0;
    for (const std::string& line : lines) total += line.size() + 1;
    buffer_.reserve(total + internal::kParsePadding);
    std::vector<size_t> offsets;
    for (const std::string& line : lines) {
      offsets.push_back(buffer_.size());
      buffer_ += line;
      buffer_.push_back('\n');
    }
    buffer_.append(internal::kParsePadding, ' ');
    for (size_t i = 0; i < lines.size(); ++i) {
      views_.emplace_back(buffer_.data() + offsets[i], lines[i].size());
      bytes_ += lines[i].size();
    }
  }
  PaddedLines(const PaddedLines&) = delete;
  PaddedLines& operator=(const PaddedLines&) = delete;

  const std::vector<std::string_view>& lines() const { return views_; }
  uint64_t bytes() const { return bytes_; }  // without newlines or padding

 private:
  std::string buffer_;
  std::vector<std::string_view> views_;
  uint64_t bytes_ = 0;
};

// Parses every line; returns the total text bytes, or -1 on a rejected line.
int64_t parse_all(const PaddedLines& lines, RecordParser* parser,
                  ParsedRecord* record) {
  int64_t text_bytes = 0;
  for (std::string_view line : lines.lines()) {
    parser->parse(line, record);
    if (!record->ok) return -1;
    text_bytes += static_cast<int64_t>(record->text.size());
  }
  return text_bytes;
}

void run(benchmark::State& state, const PaddedLines& lines) {
  RecordParser parser("/text", "/id");
  ParsedRecord record;
  int64_t text_bytes = 0;
  for (auto _ : state) {
    text_bytes = parse_all(lines, &parser, &record);
    benchmark::DoNotOptimize(text_bytes);
  }
  if (text_bytes < 0) {
    state.SkipWithError("a record was rejected");
    return;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(lines.bytes()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(lines.lines().size()));
  state.counters["avg_line_bytes"] =
      static_cast<double>(lines.bytes()) /
      static_cast<double>(std::max<size_t>(lines.lines().size(), 1));
}

// {"id": "...", "text": "..."} lines, with the text escaped by the writer's
// own append_json_string().
std::vector<std::string> minimal_records(
    const std::vector<std::string>& texts) {
  std::vector<std::string> lines;
  lines.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string line = "{\"id\": ";
    internal::append_json_string("doc-" + std::to_string(i), &line);
    line += ", \"text\": ";
    internal::append_json_string(texts[i], &line);
    line += "}";
    lines.push_back(std::move(line));
  }
  return lines;
}

// Verify: every minimal record gives back its id and text exactly.
bool round_trips(const PaddedLines& lines,
                 const std::vector<std::string>& texts) {
  RecordParser parser("/text", "/id");
  ParsedRecord record;
  for (size_t i = 0; i < texts.size(); ++i) {
    parser.parse(lines.lines()[i], &record);
    if (!record.ok || !record.has_id ||
        record.id != "doc-" + std::to_string(i) || record.text != texts[i]) {
      return false;
    }
  }
  return true;
}

// The corpus as stored: 13 fields per record, of which the parser visits two.
void BM_RecordParser_Reuters(benchmark::State& state) {
  const std::vector<std::string_view> views = split_lines(reuters_jsonl());
  const PaddedLines lines(std::vector<std::string>(views.begin(), views.end()));
  {
    RecordParser parser("/text", "/id");
    ParsedRecord record;
    const std::vector<std::string>& texts = reuters_texts();
    for (size_t i = 0; i < lines.lines().size(); ++i) {
      parser.parse(lines.lines()[i], &record);
      if (!record.ok || record.id.rfind("reuters-", 0) != 0 ||
          record.text != texts[i]) {
        state.SkipWithError("a Reuters record did not parse as expected");
        return;
      }
    }
  }
  run(state, lines);
}
BENCHMARK(BM_RecordParser_Reuters)->Unit(benchmark::kMillisecond);

// Only the two fields neardup reads, as in the end-to-end dump.
void BM_RecordParser_Minimal(benchmark::State& state) {
  const std::vector<std::string>& texts = reuters_texts();
  const PaddedLines lines(minimal_records(texts));
  if (!round_trips(lines, texts)) {
    state.SkipWithError("a minimal record did not round-trip");
    return;
  }
  run(state, lines);
}
BENCHMARK(BM_RecordParser_Minimal)->Unit(benchmark::kMillisecond);

// Minimal records whose text is cut to state.range(0) bytes: per-record
// overhead for short texts, string unescaping for long ones.
void BM_RecordParser_TextBytes(benchmark::State& state) {
  const size_t text_bytes = static_cast<size_t>(state.range(0));
  // Enough records for about 4 MB of text, at least 256.
  const size_t count = std::max<size_t>(256, (size_t{4} << 20) / text_bytes);
  const std::vector<std::string>& corpus = reuters_texts();
  std::vector<std::string> texts;
  std::string joined;
  for (size_t i = 0; texts.size() < count; i = (i + 1) % corpus.size()) {
    joined += corpus[i];
    joined.push_back('\n');
    while (joined.size() >= text_bytes && texts.size() < count) {
      // Cut at a UTF-8 boundary at or before text_bytes.
      size_t cut = text_bytes;
      while (cut > 0 &&
             (static_cast<unsigned char>(joined[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      texts.push_back(joined.substr(0, cut));
      joined.erase(0, cut);
    }
  }
  const PaddedLines lines(minimal_records(texts));
  if (!round_trips(lines, texts)) {
    state.SkipWithError("a minimal record did not round-trip");
    return;
  }
  run(state, lines);
}
BENCHMARK(BM_RecordParser_TextBytes)
    ->ArgName("text_bytes")
    ->RangeMultiplier(4)
    ->Range(16, 64 << 10)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace neardup::bench
