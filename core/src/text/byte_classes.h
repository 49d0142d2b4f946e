// SIMD classification of text bytes for the tokenizer (runtime dispatch to
// the best instruction set of the CPU, through Highway).

#ifndef NEARDUP_TEXT_BYTE_CLASSES_H_
#define NEARDUP_TEXT_BYTE_CLASSES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace neardup::internal {

// Bit sets over the bytes of `text`, bit i % 64 of word i / 64 for byte i:
// `word` marks ASCII letters and digits, `high` bytes >= 0x80 (parts of
// non-ASCII characters), `newline` '\n'. Each gets ceil(size / 64) words,
// with the bits past the end clear; buffers are reused. Returns whether any
// byte is >= 0x80. Thread-safe.
bool classify_bytes(std::string_view text, std::vector<uint64_t>* word,
                    std::vector<uint64_t>* high,
                    std::vector<uint64_t>* newline);

// Token edges from a `word` bit set: writes to (*edges)[0, n) the positions
// where the bit changes (starts and ends of runs of set bits, alternating;
// the last run's end is missing if it reaches the end of the last word) and
// returns n; sets `starts` to the first bit of each run. Thread-safe.
size_t word_edges(const std::vector<uint64_t>& word,
                  std::vector<uint64_t>* starts, std::vector<uint32_t>* edges);

// Groups tokens by XXH3's input length classes (1-3, 4-8, 9-16 and 17 or
// more bytes), given their edges as word_edges writes them (token i starts at
// edges[2i] and ends at edges[2i + 1]): appends i to list c, which is
// lists[c * stride, (c + 1) * stride), at sizes[c]++, in increasing order.
// Whole vectors are stored, so each list may be written past its size, but
// not past its `stride` entries when stride >= edges.size() / 2. Thread-safe.
void group_by_length_class(std::span<const uint32_t> edges, uint32_t* lists,
                           size_t stride, size_t sizes[4]);

// Writes `text` with ASCII A-Z lower-cased to out[0, text.size()); returns
// true if every byte was ASCII. `out` may not overlap `text`. Thread-safe.
bool ascii_lower(std::string_view text, char* out);

// Scalar definitions of the two functions above, for tests.
bool classify_bytes_reference(std::string_view text,
                              std::vector<uint64_t>* word,
                              std::vector<uint64_t>* high,
                              std::vector<uint64_t>* newline);
bool ascii_lower_reference(std::string_view text, char* out);

}  // namespace neardup::internal

#endif  // NEARDUP_TEXT_BYTE_CLASSES_H_
