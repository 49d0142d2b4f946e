// Golden fingerprints: the persisted format must not drift. On an intended
// format change, bump core/FORMAT.md's version and regenerate with
//   NEARDUP_REGEN_GOLDEN=1 ./build/tests/golden_test

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "neardup/fingerprint.h"
#include "neardup/index.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/sketch.h"
#include "neardup/text.h"
#include "test_util.h"

namespace neardup {
namespace {

const std::vector<std::pair<std::string, std::string>>& cases() {
  static const std::vector<std::pair<std::string, std::string>> kCases = {
      {"empty", ""},
      {"one_word", "Reuters"},
      {"ascii_sentence",
       "The Bank of England said it provided the money market with 310 mln "
       "stg assistance in the afternoon session."},
      {"case_and_punct",
       "THE BANK OF ENGLAND SAID IT PROVIDED THE MONEY MARKET -- WITH 310 MLN "
       "STG ASSISTANCE IN THE AFTERNOON SESSION!"},
      {"unicode_variants",
       "\u201CCaf\u00E9\u201D\u00A0co\u00ADoperation \uFF11\uFF19\uFF18\uFF17 "
       "Stra\u00DFe \uFB01nance"},
      {"cjk", "阿里巴巴禁止员工使用Claude Code编程工具"},
      {"cyrillic", "Центральный банк России сохранил ключевую ставку"},
      {"boilerplate_lines",
       "Skip to main content\nHome | World | Business\n"
       "The Bank of England said it provided the money market with 310 mln "
       "stg assistance in the afternoon session, taking the total help so "
       "far today to 450 mln stg, compared with a revised shortage forecast "
       "of around 700 mln stg. The central bank bought bills outright from "
       "the discount houses at established dealing rates, it said in a "
       "statement released in London on Tuesday afternoon.\n"
       "Share this article\n(c) 2026 Example News. All rights reserved."},
  };
  return kCases;
}

std::string golden_path() {
  return std::string(NEARDUP_SOURCE_DIR) + "/tests/golden/fingerprints.tsv";
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(v));
  return buf;
}

// name \t shingle_words \t min_line_words \t simhash64 \t first shingle hash
std::string compute_table() {
  std::string out =
      "# case\tshingle_words\tmin_line_words\tsimhash64\tfirst_shingle\n";
  for (const auto& [name, text] : cases()) {
    for (int k = 1; k <= 5; ++k) {
      for (int min_line_words : {0, 12}) {
        Shingler shingler(TextOptions{k, min_line_words});
        std::vector<uint64_t> shingles;
        EXPECT_TRUE(shingler.shingle(text, &shingles).ok());
        out += name + "\t" + std::to_string(k) + "\t" +
               std::to_string(min_line_words) + "\t" +
               hex(simhash64(shingles)) + "\t" +
               (shingles.empty() ? std::string("-") : hex(shingles[0])) + "\n";
      }
    }
  }
  return out;
}

std::string minhash_golden_path() {
  return std::string(NEARDUP_SOURCE_DIR) + "/tests/golden/minhash.tsv";
}

// name \t signature_length \t 8-bit signature \t band checks \t key of
// band 0, for the default text options and the bands and rows of the
// default threshold, as the Sketcher (and so dedup) computes them.
std::string compute_minhash_table() {
  std::string out =
      "# case\tsignature_length\tsignature\tband_checks\tband0_key\n";
  for (const auto& [name, text] : cases()) {
    for (int length : {16, 128}) {
      DedupOptions options;
      options.minhash.signature_length = length;
      Result<std::unique_ptr<Sketcher>> sketcher = Sketcher::Create(options);
      EXPECT_TRUE(sketcher.ok());
      Sketch sketch;
      EXPECT_TRUE((*sketcher)->sketch(text, &sketch).ok());
      auto hex_bytes = [](const std::vector<uint8_t>& v) {
        std::string bytes;
        for (uint8_t b : v) {
          char buf[3];
          std::snprintf(buf, sizeof(buf), "%02x", b);
          bytes += buf;
        }
        return bytes;
      };
      const int rows = choose_lsh_params(options.minhash).rows;
      out += name + "\t" + std::to_string(length) + "\t" +
             hex_bytes(sketch.signature) + "\t" +
             hex_bytes(sketch.band_checks) + "\t" +
             hex(band_key(sketch.signature, sketch.band_checks, 0, rows)) +
             "\n";
    }
  }
  return out;
}

TEST(GoldenTest, MinHashSignaturesMatchTheRecordedFormat) {
  const std::string actual = compute_minhash_table();
  if (std::getenv("NEARDUP_REGEN_GOLDEN") != nullptr) {
    testing::write_file(minhash_golden_path(), actual);
    GTEST_SKIP() << "regenerated " << minhash_golden_path();
  }
  const std::string expected = testing::read_file(minhash_golden_path());
  ASSERT_FALSE(expected.empty()) << "missing " << minhash_golden_path();
  EXPECT_EQ(actual, expected)
      << "MinHash signatures or band keys changed: see core/FORMAT.md";
}

TEST(GoldenTest, FingerprintsMatchTheRecordedFormat) {
  const std::string actual = compute_table();
  if (std::getenv("NEARDUP_REGEN_GOLDEN") != nullptr) {
    testing::write_file(golden_path(), actual);
    GTEST_SKIP() << "regenerated " << golden_path();
  }
  const std::string expected = testing::read_file(golden_path());
  ASSERT_FALSE(expected.empty()) << "missing " << golden_path();
  std::istringstream want(expected), got(actual);
  std::string w, g;
  while (std::getline(want, w)) {
    ASSERT_TRUE(std::getline(got, g));
    EXPECT_EQ(g, w) << "format change: bump core/FORMAT.md version, then run "
                       "NEARDUP_REGEN_GOLDEN=1 ./build/tests/golden_test";
  }
  EXPECT_FALSE(std::getline(got, g)) << "extra line: " << g;
}

TEST(GoldenTest, TokenHashIsXxh3OfTheToken) {
  // One-word text with k = 1: the shingle hash is XXH3-64 (seed kShingleSeed)
  // of the token's XXH3-64 (seed kTokenSeed) as 8 little-endian bytes. This
  // pins the construction, not only its output.
  Shingler a(TextOptions{1, 0});
  std::vector<uint64_t> one, two;
  ASSERT_TRUE(a.shingle("Reuters", &one).ok());
  ASSERT_TRUE(a.shingle("reuters!!", &two).ok());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one, two);
  EXPECT_EQ(simhash64(one), one[0]);
}

// ---- Saved indexes (core/FORMAT.md section 10) ----

std::string index_golden_dir(Algorithm algorithm) {
  return std::string(NEARDUP_SOURCE_DIR) + "/tests/golden/index/" +
         std::string(algorithm_name(algorithm));
}

// The cases' sketches, the first half from source "crawl-1", the rest from
// "crawl-2", saved in two runs.
void save_case_index(Algorithm algorithm, const std::string& dir) {
  DedupOptions options;
  options.algorithm = algorithm;
  Result<std::unique_ptr<Index>> index = Index::Create(options);
  ASSERT_TRUE(index.ok());
  Result<std::unique_ptr<Sketcher>> sketcher = Sketcher::Create(options);
  ASSERT_TRUE(sketcher.ok());
  const size_t half = cases().size() / 2;
  for (size_t i = 0; i < cases().size(); ++i) {
    Sketch sketch;
    ASSERT_TRUE((*sketcher)->sketch(cases()[i].second, &sketch).ok());
    ASSERT_TRUE(
        (*index)
            ->add(cases()[i].first, i < half ? "crawl-1" : "crawl-2", sketch)
            .ok());
    if (i + 1 == half) {
      ASSERT_TRUE((*index)->save(dir).ok());
    }
  }
  ASSERT_TRUE((*index)->save().ok());
}

TEST(GoldenTest, SavedIndexesMatchTheRecordedFormat) {
  for (Algorithm algorithm : {Algorithm::kMinHash, Algorithm::kSimHash}) {
    const std::string golden = index_golden_dir(algorithm);
    testing::TempDir tmp;
    const std::string dir = tmp.file("index");
    save_case_index(algorithm, dir);
    for (const char* name : {"MANIFEST", "run-000001.ndr", "run-000002.ndr"}) {
      const std::string actual = testing::read_file(dir + "/" + name);
      ASSERT_FALSE(actual.empty()) << name;
      if (std::getenv("NEARDUP_REGEN_GOLDEN") != nullptr) {
        std::filesystem::create_directories(golden);
        testing::write_file(golden + "/" + name, actual);
        continue;
      }
      EXPECT_EQ(actual, testing::read_file(golden + "/" + name))
          << golden << "/" << name
          << " changed: a format change needs a new version in FORMAT.md; "
             "then NEARDUP_REGEN_GOLDEN=1 ./build/tests/golden_test";
    }
  }
}

// The recorded files open and answer: each case finds itself.
TEST(GoldenTest, RecordedIndexesOpenAndAnswer) {
  for (Algorithm algorithm : {Algorithm::kMinHash, Algorithm::kSimHash}) {
    DedupOptions options;
    options.algorithm = algorithm;
    Result<std::unique_ptr<Index>> index =
        Index::Open(index_golden_dir(algorithm), &options);
    ASSERT_TRUE(index.ok()) << index.status().to_string();
    ASSERT_EQ((*index)->size(), cases().size());
    Result<std::unique_ptr<Sketcher>> sketcher = Sketcher::Create(options);
    ASSERT_TRUE(sketcher.ok());
    for (size_t i = 0; i < cases().size(); ++i) {
      Sketch sketch;
      ASSERT_TRUE((*sketcher)->sketch(cases()[i].second, &sketch).ok());
      std::vector<IndexMatch> matches;
      ASSERT_TRUE((*index)->query(sketch, &matches).ok());
      if (sketch.empty) {
        EXPECT_TRUE(matches.empty());
        continue;
      }
      ASSERT_FALSE(matches.empty()) << cases()[i].first;
      // Itself, or an earlier case with an equal sketch.
      EXPECT_EQ(matches[0].distance, 0);
      EXPECT_LE(matches[0].entry, i);
      EXPECT_TRUE(
          std::any_of(matches.begin(), matches.end(),
                      [&](const IndexMatch& m) { return m.entry == i; }));
      EXPECT_EQ((*index)->source(i),
                i < cases().size() / 2 ? "crawl-1" : "crawl-2");
    }
  }
}

}  // namespace
}  // namespace neardup
