// Exact verification's inner loop: shingle sets as hash tables (what the
// pipeline does) against sorting them for a merge intersection (what it did
// before), and the streaming of a run of borderline pairs.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "neardup/minhash.h"
#include "pipeline/streaming_jaccard.h"

namespace neardup::bench {
namespace {

using internal::ShingleSet;
using internal::ShingleTable;
using internal::StreamingJaccard;

// Two shingle lists of `n` random hashes sharing half of them, with a few
// repeats, as a document's shingle hashes come out of the text stage.
struct TwoSets {
  std::vector<uint64_t> a, b;
  size_t common = 0;  // distinct hashes in both
};

TwoSets make_sets(size_t n) {
  std::mt19937_64 rng(0x5eed0009);
  TwoSets s;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t h = rng();
    s.a.push_back(h);
    s.b.push_back(i % 2 == 0 ? h : rng());
    s.common += i % 2 == 0;
  }
  for (size_t i = 0; i < n / 16; ++i) s.a.push_back(s.a[i]);
  return s;
}

// Arg: hashes per set. Items: hashes of both sets.
void BM_HashSetIntersection(benchmark::State& state) {
  const TwoSets s = make_sets(static_cast<size_t>(state.range(0)));
  ShingleSet a, b;
  ShingleTable table;
  // As the pipeline does: each set deduplicated through a reused table, then
  // the later one's table probed with the earlier one's values.
  auto intersection = [&] {
    a.assign(s.a, &table);
    b.assign(s.b, &table);
    table.reset(b.size());
    for (uint64_t h : b.values()) table.insert(h);
    size_t common = 0;
    for (uint64_t h : a.values()) common += table.contains(h);
    return common;
  };
  if (intersection() != s.common) {
    state.SkipWithError("wrong intersection size");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(intersection());
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * (s.a.size() + s.b.size())));
}
BENCHMARK(BM_HashSetIntersection)->RangeMultiplier(4)->Range(16, 4096);

// The same with sorted, deduplicated vectors and a merge.
void BM_SortedMergeIntersection(benchmark::State& state) {
  const TwoSets s = make_sets(static_cast<size_t>(state.range(0)));
  std::vector<uint64_t> a, b;
  auto sorted_set = [](const std::vector<uint64_t>& in,
                       std::vector<uint64_t>* out) {
    out->assign(in.begin(), in.end());
    std::sort(out->begin(), out->end());
    out->erase(std::unique(out->begin(), out->end()), out->end());
  };
  sorted_set(s.a, &a);
  sorted_set(s.b, &b);
  if (intersection_size(a, b) != s.common) {
    state.SkipWithError("wrong intersection size");
    return;
  }
  for (auto _ : state) {
    sorted_set(s.a, &a);
    sorted_set(s.b, &b);
    benchmark::DoNotOptimize(intersection_size(a, b));
  }
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * (s.a.size() + s.b.size())));
}
BENCHMARK(BM_SortedMergeIntersection)->RangeMultiplier(4)->Range(16, 4096);

// 20,000 documents of 600 shingles, each paired with up to 3 of the 50
// documents after it, streamed in order. Items: pairs.
void BM_StreamingJaccard(benchmark::State& state) {
  constexpr uint32_t kDocs = 20000;
  constexpr size_t kShingles = 600;
  std::mt19937_64 rng(0x5eed000a);
  std::vector<uint64_t> pairs;
  for (uint32_t a = 0; a + 1 < kDocs; ++a) {
    for (int k = 0; k < 3; ++k) {
      const uint32_t b = std::min<uint32_t>(kDocs - 1, a + 1 + rng() % 50);
      pairs.push_back((uint64_t{a} << 32) | b);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::vector<uint64_t>> hashes(kDocs);
  for (auto& h : hashes) {
    for (size_t i = 0; i < kShingles; ++i) h.push_back(rng() % 100000);
  }
  size_t peak = 0;
  ShingleTable table;
  for (auto _ : state) {
    StreamingJaccard jaccard(pairs);
    const std::vector<DocId>& docs = jaccard.documents();
    for (size_t p = 0; p < docs.size(); ++p) {
      ShingleSet set;
      set.assign(hashes[docs[p]], &table);
      jaccard.put(p, std::move(set));
      jaccard.intersect(p, &table);
      jaccard.release(p);
    }
    benchmark::DoNotOptimize(jaccard.intersections().data());
    peak = jaccard.peak_bytes();
  }
  // At most the 51 documents of a window are held at once, 8 bytes a value.
  if (peak > 51 * kShingles * sizeof(uint64_t)) {
    state.SkipWithError("sets were not released");
  }
  state.counters["peak_set_bytes"] = static_cast<double>(peak);
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * pairs.size()));
}
BENCHMARK(BM_StreamingJaccard)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neardup::bench
