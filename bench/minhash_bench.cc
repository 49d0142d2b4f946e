// minhash_signature() (one-permutation hashing with densification) on random
// 64-bit features, for signature lengths 64 to 512; a 4 KB news article has
// about 650 shingles. Also the LSH parameter search, run once per job.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "neardup/minhash.h"

namespace neardup::bench {
namespace {

// Args: features, signature length.
void BM_MinHashSignature(benchmark::State& state) {
  const auto features = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(0x5eed0002);
  // Inputs cycled through, so that no one input stays in the predictor.
  std::vector<std::vector<uint64_t>> inputs(64);
  for (auto& input : inputs) {
    input.resize(features);
    for (uint64_t& f : input) f = rng();
  }
  std::vector<uint64_t> signature(static_cast<size_t>(state.range(1)));
  // Verify: a set estimates its own similarity as 1.
  minhash_signature(inputs[0], signature);
  std::vector<uint64_t> again(signature.size());
  minhash_signature(inputs[0], again);
  if (features > 0 && estimated_jaccard(signature, again) != 1) {
    state.SkipWithError("a signature differs from itself");
    return;
  }
  size_t next = 0;
  for (auto _ : state) {
    minhash_signature(inputs[next], signature);
    benchmark::DoNotOptimize(signature.data());
    if (++next == inputs.size()) next = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          state.range(0) *
                          static_cast<int64_t>(sizeof(uint64_t)));
}
BENCHMARK(BM_MinHashSignature)
    ->ArgNames({"features", "length"})
    ->ArgsProduct({{16, 650, 4096}, {64, 128, 256, 512}});

// Arg: signature length.
void BM_OptimalLshParams(benchmark::State& state) {
  for (auto _ : state) {
    LshParams p = optimal_lsh_params(0.8, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_OptimalLshParams)
    ->ArgName("length")
    ->Arg(128)
    ->Arg(256)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neardup::bench
