// The dump generator (tools/gen): determinism, sizes, the truth file, and
// that every transformation does what its kind says.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gen/generator.h"
#include "gen/ngram_text.h"
#include "gen/rng.h"
#include "gen/sites.h"
#include "gen/source_text.h"
#include "gen/transforms.h"
#include "neardup/text.h"
#include "test_util.h"

namespace neardup::gen {
namespace {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t end = text.find(sep, begin);
    if (end == std::string_view::npos) {
      parts.emplace_back(text.substr(begin));
      return parts;
    }
    parts.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (i < text.size()) {
    while (i < text.size() && space(text[i])) ++i;
    const size_t begin = i;
    while (i < text.size() && !space(text[i])) ++i;
    if (i > begin) words.emplace_back(text.substr(begin, i - begin));
  }
  return words;
}

// Word-level edit distance (insertions, deletions, substitutions).
size_t word_distance(const std::vector<std::string>& a,
                     const std::vector<std::string>& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string normalized(std::string_view text) {
  std::string out;
  EXPECT_TRUE(normalize_text(text, &out).ok());
  return out;
}

// Tokens after NFKC case-folding: what fingerprints are computed from.
std::vector<std::string> tokens(std::string_view text) {
  const std::string norm = normalized(text);
  std::vector<std::string_view> views;
  tokenize(norm, &views);
  return {views.begin(), views.end()};
}

std::string replace_all(std::string_view s, std::string_view from,
                        std::string_view to) {
  std::string out;
  size_t begin = 0;
  for (size_t p = s.find(from); p != std::string::npos;
       p = s.find(from, begin)) {
    out.append(s.substr(begin, p - begin));
    out.append(to);
    begin = p + from.size();
  }
  out.append(s.substr(begin));
  return out;
}

// The only `unicode` changes that NFKC keeps: curly quotes and dashes.
std::string straighten(std::string s) {
  constexpr std::string_view kCurly[][2] = {{"\u201c", "\""},
                                            {"\u201d", "\""},
                                            {"\u2018", "'"},
                                            {"\u2019", "'"},
                                            {"\u2013", "-"}};
  for (const auto& [from, to] : kCurly) s = replace_all(s, from, to);
  return s;
}

bool valid_utf8(std::string_view s) {
  return simdjson::validate_utf8(s.data(), s.size());
}

std::vector<Document> generate(const GenOptions& options) {
  Result<std::unique_ptr<Generator>> generator = Generator::create(options);
  EXPECT_TRUE(generator.ok()) << generator.status().to_string();
  std::vector<Document> docs;
  if (!generator.ok()) return docs;
  Document doc;
  while ((*generator)->next(&doc)) docs.push_back(doc);
  return docs;
}

// A dump with many copies of every kind, made once per test process.
const std::vector<Document>& mixed_dump() {
  static const std::vector<Document>* const docs = [] {
    GenOptions o;
    o.docs = 3000;
    o.dup_rate = 0.5;
    // At 0.35 each, a quarter of the copies have exactly one transformation.
    o.rates = {0.35, 0.35, 0.35, 0.35, 0.35, 0.35};
    return new std::vector<Document>(generate(o));
  }();
  return *docs;
}

// Article bodies of real text, to transform.
const std::vector<std::string>& bodies() {
  static const std::vector<std::string>* const result = [] {
    auto* out = new std::vector<std::string>;
    for (const Document& doc : mixed_dump()) {
      if (!doc.is_copy && out->size() < 60) out->push_back(doc.body);
    }
    return out;
  }();
  return *result;
}

TEST(GenRngTest, EngineIsTheStandardMersenneTwister) {
  // The C++ standard fixes this value ([rand.predef]), so every library
  // produces the same sequence.
  Rng rng(5489);
  uint64_t value = 0;
  for (int i = 0; i < 10000; ++i) value = rng.next();
  EXPECT_EQ(value, 9981545732273789042ULL);
}

TEST(GenRngTest, RangesStayInsideAndReachBothEnds) {
  Rng rng(mix_seed(1, 2));
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t v = rng.between(3, 9);
    ASSERT_GE(v, 3u);
    ASSERT_LE(v, 9u);
    seen.insert(v);
    ASSERT_LT(rng.below(5), 5u);
  }
  EXPECT_EQ(seen.size(), 7u);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += rng.chance(0.25);
  EXPECT_NEAR(hits, 2500, 200);
  EXPECT_FALSE(rng.chance(0.0));
  EXPECT_TRUE(rng.chance(1.0));
  EXPECT_NE(mix_seed(1, 2), mix_seed(1, 3));
  EXPECT_NE(mix_seed(1, 2), mix_seed(2, 2));
}

TEST(GenOptionsTest, ParseSizeAcceptsDecimalAndBinarySuffixes) {
  EXPECT_EQ(*parse_size("1000"), 1000u);
  EXPECT_EQ(*parse_size("1M"), 1000000u);
  EXPECT_EQ(*parse_size("500m"), 500000000u);
  EXPECT_EQ(*parse_size("2G"), 2000000000u);
  EXPECT_EQ(*parse_size("2GB"), 2000000000u);
  EXPECT_EQ(*parse_size("6K"), 6000u);
  EXPECT_EQ(*parse_size("64KiB"), 65536u);
  EXPECT_EQ(*parse_size("1MiB"), 1048576u);
  EXPECT_EQ(*parse_size("3B"), 3u);
  for (const char* bad : {"", "M", "1X", "-1", "1.5M", "1 M", "1MM", "1iB",
                          "99999999999999999999", "20000000T"}) {
    Result<uint64_t> r = parse_size(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(GenOptionsTest, ValidateNamesTheBadOption) {
  GenOptions good;
  good.docs = 10;
  EXPECT_TRUE(validate(good).ok());
  struct Case {
    const char* option;
    void (*change)(GenOptions*);
  };
  const Case cases[] = {
      {"--docs", [](GenOptions* o) { o->docs = 0; }},
      {"--bytes", [](GenOptions* o) { o->bytes = 1000; }},
      {"--dup-rate", [](GenOptions* o) { o->dup_rate = 0.9; }},
      {"--dup-rate", [](GenOptions* o) { o->dup_rate = -0.1; }},
      {"--max-copies", [](GenOptions* o) { o->max_copies = 0; }},
      {"--min-article-bytes",
       [](GenOptions* o) { o->min_article_bytes = 100; }},
      {"--max-article-bytes",
       [](GenOptions* o) { o->max_article_bytes = 1000; }},
      {"--sites", [](GenOptions* o) { o->sites = 1; }},
      {"--sites", [](GenOptions* o) { o->sites = kMaxSites + 1; }},
      {"--window", [](GenOptions* o) { o->copy_window = 0; }},
      {"--id-prefix", [](GenOptions* o) { o->id_prefix = "a\tb"; }},
      {"--text-field", [](GenOptions* o) { o->text_field = "text"; }},
      {"--edit-rate", [](GenOptions* o) { o->rates.edit = 1.5; }},
      {"--case-rate", [](GenOptions* o) { o->rates.case_and_space = -1; }},
  };
  for (const Case& c : cases) {
    GenOptions o = good;
    c.change(&o);
    const Status s = validate(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.option;
    EXPECT_NE(s.message().find(c.option), std::string::npos) << s.message();
  }
  // More copies per original allow a higher rate.
  GenOptions many = good;
  many.dup_rate = 0.9;
  many.max_copies = 20;
  EXPECT_TRUE(validate(many).ok());
}

TEST(GenTransformsTest, KindNamesFollowTheFixedOrder) {
  EXPECT_EQ(kind_name(false, 0), "original");
  EXPECT_EQ(kind_name(true, 0), "exact");
  EXPECT_EQ(kind_name(true, kCase | kBoilerplate | kEdit),
            "boilerplate+edit+case");
  EXPECT_EQ(kind_name(true, kUnicode | kReorder | kTruncate),
            "truncate+reorder+unicode");
}

TEST(GenSourceTextTest, CutPointPrefersSentencesThenWordsNeverSplitsAChar) {
  const std::string text = "One two. Three four five six seven.";
  EXPECT_EQ(cut_point(text, 20, 0, 0), 8u);     // after "two."
  EXPECT_EQ(cut_point(text, 20, 10, 10), 19u);  // after "five"
  EXPECT_EQ(cut_point(text, 100, 0, 0), text.size());
  const std::string wide = "\u00e9\u00e9\u00e9\u00e9";  // 2 bytes each
  EXPECT_EQ(cut_point(wide, 5, 5, 5), 4u);
}

TEST(GenSourceTextTest, SkipsRepeatsAndShortTextsAndBoundsPassages) {
  std::string long_text;
  for (int p = 0; p < 12; ++p) {
    for (int w = 0; w < 30; ++w) {
      long_text += 'w';
      long_text += std::to_string(p * 100 + w);
      long_text += w == 29 ? "." : " ";
    }
    long_text += '\n';
  }
  const std::string short_text = "Too short to be an article.";
  // The same words in another case and spacing: a re-send.
  std::string resend = long_text;
  for (char& c : resend) c = c == 'w' ? 'W' : c;
  std::unique_ptr<SourceText> source = SourceText::from_texts(
      {long_text, short_text, resend, "  \n\n"}, /*passage_bytes=*/600);
  EXPECT_EQ(source->stats().texts, 1u);
  EXPECT_EQ(source->stats().duplicate_texts, 1u);
  EXPECT_EQ(source->stats().short_texts, 2u);
  ASSERT_GT(source->passages(), 3u);
  std::string joined;
  for (size_t i = 0; i < source->passages(); ++i) {
    EXPECT_LE(source->passage(i).size(), 600u);
    EXPECT_NE(source->passage(i).front(), '\n');
    if (!joined.empty()) joined += '\n';
    joined += source->passage(i);
  }
  EXPECT_EQ(joined + "\n", long_text);
}

TEST(GenSourceTextTest, ArticlesFollowTheSourceThenNewMixesOfIt) {
  // 1000 texts of 6 paragraphs of unique words, "t<text>p<paragraph>w<word>":
  // about 3000 passages of two paragraphs.
  std::vector<std::string> texts;
  for (int t = 0; t < 1000; ++t) {
    std::string text;
    for (int p = 0; p < 6; ++p) {
      for (int w = 0; w < 40; ++w) {
        char word[32];
        std::snprintf(word, sizeof(word), "t%dp%dw%d%s", t, p, w,
                      w == 39 ? ".\n" : " ");
        text += word;
      }
    }
    texts.push_back(text);
  }
  std::unique_ptr<SourceText> source = SourceText::from_texts(texts, 1000);
  ASSERT_GT(source->passages(), 2900u);
  ArticleStream articles(source.get(), 7);
  Rng rng(8);
  std::vector<std::vector<std::string>> paragraphs;
  std::vector<uint64_t> pass;
  std::string body;
  while (articles.wraps() < 3) {
    pass.push_back(articles.wraps());
    articles.next(rng, 2000, 6000, &body);
    ASSERT_GE(body.size(), 2000u);
    ASSERT_LE(body.size(), 6000u);
    paragraphs.push_back(split(body, '\n'));
  }
  // The first pass reads the source in order (from some start, wrapping at
  // its end): within an article, each paragraph follows the previous one.
  auto position = [](const std::string& paragraph) {
    const size_t p = paragraph.find('p');
    return std::stoi(paragraph.substr(1, p - 1)) * 6 +
           std::stoi(paragraph.substr(p + 1));
  };
  // Steps from one paragraph to the next that follow the source, per pass.
  size_t follows[2] = {0, 0}, steps[2] = {0, 0};
  for (size_t a = 0; a < paragraphs.size(); ++a) {
    const int later = pass[a] == 0 ? 0 : 1;
    for (size_t i = 1; i < paragraphs[a].size(); ++i) {
      follows[later] +=
          position(paragraphs[a][i]) == position(paragraphs[a][i - 1]) + 1;
      ++steps[later];
    }
  }
  EXPECT_GT(follows[0], steps[0] * 9 / 10);
  // Later passes mix passages: only steps within a passage (two paragraphs)
  // follow the source.
  EXPECT_LT(follows[1], steps[1] * 3 / 4);
  std::map<std::string, std::vector<uint32_t>> articles_with;
  for (size_t a = 0; a < paragraphs.size(); ++a) {
    for (const std::string& p : paragraphs[a]) {
      articles_with[p].push_back(static_cast<uint32_t>(a));
    }
  }
  std::map<std::pair<uint32_t, uint32_t>, size_t> shared;
  for (const auto& [paragraph, list] : articles_with) {
    for (size_t i = 0; i < list.size(); ++i) {
      for (size_t j = i + 1; j < list.size(); ++j) {
        if (list[i] != list[j]) ++shared[{list[i], list[j]}];
      }
    }
  }
  for (const auto& [pair, count] : shared) {
    const size_t smaller =
        std::min(paragraphs[pair.first].size(), paragraphs[pair.second].size());
    EXPECT_LT(count, smaller)
        << "articles " << pair.first << " and " << pair.second;
  }
}

TEST(GenTransformsTest, TruncateKeepsAPrefixOfSixtyToNinetyPercent) {
  Rng rng(1);
  for (const std::string& body : bodies()) {
    std::string copy = body;
    ASSERT_TRUE(truncate_article(rng, &copy));
    EXPECT_EQ(body.compare(0, copy.size(), copy), 0);
    const double kept = static_cast<double>(copy.size()) / body.size();
    EXPECT_GE(kept, 0.55);
    EXPECT_LE(kept, 0.9);
  }
}

TEST(GenTransformsTest, ReorderSwapsParagraphs) {
  Rng rng(2);
  for (const std::string& body : bodies()) {
    std::string copy = body;
    ASSERT_TRUE(reorder_paragraphs(rng, &copy));
    EXPECT_NE(copy, body);
    std::vector<std::string> a = split(body, '\n');
    std::vector<std::string> b = split(copy, '\n');
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
  }
  std::string one = "A single paragraph.";
  EXPECT_FALSE(reorder_paragraphs(rng, &one));
  EXPECT_EQ(one, "A single paragraph.");
}

TEST(GenTransformsTest, EditChangesOneToThreePercentOfWords) {
  Rng rng(3);
  for (const std::string& body : bodies()) {
    std::string copy = body;
    ASSERT_TRUE(edit_words(rng, &copy));
    const std::vector<std::string> before = words_of(body);
    const size_t distance = word_distance(before, words_of(copy));
    EXPECT_GE(distance, 1u);
    EXPECT_LE(distance, std::max<size_t>(1, before.size() * 3 / 100));
    EXPECT_EQ(split(copy, '\n').size(), split(body, '\n').size());
    EXPECT_TRUE(valid_utf8(copy));
  }
}

TEST(GenTransformsTest, CaseChangesOnlyCaseAndWhitespace) {
  Rng rng(4);
  for (const std::string& body : bodies()) {
    std::string copy = body;
    ASSERT_TRUE(change_case(rng, &copy));
    EXPECT_NE(copy, body);
    EXPECT_EQ(tokens(copy), tokens(body));
  }
}

TEST(GenTransformsTest, UnicodeVariantsVanishUnderNfkcCaseFolding) {
  Rng rng(5);
  size_t non_ascii = 0;
  for (const std::string& body : bodies()) {
    std::string copy = body;
    ASSERT_TRUE(unicode_variants(rng, &copy));
    EXPECT_NE(copy, body);
    EXPECT_TRUE(valid_utf8(copy));
    non_ascii += static_cast<size_t>(std::count_if(
        copy.begin(), copy.end(), [](char c) { return (c & 0x80) != 0; }));
    EXPECT_EQ(straighten(normalized(copy)), straighten(normalized(body)));
    EXPECT_EQ(tokens(copy), tokens(body));
  }
  EXPECT_GT(non_ascii, 20 * bodies().size());
}

TEST(GenSitesTest, SitesAreDistinctAndTheirLinesRecur) {
  SiteCatalog sites(11, 64);
  std::set<std::string> names;
  for (uint32_t s = 0; s < sites.size(); ++s) names.insert(sites.name(s));
  EXPECT_EQ(names.size(), 64u);
  Rng rng(12);
  // Two pages of a site share their fixed lines; pages of two sites differ.
  const Page a = sites.page(5, rng, nullptr);
  const Page b = sites.page(5, rng, nullptr);
  const Page c = sites.page(6, rng, nullptr);
  EXPECT_EQ(a.header.back(), '\n');
  EXPECT_EQ(a.footer.front(), '\n');
  EXPECT_NE(a.footer.find(split(b.footer, '\n').back()), std::string::npos);
  EXPECT_NE(a.header + a.footer, c.header + c.footer);
  const Page credited = sites.page(5, rng, &sites.name(9));
  EXPECT_NE((credited.header + credited.footer).find(sites.name(9)),
            std::string::npos);
}

TEST(GenDumpTest, EveryLineIsJsonWithTheDocumentsIdAndText) {
  simdjson::ondemand::parser parser;
  for (const Document& doc : mixed_dump()) {
    ASSERT_EQ(doc.line.back(), '\n');
    ASSERT_EQ(std::count(doc.line.begin(), doc.line.end(), '\n'), 1);
    simdjson::padded_string padded(doc.line);
    simdjson::ondemand::document json;
    std::string_view id, text;
    ASSERT_FALSE(parser.iterate(padded).get(json)) << doc.line;
    ASSERT_FALSE(json["id"].get_string().get(id)) << doc.line;
    ASSERT_FALSE(json["text"].get_string().get(text)) << doc.line;
    EXPECT_EQ(id, doc.id);
    EXPECT_EQ(text, doc.text());
    ASSERT_TRUE(valid_utf8(text));
  }
}

TEST(GenDumpTest, GroupsAndKindsAreConsistent) {
  const std::vector<Document>& docs = mixed_dump();
  ASSERT_EQ(docs.size(), 3000u);
  size_t copies = 0;
  std::set<std::string> ids;
  for (size_t i = 0; i < docs.size(); ++i) {
    const Document& doc = docs[i];
    EXPECT_EQ(doc.index, i);
    EXPECT_TRUE(ids.insert(doc.id).second) << doc.id;
    if (!doc.is_copy) {
      EXPECT_EQ(doc.group, doc.id);
      EXPECT_EQ(doc.kind, "original");
      continue;
    }
    ++copies;
    ASSERT_LT(doc.group_index, i);
    const Document& original = docs[doc.group_index];
    EXPECT_FALSE(original.is_copy) << doc.id;
    EXPECT_EQ(doc.group, original.id);
    EXPECT_NE(doc.transforms, 0u);
    EXPECT_EQ(doc.kind, kind_name(true, doc.transforms));
    EXPECT_NE(doc.text(), original.text());
  }
  EXPECT_NEAR(static_cast<double>(copies) / docs.size(), 0.5, 0.04);
}

TEST(GenDumpTest, OriginalsAreTwoToSixKilobytesSpreadOverTheRange) {
  size_t low = 0, high = 0, originals = 0;
  for (const Document& doc : mixed_dump()) {
    if (doc.is_copy) continue;
    ++originals;
    ASSERT_GE(doc.body.size(), 2000u);
    ASSERT_LE(doc.body.size(), 6000u);
    low += doc.body.size() < 3333;
    high += doc.body.size() > 4667;
  }
  EXPECT_GT(low, originals / 5);
  EXPECT_GT(high, originals / 5);
}

TEST(GenDumpTest, EachSingleTransformationDoesWhatItsKindSays) {
  const std::vector<Document>& docs = mixed_dump();
  std::map<std::string, int> checked;
  for (const Document& doc : docs) {
    if (!doc.is_copy) continue;
    const Document& original = docs[doc.group_index];
    SCOPED_TRACE(doc.id + " (" + doc.kind + ") of " + original.id);
    if ((doc.transforms & kBoilerplate) != 0) {
      EXPECT_NE(doc.site, original.site);
      EXPECT_NE(doc.header + doc.footer, original.header + original.footer);
    } else {
      EXPECT_EQ(doc.site, original.site);
      EXPECT_EQ(doc.header, original.header);
      EXPECT_EQ(doc.footer, original.footer);
    }
    if ((doc.transforms & (doc.transforms - 1)) != 0) continue;  // several
    ++checked[doc.kind];
    const std::string& body = doc.body;
    switch (doc.transforms) {
      case kBoilerplate:
        EXPECT_EQ(body, original.body);
        for (const std::string& line : split(original.body, '\n')) {
          EXPECT_NE(doc.text().find("\n" + line + "\n"), std::string::npos);
        }
        break;
      case kEdit: {
        const std::vector<std::string> before = words_of(original.body);
        const size_t distance = word_distance(before, words_of(body));
        EXPECT_GE(distance, 1u);
        EXPECT_LE(distance, std::max<size_t>(1, before.size() * 3 / 100));
        break;
      }
      case kTruncate:
        EXPECT_LT(body.size(), original.body.size() * 9 / 10 + 1);
        EXPECT_EQ(original.body.compare(0, body.size(), body), 0);
        break;
      case kReorder: {
        std::vector<std::string> a = split(original.body, '\n');
        std::vector<std::string> b = split(body, '\n');
        EXPECT_NE(a, b);
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        EXPECT_EQ(a, b);
        break;
      }
      case kUnicode:
        EXPECT_NE(body, original.body);
        EXPECT_EQ(straighten(normalized(body)),
                  straighten(normalized(original.body)));
        break;
      case kCase:
        EXPECT_NE(body, original.body);
        EXPECT_EQ(tokens(body), tokens(original.body));
        break;
      default:
        ADD_FAILURE() << "unexpected kind";
    }
  }
  for (const char* kind :
       {"boilerplate", "edit", "truncate", "reorder", "unicode", "case"}) {
    EXPECT_GE(checked[kind], 20) << kind;
  }
}

TEST(GenDumpTest, BoilerplateRecursAcrossManySites) {
  std::set<uint32_t> sites;
  std::map<std::string, int> footer_lines;
  for (const Document& doc : mixed_dump()) {
    sites.insert(doc.site);
    for (const std::string& line : split(doc.footer.substr(1), '\n')) {
      ++footer_lines[line];
    }
  }
  EXPECT_EQ(sites.size(), 64u);
  int recurring = 0;  // lines on at least 20 pages
  for (const auto& [line, count] : footer_lines) recurring += count >= 20;
  EXPECT_GE(recurring, 50);
}

TEST(GenDumpTest, SameSeedSameBytesOtherSeedOtherBytes) {
  testing::TempDir dir;
  GenOptions o;
  o.docs = 300;
  ASSERT_TRUE(write_dump(o, dir.file("a.jsonl"), dir.file("a.tsv")).ok());
  ASSERT_TRUE(write_dump(o, dir.file("b.jsonl.zst"), dir.file("b.tsv")).ok());
  o.seed = 2;
  ASSERT_TRUE(write_dump(o, dir.file("c.jsonl"), dir.file("c.tsv")).ok());
  const std::string a = testing::read_file(dir.file("a.jsonl"));
  EXPECT_EQ(a, testing::zstd_decompress_file(dir.file("b.jsonl.zst")));
  EXPECT_EQ(testing::read_file(dir.file("a.tsv")),
            testing::read_file(dir.file("b.tsv")));
  EXPECT_NE(a, testing::read_file(dir.file("c.jsonl")));
  // Pinned, so that a change of the generator (or of the machine's library)
  // is noticed: dumps made before and after a change are not comparable.
  EXPECT_EQ(XXH3_64bits(a.data(), a.size()), 0xc2b57fbe7f19106eULL)
      << "generator output changed; if intended, update this hash and say "
         "so in the commit (benchmark dumps change too)";
}

TEST(GenDumpTest, TruthFileCoversEveryIdOnceInOrder) {
  testing::TempDir dir;
  GenOptions o;
  o.docs = 500;
  o.dup_rate = 0.3;
  Result<GenStats> stats =
      write_dump(o, dir.file("d.jsonl"), dir.file("t.tsv"));
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  const std::vector<std::string> dump =
      testing::read_lines(dir.file("d.jsonl"));
  const std::vector<std::string> truth = testing::read_lines(dir.file("t.tsv"));
  ASSERT_EQ(dump.size(), 500u);
  ASSERT_EQ(truth.size(), 501u);
  EXPECT_EQ(truth[0], "id\tgroup\tkind");
  std::map<std::string, std::string> kind_of;
  uint64_t copies = 0;
  for (size_t i = 1; i < truth.size(); ++i) {
    const std::vector<std::string> f = split(truth[i], '\t');
    ASSERT_EQ(f.size(), 3u) << truth[i];
    EXPECT_EQ(dump[i - 1].substr(0, 9 + f[0].size()),
              "{\"id\": \"" + f[0] + "\"");
    ASSERT_TRUE(kind_of.emplace(f[0], f[2]).second) << "twice: " << f[0];
    if (f[2] == "original") {
      EXPECT_EQ(f[1], f[0]);
    } else {
      ++copies;
      ASSERT_TRUE(kind_of.count(f[1])) << "group " << f[1] << " not earlier";
      EXPECT_EQ(kind_of[f[1]], "original");
    }
  }
  EXPECT_EQ(stats->docs, 500u);
  EXPECT_EQ(stats->copies, copies);
  EXPECT_EQ(stats->originals + stats->copies, stats->docs);
  EXPECT_EQ(stats->bytes, testing::read_file(dir.file("d.jsonl")).size());
}

TEST(GenDumpTest, BytesStopsWithinOneDocumentOfTheSize) {
  testing::TempDir dir;
  GenOptions o;
  o.bytes = 1000000;
  Result<GenStats> stats = write_dump(o, dir.file("d.jsonl.gz"), "");
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_GE(stats->bytes, 1000000u);
  EXPECT_LT(stats->bytes, 1000000u + 8000);
  // Compressed by its extension.
  const std::string gz = testing::read_file(dir.file("d.jsonl.gz"));
  ASSERT_GT(gz.size(), 2u);
  EXPECT_EQ(gz.substr(0, 2), "\x1f\x8b");
  EXPECT_LT(gz.size(), stats->bytes / 2);
}

TEST(GenDumpTest, OriginalsStayApartAfterTheSourceWrapsAround) {
  // 2000 Reuters texts (about 1.4 MB) for 1000 originals of 4 KB: the source
  // wraps around, and no two originals may be near-duplicates (word 5-gram
  // Jaccard >= 0.5, the README's test for a false merge).
  testing::TempDir dir;
  const std::string reuters = testing::zstd_decompress_file(default_source());
  size_t end = 0;
  for (int line = 0; line < 2000; ++line) end = reuters.find('\n', end) + 1;
  testing::write_file(dir.file("part.jsonl"), reuters.substr(0, end));
  GenOptions o;
  o.docs = 1000;
  o.dup_rate = 0;
  o.sources = {dir.file("part.jsonl")};
  Result<std::unique_ptr<Generator>> generator = Generator::create(o);
  ASSERT_TRUE(generator.ok()) << generator.status().to_string();
  TextOptions text_options;
  text_options.shingle_words = 5;
  text_options.min_line_words = 0;
  Shingler shingler(text_options);
  std::vector<size_t> sizes;
  std::map<uint64_t, std::vector<uint32_t>> docs_with;
  Document doc;
  std::vector<uint64_t> s;
  while ((*generator)->next(&doc)) {
    s.clear();
    ASSERT_TRUE(shingler.shingle(doc.body, &s).ok());
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    for (uint64_t h : s)
      docs_with[h].push_back(static_cast<uint32_t>(doc.index));
    sizes.push_back(s.size());
  }
  EXPECT_GE((*generator)->stats().source_wraps, 2u);
  std::map<std::pair<uint32_t, uint32_t>, size_t> common;
  for (const auto& [hash, list] : docs_with) {
    for (size_t i = 0; i < list.size(); ++i) {
      for (size_t j = i + 1; j < list.size(); ++j) ++common[{list[i], list[j]}];
    }
  }
  size_t sharing = 0;
  for (const auto& [pair, count] : common) {
    const size_t united = sizes[pair.first] + sizes[pair.second] - count;
    EXPECT_LT(2 * count, united)
        << "originals " << pair.first << " and " << pair.second;
    sharing += 4 * count >= united;
  }
  // Some pairs share a passage, fewer than 1 in 1000 of all pairs a quarter.
  EXPECT_LT(sharing, 500u);
}

TEST(GenNgramTextTest, WalksTheSourcesWordPairsDeterministically) {
  std::vector<std::string> texts;
  for (int t = 0; t < 40; ++t) {
    std::string text;
    for (int p = 0; p < 3; ++p) {
      for (int w = 0; w < 30; ++w) {
        // Not "w" + ...: GCC 12 warns (-Wrestrict) on that insert.
        text += 'w';
        text += std::to_string((t * 7 + p * 13 + w * w) % 97) + " ";
      }
      text += "end" + std::to_string(t % 5) + ".\n";
    }
    texts.push_back(text);
  }
  const std::unique_ptr<SourceText> source = SourceText::from_texts(texts, 400);
  std::set<std::pair<std::string, std::string>> bigrams;
  for (size_t i = 0; i < source->passages(); ++i) {
    for (const std::string& paragraph : split(source->passage(i), '\n')) {
      const std::vector<std::string> w = words_of(paragraph);
      for (size_t j = 1; j < w.size(); ++j) bigrams.insert({w[j - 1], w[j]});
    }
  }
  const NgramText model(*source);
  Rng rng(7), again(7);
  std::string body, body_again;
  for (int article = 0; article < 200; ++article) {
    model.next(rng, 300, 900, &body);
    model.next(again, 300, 900, &body_again);
    ASSERT_EQ(body, body_again);
    EXPECT_LE(body.size(), 900u);
    EXPECT_GE(body.size() + 8, 300u) << body;
    for (const std::string& paragraph : split(body, '\n')) {
      const std::vector<std::string> w = words_of(paragraph);
      ASSERT_FALSE(w.empty()) << body;
      for (size_t j = 1; j < w.size(); ++j) {
        EXPECT_EQ(bigrams.count({w[j - 1], w[j]}), 1u)
            << w[j - 1] << " " << w[j];
      }
    }
  }
}

// Originals from the trigram model share common phrases but no passages:
// few of their 8-word shingles recur in another original, against many for
// passages reused after the source wrapped around.
TEST(GenDumpTest, NgramOriginalsRepeatNoPassages) {
  testing::TempDir dir;
  const std::string reuters = testing::zstd_decompress_file(default_source());
  size_t end = 0;
  for (int line = 0; line < 2000; ++line) end = reuters.find('\n', end) + 1;
  testing::write_file(dir.file("part.jsonl"), reuters.substr(0, end));
  TextOptions text_options;
  text_options.shingle_words = 8;
  text_options.min_line_words = 0;
  double recurring[2];
  for (TextModel model : {TextModel::kPassages, TextModel::kNgram}) {
    GenOptions o;
    o.docs = 1000;
    o.dup_rate = 0;
    o.sources = {dir.file("part.jsonl")};
    o.text_model = model;
    Result<std::unique_ptr<Generator>> generator = Generator::create(o);
    ASSERT_TRUE(generator.ok()) << generator.status().to_string();
    Shingler shingler(text_options);
    std::map<uint64_t, int> originals_with;
    std::vector<uint64_t> s;
    Document doc;
    while ((*generator)->next(&doc)) {
      s.clear();
      ASSERT_TRUE(shingler.shingle(doc.body, &s).ok());
      std::sort(s.begin(), s.end());
      s.erase(std::unique(s.begin(), s.end()), s.end());
      for (uint64_t h : s) ++originals_with[h];
    }
    size_t shared = 0;
    for (const auto& [hash, count] : originals_with) shared += count > 1;
    recurring[static_cast<int>(model)] =
        static_cast<double>(shared) / originals_with.size();
  }
  EXPECT_GT(recurring[0], 0.3);
  EXPECT_LT(recurring[1], 0.02);
}

TEST(GenErrorsTest, SourcesThatCannotBeUsedAreNamed) {
  testing::TempDir dir;
  GenOptions o;
  o.docs = 10;
  o.sources = {dir.file("absent.jsonl")};
  Result<GenStats> missing = write_dump(o, dir.file("out.jsonl"), "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir.file("absent.jsonl")),
            std::string::npos);
  // No output is left behind, not even a temporary file.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  testing::write_file(dir.file("notext.jsonl"), "{\"body\": \"words\"}\n");
  o.sources = {dir.file("notext.jsonl")};
  Result<GenStats> no_text = write_dump(o, dir.file("out.jsonl"), "");
  ASSERT_FALSE(no_text.ok());
  EXPECT_EQ(no_text.status().code(), StatusCode::kCorruption);
  EXPECT_NE(no_text.status().message().find("notext.jsonl"), std::string::npos);

  testing::write_file(
      dir.file("tiny.jsonl"),
      "{\"text\": \"" + std::string(40, 'a') +
          " one two three four five six seven eight nine ten eleven twelve "
          "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
          "twenty twenty-one twenty-two twenty-three twenty-four\"}\n");
  o.sources = {dir.file("tiny.jsonl")};
  Result<GenStats> tiny = write_dump(o, dir.file("out.jsonl"), "");
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(tiny.status().message().find("tiny.jsonl"), std::string::npos);

  o.sources = {};
  Result<GenStats> unwritable = write_dump(o, "/nonexistent-dir/out.jsonl", "");
  ASSERT_FALSE(unwritable.ok());
  EXPECT_EQ(unwritable.status().code(), StatusCode::kIOError);
  EXPECT_NE(unwritable.status().message().find("/nonexistent-dir/out.jsonl"),
            std::string::npos);
}

TEST(GenErrorsTest, OtherCorporaCanBeTheSource) {
  const std::string shared = testing::shared_datasets();
  if (shared.empty()) GTEST_SKIP() << "no ../shared/datasets";
  GenOptions o;
  o.docs = 200;
  o.sources = {shared + "/bbc_fulltext/bbc_fulltext.jsonl"};
  Result<std::unique_ptr<Generator>> generator = Generator::create(o);
  ASSERT_TRUE(generator.ok()) << generator.status().to_string();
  Document doc;
  ASSERT_TRUE((*generator)->next(&doc));
  EXPECT_GT((*generator)->stats().source.texts, 2000u);
}

}  // namespace
}  // namespace neardup::gen
