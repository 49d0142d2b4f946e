#include "gen/ngram_text.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace neardup::gen {

namespace {

constexpr uint32_t kParagraph = 0;  // between the paragraphs of a passage
constexpr uint32_t kPassageEnd = 1;
constexpr uint32_t kFirstWord = 2;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

uint64_t pair_key(uint32_t a, uint32_t b) {
  return (static_cast<uint64_t>(a) << 32) | b;
}

// No pair of word ids is this: ids stay below 2^32 - 1.
constexpr uint64_t kNoPair = ~uint64_t{0};

size_t slot_of(uint64_t key, size_t slots) {
  return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> 32) & (slots - 1);
}

// The end of the last sentence ('.', '!' or '?' ending a word) at or after
// `floor` bytes, or the whole text if none is.
size_t last_sentence_end(std::string_view text, size_t floor) {
  for (size_t end = text.size(); end > floor && end > 0; --end) {
    const char c = text[end - 1];
    const bool word_end =
        end == text.size() || text[end] == ' ' || text[end] == '\n';
    if (word_end && (c == '.' || c == '!' || c == '?')) return end;
  }
  return text.size();
}

}  // namespace

NgramText::NgramText(const SourceText& text) {
  vocabulary_ = {"\n", ""};
  std::unordered_map<std::string_view, uint32_t> ids;
  for (size_t p = 0; p < text.passages(); ++p) {
    const std::string_view passage = text.passage(p);
    const size_t first = tokens_.size();
    for (size_t i = 0; i < passage.size();) {
      if (passage[i] == '\n') {
        tokens_.push_back(kParagraph);
        ++i;
        continue;
      }
      if (is_space(passage[i])) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < passage.size() && passage[end] != '\n' &&
             !is_space(passage[end])) {
        ++end;
      }
      const std::string_view word = passage.substr(i, end - i);
      auto [it, added] = ids.try_emplace(word, vocabulary_.size());
      if (added) vocabulary_.push_back(word);
      tokens_.push_back(it->second);
      i = end;
    }
    if (tokens_.size() >= first + 2 && tokens_[first] >= kFirstWord &&
        tokens_[first + 1] >= kFirstWord) {
      starts_.push_back(static_cast<uint32_t>(first));
    }
    tokens_.push_back(kPassageEnd);
  }
  // Positions grouped by context, then by the word there, then in order: the
  // ranges and their branch counts do not depend on hash order.
  const auto group = [&](int context, std::vector<uint32_t>* after,
                         const auto& on_range) {
    std::vector<std::pair<uint64_t, uint32_t>> keyed;  // (context, i)
    for (uint32_t i = context; i < tokens_.size(); ++i) {
      if (tokens_[i - 1] == kPassageEnd) continue;
      if (context == 2 && tokens_[i - 2] == kPassageEnd) continue;
      keyed.emplace_back(context == 2 ? pair_key(tokens_[i - 2], tokens_[i - 1])
                                      : tokens_[i - 1],
                         i);
    }
    std::sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
      if (x.first != y.first) return x.first < y.first;
      if (tokens_[x.second] != tokens_[y.second]) {
        return tokens_[x.second] < tokens_[y.second];
      }
      return x.second < y.second;
    });
    after->resize(keyed.size());
    Range range;
    for (uint32_t j = 0; j < keyed.size(); ++j) {
      (*after)[j] = tokens_[keyed[j].second];
      const bool new_context = j == 0 || keyed[j].first != keyed[j - 1].first;
      if (new_context && j > 0) on_range(keyed[j - 1].first, range);
      if (new_context) range = Range{j, j, 0};
      range.branches += new_context || (*after)[j] != (*after)[j - 1];
      range.end = j + 1;
    }
    if (!keyed.empty()) on_range(keyed.back().first, range);
  };
  std::vector<std::pair<uint64_t, Range>> branching;
  group(2, &after_pair_, [&](uint64_t key, const Range& r) {
    if (r.branches >= kMinBranches) branching.emplace_back(key, r);
  });
  words_.resize(vocabulary_.size());
  group(1, &after_word_,
        [&](uint64_t key, const Range& r) { words_[key] = r; });
  size_t slots = 16;
  while (slots < 2 * branching.size()) slots *= 2;
  pairs_.assign(slots, Slot{kNoPair, Range{}});
  for (const auto& [key, range] : branching) {
    size_t slot = slot_of(key, slots);
    while (pairs_[slot].key != kNoPair) slot = (slot + 1) & (slots - 1);
    pairs_[slot] = Slot{key, range};
  }
}

uint32_t NgramText::draw(Rng& rng, uint32_t a, uint32_t b) const {
  const uint64_t key = pair_key(a, b);
  const size_t mask = pairs_.size() - 1;
  for (size_t slot = slot_of(key, pairs_.size()); pairs_[slot].key != kNoPair;
       slot = (slot + 1) & mask) {
    if (pairs_[slot].key != key) continue;
    const Range& r = pairs_[slot].range;
    return after_pair_[r.begin + rng.below(r.end - r.begin)];
  }
  const Range& r = words_[b];
  if (r.end == r.begin) return kPassageEnd;
  return after_word_[r.begin + rng.below(r.end - r.begin)];
}

void NgramText::paragraph(Rng& rng, size_t room, std::string* body) const {
  const uint32_t start = starts_[rng.below(starts_.size())];
  uint32_t a = tokens_[start], b = tokens_[start + 1];
  const size_t begin = body->size();
  for (uint32_t w : {a, b}) {
    const std::string_view word = vocabulary_[w];
    if (body->size() > begin && body->size() - begin + 1 + word.size() > room) {
      return;
    }
    if (body->size() > begin) body->push_back(' ');
    body->append(word);
  }
  while (true) {
    const uint32_t c = draw(rng, a, b);
    if (c < kFirstWord) return;  // the paragraph or passage ends here
    const std::string_view word = vocabulary_[c];
    if (body->size() - begin + 1 + word.size() > room) return;
    body->push_back(' ');
    body->append(word);
    a = b;
    b = c;
  }
}

void NgramText::next(Rng& rng, size_t min_bytes, size_t max_bytes,
                     std::string* body) const {
  body->clear();
  const size_t target =
      rng.between(std::min(min_bytes + 3, max_bytes), max_bytes);
  const size_t good_enough =
      std::max(min_bytes, target - std::min<size_t>(target, 300));
  while (body->size() < good_enough) {
    const size_t sep = body->empty() ? 0 : 1;
    if (body->size() + sep >= target) break;
    const size_t before = body->size();
    if (sep != 0) body->push_back('\n');
    paragraph(rng, target - body->size(), body);
    if (body->size() == before + sep) {  // not even a word fitted
      body->resize(before);
      break;
    }
  }
  // A paragraph cut short by the length ends mid-sentence: end the body at
  // a sentence instead if one ends at or above good_enough.
  body->resize(last_sentence_end(*body, good_enough));
}

}  // namespace neardup::gen
