// File: gen/ngram_text.h
//
// Article bodies drawn from a word n-gram model of the source passages, for
// dumps far larger than the sources. Passages reused in new orders (see
// ArticleStream) make every passage recur once per 15 MB of originals, so a
// 50M-document dump would hold each one hundreds of times: far more shared
// shingles between unrelated documents than real crawls have. A random walk
// over the sources' word trigrams (Shannon 1948, "A Mathematical Theory of
// Communication", section 3; Jurafsky & Martin, "Speech and Language
// Processing", chapter 3) keeps their vocabulary, common phrases and
// sentence and paragraph lengths, but strings them anew: where a two-word
// context was followed by fewer than kMinBranches different words in the
// sources, the walk backs off to the last word alone, so it does not copy
// long runs of one source text.
//
// Example:
//   NgramText model(*source_text);
//   Rng rng(seed);
//   std::string body;
//   model.next(rng, 2000, 6000, &body);

#ifndef NEARDUP_TOOLS_GEN_NGRAM_TEXT_H_
#define NEARDUP_TOOLS_GEN_NGRAM_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gen/rng.h"
#include "gen/source_text.h"

namespace neardup::gen {

// A two-word context needs this many different next words to be used.
inline constexpr uint32_t kMinBranches = 3;

// Immutable after construction: next() only reads it, with the caller's Rng.
class NgramText {
 public:
  // Counts the word bigrams and trigrams of every passage of `text` (words
  // are whitespace-separated, punctuation attached; paragraph ends are
  // words too). About 60 bytes per source word while counting, 20 after.
  // REQUIRES: `text` has a passage of at least three words.
  explicit NgramText(const SourceText& text);

  // Replaces `body` with paragraphs joined by '\n', of a length drawn
  // uniformly from [min_bytes, max_bytes] and then cut at a sentence end (up
  // to 300 bytes shorter, never below min_bytes), as ArticleStream::next().
  // Each paragraph starts where a source passage starts. REQUIRES: 0 <
  // min_bytes <= max_bytes.
  void next(Rng& rng, size_t min_bytes, size_t max_bytes,
            std::string* body) const;

  size_t words() const { return tokens_.size(); }

 private:
  // The next word after (a, b), or after b alone.
  uint32_t draw(Rng& rng, uint32_t a, uint32_t b) const;
  // Appends one paragraph of at most `room` bytes (at least one word).
  void paragraph(Rng& rng, size_t room, std::string* body) const;

  std::vector<std::string_view> vocabulary_;  // id -> word, in `text`
  std::vector<uint32_t> tokens_;              // the sources as word ids
  std::vector<uint32_t> starts_;              // positions of passage starts
  // The word at each position i >= 2, grouped by the context before it,
  // with each context's range: by the pair (tokens_[i-2], tokens_[i-1]),
  // and by the word tokens_[i-1] alone.
  std::vector<uint32_t> after_pair_, after_word_;
  struct Range {
    uint32_t begin = 0, end = 0, branches = 0;
  };
  // The pairs with kMinBranches or more, in an open-addressing table (the
  // walk looks one up per word).
  struct Slot {
    uint64_t key;  // kNoPair: empty
    Range range;
  };
  std::vector<Slot> pairs_;
  std::vector<Range> words_;  // indexed by word id
};

}  // namespace neardup::gen

#endif  // NEARDUP_TOOLS_GEN_NGRAM_TEXT_H_
