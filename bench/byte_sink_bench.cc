// Writing through open_sink() to a file in a temporary directory: plain,
// gzip (level 6) and zstd (level 3), for several append sizes. Each
// iteration opens a sink, appends 8 MB of Reuters JSONL and commits, which
// includes the fsync() and rename() of an atomic output.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "bench_common.h"
#include "write/byte_sink.h"

namespace neardup::bench {
namespace {

using internal::ByteSink;

constexpr size_t kPayloadBytes = size_t{8} << 20;

// The first whole lines of the Reuters JSONL, up to kPayloadBytes.
const std::string& payload() {
  static const std::string* const data = [] {
    const std::string& all = reuters_jsonl();
    size_t end = all.rfind('\n', kPayloadBytes);
    end = end == std::string::npos ? all.size() : end + 1;
    return new std::string(all, 0, end);
  }();
  return *data;
}

Status write_once(const std::string& path, std::string_view data,
                  size_t append_bytes) {
  Result<std::unique_ptr<ByteSink>> sink =
      internal::open_sink(path, /*compress_by_extension=*/true);
  if (!sink.ok()) return sink.status();
  for (size_t pos = 0; pos < data.size(); pos += append_bytes) {
    NEARDUP_RETURN_IF_ERROR((*sink)->append(data.substr(pos, append_bytes)));
  }
  return (*sink)->commit();
}

// `extension` picks the codec: ".jsonl", ".jsonl.gz" or ".jsonl.zst".
void BM_ByteSink(benchmark::State& state, const char* extension) {
  const TempDir dir;
  const std::string path = dir.file(std::string("out") + extension);
  const std::string& data = payload();
  const size_t append_bytes = static_cast<size_t>(state.range(0));

  // Verify: reading the file back (decompressing by magic bytes) gives the
  // payload exactly.
  if (Status s = write_once(path, data, append_bytes); !s.ok()) {
    state.SkipWithError(s.to_string().c_str());
    return;
  }
  if (read_decompressed(path) != data) {
    state.SkipWithError("the file read back differs from what was written");
    return;
  }
  const uintmax_t file_bytes = std::filesystem::file_size(path);

  for (auto _ : state) {
    if (Status s = write_once(path, data, append_bytes); !s.ok()) {
      state.SkipWithError(s.to_string().c_str());
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
  state.counters["ratio"] =
      static_cast<double>(data.size()) / static_cast<double>(file_bytes);
}

void append_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("append_bytes")->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20);
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK_CAPTURE(BM_ByteSink, plain, ".jsonl")->Apply(append_sizes);
BENCHMARK_CAPTURE(BM_ByteSink, gzip, ".jsonl.gz")->Apply(append_sizes);
BENCHMARK_CAPTURE(BM_ByteSink, zstd, ".jsonl.zst")->Apply(append_sizes);

}  // namespace
}  // namespace neardup::bench
