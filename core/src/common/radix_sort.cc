#include "common/radix_sort.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace neardup::internal {

namespace {

// Moves every value of `data` into its bucket in place (American flag sort,
// McIlroy, Bostic & McIlroy 1993): bucket b is slots [next[b], end[b]),
// and next[b] is the first slot not yet holding one of its values.
template <class Bucket>
void permute_into_buckets(uint64_t* data, std::vector<size_t> next,
                          const std::vector<size_t>& end, Bucket bucket) {
  for (size_t b = 0; b < end.size(); ++b) {
    while (next[b] < end[b]) {
      uint64_t x = data[next[b]];
      size_t target = bucket(x);
      while (target != b) {  // follow the cycle until x belongs here
        std::swap(x, data[next[target]++]);
        target = bucket(x);
      }
      data[next[b]++] = x;
    }
  }
}

}  // namespace

void sort_by_top_bits(std::vector<uint64_t>* v, int bits) {
  constexpr int kRadixBits = 11;
  if (v->size() < 4096 || bits <= kRadixBits) {
    std::sort(v->begin(), v->end());
    return;
  }
  const int shift = bits - kRadixBits;
  auto bucket = [shift](uint64_t x) {
    return static_cast<size_t>(x >> shift) & ((size_t{1} << kRadixBits) - 1);
  };
  std::vector<size_t> begin(size_t{1} << kRadixBits, 0);
  for (uint64_t x : *v) ++begin[bucket(x)];
  size_t total = 0;
  for (size_t& b : begin) {
    const size_t count = b;
    b = total;
    total += count;
  }
  std::vector<size_t> end(begin.begin() + 1, begin.end());
  end.push_back(v->size());
  uint64_t* data = v->data();
  permute_into_buckets(data, begin, end, bucket);
  for (size_t b = 0; b < begin.size(); ++b) {
    std::sort(data + begin[b], data + end[b]);
  }
}

void sort_by_high_word_stable(std::vector<uint64_t>* v,
                              std::vector<uint64_t>* scratch) {
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  if (v->size() < 256) {
    std::stable_sort(v->begin(), v->end(), [](uint64_t a, uint64_t b) {
      return (a >> 32) < (b >> 32);
    });
    return;
  }
  scratch->resize(v->size());
  std::vector<uint64_t>* from = v;
  std::vector<uint64_t>* to = scratch;
  // Bits 32-42, 43-53, 54-63 (the last pass has 10 bits).
  std::vector<size_t> counts(kBuckets * 3, 0);
  for (uint64_t x : *v) {
    ++counts[(x >> 32) & (kBuckets - 1)];
    ++counts[kBuckets + ((x >> 43) & (kBuckets - 1))];
    ++counts[2 * kBuckets + (x >> 54)];
  }
  for (int pass = 0; pass < 3; ++pass) {
    size_t* count = counts.data() + pass * kBuckets;
    size_t total = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      const size_t c = count[b];
      count[b] = total;
      total += c;
    }
    const int shift = 32 + pass * kBits;
    const uint64_t* in = from->data();
    uint64_t* out = to->data();
    for (size_t i = 0; i < from->size(); ++i) {
      const uint64_t x = in[i];
      out[count[(x >> shift) & (kBuckets - 1)]++] = x;
    }
    std::swap(from, to);
  }
  // Three passes: the result is in `scratch`.
  v->swap(*scratch);
}

void partition_by_high_word(std::vector<uint64_t>* v, int shift) {
  if (v->size() < 2) return;
  const auto block = [shift](uint64_t x) {
    return static_cast<size_t>((x >> 32) >> shift);
  };
  size_t max_block = 0;
  for (uint64_t x : *v) max_block = std::max(max_block, block(x));
  std::vector<size_t> next(max_block + 2, 0);
  for (uint64_t x : *v) ++next[block(x) + 1];
  for (size_t b = 1; b < next.size(); ++b) next[b] += next[b - 1];
  std::vector<size_t> end(next.begin() + 1, next.end());
  next.pop_back();
  permute_into_buckets(v->data(), std::move(next), end, block);
}

}  // namespace neardup::internal
