// neardup::Index (neardup/index.h): adding sketches (add_batch, and add()
// one at a time), querying a 10^6-entry index (query() in a loop, and
// query_batch() on 1 and 2 threads), and Index::Open() of a saved
// 10^6-entry index, with its bytes per entry on disk and in memory.
//
// Sketches are synthetic, not made by the Sketcher: 128-byte MinHash
// signatures of random bytes (the default options: threshold 0.5, 39 bands
// of 3 rows), so that the setup of a million entries takes a second and the
// index itself is what is timed. Near-copies are planted as real crawls have
// them: a copy of a signature with 20 of its 128 bytes changed (estimated
// Jaccard similarity about 0.84, found in almost every band). Of the
// indexed entries, every fifth is a near-copy of one of the 10,000 before
// it; of the queries, 20% are near-copies of an indexed entry and 80% are
// new random signatures (which match nothing).
//
// NEARDUP_BENCH_INDEX_ENTRIES (default 1000000) sets the size of the index
// that the query and open benchmarks use (the smoke test uses a small one).

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_common.h"
#include "neardup/index.h"
#include "neardup/lsh.h"
#include "neardup/options.h"
#include "neardup/sketch.h"

namespace neardup::bench {
namespace {

constexpr int kSignatureBytes = 128;   // DedupOptions' default
constexpr int kChangedBytes = 20;      // of a planted near-copy
constexpr int kBands = 39, kRows = 3;  // at the default threshold
constexpr size_t kCopyWindow = 10000;
constexpr size_t kQueries = 20000;
constexpr size_t kDefaultIndexEntries = 1000000;

DedupOptions options_with_threads(int threads) {
  DedupOptions options;  // MinHash, 128 entries, threshold 0.5
  options.threads = threads;
  return options;
}

Sketch random_sketch(std::mt19937_64* rng) {
  Sketch s;
  s.algorithm = Algorithm::kMinHash;
  s.empty = false;
  s.signature.resize(kSignatureBytes);
  for (int i = 0; i < kSignatureBytes; i += 8) {
    const uint64_t v = (*rng)();
    for (int b = 0; b < 8; ++b)
      s.signature[i + b] = static_cast<uint8_t>(v >> (8 * b));
  }
  s.band_checks.resize(kBandCheckBytes * kBands);
  for (uint8_t& c : s.band_checks) c = static_cast<uint8_t>((*rng)());
  return s;
}

// `original` with kChangedBytes distinct entries set to other values.
Sketch near_copy(const Sketch& original, std::mt19937_64* rng) {
  Sketch s = original;
  std::vector<int> positions(kSignatureBytes);
  for (int i = 0; i < kSignatureBytes; ++i) positions[i] = i;
  for (int i = 0; i < kChangedBytes; ++i) {
    const int j = i + static_cast<int>((*rng)() % (kSignatureBytes - i));
    std::swap(positions[i], positions[j]);
    s.signature[positions[i]] ^= static_cast<uint8_t>(1 + (*rng)() % 255);
    // A changed full-width entry changes its band's check too.
    if (positions[i] / kRows < kBands) {
      s.band_checks[kBandCheckBytes * (positions[i] / kRows)] ^= 0x5a;
    }
  }
  return s;
}

constexpr uint64_t kNoSource = ~uint64_t{0};

// What gets indexed: n sketches and their keys ("doc-N"); every fifth a
// near-copy of an earlier one (`source`).
struct Corpus {
  std::vector<Sketch> sketches;
  std::vector<std::string> key_storage;
  std::vector<std::string_view> keys;
  std::vector<uint64_t> source;  // the original of a near-copy, or kNoSource
};

Corpus make_corpus(size_t n) {
  std::mt19937_64 rng(0x5eed0010 + n);
  Corpus c;
  c.sketches.reserve(n);
  c.key_storage.reserve(n);
  c.source.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (i % 5 == 4) {
      const size_t window = std::min(i, kCopyWindow);
      const size_t from = i - 1 - rng() % window;
      c.sketches.push_back(near_copy(c.sketches[from], &rng));
      c.source.push_back(from);
    } else {
      c.sketches.push_back(random_sketch(&rng));
      c.source.push_back(kNoSource);
    }
    c.key_storage.push_back("doc-" + std::to_string(i));
  }
  c.keys.assign(c.key_storage.begin(), c.key_storage.end());
  return c;
}

// The corpus of n entries, made once per process per n.
const Corpus& corpus(size_t n) {
  static std::vector<std::pair<size_t, std::unique_ptr<Corpus>>>* const made =
      new std::vector<std::pair<size_t, std::unique_ptr<Corpus>>>();
  for (const auto& [size, c] : *made) {
    if (size == n) return *c;
  }
  made->emplace_back(n, std::make_unique<Corpus>(make_corpus(n)));
  return *made->back().second;
}

// The query mix against an index of `c`: 20% near-copies of a random
// indexed entry (`target`), 80% new random signatures (target kNoSource).
struct Queries {
  std::vector<Sketch> sketches;
  std::vector<uint64_t> target;
};

Queries make_queries(const Corpus& c, size_t count) {
  std::mt19937_64 rng(0x5eed0011);
  Queries q;
  for (size_t i = 0; i < count; ++i) {
    if (i % 5 == 0) {
      const uint64_t t = rng() % c.sketches.size();
      q.sketches.push_back(near_copy(c.sketches[t], &rng));
      q.target.push_back(t);
    } else {
      q.sketches.push_back(random_sketch(&rng));
      q.target.push_back(kNoSource);
    }
  }
  return q;
}

bool has_entry(const std::vector<IndexMatch>& matches, uint64_t entry) {
  return std::any_of(matches.begin(), matches.end(),
                     [&](const IndexMatch& m) { return m.entry == entry; });
}

// Checks an index that holds corpus `c` in insertion order: its size, and
// that every 97th near-copy entry, queried with its own sketch, finds itself
// and its original, with the right key.
bool verify_corpus_index(const Index& index, const Corpus& c,
                         std::string* why) {
  if (index.size() != c.sketches.size() ||
      index.info().entries != c.sketches.size()) {
    *why = "the index holds a different number of entries";
    return false;
  }
  std::vector<IndexMatch> matches;
  size_t checked = 0;
  for (size_t i = 4; i < c.sketches.size(); i += 5 * 97) {
    if (!index.query(c.sketches[i], &matches).ok()) {
      *why = "query failed";
      return false;
    }
    if (!has_entry(matches, i) || !has_entry(matches, c.source[i]) ||
        index.key(i) != c.keys[i]) {
      *why = "a planted near-copy did not find itself and its original";
      return false;
    }
    ++checked;
  }
  if (checked == 0) {
    *why = "nothing to check";
    return false;
  }
  return true;
}

void set_entry_counters(benchmark::State& state, size_t n) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(n));
}

// ---- Adding ----

// Args: entries, threads. add_batch() of all entries into a new index: one
// sorted run, built with `threads` threads (the tables are sorted in
// parallel).
void BM_AddBatch(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const DedupOptions options =
      options_with_threads(static_cast<int>(state.range(1)));
  const Corpus& c = corpus(n);
  {  // Verify.
    auto index = Index::Create(options);
    std::string why;
    if (!index.ok() || !(*index)->add_batch(c.keys, "crawl", c.sketches).ok()) {
      state.SkipWithError("add_batch failed");
      return;
    }
    if (!verify_corpus_index(**index, c, &why)) {
      state.SkipWithError(why.c_str());
      return;
    }
  }
  malloc_trim(0);
  for (auto _ : state) {
    auto index = Index::Create(options);
    if (!index.ok() || !(*index)->add_batch(c.keys, "crawl", c.sketches).ok()) {
      state.SkipWithError("add_batch failed");
      return;
    }
    state.PauseTiming();  // freeing the index is not adding
    index->reset();
    state.ResumeTiming();
  }
  set_entry_counters(state, n);
}
BENCHMARK(BM_AddBatch)
    ->ArgNames({"n", "threads"})
    ->ArgsProduct({{100000, 1000000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Args: entries, threads. add() of one entry at a time into a new index:
// the in-memory delta's hash tables, frozen into a sorted run (with
// `threads` threads) every Index::kDeltaEntries entries and merged with
// unsaved runs of similar size.
void BM_AddOneByOne(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const DedupOptions options =
      options_with_threads(static_cast<int>(state.range(1)));
  const Corpus& c = corpus(n);
  auto add_all = [&](Index* index) {
    for (size_t i = 0; i < n; ++i) {
      if (!index->add(c.keys[i], "crawl", c.sketches[i]).ok()) return false;
    }
    return true;
  };
  {  // Verify.
    auto index = Index::Create(options);
    std::string why;
    if (!index.ok() || !add_all(index->get())) {
      state.SkipWithError("add failed");
      return;
    }
    if (!verify_corpus_index(**index, c, &why)) {
      state.SkipWithError(why.c_str());
      return;
    }
    state.counters["runs"] = static_cast<double>((*index)->info().runs.size());
  }
  malloc_trim(0);
  for (auto _ : state) {
    auto index = Index::Create(options);
    if (!index.ok() || !add_all(index->get())) {
      state.SkipWithError("add failed");
      return;
    }
    state.PauseTiming();
    index->reset();
    state.ResumeTiming();
  }
  set_entry_counters(state, n);
}
BENCHMARK(BM_AddOneByOne)
    ->ArgNames({"n", "threads"})
    ->ArgsProduct({{100000, 1000000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- The saved index for querying and opening ----

size_t index_entries_from_env() {
  const char* value = std::getenv("NEARDUP_BENCH_INDEX_ENTRIES");
  if (value == nullptr || *value == '\0') return kDefaultIndexEntries;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(value, &end, 10);
  if (*end != '\0' || n < 1000) {
    die(std::string("NEARDUP_BENCH_INDEX_ENTRIES must be an integer >= 1000, "
                    "got ") +
        value);
  }
  return n;
}

// Resident set size now (VmRSS), in bytes.
uint64_t rss_bytes() {
  uint64_t bytes = 0;
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned long long kib = 0;
    while (std::fgets(line, sizeof(line), f) != nullptr) {
      if (std::sscanf(line, "VmRSS: %llu kB", &kib) == 1) {
        bytes = uint64_t{kib} * 1024;
        break;
      }
    }
    std::fclose(f);
  }
  return bytes;
}

// The corpus indexed with add_batch(), saved to a temporary directory (and
// removed at exit), the query mix, and the built index's answers to it.
struct Saved {
  TempDir dir;
  std::string path;
  size_t entries = 0;
  const Corpus* corpus = nullptr;
  Queries queries;
  std::vector<std::vector<IndexMatch>> expected;  // of the built index
  std::string error;                              // setup failed if not ""
};

bool same_matches(const std::vector<IndexMatch>& a,
                  const std::vector<IndexMatch>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].entry != b[i].entry || a[i].distance != b[i].distance) {
      return false;
    }
  }
  return true;
}

// Fills `s`; sets s->error if a step or a check fails.
void make_saved(Saved* s) {
  s->entries = index_entries_from_env();
  s->corpus = &corpus(s->entries);
  s->path = s->dir.file("index");
  s->queries = make_queries(*s->corpus, kQueries);
  const DedupOptions options = options_with_threads(2);
  auto index = Index::Create(options);
  if (!index.ok() ||
      !(*index)
           ->add_batch(s->corpus->keys, "crawl", s->corpus->sketches)
           .ok()) {
    s->error = "building the index failed";
    return;
  }
  if (!verify_corpus_index(**index, *s->corpus, &s->error)) return;
  // The built index's answers, with every near-copy query finding its
  // original and no new signature matching anything.
  s->expected.resize(kQueries);
  for (size_t i = 0; i < kQueries; ++i) {
    if (!(*index)->query(s->queries.sketches[i], &s->expected[i]).ok()) {
      s->error = "query failed";
      return;
    }
    const uint64_t target = s->queries.target[i];
    if (target == kNoSource ? !s->expected[i].empty()
                            : !has_entry(s->expected[i], target)) {
      s->error = target == kNoSource
                     ? "a new signature matched an indexed one"
                     : "a near-copy query did not find its original";
      return;
    }
  }
  if (Status st = (*index)->save(s->path); !st.ok()) {
    s->error = "save: " + st.to_string();
  }
}

// The saved index, made on first use; a function-local static object, so
// that its temporary directory is removed at exit.
const Saved& saved_index() {
  static Saved saved;
  static const bool made = (make_saved(&saved), true);
  (void)made;
  return saved;
}

// Opens the saved index with `threads` and checks that it answers the query
// mix as the index it was saved from did (query and query_batch alike).
Result<std::unique_ptr<Index>> open_and_verify(int threads, std::string* why) {
  const Saved& s = saved_index();
  if (!s.error.empty()) {
    *why = s.error;
    return Status::Internal(s.error);
  }
  const DedupOptions options = options_with_threads(threads);
  auto index = Index::Open(s.path, &options);
  if (!index.ok()) {
    *why = "open: " + index.status().to_string();
    return index;
  }
  std::vector<IndexMatch> matches;
  for (size_t i = 0; i < kQueries; ++i) {
    if (!(*index)->query(s.queries.sketches[i], &matches).ok() ||
        !same_matches(matches, s.expected[i])) {
      *why = "the reopened index answers a query differently";
      return Status::Internal(*why);
    }
  }
  std::vector<std::vector<IndexMatch>> batch;
  if (!(*index)->query_batch(s.queries.sketches, &batch).ok()) {
    *why = "query_batch failed";
    return Status::Internal(*why);
  }
  for (size_t i = 0; i < kQueries; ++i) {
    if (!same_matches(batch[i], s.expected[i])) {
      *why = "query_batch answers differently from query";
      return Status::Internal(*why);
    }
  }
  return index;
}

void set_query_counters(benchmark::State& state) {
  const Saved& s = saved_index();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(kQueries));
  size_t matches = 0;
  for (const auto& m : s.expected) matches += m.size();
  state.counters["entries"] = static_cast<double>(s.entries);
  state.counters["matches_per_query"] =
      static_cast<double>(matches) / static_cast<double>(kQueries);
}

// ---- Querying ----

// query() of each of the 20,000 queries in turn, one thread, against the
// saved index opened (mapped).
void BM_Query(benchmark::State& state) {
  std::string why;
  auto index = open_and_verify(1, &why);
  if (!index.ok()) {
    state.SkipWithError(why.c_str());
    return;
  }
  const Queries& q = saved_index().queries;
  std::vector<IndexMatch> matches;
  for (auto _ : state) {
    for (const Sketch& sketch : q.sketches) {
      if (!(*index)->query(sketch, &matches).ok()) {
        state.SkipWithError("query failed");
        return;
      }
      benchmark::DoNotOptimize(matches.data());
    }
  }
  set_query_counters(state);
}
BENCHMARK(BM_Query)->Unit(benchmark::kMillisecond);

// Arg: threads. query_batch() of the 20,000 queries against the saved index
// opened with options.threads = threads.
void BM_QueryBatch(benchmark::State& state) {
  std::string why;
  auto index = open_and_verify(static_cast<int>(state.range(0)), &why);
  if (!index.ok()) {
    state.SkipWithError(why.c_str());
    return;
  }
  const Queries& q = saved_index().queries;
  std::vector<std::vector<IndexMatch>> matches;
  for (auto _ : state) {
    if (!(*index)->query_batch(q.sketches, &matches).ok()) {
      state.SkipWithError("query_batch failed");
      return;
    }
    benchmark::DoNotOptimize(matches.data());
  }
  set_query_counters(state);
}
BENCHMARK(BM_QueryBatch)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- Opening ----

// Index::Open() of the saved index: reads the manifest, maps the run file
// and verifies its checksum and structure. The page cache holds the file
// (it was just written), so disk speed is not measured. Counters: file
// bytes and memory bytes (IndexInfo) per entry, and the growth of the
// resident set from one open (mapped pages included).
void BM_Open(benchmark::State& state) {
  std::string why;
  uint64_t file_bytes = 0, memory_bytes = 0, rss_growth = 0;
  {  // Verify, and measure the resident set once.
    malloc_trim(0);
    const uint64_t before = rss_bytes();
    auto index = open_and_verify(1, &why);
    if (!index.ok()) {
      state.SkipWithError(why.c_str());
      return;
    }
    const uint64_t after = rss_bytes();
    rss_growth = after > before ? after - before : 0;
    const IndexInfo info = (*index)->info();
    if (info.entries != saved_index().entries || info.file_bytes == 0) {
      state.SkipWithError("info() of the reopened index is wrong");
      return;
    }
    file_bytes = info.file_bytes;
    memory_bytes = info.memory_bytes;
  }
  const Saved& s = saved_index();
  const DedupOptions options = options_with_threads(1);
  for (auto _ : state) {
    auto index = Index::Open(s.path, &options);
    if (!index.ok()) {
      state.SkipWithError(index.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(index->get());
    state.PauseTiming();  // unmapping is not opening
    index->reset();
    state.ResumeTiming();
  }
  const auto n = static_cast<double>(s.entries);
  state.counters["entries"] = n;
  state.counters["file_bytes_per_entry"] = static_cast<double>(file_bytes) / n;
  state.counters["memory_bytes_per_entry"] =
      static_cast<double>(memory_bytes) / n;
  state.counters["rss_bytes_per_entry"] = static_cast<double>(rss_growth) / n;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(file_bytes));
}
BENCHMARK(BM_Open)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neardup::bench
