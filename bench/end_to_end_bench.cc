// End to end: neardup::run_dedup() on a generated news dump, against the
// floor of simdjson extracting the "text" field of every line of the same
// file.
//
// The dump is made once per process, in a temporary directory, by the
// generator behind `neardup gen` (tools/gen) with its default options and
// seed: NEARDUP_BENCH_DOCS documents (default 50000) of 2-6 KB articles from
// the bundled Reuters-21578 corpus on synthetic sites' pages; 20% are copies
// of an earlier article with their own transformations (another site's page,
// copy edits, truncation, ...). Lines are {"id": "...", "text": "..."}; a
// given size always gives the same file.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <malloc.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "bench_common.h"
#include "gen/generator.h"
#include "neardup/fingerprint.h"
#include "neardup/pipeline.h"
#include "neardup/text.h"
#include "parse/record_parser.h"
#include "reader/jsonl_reader.h"
#include "write/byte_sink.h"

namespace neardup::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kDefaultDocs = 50000;

// ---- The dump ----

constexpr uint32_t kNoSource = ~uint32_t{0};

struct Dump {
  std::string path;
  uint64_t docs = 0;
  uint64_t copies = 0;
  uint64_t bytes = 0;
  // For each document, the document it is a copy of, or kNoSource.
  std::vector<uint32_t> source;
};

Dump generate_dump(const std::string& path, uint64_t docs) {
  gen::GenOptions options;
  options.docs = docs;
  options.sources = {reuters_path()};
  Result<std::unique_ptr<gen::Generator>> generator =
      gen::Generator::create(options);
  if (!generator.ok()) die(generator.status().to_string());
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) die("cannot create " + path);
  Dump dump;
  dump.path = path;
  gen::Document doc;
  while ((*generator)->next(&doc)) {
    if (std::fwrite(doc.line.data(), 1, doc.line.size(), out) !=
        doc.line.size()) {
      die("cannot write " + path);
    }
    dump.source.push_back(doc.is_copy ? static_cast<uint32_t>(doc.group_index)
                                      : kNoSource);
  }
  if (std::fclose(out) != 0) die("cannot write " + path);
  const gen::GenStats& stats = (*generator)->stats();
  dump.docs = stats.docs;
  dump.copies = stats.copies;
  dump.bytes = stats.bytes;
  return dump;
}

// ---- Parse only ----

struct ParseCount {
  uint64_t docs = 0;
  uint64_t text_bytes = 0;
};

// Reads `path` in 4 MiB blocks and gets the "text" string of each line with
// simdjson On Demand, one iterate() per line; nothing else.
ParseCount parse_only(const std::string& path,
                      simdjson::ondemand::parser* parser) {
  constexpr size_t kBlock = size_t{4} << 20;
  size_t capacity = kBlock;
  auto buffer = std::make_unique<char[]>(capacity + simdjson::SIMDJSON_PADDING);
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) die("cannot open " + path);
  ParseCount count;
  auto parse_line = [&](size_t begin, size_t end) {
    simdjson::ondemand::document doc;
    std::string_view text;
    // Every line has SIMDJSON_PADDING readable bytes after it: the rest of
    // the buffer, then the padding.
    const size_t readable = capacity + simdjson::SIMDJSON_PADDING - begin;
    if (parser->iterate(buffer.get() + begin, end - begin, readable).get(doc) ||
        doc.find_field_unordered("text").get_string().get(text)) {
      die(path + ": line " + std::to_string(count.docs + 1) +
          " has no string \"text\"");
    }
    ++count.docs;
    count.text_bytes += text.size();
  };
  size_t have = 0;
  while (true) {
    if (have == capacity) {  // a line longer than the buffer
      auto grown =
          std::make_unique<char[]>(2 * capacity + simdjson::SIMDJSON_PADDING);
      std::memcpy(grown.get(), buffer.get(), have);
      buffer = std::move(grown);
      capacity *= 2;
    }
    const ssize_t got = ::read(fd, buffer.get() + have, capacity - have);
    if (got < 0) die("cannot read " + path);
    const size_t end = have + static_cast<size_t>(got);
    size_t begin = 0;
    while (const void* newline =
               std::memchr(buffer.get() + begin, '\n', end - begin)) {
      const size_t line_end = static_cast<const char*>(newline) - buffer.get();
      parse_line(begin, line_end);
      begin = line_end + 1;
    }
    if (got == 0) {
      if (begin < end) parse_line(begin, end);
      break;
    }
    std::memmove(buffer.get(), buffer.get() + begin, end - begin);
    have = end - begin;
  }
  ::close(fd);
  return count;
}

// ---- Minimal pipeline ----

// The least any SimHash dedup of this file must do: read it, get each text
// with simdjson, split it into lower-cased ASCII words, hash words and 3-word
// shingles (XXH3), SimHash them (neardup's SIMD kernel) and insert each
// fingerprint into four LSH tables of 16-bit bands. No Unicode, no line
// filter, no pair search, no clustering, no output. Threads take contiguous
// slices of the lines.
struct MinimalResult {
  uint64_t docs = 0;
  uint64_t band_entries = 0;
};

MinimalResult minimal_pipeline(const std::string& path, int threads) {
  // Mapped, not copied; only the last line, whose padding would lie past
  // the mapping, is copied into a padded buffer.
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) die("cannot open " + path);
  struct stat st;
  if (::fstat(fd, &st) != 0) die("cannot stat " + path);
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) die("cannot map " + path);
  const char* data = static_cast<const char*>(map);
  std::vector<size_t> line_starts = {0};
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(
                                  p, '\n', size - (p - data)))) != nullptr;) {
    ++p;
    if (static_cast<size_t>(p - data) < size) line_starts.push_back(p - data);
  }
  const size_t lines = size == 0 ? 0 : line_starts.size();
  std::vector<MinimalResult> results(static_cast<size_t>(threads));
  auto work = [&](int t) {
    simdjson::ondemand::parser parser;
    std::vector<uint64_t> words, shingles;
    std::vector<uint64_t> bands[4];
    std::string lower, padded;
    const size_t begin = lines * static_cast<size_t>(t) / threads;
    const size_t end = lines * static_cast<size_t>(t + 1) / threads;
    for (size_t l = begin; l < end; ++l) {
      const size_t from = line_starts[l];
      const size_t to = l + 1 < lines ? line_starts[l + 1] - 1 : size;
      const char* line = data + from;
      size_t readable = size - from;
      if (to + simdjson::SIMDJSON_PADDING > size) {
        padded.assign(line, to - from);
        padded.append(simdjson::SIMDJSON_PADDING, ' ');
        line = padded.data();
        readable = padded.size();
      }
      simdjson::ondemand::document doc;
      std::string_view text;
      if (parser.iterate(line, to - from, readable).get(doc) ||
          doc.find_field_unordered("text").get_string().get(text)) {
        die(path + ": bad line in the minimal pipeline");
      }
      lower.resize(text.size());
      for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
      words.clear();
      shingles.clear();
      size_t start = 0;
      for (size_t i = 0; i <= lower.size(); ++i) {
        const char c = i < lower.size() ? lower[i] : ' ';
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
        if (i > start) {
          words.push_back(
              XXH3_64bits_withSeed(lower.data() + start, i - start, 1));
        }
        start = i + 1;
      }
      for (size_t i = 0; i + 3 <= words.size(); ++i) {
        shingles.push_back(XXH3_64bits_withSeed(&words[i], 24, 2));
      }
      const Fingerprint fp = simhash64(shingles);
      for (int b = 0; b < 4; ++b) {
        bands[b].push_back(((fp >> (16 * b)) & 0xffff) << 32 | l);
      }
    }
    results[static_cast<size_t>(t)] = {end - begin, 4 * (end - begin)};
    benchmark::DoNotOptimize(bands);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& thread : pool) thread.join();
  ::munmap(map, size);
  MinimalResult total;
  for (const MinimalResult& r : results) {
    total.docs += r.docs;
    total.band_entries += r.band_entries;
  }
  return total;
}

// ---- Benchmarks ----

const Dump* g_dump = nullptr;
const TempDir* g_dir = nullptr;
double g_parse_docs_per_second = 0;  // timed once in main(), before any run

// One run of a benchmark, for the summary printed after all of them.
struct Sample {
  int64_t iterations = 0;
  double seconds = 0;  // wall clock, all iterations
  uint64_t peak_rss = 0;
};
std::map<std::string, std::vector<Sample>>* g_samples = nullptr;

// Starts a peak-RSS measurement: gives the heap that earlier runs freed back
// to the system first, so that it is not counted again.
void start_peak_rss() {
  malloc_trim(0);
  reset_peak_rss();
}

void add_rate_counters(benchmark::State& state, const std::string& label,
                       double seconds, uint64_t peak_rss) {
  const auto docs = static_cast<double>(g_dump->docs);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(g_dump->docs));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(g_dump->bytes));
  // Per minute of wall-clock time. A plain counter: Google Benchmark would
  // print a kIsRate counter with a "/s" suffix.
  state.counters["docs_per_min"] =
      seconds > 0
          ? docs * static_cast<double>(state.iterations()) * 60 / seconds
          : 0.0;
  state.counters["peak_rss_MB"] = static_cast<double>(peak_rss) / 1e6;
  if (g_parse_docs_per_second > 0 && seconds > 0) {
    state.counters["ratio_to_parse"] = docs *
                                       static_cast<double>(state.iterations()) /
                                       seconds / g_parse_docs_per_second;
  }
  (*g_samples)[label].push_back({state.iterations(), seconds, peak_rss});
}

void BM_ParseOnly(benchmark::State& state) {
  simdjson::ondemand::parser parser;
  start_peak_rss();
  ParseCount count;
  const Clock::time_point start = Clock::now();
  for (auto _ : state) {
    count = parse_only(g_dump->path, &parser);
    benchmark::DoNotOptimize(count);
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  if (count.docs != g_dump->docs) {
    state.SkipWithError("parse-only found a different number of documents");
    return;
  }
  add_rate_counters(state, "parse_only", seconds, peak_rss_bytes());
}
BENCHMARK(BM_ParseOnly)->UseRealTime()->Unit(benchmark::kMillisecond);

// Arg: threads.
void BM_MinimalPipeline(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  start_peak_rss();
  MinimalResult result;
  const Clock::time_point start = Clock::now();
  for (auto _ : state) result = minimal_pipeline(g_dump->path, threads);
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  if (result.docs != g_dump->docs) {
    state.SkipWithError("the minimal pipeline lost documents");
    return;
  }
  add_rate_counters(state, "minimal/threads:" + std::to_string(threads),
                    seconds, peak_rss_bytes());
}
BENCHMARK(BM_MinimalPipeline)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// How the clusters match the planted copies. Not a precision: the generator
// leaves out Reuters' repeated texts and paragraphs, but near-duplicates
// among its remaining texts are possible.
struct Quality {
  double copies_found_pct = 0;      // copies in their source's cluster
  double originals_merged_pct = 0;  // originals not representing a cluster
};

Quality measure_quality(const std::string& clusters_path) {
  // One line per document in input order: {"id": ..., "cluster": "doc-N"}.
  std::string data = read_decompressed(clusters_path);
  const size_t size = data.size();
  data.append(internal::kParsePadding, ' ');
  const std::vector<std::string_view> lines =
      split_lines(std::string_view(data).substr(0, size));
  if (lines.size() != g_dump->docs) die(clusters_path + ": wrong line count");
  internal::RecordParser parser("/cluster", "/id");
  internal::ParsedRecord record;
  std::vector<uint32_t> rep(lines.size());
  for (size_t doc = 0; doc < lines.size(); ++doc) {
    parser.parse(lines[doc], &record);
    const std::string_view cluster = record.text;
    if (!record.ok || cluster.substr(0, 4) != "doc-" ||
        std::from_chars(cluster.data() + 4, cluster.data() + cluster.size(),
                        rep[doc])
                .ec != std::errc()) {
      die(clusters_path + ": unexpected line " + std::string(lines[doc]));
    }
  }
  uint64_t copies = 0, found = 0, originals = 0, merged = 0;
  for (size_t doc = 0; doc < rep.size(); ++doc) {
    const uint32_t source = g_dump->source[doc];
    if (source == kNoSource) {
      ++originals;
      merged += rep[doc] != doc;
    } else {
      ++copies;
      found += rep[doc] == rep[source];
    }
  }
  Quality quality;
  if (copies > 0) quality.copies_found_pct = 100.0 * found / copies;
  if (originals > 0) quality.originals_merged_pct = 100.0 * merged / originals;
  return quality;
}

// Runs run_dedup() on `path` once per iteration; sets the last run's stats
// and the wall-clock seconds of all. Returns false (the benchmark skipped)
// on an error or if not every line became a document.
bool time_dedup(benchmark::State& state, const DedupOptions& options,
                const std::string& path, const DedupOutputs& outputs,
                DedupStats* stats, double* seconds) {
  start_peak_rss();
  const Clock::time_point start = Clock::now();
  for (auto _ : state) {
    Result<DedupStats> run = run_dedup(options, {path}, outputs);
    if (!run.ok()) {
      state.SkipWithError(run.status().to_string().c_str());
      return false;
    }
    *stats = *run;
  }
  *seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats->documents != g_dump->docs || stats->lines_rejected != 0) {
    state.SkipWithError("run_dedup did not read every line as a document");
    return false;
  }
  return true;
}

// Arg: worker threads. `memory_limit`: DedupOptions::memory_limit_bytes.
void dedup_with(benchmark::State& state, Mode mode, Algorithm algorithm,
                const std::string& label, uint64_t memory_limit = 0) {
  DedupOptions options;
  options.mode = mode;
  options.algorithm = algorithm;
  options.threads = static_cast<int>(state.range(0));
  options.memory_limit_bytes = memory_limit;
  options.temp_dir = g_dir->path();
  DedupOutputs outputs;
  outputs.clusters_path = g_dir->file("clusters.jsonl");
  DedupStats stats;
  double seconds = 0;
  if (!time_dedup(state, options, g_dump->path, outputs, &stats, &seconds)) {
    return;
  }
  add_rate_counters(state, label + "/threads:" + std::to_string(state.range(0)),
                    seconds, peak_rss_bytes());
  const auto docs = static_cast<double>(stats.documents);
  state.counters["duplicates_pct"] =
      100.0 * static_cast<double>(stats.duplicates) / docs;
  const Quality quality = measure_quality(outputs.clusters_path);
  state.counters["copies_found_pct"] = quality.copies_found_pct;
  state.counters["orig_merged_pct"] = quality.originals_merged_pct;
  state.counters["read_fp_s"] = stats.read_fingerprint_seconds;
  state.counters["index_s"] = stats.index_seconds;
  state.counters["write_s"] = stats.write_seconds;
  if (stats.spilled) {
    state.counters["temp_MB"] =
        static_cast<double>(stats.temp_peak_bytes) / 1e6;
  }
}
// The default: MinHash with banded LSH.
void BM_Dedup(benchmark::State& state) {
  dedup_with(state, Mode::kCopies, Algorithm::kMinHash, "dedup");
}
BENCHMARK(BM_Dedup)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(
    benchmark::kMillisecond);

// The default with --memory-limit 16M: the sketches pass it at about 50,000
// short documents, so the band search runs on disk (same clusters).
void BM_DedupBounded(benchmark::State& state) {
  dedup_with(state, Mode::kCopies, Algorithm::kMinHash, "dedup-bounded",
             uint64_t{16} << 20);
}
BENCHMARK(BM_DedupBounded)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// --algo simhash: the same job with 64-bit SimHash and permuted tables.
void BM_DedupSimHash(benchmark::State& state) {
  dedup_with(state, Mode::kCopies, Algorithm::kSimHash, "dedup-simhash");
}
BENCHMARK(BM_DedupSimHash)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// --mode story: both passes (document frequencies, then fingerprints) and
// the clustering. Its quality counters measure copies, not stories.
void BM_DedupStory(benchmark::State& state) {
  dedup_with(state, Mode::kStory, Algorithm::kMinHash, "dedup-story");
}
BENCHMARK(BM_DedupStory)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Writes `path` + extension, compressed by the extension, unless it exists:
// made on first use, so that runs filtered to other benchmarks skip it.
void compress_copy(const std::string& path, const std::string& extension) {
  if (std::filesystem::exists(path + extension)) return;
  Result<std::unique_ptr<internal::ByteSink>> sink =
      internal::open_sink(path + extension, /*compress_by_extension=*/true);
  if (!sink.ok()) die(sink.status().to_string());
  const std::string data = read_decompressed(path);
  if (Status s = (*sink)->append(data); !s.ok()) die(s.to_string());
  if (Status s = (*sink)->commit(); !s.ok()) die(s.to_string());
}

// The same dump compressed, 2 threads: decompression runs in the pipeline's
// serial reader stage, overlapping with the parallel stages.
void BM_DedupCompressed(benchmark::State& state, const char* extension) {
  compress_copy(g_dump->path, extension);
  const std::string path = g_dump->path + extension;
  DedupOptions options;
  options.threads = 2;
  DedupOutputs outputs;
  outputs.clusters_path = g_dir->file("clusters-compressed.jsonl");
  DedupStats stats;
  double seconds = 0;
  if (!time_dedup(state, options, path, outputs, &stats, &seconds)) return;
  add_rate_counters(state, std::string("dedup") + extension + "/threads:2",
                    seconds, peak_rss_bytes());
}
BENCHMARK_CAPTURE(BM_DedupCompressed, zst, ".zst")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DedupCompressed, gz, ".gz")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

uint64_t docs_from_env() {
  const char* value = std::getenv("NEARDUP_BENCH_DOCS");
  if (value == nullptr || *value == '\0') return kDefaultDocs;
  char* end = nullptr;
  const unsigned long long docs = std::strtoull(value, &end, 10);
  if (*end != '\0' || docs == 0) {
    die(std::string("NEARDUP_BENCH_DOCS must be a positive integer, got ") +
        value);
  }
  return docs;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid]
                                : (values[mid - 1] + values[mid]) / 2;
}

// Medians over the final runs of each benchmark (those with the most
// iterations; the others were Google Benchmark finding the iteration count).
// Printed to stderr, like the dump's description, so that stdout stays
// Google Benchmark's own (e.g. with --benchmark_format=json).
void print_summary() {
  if (g_samples->empty()) return;
  std::fflush(stdout);
  std::fprintf(stderr, "\nSummary: %llu docs, %.1f MB (medians of %s)\n",
               static_cast<unsigned long long>(g_dump->docs),
               static_cast<double>(g_dump->bytes) / 1e6, "final runs");
  // A Markdown table, as in the README.
  std::fprintf(stderr,
               "| run | docs/min | MB/s | peak RSS MB | ratio to parse-only "
               "| runs |\n|---|---:|---:|---:|---:|---:|\n");
  double parse_rate = 0;
  if (auto it = g_samples->find("parse_only"); it != g_samples->end()) {
    std::vector<double> rates;
    int64_t most = 0;
    for (const Sample& s : it->second) most = std::max(most, s.iterations);
    for (const Sample& s : it->second) {
      if (s.iterations == most) rates.push_back(most / s.seconds);
    }
    parse_rate = median(rates) * static_cast<double>(g_dump->docs);
  }
  for (const auto& [label, samples] : *g_samples) {
    int64_t most = 0;
    for (const Sample& s : samples) most = std::max(most, s.iterations);
    std::vector<double> rates, rss;
    for (const Sample& s : samples) {
      if (s.iterations != most) continue;
      rates.push_back(static_cast<double>(most) / s.seconds *
                      static_cast<double>(g_dump->docs));
      rss.push_back(static_cast<double>(s.peak_rss) / 1e6);
    }
    const double rate = median(rates);
    std::fprintf(stderr, "| %s | %.2fM | %.1f | %.1f | %.3f | %zu |\n",
                 label.c_str(), rate * 60 / 1e6,
                 rate / static_cast<double>(g_dump->docs) *
                     static_cast<double>(g_dump->bytes) / 1e6,
                 median(rss), parse_rate > 0 ? rate / parse_rate : 0.0,
                 rates.size());
  }
  std::fprintf(stderr,
               "ratio = docs/s of the row / docs/s of parse_only; dedup "
               "rows: default options (MinHash; dedup-simhash: --algo "
               "simhash; dedup-story: --mode story; dedup-bounded: "
               "--memory-limit 16M, sketches and band search on disk), "
               "clusters written\n");
}

}  // namespace
}  // namespace neardup::bench

int main(int argc, char** argv) {
  using namespace neardup::bench;  // NOLINT(google-build-using-namespace)
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const uint64_t docs = docs_from_env();
  TempDir dir;
  const Clock::time_point start = Clock::now();
  const Dump dump = generate_dump(dir.file("dump.jsonl"), docs);
  std::fprintf(stderr,
               "dump: %llu docs (%llu syndicated copies), %.1f MB, made in "
               "%.1f s: %s\n",
               static_cast<unsigned long long>(dump.docs),
               static_cast<unsigned long long>(dump.copies),
               static_cast<double>(dump.bytes) / 1e6,
               std::chrono::duration<double>(Clock::now() - start).count(),
               dump.path.c_str());
  // Give the generator's freed heap back, so that it is not counted in the
  // resident set of what follows.
  malloc_trim(0);
  g_dump = &dump;
  g_dir = &dir;
  std::map<std::string, std::vector<Sample>> samples;
  g_samples = &samples;

  // The parse-only baseline for ratio_to_parse: a warm-up pass (page cache,
  // allocations), then one timed pass.
  {
    simdjson::ondemand::parser parser;
    parse_only(dump.path, &parser);
    const Clock::time_point parse_start = Clock::now();
    const ParseCount count = parse_only(dump.path, &parser);
    const double seconds =
        std::chrono::duration<double>(Clock::now() - parse_start).count();
    if (count.docs != dump.docs) die("parse-only lost documents");
    g_parse_docs_per_second = static_cast<double>(count.docs) / seconds;
    std::fprintf(stderr, "parse-only baseline: %.0f docs/min, %.1f MB/s\n",
                 g_parse_docs_per_second * 60,
                 static_cast<double>(dump.bytes) / 1e6 / seconds);
  }

  benchmark::RunSpecifiedBenchmarks();
  print_summary();
  benchmark::Shutdown();
  return 0;
}
