// One-permutation MinHash with optimal densification, and banded LSH
// parameters (see neardup/minhash.h for the specification and sources).

#include "neardup/minhash.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace neardup {

namespace {

// Bin of a 64-bit hash among `bins`: its high 32 bits scaled to the range.
inline uint32_t bin_of(uint64_t h, uint32_t bins) {
  return static_cast<uint32_t>(((h >> 32) * bins) >> 32);
}

// The t-th probe of empty bin i (little-endian bytes of i | t << 32).
uint32_t probe(uint32_t i, uint32_t t, uint32_t bins) {
  uint64_t key = uint64_t{i} | uint64_t{t} << 32;
  if constexpr (std::endian::native == std::endian::big) {
    key = __builtin_bswap64(key);
  }
  return bin_of(XXH3_64bits_withSeed(&key, sizeof(key), kDensifySeed), bins);
}

// Midpoint rule over [from, to] in `steps` steps.
template <typename F>
double integrate(F f, double from, double to, int steps) {
  const double width = (to - from) / steps;
  double area = 0;
  for (int i = 0; i < steps; ++i) area += f(from + (i + 0.5) * width);
  return area * width;
}

}  // namespace

void minhash_signature(std::span<const uint64_t> features,
                       std::span<uint64_t> signature) {
  const auto bins = static_cast<uint32_t>(signature.size());
  std::fill(signature.begin(), signature.end(), kEmptySignature);
  if (features.empty() || bins == 0) return;
  // A bin can hold kEmptySignature as a real minimum only if its one
  // feature hashes to all ones; `filled` tells the two apart.
  std::vector<bool> filled(bins, false);
  for (uint64_t h : features) {
    const uint32_t b = bin_of(h, bins);
    signature[b] = std::min(signature[b], h);
    filled[b] = true;
  }
  std::vector<uint64_t> original(signature.begin(), signature.end());
  for (uint32_t i = 0; i < bins; ++i) {
    if (filled[i]) continue;
    // Terminates: some bin is filled, and the probes are uniform over bins.
    for (uint32_t t = 0;; ++t) {
      const uint32_t j = probe(i, t, bins);
      if (filled[j]) {
        signature[i] = original[j];
        break;
      }
    }
  }
}

double estimated_jaccard(std::span<const uint64_t> a,
                         std::span<const uint64_t> b) {
  if (a.empty() || a.size() != b.size()) return 0;
  auto all_empty = [](std::span<const uint64_t> s) {
    return std::all_of(s.begin(), s.end(),
                       [](uint64_t v) { return v == kEmptySignature; });
  };
  if (all_empty(a) || all_empty(b)) return 0;
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

double lsh_candidate_probability(double s, int bands, int rows) {
  return 1 - std::pow(1 - std::pow(s, rows), bands);
}

LshParams optimal_lsh_params(double threshold, int signature_length,
                             double fp_weight, double fn_weight) {
  constexpr int kSteps = 1000;
  LshParams best;
  double best_error = 0;
  for (int bands = 1; bands <= signature_length; ++bands) {
    for (int rows = 1; rows <= signature_length / bands; ++rows) {
      const double fp = integrate(
          [&](double s) { return lsh_candidate_probability(s, bands, rows); },
          0, threshold, kSteps);
      const double fn = integrate(
          [&](double s) {
            return 1 - lsh_candidate_probability(s, bands, rows);
          },
          threshold, 1, kSteps);
      const double error = fp_weight * fp + fn_weight * fn;
      if (best.bands == 0 || error < best_error) {
        best = {bands, rows, fp, fn};
        best_error = error;
      }
    }
  }
  return best;
}

}  // namespace neardup
