// File: gen/transforms.h
//
// What a copying site does to an article body: each transformation takes the
// body (paragraphs joined by '\n', valid UTF-8) and changes it in place. The
// `boilerplate` transformation is not here: it is the copying site's own page
// chrome (gen/sites.h) instead of the original's.
//
// Example:
//   std::string body = original_body;
//   uint32_t applied = 0;
//   if (edit_words(rng, &body)) applied |= kEdit;

#ifndef NEARDUP_TOOLS_GEN_TRANSFORMS_H_
#define NEARDUP_TOOLS_GEN_TRANSFORMS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "gen/rng.h"

namespace neardup::gen {

// Transformations of a copy, as bit flags. Kind names list them in this
// order, joined by '+': "boilerplate+edit+unicode".
enum Transform : uint32_t {
  kBoilerplate = 1u << 0,
  kEdit = 1u << 1,
  kTruncate = 1u << 2,
  kReorder = 1u << 3,
  kUnicode = 1u << 4,
  kCase = 1u << 5,
};
inline constexpr int kTransformCount = 6;

// "boilerplate", "edit", "truncate", "reorder", "unicode", "case" for bit
// 0..5.
std::string_view transform_name(int bit);

// The truth file's kind: "original" for an original, the '+'-joined names of
// `transforms` for a copy, "exact" for a copy without any.
std::string kind_name(bool is_copy, uint32_t transforms);

// Each function below returns true if it changed `body`, false if it could
// not (too short, a single paragraph); `body` stays valid UTF-8.

// Keeps the first 60-90% of the bytes, cut at a sentence end if there is one
// within 5% of the body below the cut, else at a word end.
bool truncate_article(Rng& rng, std::string* body);

// Swaps two paragraphs ('\n'-separated lines), or two pairs of them (30% of
// bodies with 4+ paragraphs).
bool reorder_paragraphs(Rng& rng, std::string* body);

// Copy edits: 1-3% of the words (whitespace-separated, at least one)
// replaced by, preceded by an inserted, or deleted for, another word of the
// body; punctuation around a replaced word stays. Line breaks are kept, so
// the body keeps its number of lines.
bool edit_words(Rng& rng, std::string* body);

// Case and whitespace: 3% of words upper-, lower- or title-cased, a
// paragraph in capitals (25%) or a title-cased first sentence (25%); 2% of
// spaces doubled or made tabs; 30% of line breaks "\r\n", "\n\n" or " \n".
// Only ASCII letters change case, so the text is the same after case
// folding and whitespace collapsing.
bool change_case(Rng& rng, std::string* body);

// Unicode variants: no-break (2%) and thin (0.5%) spaces, soft hyphens in
// 3% of words of 8+ letters, full-width digits in 20% of numbers, "fi"/"fl"
// ligatures (10%), " - " as an en dash (50%), and in 70% of copies curly
// quotes and apostrophes and "..." as an ellipsis. Apart from the quotes and
// dashes, every change disappears under NFKC with default-ignorables
// removed (neardup::normalize_text).
bool unicode_variants(Rng& rng, std::string* body);

}  // namespace neardup::gen

#endif  // NEARDUP_TOOLS_GEN_TRANSFORMS_H_
