// simhash64() (Highway SIMD counters) against simhash64_reference() (one
// pass per bit), on random 64-bit features. A 4 KB news article has about
// 650 shingles; the sweep starts at 0 features to show the fixed cost.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "neardup/fingerprint.h"

namespace neardup::bench {
namespace {

// Inputs cycled through by the timed loop: about kPoolFeatures features in
// all. With a single input repeated, the branch predictor learns the
// reference's per-bit branches for small inputs and flatters it.
constexpr size_t kPoolFeatures = size_t{1} << 18;

std::vector<std::vector<uint64_t>> random_inputs(size_t features) {
  std::mt19937_64 rng(0x5eed0001 + features);
  const size_t count =
      std::min<size_t>(4096, kPoolFeatures / std::max<size_t>(features, 1));
  std::vector<std::vector<uint64_t>> inputs(std::max<size_t>(count, 1));
  for (std::vector<uint64_t>& input : inputs) {
    input.resize(features);
    for (uint64_t& f : input) f = rng();
  }
  return inputs;
}

template <Fingerprint (*kHash)(std::span<const uint64_t>)>
void BM_Simhash(benchmark::State& state) {
  const std::vector<std::vector<uint64_t>> inputs =
      random_inputs(static_cast<size_t>(state.range(0)));
  // Verify: both implementations agree before either is timed (on the first
  // inputs: the reference is slow).
  for (size_t i = 0; i < std::min<size_t>(inputs.size(), 16); ++i) {
    if (simhash64(inputs[i]) != simhash64_reference(inputs[i])) {
      state.SkipWithError("simhash64 != simhash64_reference");
      return;
    }
  }
  size_t next = 0;
  for (auto _ : state) {
    Fingerprint f = kHash(inputs[next]);
    benchmark::DoNotOptimize(f);
    if (++next == inputs.size()) next = 0;
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
