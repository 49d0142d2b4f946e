// Normalization, tokenization and shingling (core/FORMAT.md, version 1).

#include "neardup/text.h"

#include <utf8proc.h>

#include "common/bits.h"
#include "text/byte_classes.h"

// Inlined: most tokens are 1-16 bytes, where a call costs as much as the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <span>

namespace neardup {

namespace {

// The line filter applies only when at least this many tokens remain.
constexpr size_t kMinKeptTokens = 50;

// Scripts written without spaces between words: each code point is a token.
bool is_unspaced_script(utf8proc_int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||  // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||  // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) ||  // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||  // Katakana extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // Han extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // Han
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // Han compatibility
         (cp >= 0x20000 && cp <= 0x3134F);  // Han extensions B-G
}

bool is_word_category(utf8proc_category_t category) {
  switch (category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// U+2000-U+203F (General Punctuation: spaces, dashes, quotes, bullets) at
// `p`: no word characters there, and the most common non-ASCII in news.
bool is_general_punctuation(const uint8_t* p, size_t size) {
  return size >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] & 0xC0) == 0x80;
}

// Whether `run` (non-ASCII, valid or not) is only characters that NFKC, case
// folding and ignoring leave as they are and that never compose: en and em
// dash, curly quotes, bullet. Such runs skip utf8proc.
bool is_stable_punctuation(std::string_view run) {
  if (run.size() % 3 != 0) return false;
  for (size_t i = 0; i < run.size(); i += 3) {
    if (static_cast<uint8_t>(run[i]) != 0xE2 ||
        static_cast<uint8_t>(run[i + 1]) != 0x80) {
      return false;
    }
    switch (static_cast<uint8_t>(run[i + 2])) {
      case 0x93:  // U+2013 en dash
      case 0x94:  // U+2014 em dash
      case 0x98:  // U+2018, U+2019 single quotes
      case 0x99:
      case 0x9C:  // U+201C, U+201D double quotes
      case 0x9D:
      case 0xA2:  // U+2022 bullet
        break;
      default:
        return false;
    }
  }
  return true;
}

// Index of the first byte of `text` at or after `pos` that is >= 0x80 (or,
// with `high` false, < 0x80), or text.size(). Eight bytes at a time.
size_t find_byte_class(std::string_view text, size_t pos, bool high) {
  const size_t size = text.size();
  const uint64_t flip = high ? 0 : ~uint64_t{0};
  while (pos + 8 <= size) {
    uint64_t word;
    std::memcpy(&word, text.data() + pos, 8);
    const uint64_t hits = (word ^ flip) & 0x8080808080808080ULL;
    if (hits != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return pos + static_cast<size_t>(std::countr_zero(hits)) / 8;
      }
      break;  // big-endian: finish byte by byte
    }
    pos += 8;
  }
  while (pos < size && (static_cast<uint8_t>(text[pos]) >= 0x80) != high) {
    ++pos;
  }
  return pos;
}

// Index of the first set bit at or after `pos` in `bits`, or `end`.
size_t next_set(const std::vector<uint64_t>& bits, size_t pos, size_t end) {
  size_t w = pos / 64;
  if (w >= bits.size()) return end;
  uint64_t word = bits[w] & (~uint64_t{0} << (pos % 64));
  while (word == 0) {
    if (++w == bits.size()) return end;
    word = bits[w];
  }
  const size_t found = w * 64 + static_cast<size_t>(std::countr_zero(word));
  return found < end ? found : end;
}

// Index of the first clear bit at or after `pos` in `bits`, or `end`.
size_t next_clear(const std::vector<uint64_t>& bits, size_t pos, size_t end) {
  size_t w = pos / 64;
  if (w >= bits.size()) return end;
  uint64_t word = ~bits[w] & (~uint64_t{0} << (pos % 64));
  while (word == 0) {
    if (++w == bits.size()) return end;
    word = ~bits[w];
  }
  const size_t found = w * 64 + static_cast<size_t>(std::countr_zero(word));
  return found < end ? found : end;
}

void set_bits(std::vector<uint64_t>* bits, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) (*bits)[i / 64] |= uint64_t{1} << (i % 64);
}

bool test_bit(const std::vector<uint64_t>& bits, size_t i) {
  return (bits[i / 64] >> (i % 64)) & 1;
}

// Marks the non-ASCII word characters of `text` in `word`, and the edges of
// characters of unspaced scripts in `split`; returns whether `split` is used.
bool classify_non_ascii(std::string_view text,
                        const std::vector<uint64_t>& high,
                        std::vector<uint64_t>* word,
                        std::vector<uint64_t>* split) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const size_t size = text.size();
  bool any_split = false;
  size_t i = next_set(high, 0, size);
  while (i < size) {
    if (is_general_punctuation(bytes + i, size - i)) {  // never a word
      i = next_set(high, i + 3, size);
      continue;
    }
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t len = utf8proc_iterate(
        bytes + i, static_cast<utf8proc_ssize_t>(size - i), &cp);
    if (len <= 0) len = 1;  // Invalid UTF-8 is a caller error; skip a byte.
    const size_t next = i + static_cast<size_t>(len);
    if (cp >= 0 && is_unspaced_script(cp)) {
      if (!any_split) split->assign(word->size(), 0), any_split = true;
      set_bits(word, i, next);
      set_bits(split, i, i + 1);
      if (next < size) set_bits(split, next, next + 1);
    } else if (cp >= 0 && is_word_category(utf8proc_category(cp))) {
      set_bits(word, i, next);
    }
    i = next_set(high, next, size);
  }
  return any_split;
}

// Number of set bits of `bits` in positions [from, to).
size_t count_bits(const std::vector<uint64_t>& bits, size_t from, size_t to) {
  if (from >= to) return 0;
  const size_t first = from / 64;
  const size_t last = (to - 1) / 64;
  const uint64_t head = ~uint64_t{0} << (from % 64);
  const uint64_t tail = ~uint64_t{0} >> (63 - (to - 1) % 64);
  if (first == last) {
    return static_cast<size_t>(internal::popcount64(bits[first] & head & tail));
  }
  size_t count = static_cast<size_t>(internal::popcount64(bits[first] & head));
  for (size_t w = first + 1; w < last; ++w) {
    count += static_cast<size_t>(internal::popcount64(bits[w]));
  }
  return count + static_cast<size_t>(internal::popcount64(bits[last] & tail));
}

// Token edges of a text of `size` bytes: the runs of `word` bits, cut where
// `split` (if `any_split`) marks a character of an unspaced script. Token i
// is bytes [(*edges)[2i], (*edges)[2i + 1]); returns the number of tokens.
// `starts` is scratch space.
size_t token_edges(size_t size, const std::vector<uint64_t>& word,
                   bool any_split, const std::vector<uint64_t>& split,
                   std::vector<uint32_t>* edges,
                   std::vector<uint64_t>* starts) {
  if (any_split) {
    // A token can end where the next begins. Rare; walk.
    edges->clear();
    auto add = [&](size_t from, size_t to) {
      edges->push_back(static_cast<uint32_t>(from));
      edges->push_back(static_cast<uint32_t>(to));
    };
    size_t start = next_set(word, 0, size);
    while (start < size) {
      const size_t end = next_clear(word, start + 1, size);
      size_t piece = start;
      for (size_t i = start + 1; i < end; ++i) {
        if (test_bit(split, i)) {
          add(piece, i);
          piece = i;
        }
      }
      add(piece, end);
      start = next_set(word, end, size);
    }
    return edges->size() / 2;
  }
  // Token edges are where the word bit changes: starts and ends alternate.
  size_t count = internal::word_edges(word, starts, edges);
  if (count % 2 == 1) (*edges)[count++] = static_cast<uint32_t>(size);
  return count / 2;
}

// Clears bits [from, to) of `bits`.
void clear_bits(std::vector<uint64_t>* bits, size_t from, size_t to) {
  if (from >= to) return;
  const size_t first = from / 64;
  const size_t last = (to - 1) / 64;
  const uint64_t head = ~uint64_t{0} << (from % 64);
  const uint64_t tail = ~uint64_t{0} >> (63 - (to - 1) % 64);
  if (first == last) {
    (*bits)[first] &= ~(head & tail);
    return;
  }
  (*bits)[first] &= ~head;
  for (size_t w = first + 1; w < last; ++w) (*bits)[w] = 0;
  (*bits)[last] &= ~tail;
}

}  // namespace

Status normalize_text(std::string_view text, std::string* out) {
  out->resize(text.size());
  if (internal::ascii_lower(text, out->data())) return Status::OK();
  // NFKC splits into independent pieces before any ASCII character (ASCII
  // never combines with what precedes it), so only the runs of non-ASCII
  // characters, each with the ASCII character before it (a base that a
  // combining mark may compose with), go through utf8proc.
  out->clear();
  const size_t size = text.size();
  size_t done = 0;
  auto append_ascii = [&](size_t from, size_t to) {
    const size_t at = out->size();
    out->resize(at + (to - from));
    internal::ascii_lower(text.substr(from, to - from), out->data() + at);
  };
  while (done < size) {
    const size_t run = find_byte_class(text, done, /*high=*/true);
    if (run == size) {
      append_ascii(done, size);
      break;
    }
    const size_t run_end = find_byte_class(text, run, /*high=*/false);
    if (is_stable_punctuation(text.substr(run, run_end - run))) {
      append_ascii(done, run);
      out->append(text.data() + run, run_end - run);
      done = run_end;
      continue;
    }
    const size_t piece = run > done ? run - 1 : run;
    append_ascii(done, piece);
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data() + piece),
        static_cast<utf8proc_ssize_t>(run_end - piece), &mapped,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                       UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                       UTF8PROC_IGNORE));
    if (n < 0) {
      out->clear();
      return Status::Corruption(std::string("text: ") + utf8proc_errmsg(n));
    }
    out->append(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
    std::free(mapped);
    done = run_end;
  }
  return Status::OK();
}

void tokenize(std::string_view text, std::vector<std::string_view>* out) {
  std::vector<uint64_t> word, high, newline, split, starts;
  std::vector<uint32_t> edges;
  const bool any_high = internal::classify_bytes(text, &word, &high, &newline);
  const bool any_split =
      any_high && classify_non_ascii(text, high, &word, &split);
  const size_t tokens =
      token_edges(text.size(), word, any_split, split, &edges, &starts);
  out->reserve(out->size() + tokens);
  for (size_t i = 0; i < tokens; ++i) {
    out->emplace_back(text.data() + edges[2 * i],
                      edges[2 * i + 1] - edges[2 * i]);
  }
}

void Shingler::drop_short_lines(bool any_split) {
  // Counts the tokens of each line from the bit set of token starts and
  // clears the word bits of the lines it drops, before any token is made.
  const size_t min_words = static_cast<size_t>(options_.min_line_words);
  const size_t size = normalized_.size();
  start_bits_.resize(word_bits_.size());
  uint64_t carry = 0;
  size_t total = 0;
  for (size_t w = 0; w < word_bits_.size(); ++w) {
    const uint64_t bits = word_bits_[w];
    uint64_t starts = bits & ~((bits << 1) | carry);
    if (any_split) starts |= bits & split_bits_[w];
    start_bits_[w] = starts;
    total += static_cast<size_t>(internal::popcount64(starts));
    carry = bits >> 63;
  }
  dropped_lines_.clear();
  size_t kept = 0;
  size_t line_start = 0;
  auto end_line = [&](size_t line_end) {
    const size_t count = count_bits(start_bits_, line_start, line_end);
    if (count >= min_words) {
      kept += count;
    } else if (count > 0) {
      dropped_lines_.push_back({line_start, line_end});
    }
    line_start = line_end + 1;
  };
  for (size_t w = 0; w < newline_bits_.size(); ++w) {
    for (uint64_t bits = newline_bits_[w]; bits != 0; bits &= bits - 1) {
      end_line(w * 64 + static_cast<size_t>(std::countr_zero(bits)));
    }
  }
  end_line(size);
  // A document of mostly short lines (a table, a list, a poem) keeps them all,
  // and so does a short one: templated notices ("Qtly div ... / Pay ... /
  // Record ...") differ only in their short lines.
  if (2 * kept < total || kept < kMinKeptTokens) return;
  for (const auto& [from, to] : dropped_lines_)
    clear_bits(&word_bits_, from, to);
}

void Shingler::hash_tokens(size_t n) {
  // XXH3 takes a different path for 1-3, 4-8, 9-16 and longer inputs. Word
  // lengths are random, so hashing in text order mispredicts that choice
  // for most tokens; hashing one length class after another does not.
  token_hashes_.resize(n);
  by_length_.resize(4 * (n + 1));
  size_t sizes[4] = {};
  internal::group_by_length_class(std::span(edges_.data(), 2 * n),
                                  by_length_.data(), n + 1, sizes);
  for (int c = 0; c < 4; ++c) {
    const uint32_t* list = by_length_.data() + c * (n + 1);
    for (size_t j = 0; j < sizes[c]; ++j) {
      const uint32_t i = list[j];
      const uint32_t start = edges_[2 * i];
      uint64_t h = XXH3_64bits_withSeed(normalized_.data() + start,
                                        edges_[2 * i + 1] - start, kTokenSeed);
      // Shingles hash the token hashes as little-endian bytes (FORMAT.md).
      if constexpr (std::endian::native == std::endian::big) {
        h = __builtin_bswap64(h);
      }
      token_hashes_[i] = h;
    }
  }
}

Status Shingler::shingle(std::string_view text, std::vector<uint64_t>* out) {
  NEARDUP_RETURN_IF_ERROR(normalize_text(text, &normalized_));
  const bool any_high = internal::classify_bytes(normalized_, &word_bits_,
                                                 &high_bits_, &newline_bits_);
  const bool any_split =
      any_high &&
      classify_non_ascii(normalized_, high_bits_, &word_bits_, &split_bits_);
  if (options_.min_line_words > 0) drop_short_lines(any_split);
  const size_t tokens = token_edges(normalized_.size(), word_bits_, any_split,
                                    split_bits_, &edges_, &start_bits_);
  if (tokens == 0) return Status::OK();

  hash_tokens(tokens);
  const size_t k = static_cast<size_t>(options_.shingle_words);
  const size_t n = token_hashes_.size();
  // A text shorter than a shingle, or than short_text_words, is one shingle.
  const size_t whole_below =
      std::max(k, static_cast<size_t>(options_.short_text_words));
  const size_t width = n < whole_below ? n : k;
  const size_t count = n - width + 1;
  const size_t at = out->size();
  out->resize(at + count);
  uint64_t* dst = out->data() + at;
  // A constant length lets the compiler drop XXH3's length dispatch.
  auto hash_all = [&]<size_t kWidth>() {
    for (size_t i = 0; i < count; ++i) {
      dst[i] = XXH3_64bits_withSeed(&token_hashes_[i],
                                    kWidth * sizeof(uint64_t), kShingleSeed);
    }
  };
  switch (width) {
    case 2:
      hash_all.operator()<2>();
      break;
    case 3:
      hash_all.operator()<3>();
      break;
    case 4:
      hash_all.operator()<4>();
      break;
    case 5:
      hash_all.operator()<5>();
      break;
    default:
      for (size_t i = 0; i < count; ++i) {
        dst[i] = XXH3_64bits_withSeed(&token_hashes_[i],
                                      width * sizeof(uint64_t), kShingleSeed);
      }
  }
  return Status::OK();
}

}  // namespace neardup
