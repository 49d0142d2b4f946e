// File: gen/rng.h
//
// The generator's random numbers: std::mt19937_64, whose output sequence the
// C++ standard fixes, with our own mappings to ranges. std:: distributions
// are not used: their output differs between standard libraries, and the
// dump must be byte-identical on every machine for a given seed.
//
// Example:
//   neardup::gen::Rng rng(neardup::gen::mix_seed(seed, 7));
//   const uint64_t die = rng.between(1, 6);

#ifndef NEARDUP_TOOLS_GEN_RNG_H_
#define NEARDUP_TOOLS_GEN_RNG_H_

#include <cstdint>
#include <random>

namespace neardup::gen {

// SplitMix64's finalizer over `seed` and `stream`: independent seeds for the
// generator's streams (sites, passage order, each document) from one seed.
inline uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A probability as an integer threshold on 53 random bits, so that chance()
// involves no floating-point arithmetic per draw.
class Probability {
 public:
  Probability() = default;
  // `p` is clamped to [0, 1].
  explicit Probability(double p)
      : threshold_(p <= 0 ? 0
                   : p >= 1
                       ? kOne
                       : static_cast<uint64_t>(p * static_cast<double>(kOne))) {
  }
  uint64_t threshold() const { return threshold_; }
  bool never() const { return threshold_ == 0; }

  static constexpr uint64_t kOne = uint64_t{1} << 53;

 private:
  uint64_t threshold_ = 0;
};

// Not thread-safe; cheap to create (one mt19937_64 seeding, 312 words).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next() { return engine_(); }

  // Uniform in [0, n), without modulo bias (rejection of the short last
  // bucket). REQUIRES: n > 0.
  uint64_t below(uint64_t n) {
    const uint64_t reject_under = (0 - n) % n;  // 2^64 mod n
    uint64_t r;
    do {
      r = engine_();
    } while (r < reject_under);
    return r % n;
  }

  // Uniform in [lo, hi], inclusive. REQUIRES: lo <= hi.
  uint64_t between(uint64_t lo, uint64_t hi) {
    if (hi - lo == ~uint64_t{0}) return engine_();
    return lo + below(hi - lo + 1);
  }

  bool chance(Probability p) { return (engine_() >> 11) < p.threshold(); }
  bool chance(double p) { return chance(Probability(p)); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace neardup::gen

#endif  // NEARDUP_TOOLS_GEN_RNG_H_
