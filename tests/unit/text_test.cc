#include "neardup/text.h"

#include <gtest/gtest.h>
#include <utf8proc.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace neardup {
namespace {

std::string normalized(std::string_view text) {
  std::string out;
  EXPECT_TRUE(normalize_text(text, &out).ok()) << text;
  return out;
}

std::vector<std::string> tokens(std::string_view raw) {
  const std::string text = normalized(raw);
  std::vector<std::string_view> views;
  tokenize(text, &views);
  return std::vector<std::string>(views.begin(), views.end());
}

using Tokens = std::vector<std::string>;

// normalize_text() as specified: utf8proc over the whole text at once.
std::string normalized_whole(std::string_view text) {
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
      static_cast<utf8proc_ssize_t>(text.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                     UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                     UTF8PROC_IGNORE));
  if (n < 0) return "<error>";
  std::string out(reinterpret_cast<const char*>(mapped),
                  static_cast<size_t>(n));
  std::free(mapped);
  return out;
}

// Normalizing runs of non-ASCII characters one at a time must equal
// normalizing the whole text: ASCII bases followed by combining marks,
// marks to reorder, compatibility forms, ignorables, invalid sequences.
TEST(NormalizeTest, PiecewiseEqualsWholeText) {
  const std::vector<std::string> pieces = {"e",
                                           "E",
                                           "a",
                                           " ",
                                           "\n",
                                           "\xCC\x81" /*U+0301*/,
                                           "\xCC\xA3" /*U+0323*/,
                                           "\xC3\x89" /*É*/,
                                           "\xEF\xAC\x81" /*ﬁ*/,
                                           "\xC2\xAD" /*soft hyphen*/,
                                           "\xEF\xBC\x92" /*２*/,
                                           "\xE2\x80\x99" /*’*/,
                                           "\xE1\x84\x80" /*Hangul L*/,
                                           "\xE1\x85\xA1" /*Hangul V*/,
                                           "\xE6\x9D\xB1" /*東*/,
                                           "\xC3\x9F" /*ß*/,
                                           "\xE2\x84\xAA" /*Kelvin*/,
                                           "K",
                                           "1"};
  std::mt19937_64 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 12);
    for (int i = 0; i < length; ++i) text += pieces[rng() % pieces.size()];
    std::string out;
    ASSERT_TRUE(normalize_text(text, &out).ok()) << text;
    EXPECT_EQ(out, normalized_whole(text)) << text;
  }
  // Real text with curly quotes and dashes.
  const std::string seeds =
      testing::read_file(testing::bundled("seeds/seeds.jsonl"));
  EXPECT_EQ(normalized(seeds), normalized_whole(seeds));
  // Invalid UTF-8 anywhere is still an error.
  std::string out;
  EXPECT_FALSE(normalize_text("abc \xC3 def", &out).ok());
  EXPECT_FALSE(normalize_text("\xE2\x80", &out).ok());
}

TEST(NormalizeTest, AsciiIsLowerCased) {
  EXPECT_EQ(normalized("Hello, WORLD 42!"), "hello, world 42!");
}

TEST(NormalizeTest, UnicodeIsNfkcCaseFolded) {
  EXPECT_EQ(normalized("ÉCOLE"), "école");
  EXPECT_EQ(normalized("Stra\u00DFe"), "strasse");     // ß folds to ss
  EXPECT_EQ(normalized("\uFF11\uFF12\uFF13"), "123");  // full-width digits
  EXPECT_EQ(normalized("\uFB01nance"), "finance");     // fi ligature
  EXPECT_EQ(normalized("E\u0301cole"), normalized("\u00C9cole"));  // composed
}

TEST(NormalizeTest, IgnorableCodePointsAreRemoved) {
  EXPECT_EQ(normalized("co\u00ADoperate"), "cooperate");  // soft hyphen
  EXPECT_EQ(normalized("zero\u200Bwidth"), "zerowidth");  // zero-width space
}

TEST(NormalizeTest, InvalidUtf8IsCorruption) {
  std::string out;
  EXPECT_EQ(normalize_text("bad \xC3\x28 byte", &out).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(normalize_text("\xED\xA0\x80", &out).code(),  // surrogate
            StatusCode::kCorruption);
}

TEST(TokenizeTest, PunctuationAndSpacesSeparate) {
  EXPECT_EQ(tokens("  Hello,  world!\tIt's 2.5%  "),
            (Tokens{"hello", "world", "it", "s", "2", "5"}));
  EXPECT_EQ(tokens(""), Tokens{});
  EXPECT_EQ(tokens("!!! ... ---"), Tokens{});
}

TEST(TokenizeTest, UnicodeSpacesAndQuotesSeparate) {
  // No-break space, curly quotes and an em dash are separators like ASCII.
  EXPECT_EQ(tokens("\u201CFed\u201D\u00A0raises\u2014rates"),
            (Tokens{"fed", "raises", "rates"}));
  EXPECT_EQ(tokens("Fed\u00A0raises"), tokens("fed raises"));
}

TEST(TokenizeTest, UnspacedScriptsArePerCharacter) {
  EXPECT_EQ(tokens("阿里巴巴禁止"),
            (Tokens{"阿", "里", "巴", "巴", "禁", "止"}));
  EXPECT_EQ(tokens("Claudeコード"), (Tokens{"claude", "コ", "ー", "ド"}));
  EXPECT_EQ(tokens("สวัสดี").size(), 6u);  // Thai: one token per code point
}

TEST(TokenizeTest, OtherScriptsKeepWords) {
  EXPECT_EQ(tokens("Привет, мир"), (Tokens{"привет", "мир"}));
  EXPECT_EQ(tokens("naïve café"), (Tokens{"naïve", "café"}));
}

TEST(ShinglerTest, CountsFollowTheContract) {
  for (int k = 1; k <= 5; ++k) {
    TextOptions options{k};
    options.short_text_words = 0;
    Shingler shingler(options);
    std::vector<uint64_t> out;
    ASSERT_TRUE(shingler.shingle("a b c d e f g", &out).ok());
    EXPECT_EQ(out.size(), static_cast<size_t>(7 - k + 1)) << "k=" << k;
    out.clear();
    ASSERT_TRUE(shingler.shingle("only two", &out).ok());
    EXPECT_EQ(out.size(), k <= 2 ? static_cast<size_t>(2 - k + 1) : 1u);
    out.clear();
    ASSERT_TRUE(shingler.shingle(" ... ", &out).ok());
    EXPECT_TRUE(out.empty());
  }
}

// Issue 9: a templated brief is one shingle of all its tokens, so briefs
// that differ in one figure share nothing, and exact copies still match.
TEST(ShinglerTest, ShortTextsAreOneShingle) {
  const TextOptions options;  // short_text_words = 20
  Shingler shingler(options);
  std::vector<uint64_t> a, b, copy, longer;
  const std::string brief = "Qtly div 10 cts vs 10 cts prior\nPay April 13\n";
  ASSERT_TRUE(shingler.shingle(brief + "Record March 13", &a).ok());
  ASSERT_TRUE(shingler.shingle(brief + "Record March 16", &b).ok());
  ASSERT_TRUE(shingler.shingle(brief + "RECORD  March 13.", &copy).ok());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, copy);
  // 20 tokens: shingled as usual.
  ASSERT_TRUE(
      shingler.shingle("a b c d e f g h i j k l m n o p q r s t", &longer)
          .ok());
  EXPECT_EQ(longer.size(), 18u);
  // 19 tokens are one shingle: the hash of all 19 token hashes.
  longer.clear();
  ASSERT_TRUE(
      shingler.shingle("a b c d e f g h i j k l m n o p q r s", &longer).ok());
  EXPECT_EQ(longer.size(), 1u);
}

TEST(ShinglerTest, AppendsAndIsInsensitiveToCaseSpaceAndPunctuation) {
  Shingler shingler(TextOptions{3});
  std::vector<uint64_t> a, b;
  ASSERT_TRUE(shingler.shingle("The Fed raised rates, again.", &a).ok());
  ASSERT_TRUE(shingler.shingle("the   fed RAISED rates -- again", &b).ok());
  EXPECT_EQ(a, b);
  ASSERT_TRUE(shingler.shingle("x y z", &a).ok());
  EXPECT_EQ(a.size(), b.size() + 1);  // appended, not replaced
}

TEST(ShinglerTest, ShinglesDependOnOrderWithinAShingle) {
  Shingler shingler(TextOptions{2});
  std::vector<uint64_t> a, b;
  ASSERT_TRUE(shingler.shingle("red car", &a).ok());
  ASSERT_TRUE(shingler.shingle("car red", &b).ok());
  EXPECT_NE(a, b);
}

// The shingles are the specified hashes (core/FORMAT.md) of the tokens that
// tokenize() makes: token hashes in whatever order the Shingler computes
// them, for words of every XXH3 length class, with and without characters
// of unspaced scripts (a different token path).
TEST(ShinglerTest, ShinglesAreTheSpecifiedHashesOfTheTokens) {
  std::mt19937_64 rng(11);
  const std::string cjk[] = {"\u4e1c", "\u4eac", "\u65e5", "\u672c"};
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const int words = 1 + static_cast<int>(rng() % 80);
    for (int w = 0; w < words; ++w) {
      if (round % 2 == 1 && rng() % 5 == 0) {
        text += cjk[rng() % 4];
      } else {
        const size_t length = 1 + rng() % 24;
        for (size_t i = 0; i < length; ++i) text += char('a' + rng() % 26);
      }
      text += rng() % 9 == 0 ? "\n" : " ";
    }
    TextOptions options{3, /*min_line_words=*/0};
    options.short_text_words = 0;
    Shingler shingler(options);
    std::vector<uint64_t> got;
    ASSERT_TRUE(shingler.shingle(text, &got).ok());

    std::vector<uint64_t> hashes;  // little-endian bytes, as specified
    for (const std::string& token : tokens(text)) {
      uint64_t h = XXH3_64bits_withSeed(token.data(), token.size(), kTokenSeed);
      if constexpr (std::endian::native == std::endian::big) {
        h = __builtin_bswap64(h);
      }
      hashes.push_back(h);
    }
    const size_t width = std::min<size_t>(3, hashes.size());
    std::vector<uint64_t> expected;
    for (size_t i = 0; i + width <= hashes.size(); ++i) {
      expected.push_back(XXH3_64bits_withSeed(
          &hashes[i], width * sizeof(uint64_t), kShingleSeed));
    }
    ASSERT_EQ(got, expected) << text;
  }
}

TEST(ShinglerTest, RejectsInvalidUtf8) {
  Shingler shingler(TextOptions{});
  std::vector<uint64_t> out;
  EXPECT_FALSE(shingler.shingle("ok \xFF not ok", &out).ok());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace neardup

namespace neardup {
namespace {

std::string article_words(int n, const std::string& word) {
  std::string out;
  for (int i = 0; i < n; ++i) out += word + std::to_string(i) + " ";
  return out;
}

std::vector<uint64_t> shingles_of(const std::string& text, int min_line_words) {
  Shingler shingler(TextOptions{3, min_line_words});
  std::vector<uint64_t> out;
  EXPECT_TRUE(shingler.shingle(text, &out).ok());
  return out;
}

TEST(LineFilterTest, ShortLinesAroundALongArticleAreDropped) {
  const std::string body = article_words(80, "w");
  const std::string page = "Skip to main content\nHome | World | Tech\n" +
                           body +
                           "\nShare this article\n(c) 2026 Example News.";
  EXPECT_EQ(shingles_of(page, 12), shingles_of(body, 12));
  EXPECT_NE(shingles_of(page, 0), shingles_of(body, 0));
}

TEST(LineFilterTest, ShortDocumentsAndShortLineDocumentsKeepEverything) {
  // Fewer than 50 tokens would remain: nothing is dropped.
  const std::string notice =
      article_words(20, "d") + "\nPay April 30\nRecord April 15";
  EXPECT_EQ(shingles_of(notice, 12), shingles_of(notice, 0));
  // Most tokens are in short lines (a table): nothing is dropped.
  std::string table = article_words(60, "t") + "\n";
  for (int i = 0; i < 30; ++i)
    table += "row " + std::to_string(i) + " 1.5 2.5\n";
  EXPECT_EQ(shingles_of(table, 12), shingles_of(table, 0));
}

}  // namespace
}  // namespace neardup
