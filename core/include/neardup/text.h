// File: neardup/text.h
//
// Text normalization, tokenization and shingling: the features a fingerprint
// is computed from. Specified in core/FORMAT.md (version 1).
//
// Example:
//   neardup::Shingler shingler(neardup::TextOptions{});
//   std::vector<uint64_t> shingles;
//   if (shingler.shingle("Hello, World!", &shingles).ok()) { ... }

#ifndef NEARDUP_TEXT_H_
#define NEARDUP_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/status.h"

namespace neardup {

// Seeds of XXH3-64 for token hashes and for shingle hashes (core/FORMAT.md).
inline constexpr uint64_t kTokenSeed = 0x6e656172647570ULL;    // "neardup"
inline constexpr uint64_t kShingleSeed = 0x7368696e676c65ULL;  // "shingle"

// Normalizes valid UTF-8 `text` into `out` (replacing its contents): Unicode
// NFKC with case folding and default-ignorable code points (soft hyphen,
// zero-width space, ...) removed. ASCII text takes a fast path that only
// lower-cases. Returns Corruption if `text` is not valid UTF-8.
// Thread-safe (no shared state).
Status normalize_text(std::string_view text, std::string* out);

// Splits normalized text into tokens, appended to `out` as views into `text`.
// A token is a maximal run of letters, marks and digits; every other code
// point (punctuation, symbols, spaces, controls) separates tokens. Code points
// of scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao,
// Khmer, Myanmar) are one token each, so such text still gets shingles.
// `text` must be valid UTF-8 and outlive the views.
void tokenize(std::string_view text, std::vector<std::string_view>* out);

// Turns text into shingle hashes, reusing its buffers across calls.
// Not thread-safe: use one Shingler per thread.
class Shingler {
 public:
  explicit Shingler(const TextOptions& options) : options_(options) {}

  // Appends to `out` one 64-bit hash per shingle of `text` (raw UTF-8, not yet
  // normalized): n - k + 1 hashes for n >= k tokens, 1 hash for 0 < n < k
  // tokens, none for text without tokens, where n counts the tokens kept
  // after the min_line_words filter. Shingle i hashes the XXH3-64
  // (seed kTokenSeed) hashes of tokens i..i+k-1, as k little-endian 8-byte
  // words, with XXH3-64 (seed kShingleSeed). Returns Corruption on invalid
  // UTF-8 (nothing appended). O(bytes).
  Status shingle(std::string_view text, std::vector<uint64_t>* out);

  const TextOptions& options() const { return options_; }

 private:
  // Clears the word bits of short lines, per the option.
  void drop_short_lines(bool any_split);
  // token_hashes_ from the first `n` tokens of edges_.
  void hash_tokens(size_t n);

  TextOptions options_;
  std::string normalized_;
  // Bit sets over the bytes of normalized_ (see text/byte_classes.h).
  std::vector<uint64_t> word_bits_, high_bits_, newline_bits_, split_bits_,
      start_bits_;
  std::vector<uint32_t> edges_;  // offsets where tokens start and end
  struct ByteRange {
    size_t from, to;
  };
  std::vector<ByteRange> dropped_lines_;  // short lines, if the filter applies
  std::vector<uint64_t> token_hashes_;
  std::vector<uint32_t> by_length_;  // token indexes, grouped for hashing
};

}  // namespace neardup

#endif  // NEARDUP_TEXT_H_
