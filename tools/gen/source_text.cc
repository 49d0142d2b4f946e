#include "gen/source_text.h"

#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <utility>

#include "reader/jsonl_reader.h"

namespace neardup::gen {

namespace {

// Paragraphs with fewer words may repeat (datelines, "Pay April 30"); longer
// repeats are templated items or re-sends that would make near-duplicate
// originals.
constexpr size_t kMinDedupParagraphWords = 8;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

// XXH3 of the words of `text` (runs of ASCII letters and digits or non-ASCII
// bytes), lower-cased and joined by single spaces: texts that differ only in
// punctuation, case or spacing hash alike.
uint64_t words_hash(std::string_view text, size_t* words,
                    std::string* scratch) {
  scratch->clear();
  *words = 0;
  bool in_word = false;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_ascii_alnum(byte) || byte >= 0x80) {
      if (!in_word && !scratch->empty()) scratch->push_back(' ');
      if (!in_word) ++*words;
      in_word = true;
      scratch->push_back(
          static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
    } else {
      in_word = false;
    }
  }
  return XXH3_64bits(scratch->data(), scratch->size());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

size_t trim_end(std::string_view text, size_t end) {
  while (end > 0 && is_space(text[end - 1])) --end;
  return end;
}

bool ends_sentence(std::string_view text, size_t end) {
  if (end == 0) return false;
  char last = text[end - 1];
  if ((last == '"' || last == '\'' || last == ')') && end >= 2) {
    last = text[end - 2];
  }
  return last == '.' || last == '!' || last == '?';
}

}  // namespace

size_t cut_point(std::string_view text, size_t limit, size_t sentence_floor,
                 size_t word_floor) {
  if (limit >= text.size()) return trim_end(text, text.size());
  // Here text[limit] exists: a cut at p keeps [0, p) and looks at text[p].
  for (size_t p = limit; p > 0 && p >= sentence_floor; --p) {
    if (!is_space(text[p])) continue;
    const size_t end = trim_end(text, p);
    if (end < sentence_floor) break;
    if (text[p] == '\n' || ends_sentence(text, end)) return end;
  }
  for (size_t p = limit; p > 0 && p >= word_floor; --p) {
    if (!is_space(text[p])) continue;
    const size_t end = trim_end(text, p);
    if (end >= word_floor && end > 0) return end;
    break;
  }
  size_t p = limit;
  while (p > 0 && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
  return p;
}

SourceText::SourceText(size_t passage_bytes)
    : passage_bytes_(std::max<size_t>(passage_bytes, 64)) {
  starts_.push_back(0);
}

std::unique_ptr<SourceText> SourceText::from_texts(
    const std::vector<std::string>& texts, size_t passage_bytes) {
  auto source = std::unique_ptr<SourceText>(new SourceText(passage_bytes));
  for (const std::string& text : texts) {
    ++source->stats_.lines;
    source->add_text(text);
  }
  source->forget_seen();
  return source;
}

Result<std::unique_ptr<SourceText>> SourceText::load(
    const std::vector<std::string>& paths, const std::string& text_field,
    size_t passage_bytes) {
  auto source = std::unique_ptr<SourceText>(new SourceText(passage_bytes));
  simdjson::ondemand::parser parser;
  for (const std::string& path : paths) {
    internal::JsonlReader reader({path}, size_t{4} << 20, size_t{64} << 20);
    internal::Chunk chunk;
    uint64_t found = 0;
    while (true) {
      Result<bool> more = reader.next(&chunk);
      if (!more.ok()) return more.status();
      if (!*more) break;
      for (const internal::LineSpan& line : chunk.lines) {
        ++source->stats_.lines;
        if (line.kind == internal::LineKind::kTruncated) {
          return Status::Corruption(path + ": " + chunk.input_error);
        }
        if (line.kind == internal::LineKind::kTooLong) {
          ++source->stats_.skipped_lines;
          continue;
        }
        // Every line of a chunk has the chunk's padding after it.
        const char* data = chunk.data() + line.offset;
        const size_t readable =
            chunk.size() - line.offset + internal::kParsePadding;
        simdjson::ondemand::document doc;
        std::string_view value;
        if (parser.iterate(data, line.length, readable).get(doc) ||
            doc.at_pointer(text_field).get_string().get(value)) {
          ++source->stats_.skipped_lines;
          continue;
        }
        ++found;
        source->add_text(value);
      }
    }
    if (found == 0) {
      return Status::Corruption(path + ": no line has a string at " +
                                text_field);
    }
  }
  source->forget_seen();
  return source;
}

void SourceText::forget_seen() {
  std::unordered_set<uint64_t>().swap(seen_texts_);
  std::unordered_set<uint64_t>().swap(seen_paragraphs_);
}

void SourceText::add_text(std::string_view text) {
  std::string scratch;
  size_t words = 0;
  const uint64_t hash = words_hash(text, &words, &scratch);
  if (words < kMinSourceWords) {
    ++stats_.short_texts;
    return;
  }
  if (!seen_texts_.insert(hash).second) {
    ++stats_.duplicate_texts;
    return;
  }
  const uint64_t passages_before = passages();
  std::string passage;
  std::string paragraph;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    paragraph.assign(text.substr(begin, end - begin));
    for (char& c : paragraph) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    begin = end + 1;
    const std::string_view trimmed = trim(paragraph);
    if (trimmed.empty()) continue;
    const uint64_t paragraph_hash = words_hash(trimmed, &words, &scratch);
    if (words >= kMinDedupParagraphWords &&
        !seen_paragraphs_.insert(paragraph_hash).second) {
      ++stats_.duplicate_paragraphs;
      continue;
    }
    add_paragraph(trimmed, &passage);
  }
  flush_passage(&passage);
  if (passages() > passages_before) ++stats_.texts;
}

void SourceText::add_paragraph(std::string_view paragraph,
                               std::string* passage) {
  // A paragraph longer than a passage is split at sentence ends, so that no
  // passage exceeds passage_bytes_.
  std::string_view rest = paragraph;
  while (!rest.empty()) {
    size_t n = rest.size();
    if (n > passage_bytes_) {
      n = cut_point(rest, passage_bytes_, passage_bytes_ / 2,
                    passage_bytes_ / 2);
      if (n == 0) n = passage_bytes_;
    }
    const std::string_view piece = trim(rest.substr(0, n));
    rest = trim(rest.substr(n));
    if (piece.empty()) continue;
    if (!passage->empty() &&
        passage->size() + 1 + piece.size() > passage_bytes_) {
      flush_passage(passage);
    }
    if (!passage->empty()) passage->push_back('\n');
    passage->append(piece);
  }
}

void SourceText::flush_passage(std::string* passage) {
  if (passage->empty()) return;
  arena_.append(*passage);
  starts_.push_back(arena_.size());
  stats_.text_bytes += passage->size();
  passage->clear();
}

ArticleStream::ArticleStream(const SourceText* text, uint64_t seed)
    : text_(text), seed_(seed) {
  start_ = Rng(mix_seed(seed_, 0)).below(text_->passages());
}

std::string_view ArticleStream::peek() const {
  const size_t n = text_->passages();
  return text_->passage(order_.empty() ? (start_ + pos_) % n : order_[pos_]);
}

void ArticleStream::advance() {
  const size_t n = text_->passages();
  if (++pos_ < n) return;
  pos_ = 0;
  ++epoch_;
  // Fisher-Yates with a stream of its own per pass.
  Rng rng(mix_seed(seed_, epoch_));
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
  for (size_t i = n - 1; i > 0; --i)
    std::swap(order_[i], order_[rng.below(i + 1)]);
}

void ArticleStream::next(Rng& rng, size_t min_bytes, size_t max_bytes,
                         std::string* body) {
  body->clear();
  // A cut at a character boundary can fall 3 bytes short of the target.
  const size_t target =
      rng.between(std::min(min_bytes + 3, max_bytes), max_bytes);
  // Stopping up to 300 bytes short lets the last passage end at a sentence.
  const size_t good_enough =
      std::max(min_bytes, target - std::min<size_t>(target, 300));
  while (true) {
    const std::string_view passage = peek();
    const size_t sep = body->empty() ? 0 : 1;
    if (body->size() + sep + passage.size() <= target) {
      if (sep != 0) body->push_back('\n');
      body->append(passage);
      advance();
      continue;
    }
    if (body->size() >= good_enough) return;
    // Cut the passage that does not fit: a sentence end keeping the body at
    // or above good_enough, else a word end within 40 bytes of the target,
    // else a character boundary at the target.
    const size_t room = target - body->size() - sep;
    const size_t sentence_floor = good_enough - body->size() - sep;
    const size_t word_floor =
        std::max(sentence_floor, room - std::min<size_t>(room, 40));
    const size_t cut = cut_point(passage, room, sentence_floor, word_floor);
    if (cut > 0) {
      if (sep != 0) body->push_back('\n');
      body->append(passage.substr(0, cut));
    }
    advance();
    return;
  }
}

}  // namespace neardup::gen
