// simhash64() (SWAR byte counters) against simhash64_reference() (one pass
// per bit), on random 64-bit features. A 4 KB news article has about 650
// shingles; the sweep starts at 0 features to show the fixed cost.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "neardup/fingerprint.h"

namespace neardup::bench {
namespace {

std::vector<uint64_t> random_features(size_t n) {
  std::mt19937_64 rng(0x5eed0001 + n);
  std::vector<uint64_t> features(n);
  for (uint64_t& f : features) f = rng();
  return features;
}

template <Fingerprint (*kHash)(std::span<const uint64_t>)>
void BM_Simhash(benchmark::State& state) {
  const std::vector<uint64_t> features =
      random_features(static_cast<size_t>(state.range(0)));
  // Verify: both implementations agree before either is timed.
  const Fingerprint expected = simhash64_reference(features);
  if (simhash64(features) != expected) {
    state.SkipWithError("simhash64 != simhash64_reference");
    return;
  }
  for (auto _ : state) {
    Fingerprint f = kHash(features);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          state.range(0) *
                          static_cast<int64_t>(sizeof(uint64_t)));
}

// 0..3 features (the fixed cost), then x4 up to 64 Ki; 255 is one full
// batch of the SWAR counters, which flush every 255 features.
void feature_counts(benchmark::internal::Benchmark* b) {
  b->ArgName("features")->Arg(0)->Arg(1)->Arg(2)->Arg(3);
  b->RangeMultiplier(4)->Range(4, 64 << 10);
  b->Arg(255);
}

BENCHMARK_TEMPLATE(BM_Simhash, simhash64)->Apply(feature_counts);
BENCHMARK_TEMPLATE(BM_Simhash, simhash64_reference)->Apply(feature_counts);

}  // namespace
}  // namespace neardup::bench
