// Banded LSH over 8-bit MinHash signatures: one band's candidate search
// (band keys, sort, buckets) for 10^5 to 10^6 documents, 20% of them copies
// of another document, and the signature comparison of verification.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "index/lsh_bands.h"
#include "neardup/lsh.h"

namespace neardup::bench {
namespace {

using internal::band_candidates;

constexpr int kLength = 128;

// Sketch records (signature and band checks for kLength / 4 bands) of
// random bytes; every fifth document repeats the one before it.
constexpr int kRecord = kLength + kBandCheckBytes * (kLength / 4);
std::vector<uint8_t> make_signatures(size_t n) {
  std::mt19937_64 rng(0x5eed0003);
  std::vector<uint8_t> sigs(n * kRecord);
  for (size_t d = 0; d < n; ++d) {
    uint8_t* sig = sigs.data() + d * kRecord;
    if (d % 5 == 4) {
      std::copy(sig - kRecord, sig, sig);
      continue;
    }
    for (int i = 0; i < kRecord; ++i) sig[i] = static_cast<uint8_t>(rng());
  }
  return sigs;
}

// Arg: documents. One band of 4 rows, as at the default threshold.
void BM_BandCandidates(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const std::vector<uint8_t> flat = make_signatures(n);
  SignatureTable sigs(kRecord);
  for (size_t d = 0; d < n; ++d) {
    std::span<uint8_t> sig = sigs.append();
    std::copy_n(flat.begin() + d * kRecord, kRecord, sig.begin());
  }
  std::vector<DocId> docs(n);
  for (size_t i = 0; i < n; ++i) docs[i] = static_cast<DocId>(i);
  std::vector<uint64_t> pairs;
  int band = 0;
  for (auto _ : state) {
    pairs.clear();
    band_candidates(sigs, kLength, docs, band, 4, /*min_equal=*/0, &pairs);
    benchmark::DoNotOptimize(pairs.data());
    band = (band + 1) % (kLength / 4);
  }
  // Every copy pairs with its original in every band.
  if (pairs.size() < n / 5) state.SkipWithError("copies were not paired");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_BandCandidates)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

void BM_EqualEntries(benchmark::State& state) {
  const std::vector<uint8_t> sigs = make_signatures(1024);
  std::span<const uint8_t> all(sigs);
  size_t i = 0;
  int total = 0;
  for (auto _ : state) {
    total += equal_entries(all.subspan(i * kRecord, kLength),
                           all.subspan((i + 1) * kRecord, kLength));
    i = (i + 1) % 1023;
  }
  benchmark::DoNotOptimize(total);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EqualEntries);

}  // namespace
}  // namespace neardup::bench
