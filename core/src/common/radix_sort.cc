#include "common/radix_sort.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace neardup::internal {

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
  std::vector<size_t> next = begin;
  uint64_t* data = v->data();
  for (size_t b = 0; b < begin.size(); ++b) {
    const size_t end = b + 1 < begin.size() ? begin[b + 1] : v->size();
    while (next[b] < end) {
      uint64_t x = data[next[b]];
      size_t target = bucket(x);
      while (target != b) {  // follow the cycle until x belongs here
        std::swap(x, data[next[target]++]);
        target = bucket(x);
      }
      data[next[b]++] = x;
    }
  }
  for (size_t b = 0; b < begin.size(); ++b) {
    const size_t end = b + 1 < begin.size() ? begin[b + 1] : v->size();
    std::sort(data + begin[b], data + end);
  }
}

}  // namespace neardup::internal
