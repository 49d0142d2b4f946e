#include "gen/transforms.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "gen/source_text.h"

namespace neardup::gen {

namespace {

constexpr std::string_view kTransformNames[kTransformCount] = {
    "boilerplate", "edit", "truncate", "reorder", "unicode", "case"};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_letter(char c) { return is_upper(c) || is_lower(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Part of a word's core: ASCII letters and digits, and any non-ASCII byte.
bool is_core(char c) {
  return is_letter(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}
char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - 32) : c; }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c + 32) : c; }

struct Span {
  size_t begin;
  size_t end;
};

// Maximal runs of non-whitespace.
std::vector<Span> word_spans(std::string_view text) {
  std::vector<Span> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const size_t begin = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > begin) words.push_back({begin, i});
  }
  return words;
}

// The word without leading and trailing punctuation, as [begin, end) within
// `word`; empty if it has no letter or digit.
Span core_of(std::string_view word) {
  size_t begin = 0;
  size_t end = word.size();
  while (begin < end && !is_core(word[begin])) ++begin;
  while (end > begin && !is_core(word[end - 1])) --end;
  return {begin, end};
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t begin = 0;
  while (true) {
    const size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(begin));
      return lines;
    }
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
}

}  // namespace

std::string_view transform_name(int bit) { return kTransformNames[bit]; }

std::string kind_name(bool is_copy, uint32_t transforms) {
  if (!is_copy) return "original";
  std::string kind;
  for (int bit = 0; bit < kTransformCount; ++bit) {
    if ((transforms & (1u << bit)) == 0) continue;
    if (!kind.empty()) kind += '+';
    kind += kTransformNames[bit];
  }
  return kind.empty() ? "exact" : kind;
}

bool truncate_article(Rng& rng, std::string* body) {
  const size_t size = body->size();
  const size_t target = size * rng.between(60, 90) / 100;
  if (target == 0) return false;
  const size_t cut =
      cut_point(*body, target, target - std::min(target, size / 20),
                target - std::min<size_t>(target, 64));
  if (cut == 0 || cut >= size) return false;
  body->resize(cut);
  return true;
}

bool reorder_paragraphs(Rng& rng, std::string* body) {
  std::vector<std::string_view> lines = split_lines(*body);
  const size_t n = lines.size();
  if (n < 2) return false;
  const int swaps = n >= 4 && rng.chance(0.3) ? 2 : 1;
  for (int s = 0; s < swaps; ++s) {
    // A few tries to find two paragraphs that differ.
    for (int attempt = 0; attempt < 8; ++attempt) {
      const size_t i = rng.below(n);
      size_t j = rng.below(n - 1);
      if (j >= i) ++j;
      if (lines[i] != lines[j]) {
        std::swap(lines[i], lines[j]);
        break;
      }
    }
  }
  std::string out;
  out.reserve(body->size());
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  if (out == *body) return false;
  *body = std::move(out);
  return true;
}

bool edit_words(Rng& rng, std::string* body) {
  const std::string_view text = *body;
  const std::vector<Span> words = word_spans(text);
  const size_t n = words.size();
  if (n == 0) return false;
  auto word = [&](size_t i) {
    return text.substr(words[i].begin, words[i].end - words[i].begin);
  };
  // A word of the body, without its punctuation, other than `avoid`.
  auto other_word = [&](std::string_view avoid) {
    for (int attempt = 0; attempt < 16; ++attempt) {
      const std::string_view w = word(rng.below(n));
      const Span core = core_of(w);
      const std::string_view c = w.substr(core.begin, core.end - core.begin);
      if (!c.empty() && c != avoid) return c;
    }
    return std::string_view("also");
  };

  enum Op : uint8_t { kKeep, kReplace, kDelete, kInsert };
  std::vector<Op> ops(n, kKeep);
  const size_t edits = std::max<size_t>(1, n * rng.between(10, 30) / 1000);
  // Distinct positions by a partial Fisher-Yates over the word indices.
  std::vector<uint32_t> index(n);
  for (size_t i = 0; i < n; ++i) index[i] = static_cast<uint32_t>(i);
  for (size_t e = 0; e < std::min(edits, n); ++e) {
    std::swap(index[e], index[e + rng.below(n - e)]);
    ops[index[e]] = static_cast<Op>(1 + rng.below(3));
  }

  auto sep_before = [&](size_t i) {
    const size_t from = i == 0 ? 0 : words[i - 1].end;
    return text.substr(from, words[i].begin - from);
  };
  auto has_newline = [](std::string_view s) {
    return s.find('\n') != std::string_view::npos;
  };
  std::string out;
  out.reserve(text.size() + 64);
  // Set after deleting the first word of a line: the next word must not
  // start the line with the space that followed the deleted one.
  bool drop_sep = false;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view sep = sep_before(i);
    const bool line_start = i == 0 || has_newline(sep);
    Op op = ops[i];
    if (op == kDelete) {
      const bool line_end = i + 1 == n || has_newline(sep_before(i + 1));
      if (line_start && line_end) op = kReplace;  // keep the line
    }
    if (has_newline(sep) || i == 0) {
      out += sep;
      drop_sep = false;
    } else if (!drop_sep && op != kDelete) {
      out += sep;
    }
    const std::string_view w = word(i);
    switch (op) {
      case kKeep:
        out += w;
        drop_sep = false;
        break;
      case kReplace: {
        const Span core = core_of(w);
        out += w.substr(0, core.begin);
        out += other_word(w.substr(core.begin, core.end - core.begin));
        out += w.substr(core.end);
        drop_sep = false;
        break;
      }
      case kInsert:
        out += other_word({});
        out += ' ';
        out += w;
        drop_sep = false;
        break;
      case kDelete:
        // At a line start the separator (with its '\n') was kept; the next
        // word's leading space goes instead.
        if (line_start) drop_sep = true;
        break;
    }
  }
  out += text.substr(words[n - 1].end);
  if (out == *body) {
    // Every edit happened to cancel out: insert one word.
    out.insert(words[0].begin, std::string(other_word({})) + " ");
  }
  *body = std::move(out);
  return true;
}

bool change_case(Rng& rng, std::string* body) {
  std::string text = *body;
  const std::vector<Span> words = word_spans(text);
  if (words.empty()) return false;
  for (const Span& w : words) {
    if (!rng.chance(0.03)) continue;
    const uint64_t mode = rng.below(3);
    for (size_t i = w.begin; i < w.end; ++i) {
      char& c = text[i];
      if (mode == 0) {
        c = to_upper(c);
      } else if (mode == 1) {
        c = to_lower(c);
      } else {
        c = i == w.begin ? to_upper(c) : to_lower(c);
      }
    }
  }
  if (rng.chance(0.25)) {
    // A paragraph in capitals, like a shouted lead or a pull quote.
    std::vector<std::string_view> lines = split_lines(text);
    const size_t line = rng.below(lines.size());
    const size_t begin = static_cast<size_t>(lines[line].data() - text.data());
    for (size_t i = begin; i < begin + lines[line].size(); ++i) {
      text[i] = to_upper(text[i]);
    }
  } else if (rng.chance(1.0 / 3)) {  // 25% of all copies
    // Title Case up to the end of the first sentence.
    size_t end = text.find_first_of(".\n");
    if (end == std::string::npos) end = text.size();
    bool word_start = true;
    for (size_t i = 0; i < end; ++i) {
      char& c = text[i];
      if (is_space(c)) {
        word_start = true;
      } else {
        c = word_start ? to_upper(c) : to_lower(c);
        word_start = false;
      }
    }
  }
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == ' ' && rng.chance(0.02)) {
      out += rng.chance(0.6) ? "  " : "\t";
    } else if (c == '\n' && rng.chance(0.3)) {
      const uint64_t style = rng.below(5);
      out += style < 2 ? "\r\n" : style < 4 ? "\n\n" : " \n";
    } else {
      out += c;
    }
  }
  if (out == *body) {
    const size_t space = out.find(' ');
    if (space == std::string::npos) return false;
    out[space] = '\t';
  }
  *body = std::move(out);
  return true;
}

bool unicode_variants(Rng& rng, std::string* body) {
  const std::string_view text = *body;
  const bool curly = rng.chance(0.7);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool open_quote = true;
  bool fullwidth_number = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const char prev = i > 0 ? text[i - 1] : ' ';
    if (curly && c == '"') {
      out += open_quote ? "\u201c" : "\u201d";
      open_quote = !open_quote;
      ++i;
    } else if (curly && c == '\'') {
      out += is_letter(prev) || is_digit(prev) ? "\u2019" : "\u2018";
      ++i;
    } else if (curly && text.substr(i, 3) == "...") {
      out += "\u2026";
      i += 3;
    } else if (text.substr(i, 3) == " - " && rng.chance(0.5)) {
      out += " \u2013 ";
      i += 3;
    } else if (c == ' ') {
      if (rng.chance(0.02)) {
        out += "\u00a0";
      } else if (rng.chance(0.005)) {
        out += "\u2009";
      } else {
        out += ' ';
      }
      ++i;
    } else if (is_digit(c)) {
      if (!is_digit(prev)) fullwidth_number = rng.chance(0.2);
      if (fullwidth_number) {
        // U+FF10..U+FF19 are EF BC 90..99 in UTF-8.
        out += "\xef\xbc";
        out += static_cast<char>(0x90 + (c - '0'));
      } else {
        out += c;
      }
      ++i;
    } else if (is_letter(c) && !is_letter(prev)) {
      size_t end = i;
      while (end < text.size() && is_letter(text[end])) ++end;
      const size_t length = end - i;
      const size_t hyphen_at =
          length >= 8 && rng.chance(0.03) ? i + length / 2 : end;
      for (size_t j = i; j < end;) {
        if (j == hyphen_at) out += "\u00ad";  // soft hyphen
        if (text[j] == 'f' && j + 1 < end &&
            (text[j + 1] == 'i' || text[j + 1] == 'l') && j + 1 != hyphen_at &&
            rng.chance(0.1)) {
          out += text[j + 1] == 'i' ? "\ufb01" : "\ufb02";
          j += 2;
        } else {
          out += text[j++];
        }
      }
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  if (out == *body) {
    const size_t space = out.find(' ');
    if (space == std::string::npos) return false;
    out.replace(space, 1, "\u00a0");
  }
  *body = std::move(out);
  return true;
}

}  // namespace neardup::gen
