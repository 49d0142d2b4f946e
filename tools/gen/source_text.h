// File: gen/source_text.h
//
// Real text for generated articles. SourceText reads JSONL corpora and cuts
// their texts into passages: runs of consecutive paragraphs of one text, at
// most `passage_bytes` long. ArticleStream walks the passages and joins them
// into article bodies of a requested length.
//
// Example:
//   Result<std::unique_ptr<SourceText>> text =
//       SourceText::load({"news.jsonl.zst"}, "/text", 1000);
//   ArticleStream articles(text->get(), seed);
//   std::string body;
//   articles.next(rng, 2000, 6000, &body);

#ifndef NEARDUP_TOOLS_GEN_SOURCE_TEXT_H_
#define NEARDUP_TOOLS_GEN_SOURCE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "gen/rng.h"
#include "neardup/status.h"

namespace neardup::gen {

// Texts with fewer words are left out (Reuters' headline-only BRIEF items).
inline constexpr size_t kMinSourceWords = 25;

struct SourceTextStats {
  uint64_t lines = 0;            // JSONL lines read
  uint64_t texts = 0;            // texts kept
  uint64_t skipped_lines = 0;    // not JSON, or no string at the pointer
  uint64_t short_texts = 0;      // fewer than kMinSourceWords words
  uint64_t duplicate_texts = 0;  // same words as an earlier text
  uint64_t duplicate_paragraphs = 0;
  uint64_t text_bytes = 0;  // bytes of all passages
};

// The passages of all sources, in source order, held in memory (about the
// size of the source texts). Immutable after load(), so thread-safe to read.
class SourceText {
 public:
  // Reads each path (.jsonl, .jsonl.gz or .jsonl.zst, detected from the
  // content) and takes the string at JSON pointer `text_field` of each line.
  // Texts and paragraphs that repeat an earlier one (compared by their
  // lower-cased letters and digits only) are skipped, so that the source's
  // own duplicates do not turn into accidental copies. Lines without a string
  // at the pointer are skipped. Paragraphs are the text's lines; a paragraph
  // longer than `passage_bytes` is split at sentence ends.
  // Errors: NotFound/IOError naming a path that cannot be read; Corruption
  // naming a damaged compressed file or a file with no text at the pointer.
  static Result<std::unique_ptr<SourceText>> load(
      const std::vector<std::string>& paths, const std::string& text_field,
      size_t passage_bytes);

  // Builds passages from texts in memory (tests), with the same rules.
  static std::unique_ptr<SourceText> from_texts(
      const std::vector<std::string>& texts, size_t passage_bytes);

  size_t passages() const { return starts_.size() - 1; }
  // Passage `i` < passages(): paragraphs joined by '\n', no '\n' at the ends.
  std::string_view passage(size_t i) const {
    return std::string_view(arena_).substr(starts_[i],
                                           starts_[i + 1] - starts_[i]);
  }
  const SourceTextStats& stats() const { return stats_; }

 private:
  explicit SourceText(size_t passage_bytes);
  // Adds the passages of one text, unless it repeats an earlier one or is
  // too short.
  void add_text(std::string_view text);
  void add_paragraph(std::string_view paragraph, std::string* passage);
  void flush_passage(std::string* passage);
  void forget_seen();  // after loading: the hashes are not needed any more

  size_t passage_bytes_;
  std::string arena_;
  std::vector<uint64_t> starts_;  // passage i is [starts_[i], starts_[i+1])
  // Hashes of what was kept; membership only, so iteration order (which is
  // up to the library) never reaches the output.
  std::unordered_set<uint64_t> seen_texts_;
  std::unordered_set<uint64_t> seen_paragraphs_;
  SourceTextStats stats_;
};

// Returns the largest cut <= min(limit, text.size()) at a boundary of
// `text`, as a prefix length without trailing spaces: the end of a paragraph
// or sentence if one is at least `sentence_floor`, else the end of a word if
// one is at least `word_floor`, else a UTF-8 character boundary. Used to cut
// articles and truncated copies without leaving half words.
size_t cut_point(std::string_view text, size_t limit, size_t sentence_floor,
                 size_t word_floor);

// Joins passages into article bodies. The first pass over the passages goes
// in source order from a seed-dependent start, so an article is consecutive
// paragraphs of the source; every later pass goes in a fresh seeded
// permutation, so that articles built after the source wrapped around are
// new mixes of passages, not repeats. Two articles of different passes share
// a passage by chance; that they share most of their passages is unlikely
// while the number of passes is small against the number of passages
// (Reuters-21578: 25,500 passages, 14.9 MB; one pass per 15 MB of originals).
// Not thread-safe.
class ArticleStream {
 public:
  // `text` must outlive the stream and have at least one passage.
  ArticleStream(const SourceText* text, uint64_t seed);

  // Replaces `body` with an article of paragraphs joined by '\n', with a
  // length drawn uniformly from [min_bytes, max_bytes] and then cut at a
  // sentence end (up to 300 bytes shorter, never below min_bytes). Whole
  // passages are used; the last one may be cut, and its rest is not used.
  // REQUIRES: 0 < min_bytes <= max_bytes.
  void next(Rng& rng, size_t min_bytes, size_t max_bytes, std::string* body);

  // Completed passes over the passages.
  uint64_t wraps() const { return epoch_; }

 private:
  std::string_view peek() const;  // the next passage
  void advance();

  const SourceText* text_;
  uint64_t seed_;
  uint64_t epoch_ = 0;
  size_t pos_ = 0;
  size_t start_ = 0;             // first passage of the first pass
  std::vector<uint32_t> order_;  // empty in the first pass
};

}  // namespace neardup::gen

#endif  // NEARDUP_TOOLS_GEN_SOURCE_TEXT_H_
