// One-permutation MinHash with optimal densification, and banded LSH
// parameters (see neardup/minhash.h for the specification and sources).

#include "neardup/minhash.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "fingerprint/probe_order.h"

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

// Bit b of the bit set `bits` (bit b % 64 of word b / 64).
inline bool bit_set(const uint64_t* bits, uint32_t b) {
  return ((bits[b >> 6] >> (b & 63)) & 1) != 0;
}

// The first bin of `order` (a ProbeOrder list, which holds every bin) that
// `filled` marks.
uint32_t first_filled(std::span<const uint16_t> order, const uint64_t* filled) {
  auto is_filled = [filled](uint32_t b) { return bit_set(filled, b); };
  size_t t = 0;
  if (order.size() >= 4) {
    // Most walks end within four probes: choosing among those without a
    // branch spares the misprediction that ends each walk.
    const uint32_t o0 = order[0], o1 = order[1], o2 = order[2], o3 = order[3];
    const bool f0 = is_filled(o0), f1 = is_filled(o1), f2 = is_filled(o2);
    if (f0 | f1 | f2 | is_filled(o3)) {
      const uint32_t j = f1 ? o1 : (f2 ? o2 : o3);
      return f0 ? o0 : j;
    }
    t = 4;
  }
  while (!is_filled(order[t])) ++t;
  return order[t];
}

}  // namespace

namespace internal {

ProbeOrder::ProbeOrder(uint32_t bins) : bins_(bins) {
  order_.resize(static_cast<size_t>(bins) * bins);
  std::vector<uint8_t> seen(bins);
  for (uint32_t i = 0; i < bins; ++i) {
    std::fill(seen.begin(), seen.end(), 0);
    uint16_t* out = order_.data() + static_cast<size_t>(i) * bins;
    uint32_t found = 0;
    // Terminates: the probes are uniform over the bins.
    for (uint32_t t = 0; found < bins; ++t) {
      const uint32_t j = probe(i, t, bins);
      if (!seen[j]) {
        seen[j] = 1;
        out[found++] = static_cast<uint16_t>(j);
      }
    }
  }
}

void minhash_signature(std::span<const uint64_t> features,
                       const ProbeOrder* order, std::span<uint64_t> signature) {
  const auto bins = static_cast<uint32_t>(signature.size());
  std::fill(signature.begin(), signature.end(), kEmptySignature);
  if (features.empty() || bins == 0) return;
  bool all_ones = false;  // a feature equal to kEmptySignature (p = 2^-64)
  for (uint64_t h : features) {
    const uint32_t b = bin_of(h, bins);
    signature[b] = std::min(signature[b], h);
    all_ones |= h == kEmptySignature;
  }
  // Which bins features reached, before densification writes into the rest.
  const uint32_t all_ones_bin = bin_of(kEmptySignature, bins);
  // Each word is built in a register, without a branch: about half the bins
  // of a short text are empty, so a branch per bin would often mispredict.
  uint64_t filled[kMaxSignatureLength / 64] = {};
  uint32_t reached_bins = 0;
  uint32_t last_reached = 0;
  for (uint32_t w = 0; w < (bins + 63) / 64; ++w) {
    const uint32_t end = std::min(bins, 64 * w + 64);
    uint64_t bits = 0;
    for (uint32_t b = 64 * w; b < end; ++b) {
      bits |= uint64_t{signature[b] != kEmptySignature} << (b - 64 * w);
    }
    if (all_ones && all_ones_bin >> 6 == w) {
      bits |= uint64_t{1} << (all_ones_bin & 63);
    }
    filled[w] = bits;
    if (bits != 0) {
      reached_bins += static_cast<uint32_t>(std::popcount(bits));
      last_reached = 64 * w + static_cast<uint32_t>(std::countr_zero(bits));
    }
  }
  if (reached_bins == bins) return;
  // One filled bin (a short text is one shingle) is the first filled bin of
  // every probe sequence.
  if (reached_bins == 1) {
    std::fill(signature.begin(), signature.end(), signature[last_reached]);
    return;
  }
  // Empty bins copy from filled ones only, which keep their values, so the
  // copies need no snapshot of the signature. Visiting the empty bins by
  // their bits, not testing every bin, spares a branch that a half-filled
  // signature mispredicts half the time.
  for (uint32_t w = 0; w < (bins + 63) / 64; ++w) {
    uint64_t empty = ~filled[w];
    if (bins - 64 * w < 64) empty &= (uint64_t{1} << (bins - 64 * w)) - 1;
    for (; empty != 0; empty &= empty - 1) {
      const uint32_t i =
          64 * w + static_cast<uint32_t>(std::countr_zero(empty));
      if (order != nullptr) {
        signature[i] = signature[first_filled(order->order(i), filled)];
        continue;
      }
      // Terminates: some bin is filled, and the probes are uniform over bins.
      for (uint32_t t = 0;; ++t) {
        const uint32_t j = probe(i, t, bins);
        if (bit_set(filled, j)) {
          signature[i] = signature[j];
          break;
        }
      }
    }
  }
}

}  // namespace internal

void minhash_signature(std::span<const uint64_t> features,
                       std::span<uint64_t> signature) {
  internal::minhash_signature(features, nullptr, signature);
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

size_t intersection_size(std::span<const uint64_t> a,
                         std::span<const uint64_t> b) {
  size_t x = 0, y = 0, common = 0;
  while (x < a.size() && y < b.size()) {
    if (a[x] < b[y]) {
      ++x;
    } else if (b[y] < a[x]) {
      ++y;
    } else {
      ++common, ++x, ++y;
    }
  }
  return common;
}

LshParams lsh_params_areas(double threshold, int bands, int rows) {
  constexpr int kSteps = 1000;
  LshParams p;
  p.bands = bands;
  p.rows = rows;
  for (int i = 0; i < kSteps; ++i) {
    const double s = (i + 0.5) / kSteps;
    const double prob = lsh_candidate_probability(s, bands, rows);
    if (s < threshold) {
      p.false_positive_area += prob / kSteps;
    } else {
      p.false_negative_area += (1 - prob) / kSteps;
    }
  }
  return p;
}

LshParams optimal_lsh_params(double threshold, int signature_length,
                             double fp_weight, double fn_weight) {
  // Midpoint rule with kSteps points on each side of the threshold. For each
  // row count, log(1 - s^rows) at every point is computed once, so each
  // (bands, rows) costs one exp per point: 1 - P(s) = exp(bands * that).
  constexpr int kSteps = 1000;
  std::vector<double> points(2 * kSteps);
  for (int i = 0; i < kSteps; ++i) {
    points[i] = (i + 0.5) * threshold / kSteps;
    points[kSteps + i] = threshold + (i + 0.5) * (1 - threshold) / kSteps;
  }
  std::vector<double> log_miss(2 * kSteps);
  LshParams best;
  double best_error = 0;
  for (int rows = 1; rows <= signature_length; ++rows) {
    for (int i = 0; i < 2 * kSteps; ++i) {
      log_miss[i] = std::log1p(-std::pow(points[i], rows));
    }
    for (int bands = 1; bands <= signature_length / rows; ++bands) {
      double fp = 0, fn = 0;
      for (int i = 0; i < kSteps; ++i) fp += 1 - std::exp(bands * log_miss[i]);
      for (int i = kSteps; i < 2 * kSteps; ++i) {
        fn += std::exp(bands * log_miss[i]);
      }
      fp *= threshold / kSteps;
      fn *= (1 - threshold) / kSteps;
      const double error = fp_weight * fp + fn_weight * fn;
      if (best.bands == 0 || error < best_error ||
          (error == best_error &&
           (bands < best.bands || (bands == best.bands && rows < best.rows)))) {
        best = {bands, rows, fp, fn};
        best_error = error;
      }
    }
  }
  return best;
}

}  // namespace neardup
