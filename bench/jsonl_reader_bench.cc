// JsonlReader: cutting an in-memory JSONL stream into chunks of whole lines.
// The input is the decompressed Reuters corpus served by
// internal::string_source(), so no file system or decoder is timed.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench_common.h"
#include "reader/byte_source.h"
#include "reader/jsonl_reader.h"

namespace neardup::bench {
namespace {

using internal::ByteSource;
using internal::Chunk;
using internal::JsonlReader;
using internal::LineKind;

constexpr size_t kMaxLineBytes = size_t{64} << 20;

// A reader whose only input is served from `*source`, which the caller fills
// before the first next(). The copy string_source() makes is thereby kept out
// of the timed region.
JsonlReader make_reader(size_t chunk_bytes,
                        std::unique_ptr<ByteSource>* source) {
  internal::SourceOpener opener =
      [source](const std::string&,
               uint64_t* size_bytes) -> Result<std::unique_ptr<ByteSource>> {
    if (size_bytes != nullptr) *size_bytes = 0;
    return std::move(*source);
  };
  return JsonlReader({"reuters.jsonl"}, chunk_bytes, kMaxLineBytes,
                     std::move(opener));
}

struct ReadCounts {
  uint64_t lines = 0;
  uint64_t line_bytes = 0;  // without the newlines
  uint64_t chunks = 0;
};

ReadCounts read_all(JsonlReader* reader, Chunk* chunk) {
  ReadCounts counts;
  while (true) {
    Result<bool> more = reader->next(chunk);
    if (!more.ok()) die(more.status().to_string());
    if (!*more) break;
    ++counts.chunks;
    counts.lines += chunk->lines.size();
    for (const internal::LineSpan& line : chunk->lines) {
      counts.line_bytes += line.length;
    }
  }
  return counts;
}

void BM_JsonlReader(benchmark::State& state) {
  const std::string& data = reuters_jsonl();
  const size_t chunk_bytes = static_cast<size_t>(state.range(0));

  // Verify: the reader returns every line whole, with its exact bytes.
  const std::vector<std::string_view> expected = split_lines(data);
  uint64_t expected_bytes = 0;
  for (std::string_view line : expected) expected_bytes += line.size();
  {
    std::unique_ptr<ByteSource> source = internal::string_source(data);
    JsonlReader reader = make_reader(chunk_bytes, &source);
    Chunk chunk;
    size_t index = 0;
    while (true) {
      Result<bool> more = reader.next(&chunk);
      if (!more.ok()) die(more.status().to_string());
      if (!*more) break;
      for (const internal::LineSpan& line : chunk.lines) {
        const std::string_view got(chunk.data() + line.offset, line.length);
        if (index >= expected.size() || got != expected[index] ||
            (line.kind != LineKind::kComplete &&
             line.kind != LineKind::kLast)) {
          state.SkipWithError("JsonlReader returned a wrong line");
          return;
        }
        ++index;
      }
    }
    if (index != expected.size()) {
      state.SkipWithError("JsonlReader lost lines");
      return;
    }
  }

  Chunk chunk;  // reused, as the pipeline's work pool does
  ReadCounts counts;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<ByteSource> source = internal::string_source(data);
    JsonlReader reader = make_reader(chunk_bytes, &source);
    state.ResumeTiming();
    counts = read_all(&reader, &chunk);
    benchmark::DoNotOptimize(counts);
  }
  if (counts.lines != expected.size() || counts.line_bytes != expected_bytes) {
    state.SkipWithError("line count changed between runs");
    return;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(counts.lines));
  state.counters["chunks"] = static_cast<double>(counts.chunks);
}
// Chunk sizes from one disk block to four times the pipeline's default (1 MiB).
BENCHMARK(BM_JsonlReader)
    ->ArgName("chunk_bytes")
    ->Arg(4 << 10)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Arg(4 << 20)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neardup::bench
