// Normalization, tokenization and shingling (core/FORMAT.md, version 1).

#include "neardup/text.h"

#include <utf8proc.h>
#include <xxhash.h>

#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>

namespace neardup {

namespace {

constexpr std::array<uint8_t, 256> make_ascii_lower() {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = static_cast<uint8_t>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  }
  return table;
}
constexpr std::array<uint8_t, 256> kAsciiLower = make_ascii_lower();

// The line filter applies only when at least this many tokens remain.
constexpr size_t kMinKeptTokens = 50;

constexpr std::array<bool, 128> make_ascii_word() {
  std::array<bool, 128> table{};
  for (int c = 0; c < 128; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
  }
  return table;
}
constexpr std::array<bool, 128> kAsciiWord = make_ascii_word();

bool is_ascii(std::string_view text) {
  // Eight bytes at a time: any byte with its high bit set is non-ASCII.
  size_t i = 0;
  uint64_t any = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    any |= word;
  }
  for (; i < text.size(); ++i) any |= static_cast<uint8_t>(text[i]);
  return (any & 0x8080808080808080ULL) == 0;
}

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

}  // namespace

Status normalize_text(std::string_view text, std::string* out) {
  out->clear();
  if (is_ascii(text)) {
    // NFKC and case folding leave ASCII as it is, apart from lower-casing.
    out->resize(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      (*out)[i] = static_cast<char>(kAsciiLower[static_cast<uint8_t>(text[i])]);
    }
    return Status::OK();
  }
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
      static_cast<utf8proc_ssize_t>(text.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                     UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                     UTF8PROC_IGNORE));
  if (n < 0) {
    return Status::Corruption(std::string("text: ") + utf8proc_errmsg(n));
  }
  out->assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  return Status::OK();
}

void tokenize(std::string_view text, std::vector<std::string_view>* out) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const size_t size = text.size();
  size_t start = 0;
  bool in_token = false;
  size_t i = 0;
  while (i < size) {
    const uint8_t byte = bytes[i];
    if (byte < 0x80) {
      if (kAsciiWord[byte]) {
        if (!in_token) start = i, in_token = true;
      } else if (in_token) {
        out->emplace_back(text.data() + start, i - start);
        in_token = false;
      }
      ++i;
      continue;
    }
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t len = utf8proc_iterate(
        bytes + i, static_cast<utf8proc_ssize_t>(size - i), &cp);
    if (len <= 0) len = 1;  // Invalid UTF-8 is a caller error; skip a byte.
    const size_t next = i + static_cast<size_t>(len);
    if (cp >= 0 && is_unspaced_script(cp)) {
      if (in_token) out->emplace_back(text.data() + start, i - start);
      out->emplace_back(text.data() + i, next - i);
      in_token = false;
    } else if (cp >= 0 && is_word_category(utf8proc_category(cp))) {
      if (!in_token) start = i, in_token = true;
    } else if (in_token) {
      out->emplace_back(text.data() + start, i - start);
      in_token = false;
    }
    i = next;
  }
  if (in_token) out->emplace_back(text.data() + start, size - start);
}

void Shingler::filter_short_lines() {
  const size_t min_words = static_cast<size_t>(options_.min_line_words);
  std::string_view rest = normalized_;
  size_t total = 0;
  size_t kept = 0;
  while (true) {
    const size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    const size_t before = line_tokens_.size();
    tokenize(line, &line_tokens_);
    const size_t count = line_tokens_.size() - before;
    total += count;
    if (count >= min_words) {
      tokens_.insert(tokens_.end(), line_tokens_.begin() + before,
                     line_tokens_.end());
      kept += count;
    }
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  // A document of mostly short lines (a table, a list, a poem) keeps them all,
  // and so does a short one: templated notices ("Qtly div ... / Pay ... /
  // Record ...") differ only in their short lines.
  if (2 * kept < total || kept < kMinKeptTokens) {
    tokens_.assign(line_tokens_.begin(), line_tokens_.end());
  }
  line_tokens_.clear();
}

Status Shingler::shingle(std::string_view text, std::vector<uint64_t>* out) {
  NEARDUP_RETURN_IF_ERROR(normalize_text(text, &normalized_));
  tokens_.clear();
  if (options_.min_line_words <= 0) {
    tokenize(normalized_, &tokens_);
  } else {
    filter_short_lines();
  }
  if (tokens_.empty()) return Status::OK();

  token_hashes_.resize(tokens_.size());
  for (size_t i = 0; i < tokens_.size(); ++i) {
    uint64_t h =
        XXH3_64bits_withSeed(tokens_[i].data(), tokens_[i].size(), kTokenSeed);
    // Shingles hash the token hashes as little-endian bytes (FORMAT.md).
    if constexpr (std::endian::native == std::endian::big) {
      h = __builtin_bswap64(h);
    }
    token_hashes_[i] = h;
  }
  const size_t k = static_cast<size_t>(options_.shingle_words);
  const size_t n = token_hashes_.size();
  const size_t width = n < k ? n : k;
  const size_t count = n - width + 1;
  out->reserve(out->size() + count);
  for (size_t i = 0; i < count; ++i) {
    out->push_back(XXH3_64bits_withSeed(
        &token_hashes_[i], width * sizeof(uint64_t), kShingleSeed));
  }
  return Status::OK();
}

}  // namespace neardup
