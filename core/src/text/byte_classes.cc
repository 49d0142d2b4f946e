// Compiled once per SIMD target by Highway's foreach_target.h; the dispatcher
// at the end picks the best target the CPU supports at run time.

#include "text/byte_classes.h"

#include <bit>
#include <cstring>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "text/byte_classes.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace neardup::internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// x in [lo, lo + count) for unsigned bytes, without unsigned compares.
template <class D, class V>
HWY_INLINE auto InRange(D d, V x, uint8_t lo, uint8_t count) {
  const V offset = hn::Sub(x, hn::Set(d, lo));
  return hn::Eq(hn::Min(offset, hn::Set(d, static_cast<uint8_t>(count - 1))),
                offset);
}

// Mask bits of one vector of bytes at `bits` + i / 8 (i is a multiple of
// the lane count, itself a multiple of 8 on every SIMD target).
void ClassifyBytes(const uint8_t* text, size_t size, uint8_t* word,
                   uint8_t* high, uint8_t* newline) {
  const hn::ScalableTag<uint8_t> d;
  const size_t lanes = hn::Lanes(d);
  HWY_ALIGN uint8_t tail[HWY_MAX_BYTES] = {};
  for (size_t i = 0; i < size; i += lanes) {
    const uint8_t* src = text + i;
    if (size - i < lanes) {
      std::memcpy(tail, src, size - i);
      src = tail;
    }
    const auto v = hn::LoadU(d, src);
    const auto lower = hn::Or(v, hn::Set(d, 0x20));
    const auto is_word =
        hn::Or(InRange(d, lower, 'a', 26), InRange(d, v, '0', 10));
    hn::StoreMaskBits(d, is_word, word + i / 8);
    hn::StoreMaskBits(d, hn::TestBit(v, hn::Set(d, 0x80)), high + i / 8);
    hn::StoreMaskBits(d, hn::Eq(v, hn::Set(d, '\n')), newline + i / 8);
  }
}

// Scalar, but compiled per target too: AVX2 and later targets bring BMI
// (blsr, tzcnt, popcnt), which shortens the dependency chain per bit.
HWY_INLINE uint32_t* FlattenBits(uint64_t bits, uint32_t base, uint32_t* out) {
  const int count = static_cast<int>(hwy::PopCount(bits));
  uint32_t* const end = out + count;
  // Four positions per turn (up to three past `end`, into the slack), so the
  // loop exit is mispredicted once per word rather than once per bit. The
  // top bit keeps the count defined once `bits` runs out.
  while (out < end) {
    for (int k = 0; k < 4; ++k) {
      out[k] = base + static_cast<uint32_t>(hwy::Num0BitsBelowLS1Bit_Nonzero64(
                          bits | (uint64_t{1} << 63)));
      bits &= bits - 1;
    }
    out += 4;
  }
  return end;
}

#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
// With 16 lanes of 32 bits, the positions of 16 bits at a time are the
// lanes of an index vector compressed by them: no loop over the set bits.
HWY_INLINE uint32_t* FlattenBitsInLanes(uint64_t bits, uint32_t base,
                                        uint32_t* out) {
  const hn::FixedTag<uint32_t, 16> d;
  const auto index = hn::Add(hn::Iota(d, 0), hn::Set(d, base));
  for (int k = 0; k < 4; ++k) {
    // The AVX-512 mask register is the bits themselves.
    const hn::Mask512<uint32_t> mask{static_cast<__mmask16>(bits >> (16 * k))};
    hn::StoreU(hn::Compress(hn::Add(index, hn::Set(d, 16u * k)), mask), d, out);
    out += hn::CountTrue(d, mask);
  }
  return out;
}
#endif

size_t WordEdges(const uint64_t* word, size_t words, uint64_t* starts,
                 uint32_t* edges) {
  uint32_t* edge = edges;
  uint64_t carry = 0;  // the word bit of the byte before this word
  for (size_t w = 0; w < words; ++w) {
    const uint64_t bits = word[w];
    const uint64_t before = (bits << 1) | carry;
    starts[w] = bits & ~before;
    carry = bits >> 63;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    edge =
        FlattenBitsInLanes(bits ^ before, static_cast<uint32_t>(w * 64), edge);
#else
    edge = FlattenBits(bits ^ before, static_cast<uint32_t>(w * 64), edge);
#endif
  }
  return static_cast<size_t>(edge - edges);
}

void GroupByLengthClass(const uint32_t* edges, size_t tokens, uint32_t* lists,
                        size_t stride, size_t* sizes) {
  const hn::ScalableTag<uint32_t> d;
  const size_t lanes = hn::Lanes(d);
  // Local counts: the stores to `lists` could alias `sizes`.
  size_t count[4] = {sizes[0], sizes[1], sizes[2], sizes[3]};
  uint32_t* list[4];
  for (int c = 0; c < 4; ++c) list[c] = lists + c * stride;
  size_t i = 0;
  // Stepped, not made by Iota in the loop: GCC builds Iota on the stack.
  auto index = hn::Iota(d, 0);
  const auto step = hn::Set(d, static_cast<uint32_t>(lanes));
  // A class's list has at most i entries before tokens [i, i + lanes), so a
  // whole-vector store ends within its stride.
  for (; i + lanes <= tokens; i += lanes, index = hn::Add(index, step)) {
    hn::Vec<decltype(d)> start, end;
    hn::LoadInterleaved2(d, edges + 2 * i, start, end);
    const auto length = hn::Sub(end, start);
    const auto above3 = hn::Gt(length, hn::Set(d, 3u));
    const auto above8 = hn::Gt(length, hn::Set(d, 8u));
    const auto above16 = hn::Gt(length, hn::Set(d, 16u));
    const decltype(above3) masks[4] = {hn::Not(above3),
                                       hn::AndNot(above8, above3),
                                       hn::AndNot(above16, above8), above16};
    // Compressed in a register, then stored whole: a compressing store to
    // memory is microcoded on some CPUs (AMD Zen 4).
    for (int c = 0; c < 4; ++c) {
      hn::StoreU(hn::Compress(index, masks[c]), d, list[c] + count[c]);
      count[c] += hn::CountTrue(d, masks[c]);
    }
  }
  for (; i < tokens; ++i) {
    const uint32_t length = edges[2 * i + 1] - edges[2 * i];
    const int c = (length > 3) + (length > 8) + (length > 16);
    list[c][count[c]++] = static_cast<uint32_t>(i);
  }
  for (int c = 0; c < 4; ++c) sizes[c] = count[c];
}

bool AsciiLower(const uint8_t* text, size_t size, uint8_t* out) {
  const hn::ScalableTag<uint8_t> d;
  const size_t lanes = hn::Lanes(d);
  auto any_high = hn::Zero(d);
  size_t i = 0;
  for (; i + lanes <= size; i += lanes) {
    const auto v = hn::LoadU(d, text + i);
    any_high = hn::Or(any_high, v);
    const auto upper = InRange(d, v, 'A', 26);
    hn::StoreU(hn::Or(v, hn::IfThenElseZero(upper, hn::Set(d, 0x20))), d,
               out + i);
  }
  uint8_t rest = 0;
  for (; i < size; ++i) {
    const uint8_t c = text[i];
    rest |= c;
    out[i] =
        static_cast<uint8_t>(static_cast<uint8_t>(c - 'A') < 26 ? c + 32 : c);
  }
  const auto high = hn::TestBit(any_high, hn::Set(d, 0x80));
  return hn::AllFalse(d, high) && rest < 0x80;
}

}  // namespace HWY_NAMESPACE
}  // namespace neardup::internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace neardup::internal {

HWY_EXPORT(ClassifyBytes);
HWY_EXPORT(AsciiLower);
HWY_EXPORT(WordEdges);
HWY_EXPORT(GroupByLengthClass);

namespace {

// Mask bytes are little-endian bit order; words are read as little-endian.
void bytes_to_words(std::vector<uint64_t>* bits) {
  if constexpr (std::endian::native == std::endian::big) {
    for (uint64_t& w : *bits) w = __builtin_bswap64(w);
  }
}

}  // namespace

bool classify_bytes(std::string_view text, std::vector<uint64_t>* word,
                    std::vector<uint64_t>* high,
                    std::vector<uint64_t>* newline) {
  // Spare words: the kernel stores the mask bits of whole vectors (up to
  // HWY_MAX_BYTES / 8 bytes) past the last full word.
  const size_t words = (text.size() + 63) / 64;
  const size_t spare = (HWY_MAX_BYTES / 8 + 7) / 8;
  for (auto* bits : {word, high, newline}) bits->assign(words + spare, 0);
  HWY_DYNAMIC_DISPATCH(ClassifyBytes)
  (reinterpret_cast<const uint8_t*>(text.data()), text.size(),
   reinterpret_cast<uint8_t*>(word->data()),
   reinterpret_cast<uint8_t*>(high->data()),
   reinterpret_cast<uint8_t*>(newline->data()));
  uint64_t any_high = 0;
  for (auto* bits : {word, high, newline}) {
    bits->resize(words);  // the tail vector was zero-padded
    bytes_to_words(bits);
  }
  for (uint64_t w : *high) any_high |= w;
  return any_high != 0;
}

size_t word_edges(const std::vector<uint64_t>& word,
                  std::vector<uint64_t>* starts, std::vector<uint32_t>* edges) {
  starts->resize(word.size());
  edges->resize(word.size() * 64 + 8);
  return HWY_DYNAMIC_DISPATCH(WordEdges)(word.data(), word.size(),
                                         starts->data(), edges->data());
}

void group_by_length_class(std::span<const uint32_t> edges, uint32_t* lists,
                           size_t stride, size_t sizes[4]) {
  HWY_DYNAMIC_DISPATCH(GroupByLengthClass)
  (edges.data(), edges.size() / 2, lists, stride, sizes);
}

bool ascii_lower(std::string_view text, char* out) {
  return HWY_DYNAMIC_DISPATCH(AsciiLower)(
      reinterpret_cast<const uint8_t*>(text.data()), text.size(),
      reinterpret_cast<uint8_t*>(out));
}

bool classify_bytes_reference(std::string_view text,
                              std::vector<uint64_t>* word,
                              std::vector<uint64_t>* high,
                              std::vector<uint64_t>* newline) {
  const size_t words = (text.size() + 63) / 64;
  for (auto* bits : {word, high, newline}) bits->assign(words, 0);
  bool any_high = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    const uint64_t bit = uint64_t{1} << (i % 64);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9')) {
      (*word)[i / 64] |= bit;
    }
    if (c >= 0x80) (*high)[i / 64] |= bit, any_high = true;
    if (c == '\n') (*newline)[i / 64] |= bit;
  }
  return any_high;
}

bool ascii_lower_reference(std::string_view text, char* out) {
  bool ascii = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    ascii &= c < 0x80;
    out[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return ascii;
}

}  // namespace neardup::internal
#endif  // HWY_ONCE
