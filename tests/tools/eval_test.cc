// neardup eval's scores on small clusterings worked out by hand, its readers
// on good and bad files, and the exact Jaccard oracle against brute force.

#include "eval/eval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "eval/oracle.h"
#include "eval/pair_labels.h"
#include "neardup/text.h"
#include "test_util.h"

namespace neardup::eval {
namespace {

Labels labels(const std::vector<std::pair<std::string, std::string>>& rows,
              const std::vector<std::string>& kinds = {}) {
  Labels out;
  for (const auto& [id, cluster] : rows) {
    out.index[id] = out.ids.size();
    out.ids.push_back(id);
    out.clusters.push_back(cluster);
  }
  out.kinds = kinds;
  return out;
}

// Truth {a b c} {d e} {f}; predicted {a b} {c d} {e} {f}.
//   pairs: predicted 2, true 4, common 1 (a-b): P 1/2, R 1/4, F1 1/3.
//   B-cubed precision (1 + 1 + 1/2 + 1/2 + 1 + 1) / 6 = 5/6; recall
//   (2/3 + 2/3 + 1/3 + 1/2 + 1/2 + 1) / 6 = 11/18.
//   ARI: expected = 2 * 4 / 15, max = 3: (1 - 8/15) / (3 - 8/15) = 7/37.
TEST(EvalTest, ScoresASmallClusteringAsWorkedOutByHand) {
  const Labels truth = labels({{"a", "T1"},
                               {"b", "T1"},
                               {"c", "T1"},
                               {"d", "T2"},
                               {"e", "T2"},
                               {"f", "T3"}},
                              {"original", "boilerplate", "boilerplate+edit",
                               "original", "edit", "original"});
  const Labels predicted = labels({{"f", "P4"},
                                   {"e", "P3"},
                                   {"d", "P2"},
                                   {"c", "P2"},
                                   {"b", "P1"},
                                   {"a", "P1"},
                                   {"extra", "P9"}});
  Result<Scores> s = evaluate(predicted, truth);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->documents, 6u);
  EXPECT_EQ(s->predicted_clusters, 4u);
  EXPECT_EQ(s->true_clusters, 3u);
  EXPECT_EQ(s->predicted_pairs, 2u);
  EXPECT_EQ(s->true_pairs, 4u);
  EXPECT_EQ(s->common_pairs, 1u);
  EXPECT_EQ(s->predicted_only, 1u);
  EXPECT_DOUBLE_EQ(s->pair_precision, 0.5);
  EXPECT_DOUBLE_EQ(s->pair_recall, 0.25);
  EXPECT_DOUBLE_EQ(s->pair_f1, 1.0 / 3);
  EXPECT_DOUBLE_EQ(s->bcubed_precision, 5.0 / 6);
  EXPECT_DOUBLE_EQ(s->bcubed_recall, 11.0 / 18);
  EXPECT_NEAR(s->adjusted_rand_index, 7.0 / 37, 1e-12);
  // Kinds: b and c are boilerplate (2/3, 1/3), c and e are edit (1/3, 1/2).
  EXPECT_EQ(s->by_kind_part.at("boilerplate").documents, 2u);
  EXPECT_DOUBLE_EQ(s->by_kind_part.at("boilerplate").bcubed_recall, 0.5);
  EXPECT_DOUBLE_EQ(s->by_kind_part.at("edit").bcubed_recall, 5.0 / 12);
  EXPECT_DOUBLE_EQ(s->by_kind.at("boilerplate+edit").bcubed_recall, 1.0 / 3);
  EXPECT_EQ(s->by_kind.count("edit"), 1u);
}

TEST(EvalTest, IdenticalClusteringsScoreOne) {
  const Labels truth = labels({{"a", "x"}, {"b", "x"}, {"c", "y"}});
  const Labels predicted = labels({{"a", "1"}, {"b", "1"}, {"c", "2"}});
  Result<Scores> s = evaluate(predicted, truth);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->pair_f1, 1);
  EXPECT_DOUBLE_EQ(s->bcubed_f1, 1);
  EXPECT_DOUBLE_EQ(s->adjusted_rand_index, 1);
}

TEST(EvalTest, EverythingInOneClusterHasFullRecallAndLowPrecision) {
  const Labels truth = labels({{"a", "x"}, {"b", "x"}, {"c", "y"}, {"d", "z"}});
  const Labels predicted =
      labels({{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}});
  Result<Scores> s = evaluate(predicted, truth);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->pair_recall, 1);
  EXPECT_DOUBLE_EQ(s->pair_precision, 1.0 / 6);
  EXPECT_DOUBLE_EQ(s->bcubed_recall, 1);
  EXPECT_LT(s->adjusted_rand_index, 0.2);
}

TEST(EvalTest, AMissingPredictionIsAnError) {
  const Labels truth = labels({{"a", "x"}, {"b", "x"}});
  const Labels predicted = labels({{"a", "1"}});
  Result<Scores> s = evaluate(predicted, truth);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("\"b\""), std::string::npos);
}

TEST(EvalTest, ReadsClustersAndBothTruthFormats) {
  testing::TempDir dir;
  testing::write_file(
      dir.file("c.jsonl"),
      "{\"id\": \"a\", \"cluster\": \"a\", \"representative\": true, "
      "\"distance\": 0}\n"
      "{\"id\": \"b\", \"cluster\": \"a\", \"representative\": false, "
      "\"distance\": 3}\r\n");
  testing::write_file(dir.file("t.tsv"),
                      "id\tgroup\tkind\na\ta\toriginal\n"
                      "b\ta\tedit\n");
  testing::write_file(dir.file("t.jsonl"),
                      "{\"cluster\": \"g\", \"id\": \"a\"}\n"
                      "{\"id\": \"b\", \"cluster\": \"g\"}\n");
  testing::write_file(
      dir.file("c.jsonl.zst"),
      testing::zstd_compress(testing::read_file(dir.file("c.jsonl"))));
  for (const char* clusters : {"c.jsonl", "c.jsonl.zst"}) {
    Result<Labels> predicted = read_clusters(dir.file(clusters));
    ASSERT_TRUE(predicted.ok()) << predicted.status().to_string();
    EXPECT_EQ(predicted->clusters, (std::vector<std::string>{"a", "a"}));
    for (const char* truth_file : {"t.tsv", "t.jsonl"}) {
      Result<Labels> truth = read_truth(dir.file(truth_file));
      ASSERT_TRUE(truth.ok()) << truth.status().to_string();
      Result<Scores> s = evaluate(*predicted, *truth);
      ASSERT_TRUE(s.ok());
      EXPECT_DOUBLE_EQ(s->pair_f1, 1) << truth_file;
    }
  }
  // Blank lines, even first, are skipped; kinds are read when present.
  testing::write_file(dir.file("k.jsonl"),
                      "\n{\"id\": \"a\", \"cluster\": \"g\", \"kind\": "
                      "\"original\"}\n\n");
  Result<Labels> with_kinds = read_truth(dir.file("k.jsonl"));
  ASSERT_TRUE(with_kinds.ok()) << with_kinds.status().to_string();
  EXPECT_EQ(with_kinds->kinds, (std::vector<std::string>{"original"}));
  EXPECT_EQ(read_truth(dir.file("t.tsv"))->kinds,
            (std::vector<std::string>{"original", "edit"}));
}

TEST(EvalTest, BadFilesAreErrorsThatNameThePathAndLine) {
  testing::TempDir dir;
  testing::write_file(dir.file("dup.tsv"), "id\tgroup\na\tx\na\ty\n");
  testing::write_file(dir.file("header.tsv"), "a\tx\n");
  testing::write_file(dir.file("bad.jsonl"),
                      "{\"id\": \"a\", \"cluster\": \"x\"}\n{\"id\": 7}\n");
  Result<Labels> dup = read_truth(dir.file("dup.tsv"));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find(dir.file("dup.tsv") + ":3"),
            std::string::npos);
  EXPECT_FALSE(read_truth(dir.file("header.tsv")).ok());
  Result<Labels> bad = read_clusters(dir.file("bad.jsonl"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(dir.file("bad.jsonl") + ":2"),
            std::string::npos);
  Result<Labels> missing = read_clusters(dir.file("absent.jsonl"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir.file("absent.jsonl")),
            std::string::npos);
}

TEST(EvalTest, JsonHasEveryScore) {
  const Labels truth = labels({{"a", "x"}, {"b", "x"}}, {"original", "edit"});
  Result<Scores> s = evaluate(labels({{"a", "1"}, {"b", "2"}}), truth);
  ASSERT_TRUE(s.ok());
  const std::string json = scores_to_json(*s);
  for (const char* key :
       {"\"pair_precision\": 1.000000", "\"pair_recall\": 0.000000",
        "\"bcubed_recall\": 0.500000", "\"adjusted_rand_index\"",
        "\"by_kind_part\": {\"edit\": {\"documents\": 1"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }
}

// The truth of ScoresASmallClusteringAsWorkedOutByHand: no id is a group
// label, so the originals are the members of kind "original": a, d, f.
// Copies b (boilerplate), c (boilerplate+edit), e (edit); predicted {a b}
// {c d} {e} {f} links b only.
TEST(EvalTest, CopiesLinkedToTheirOriginalAsWorkedOutByHand) {
  const Labels truth = labels({{"a", "T1"},
                               {"b", "T1"},
                               {"c", "T1"},
                               {"d", "T2"},
                               {"e", "T2"},
                               {"f", "T3"}},
                              {"original", "boilerplate", "boilerplate+edit",
                               "original", "edit", "original"});
  const Labels predicted = labels({{"a", "P1"},
                                   {"b", "P1"},
                                   {"c", "P2"},
                                   {"d", "P2"},
                                   {"e", "P3"},
                                   {"f", "P4"}});
  EXPECT_EQ(find_originals(truth), (std::vector<int64_t>{0, 0, 0, 3, 3, 5}));
  Result<Scores> s = evaluate(predicted, truth);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->copies.copies, 3u);
  EXPECT_EQ(s->copies.linked, 1u);
  EXPECT_DOUBLE_EQ(s->copies.linked_share, 1.0 / 3);
  EXPECT_EQ(s->copies_by_kind_part.at("boilerplate").copies, 2u);
  EXPECT_DOUBLE_EQ(s->copies_by_kind_part.at("boilerplate").linked_share, 0.5);
  EXPECT_DOUBLE_EQ(s->copies_by_kind_part.at("edit").linked_share, 0.0);
  EXPECT_EQ(s->copies_by_kind_part.count("original"), 0u);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("boilerplate").linked_share, 1.0);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("boilerplate+edit").linked_share, 0.0);
  EXPECT_EQ(s->groups_without_original, 0u);
  const std::string text = scores_to_text(*s);
  EXPECT_NE(text.find("copies linked to their original, by kind"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  boilerplate                             2  0.5000"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  (all copies)                            3  0.3333"),
            std::string::npos)
      << text;
  const std::string json = scores_to_json(*s);
  for (const char* key :
       {"\"copies_linked\": {\"copies\": 3, \"linked\": 1, \"linked_share\": "
        "0.333333}",
        "\"copies_linked_by_kind_part\": {\"boilerplate\": {\"copies\": 2, "
        "\"linked\": 1, \"linked_share\": 0.500000}",
        "\"groups_without_original\": 0"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }
}

// Group x: its id rule beats the kind rule. Group g: no member is named g,
// so the first of kind original/orig in file order (p, not q). Group h: no
// original, so s and t are not counted.
TEST(EvalTest, TheOriginalIsTheGroupsIdElseTheFirstOfKindOriginal) {
  const Labels truth =
      labels({{"y", "x"},
              {"x", "x"},
              {"r", "g"},
              {"p", "g"},
              {"q", "g"},
              {"s", "h"},
              {"t", "h"}},
             {"original", "cut", "cut", "orig", "original", "cut", "non"});
  EXPECT_EQ(find_originals(truth),
            (std::vector<int64_t>{1, 1, 3, 3, 3, -1, -1}));
  // Predicted: y with x; r alone; q with p; s with t.
  const Labels predicted = labels({{"y", "1"},
                                   {"x", "1"},
                                   {"r", "2"},
                                   {"p", "3"},
                                   {"q", "3"},
                                   {"s", "4"},
                                   {"t", "4"}});
  Result<Scores> s = evaluate(predicted, truth);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  // Copies y (original, linked), r (cut, not), q (original, linked).
  EXPECT_EQ(s->copies.copies, 3u);
  EXPECT_EQ(s->copies.linked, 2u);
  EXPECT_EQ(s->copies_by_kind.at("original").copies, 2u);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("original").linked_share, 1);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("cut").linked_share, 0);
  EXPECT_EQ(s->copies_by_kind.count("non"), 0u);
  EXPECT_EQ(s->groups_without_original, 1u);
  EXPECT_EQ(s->documents_without_original, 2u);
  EXPECT_NE(scores_to_text(*s).find("1 groups (2 documents) have no original"),
            std::string::npos)
      << scores_to_text(*s);

  // Without kinds only the id rule applies, and there is no table by kind.
  Labels no_kinds = truth;
  no_kinds.kinds.clear();
  EXPECT_EQ(find_originals(no_kinds),
            (std::vector<int64_t>{1, 1, -1, -1, -1, -1, -1}));
  Result<Scores> plain = evaluate(predicted, no_kinds);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->copies.copies, 1u);
  EXPECT_DOUBLE_EQ(plain->copies.linked_share, 1);
  EXPECT_TRUE(plain->copies_by_kind.empty());
  EXPECT_EQ(plain->groups_without_original, 2u);
}

TEST(EvalTest, TruthFieldsAreJsonPointers) {
  testing::TempDir dir;
  testing::write_file(
      dir.file("t.jsonl"),
      "{\"id\": \"a\", \"meta\": {\"task\": 7}, \"category\": \"orig\"}\n"
      "{\"category\": \"cut\", \"id\": \"b\", \"meta\": {\"task\": 7}}\n"
      "{\"id\": 3, \"meta\": {\"task\": \"z\"}, \"category\": \"non\"}\n");
  TruthOptions options;
  options.group_field = "/meta/task";
  options.kind_field = "/category";
  Result<Labels> truth = read_truth(dir.file("t.jsonl"), options);
  ASSERT_TRUE(truth.ok()) << truth.status().to_string();
  EXPECT_EQ(truth->ids, (std::vector<std::string>{"a", "b", "3"}));
  EXPECT_EQ(truth->clusters, (std::vector<std::string>{"7", "7", "z"}));
  EXPECT_EQ(truth->kinds, (std::vector<std::string>{"orig", "cut", "non"}));

  // The default kind field is optional; a given one is required.
  Result<Labels> no_kind = read_truth(dir.file("t.jsonl"), {"/meta/task"});
  ASSERT_TRUE(no_kind.ok()) << no_kind.status().to_string();
  EXPECT_TRUE(no_kind->kinds.empty());
  options.kind_field = "/kind";
  options.require_kind = true;
  Result<Labels> required = read_truth(dir.file("t.jsonl"), options);
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.status().message().find(dir.file("t.jsonl") +
                                             ":1: no kind at /kind"),
            std::string::npos)
      << required.status().message();

  Result<Labels> no_group = read_truth(dir.file("t.jsonl"));  // "/cluster"
  ASSERT_FALSE(no_group.ok());
  EXPECT_NE(no_group.status().message().find("/cluster"), std::string::npos);
  EXPECT_FALSE(read_truth(dir.file("t.jsonl"), {"meta/task"}).ok());

  testing::write_file(dir.file("some.jsonl"),
                      "{\"id\": \"a\", \"cluster\": \"g\", \"kind\": \"x\"}\n"
                      "{\"id\": \"b\", \"cluster\": \"g\"}\n");
  Result<Labels> some = read_truth(dir.file("some.jsonl"));
  ASSERT_FALSE(some.ok());
  EXPECT_NE(some.status().message().find(":2: a kind"), std::string::npos)
      << some.status().message();
}

// The Clough & Stevenson plagiarism corpus as truth: groups task_a..task_e,
// each with one `orig` source text (whose id is not the group label).
TEST(EvalTest, ReadsTheCloughStevensonCorpusAsTruth) {
  const std::string shared = testing::shared_datasets();
  if (shared.empty()) {
    GTEST_SKIP() << "no shared datasets (set NEARDUP_SHARED_DATASETS)";
  }
  const std::string path = shared +
                           "/clough_stevenson_plagiarism/"
                           "clough_stevenson_plagiarism.jsonl";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  TruthOptions options;
  options.kind_field = "/category";
  Result<Labels> truth = read_truth(path, options);
  ASSERT_TRUE(truth.ok()) << truth.status().to_string();
  ASSERT_EQ(truth->ids.size(), 100u);
  std::map<std::string, int> kinds;
  for (const std::string& kind : truth->kinds) ++kinds[kind];
  EXPECT_EQ(kinds, (std::map<std::string, int>{{"cut", 19},
                                               {"heavy", 19},
                                               {"light", 19},
                                               {"non", 38},
                                               {"orig", 5}}));
  const std::vector<int64_t> originals = find_originals(*truth);
  for (size_t d = 0; d < originals.size(); ++d) {
    ASSERT_GE(originals[d], 0) << truth->ids[d];
    const auto o = static_cast<size_t>(originals[d]);
    EXPECT_EQ(truth->ids[o], "orig_task" + truth->clusters[d].substr(5))
        << truth->ids[d];
  }
  // Predicted: the true tasks, but every `non` answer alone.
  Labels predicted = *truth;
  for (size_t d = 0; d < predicted.ids.size(); ++d) {
    if (predicted.kinds[d] == "non") predicted.clusters[d] = predicted.ids[d];
  }
  Result<Scores> s = evaluate(predicted, *truth);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->copies.copies, 95u);
  EXPECT_EQ(s->copies.linked, 57u);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("cut").linked_share, 1);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("heavy").linked_share, 1);
  EXPECT_EQ(s->copies_by_kind.at("non").copies, 38u);
  EXPECT_DOUBLE_EQ(s->copies_by_kind.at("non").linked_share, 0);
  EXPECT_EQ(s->groups_without_original, 0u);
}

// ---- The exact Jaccard oracle ----

uint64_t mix(uint64_t x) {  // splitmix64's finalizer: spreads small ids
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::vector<JaccardPair> brute_force(
    const std::vector<std::vector<uint64_t>>& sets, double threshold) {
  std::vector<JaccardPair> out;
  for (size_t a = 0; a < sets.size(); ++a) {
    for (size_t b = a + 1; b < sets.size(); ++b) {
      std::vector<uint64_t> common;
      std::set_intersection(sets[a].begin(), sets[a].end(), sets[b].begin(),
                            sets[b].end(), std::back_inserter(common));
      const size_t all = sets[a].size() + sets[b].size() - common.size();
      if (all == 0) continue;
      const double j =
          static_cast<double>(common.size()) / static_cast<double>(all);
      if (j >= threshold) {
        out.push_back({static_cast<uint32_t>(a), static_cast<uint32_t>(b), j});
      }
    }
  }
  return out;
}

std::vector<uint64_t> sorted_set(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

TEST(OracleTest, JaccardOfSmallSets) {
  const std::vector<uint64_t> a{1, 2, 3}, b{2, 3, 4}, empty;
  EXPECT_DOUBLE_EQ(jaccard(a, b), 0.5);
  EXPECT_DOUBLE_EQ(jaccard(a, a), 1);
  EXPECT_DOUBLE_EQ(jaccard(a, empty), 0);
  EXPECT_DOUBLE_EQ(jaccard(empty, empty), 0);
}

// A = 1..10, B = 1..7 (Jaccard 7/10, exactly at t), C = 1..6 + 100 (6/11
// with A, 6/8 with B), D empty, E = {100} (1/7 with C).
TEST(OracleTest, FindsThePairsOfAHandMadeExample) {
  std::vector<std::vector<uint64_t>> sets(5);
  for (uint64_t e = 1; e <= 10; ++e) sets[0].push_back(e);
  for (uint64_t e = 1; e <= 7; ++e) sets[1].push_back(e);
  for (uint64_t e = 1; e <= 6; ++e) sets[2].push_back(e);
  sets[2].push_back(100);
  sets[4] = {100};
  Result<std::vector<JaccardPair>> pairs = all_pairs_jaccard(sets, 0.7);
  ASSERT_TRUE(pairs.ok()) << pairs.status().to_string();
  EXPECT_EQ(*pairs, (std::vector<JaccardPair>{{0, 1, 0.7}, {1, 2, 0.75}}));
  Result<std::vector<JaccardPair>> low = all_pairs_jaccard(sets, 0.1);
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(low->size(), 4u);  // and C-E at 1/7
  Result<std::vector<JaccardPair>> one = all_pairs_jaccard(sets, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->empty());
}

TEST(OracleTest, RejectsBadThresholdsAndUnsortedSets) {
  const std::vector<std::vector<uint64_t>> good{{1, 2}, {2, 3}};
  EXPECT_FALSE(all_pairs_jaccard(good, 0).ok());
  EXPECT_FALSE(all_pairs_jaccard(good, 1.5).ok());
  EXPECT_FALSE(all_pairs_jaccard(good, -0.5).ok());
  const std::vector<std::vector<uint64_t>> unsorted{{2, 1}};
  EXPECT_FALSE(all_pairs_jaccard(unsorted, 0.5).ok());
  const std::vector<std::vector<uint64_t>> repeats{{1, 1}};
  EXPECT_FALSE(all_pairs_jaccard(repeats, 0.5).ok());
}

// Random sets with planted near-copies (each copy drops and adds a random
// share of its base's elements) over a skewed universe, so that frequent
// elements, tiny sets and pairs on both sides of each threshold all occur.
std::vector<std::vector<uint64_t>> planted_sets(uint64_t seed, bool hashed) {
  std::mt19937_64 rng(seed);
  auto below = [&rng](uint64_t n) { return rng() % n; };
  auto element = [&]() -> uint64_t {
    // Half from a small common pool (frequent elements), half rare.
    const uint64_t id = below(2) == 0 ? below(60) : 1000 + below(200000);
    return hashed ? mix(id) : id;
  };
  std::vector<std::vector<uint64_t>> sets;
  for (int base = 0; base < 120; ++base) {
    std::vector<uint64_t> set;
    const uint64_t size = below(4) == 0 ? 1 + below(4) : 5 + below(120);
    for (uint64_t k = 0; k < size; ++k) set.push_back(element());
    sets.push_back(sorted_set(set));
    const uint64_t copies = below(4);
    for (uint64_t c = 0; c < copies; ++c) {
      const double change = static_cast<double>(below(1000)) / 1000 * 0.6;
      std::vector<uint64_t> copy;
      for (uint64_t e : sets[sets.size() - 1 - c]) {
        if (static_cast<double>(below(1000)) / 1000 >= change) {
          copy.push_back(e);
        }
      }
      const auto added =
          static_cast<uint64_t>(change * static_cast<double>(size));
      for (uint64_t k = 0; k < added; ++k) copy.push_back(element());
      sets.push_back(sorted_set(copy));
    }
  }
  sets.emplace_back();  // an empty set pairs with nothing
  std::shuffle(sets.begin(), sets.end(), rng);
  return sets;
}

TEST(OracleTest, EqualsBruteForceOnRandomSetsWithPlantedCopies) {
  for (uint64_t seed : {1, 2, 3}) {
    for (bool hashed : {true, false}) {
      const std::vector<std::vector<uint64_t>> sets =
          planted_sets(seed, hashed);
      for (double t : {0.3, 0.5, 0.8}) {
        const std::vector<JaccardPair> expected = brute_force(sets, t);
        EXPECT_GE(expected.size(), 20u) << "seed " << seed << " t " << t;
        Result<std::vector<JaccardPair>> pairs = all_pairs_jaccard(sets, t);
        ASSERT_TRUE(pairs.ok()) << pairs.status().to_string();
        EXPECT_EQ(*pairs, expected)
            << "seed " << seed << " hashed " << hashed << " t " << t << ": "
            << pairs->size() << " pairs, brute force " << expected.size();
      }
    }
  }
}

// Real shingles (the bundled Reuters corpus): skewed frequencies, many
// short documents, some near-duplicate stories.
TEST(OracleTest, EqualsBruteForceOnReutersShingles) {
  OracleOptions options;
  options.max_records = 1000;
  Result<OracleDocs> docs = read_oracle_docs(
      testing::bundled("reuters21578/reuters21578.jsonl.zst"), options);
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  EXPECT_EQ(docs->records, 1000u);
  EXPECT_EQ(docs->ids.size() + docs->without_shingles, 1000u);
  for (double t : {0.3, 0.5, 0.8}) {
    const std::vector<JaccardPair> expected = brute_force(docs->shingles, t);
    EXPECT_GE(expected.size(), 5u) << t;
    Result<std::vector<JaccardPair>> pairs =
        all_pairs_jaccard(docs->shingles, t);
    ASSERT_TRUE(pairs.ok());
    EXPECT_EQ(*pairs, expected) << t;
  }
}

TEST(OracleTest, ReadsDocumentsAsDedupDoes) {
  testing::TempDir dir;
  const std::string text = "the quick brown fox jumps over the lazy dog";
  testing::write_file(
      dir.file("d.jsonl"),
      "{\"id\": \"a\", \"text\": \"" + text + "\"}\n" +  //
          "{\"text\": \"" + text + " again\"}\r\n" +     // id: line 1
          "not json\n" +                                 // rejected
          "{\"id\": 7, \"text\": \"...\"}\n" +           // no shingles
          "\n" +                                         // rejected
          "{\"id\": \"b\", \"body\": {\"t\": \"x y\"}, \"text\": \"z\"}\n");
  Result<OracleDocs> docs = read_oracle_docs(dir.file("d.jsonl"), {});
  ASSERT_TRUE(docs.ok()) << docs.status().to_string();
  EXPECT_EQ(docs->ids, (std::vector<std::string>{"a", "1", "b"}));
  EXPECT_EQ(docs->records, 4u);
  EXPECT_EQ(docs->without_shingles, 1u);
  EXPECT_EQ(docs->rejected_lines, 2u);
  Shingler shingler(TextOptions{});
  std::vector<uint64_t> expected;
  ASSERT_TRUE(shingler.shingle(text, &expected).ok());
  EXPECT_EQ(docs->shingles[0], sorted_set(expected));

  OracleOptions options;
  options.text_field = "/body/t";
  options.text.shingle_words = 1;
  options.text.short_text_words = 0;
  options.max_records = 1;
  Result<OracleDocs> first = read_oracle_docs(dir.file("d.jsonl"), options);
  ASSERT_TRUE(first.ok());
  // Only lines with /body/t are records; the first is the last line.
  EXPECT_EQ(first->ids, (std::vector<std::string>{"b"}));
  EXPECT_EQ(first->shingles[0].size(), 2u);  // "x", "y"
  EXPECT_EQ(first->rejected_lines, 5u);

  Result<OracleDocs> missing = read_oracle_docs(dir.file("absent.jsonl"), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir.file("absent.jsonl")),
            std::string::npos);
}

// d0 = 1..10, d1 = 1..9 (0.9 with d0), d2 = 1..5 + 20..24 (5/15 with d0,
// 5/14 with d1), d3 = 50..59, d4 = 50..57 + 70, 71 (8/12), d5 = {90}.
// At t = 0.7 the oracle has one pair, d0-d1. Predicted {d0 d1 d2} {d3 d4}
// {d5}: 4 co-clustered pairs, Jaccard 0.9, 0.333, 0.357, 0.667.
TEST(OracleTest, ScoresAClusteringAsWorkedOutByHand) {
  OracleDocs docs;
  docs.ids = {"d0", "d1", "d2", "d3", "d4", "d5"};
  docs.shingles.resize(6);
  for (uint64_t e = 1; e <= 10; ++e) docs.shingles[0].push_back(e);
  for (uint64_t e = 1; e <= 9; ++e) docs.shingles[1].push_back(e);
  docs.shingles[2] = {1, 2, 3, 4, 5, 20, 21, 22, 23, 24};
  for (uint64_t e = 50; e <= 59; ++e) docs.shingles[3].push_back(e);
  docs.shingles[4] = {50, 51, 52, 53, 54, 55, 56, 57, 70, 71};
  docs.shingles[5] = {90};
  docs.records = 7;
  docs.without_shingles = 1;
  Result<std::vector<JaccardPair>> pairs =
      all_pairs_jaccard(docs.shingles, 0.7);
  ASSERT_TRUE(pairs.ok());
  ASSERT_EQ(*pairs, (std::vector<JaccardPair>{{0, 1, 0.9}}));
  const Labels predicted = labels({{"d5", "c"},
                                   {"d0", "a"},
                                   {"d1", "a"},
                                   {"d2", "a"},
                                   {"d3", "b"},
                                   {"d4", "b"},
                                   {"other", "a"}});
  Result<OracleScores> s = score_oracle(docs, *pairs, predicted, 0.7);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->documents, 6u);
  EXPECT_EQ(s->records, 7u);
  EXPECT_EQ(s->oracle_pairs, 1u);
  EXPECT_EQ(s->oracle_pairs_co_clustered, 1u);
  EXPECT_DOUBLE_EQ(s->lsh_recall, 1);
  EXPECT_EQ(s->co_clustered_pairs, 4u);
  EXPECT_EQ(s->co_clustered_at_threshold, 1u);
  EXPECT_DOUBLE_EQ(s->precision, 0.25);
  EXPECT_EQ(s->co_clustered_at_half_threshold, 3u);  // 0.357 >= 0.35
  EXPECT_DOUBLE_EQ(s->precision_at_half_threshold, 0.75);
  ASSERT_EQ(s->below_threshold.size(), 7u);
  EXPECT_DOUBLE_EQ(s->below_threshold[6].from, 0.6);
  EXPECT_DOUBLE_EQ(s->below_threshold[6].to, 0.7);
  std::vector<uint64_t> bins;
  for (const OracleScores::Bin& bin : s->below_threshold) {
    bins.push_back(bin.pairs);
  }
  EXPECT_EQ(bins, (std::vector<uint64_t>{0, 0, 0, 2, 0, 0, 1}));

  // d1 alone: the oracle pair is missed; 3 co-clustered pairs remain.
  Labels split = predicted;
  split.clusters[split.index.at("d1")] = "z";
  Result<OracleScores> missed = score_oracle(docs, *pairs, split, 0.7);
  ASSERT_TRUE(missed.ok());
  EXPECT_DOUBLE_EQ(missed->lsh_recall, 0);
  EXPECT_EQ(missed->co_clustered_pairs, 2u);
  EXPECT_DOUBLE_EQ(missed->precision, 0);

  const std::string text = oracle_to_text(*s, "dump.jsonl");
  for (const char* line :
       {"exact Jaccard oracle, threshold t = 0.70: 6 documents of dump.jsonl",
        "LSH recall (oracle pairs in one cluster)           1.0000  (1)",
        "    [0.30, 0.40)           2"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  const std::string alone = report_to_json(nullptr, &*s);
  EXPECT_EQ(alone.rfind("{\"oracle\": {\"threshold\": 0.700000", 0), 0u)
      << alone;
  EXPECT_NE(alone.find("\"below_threshold\": [{\"from\": 0.000000"),
            std::string::npos);
  const Labels truth = labels({{"d0", "x"}});
  Result<Scores> scores = evaluate(predicted, truth);
  ASSERT_TRUE(scores.ok());
  const std::string both = report_to_json(&*scores, &*s);
  EXPECT_NE(both.find("\"documents_without_original\": 1, \"oracle\": {"),
            std::string::npos)
      << both;
  EXPECT_EQ(both.substr(both.size() - 3), "}}\n");

  Labels partial = predicted;
  partial.index.erase("d3");
  Result<OracleScores> unknown = score_oracle(docs, *pairs, partial, 0.7);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("\"d3\""), std::string::npos);
}

// --pair-labels: labelled pairs, scored against predicted clusters.

// Predicted {a b c} {d} {e}. Labelled: a-b duplicate (co-clustered), c-a
// distinct (co-clustered), d-e duplicate (split), b-d distinct (split), and
// a-x, y-z skipped (x, y, z are not in the clusters).
//   precision = 1 co-clustered duplicate / 2 co-clustered = 1/2;
//   recall = 1 co-clustered duplicate / 2 duplicates = 1/2.
TEST(PairLabelsTest, ScoresAsWorkedOutByHand) {
  testing::TempDir dir;
  // Columns in another order, extra columns, CRLF and a blank line.
  testing::write_file(dir.file("p.tsv"),
                      "note\tlabel\tid_b\tjaccard\tid_a\r\n"
                      "\tduplicate\tb\t0.9\ta\r\n"
                      "re-sent\tdistinct\ta\t0.5\tc\n"
                      "\n"
                      "\tduplicate\te\t0.6\td\n"
                      "\tdistinct\td\t0.3\tb\n"
                      "\tduplicate\tx\t0.7\ta\n"
                      "\tdistinct\tz\t0.7\ty\n");
  Result<std::vector<LabelledPair>> pairs =
      read_pair_labels(dir.file("p.tsv"), "");
  ASSERT_TRUE(pairs.ok()) << pairs.status().to_string();
  ASSERT_EQ(pairs->size(), 6u);
  EXPECT_EQ((*pairs)[1].id_a, "c");
  EXPECT_EQ((*pairs)[1].id_b, "a");
  EXPECT_FALSE((*pairs)[1].duplicate);
  EXPECT_TRUE((*pairs)[2].duplicate);

  const Labels predicted =
      labels({{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "2"}, {"e", "3"}});
  const PairLabelScores s = score_pair_labels(predicted, *pairs);
  EXPECT_EQ(s.pairs, 6u);
  EXPECT_EQ(s.duplicates, 2u);
  EXPECT_EQ(s.distinct, 2u);
  EXPECT_EQ(s.co_clustered, 2u);
  EXPECT_EQ(s.co_clustered_duplicates, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_EQ(s.skipped_pairs, 2u);
  EXPECT_EQ(s.missing_ids, 3u);

  const std::string json = add_pair_labels_to_report("{}\n", s);
  EXPECT_EQ(json,
            "{\"pair_labels\": {\"pairs\": 6, \"scored\": 4, \"duplicates\": "
            "2, \"distinct\": 2, \"co_clustered\": 2, "
            "\"co_clustered_duplicates\": 1, \"precision\": 0.500000, "
            "\"recall\": 0.500000, \"skipped_pairs\": 2, \"missing_ids\": "
            "3}}\n");
  EXPECT_EQ(add_pair_labels_to_report("{\"documents\": 5}\n", s)
                .rfind("{\"documents\": 5, \"pair_labels\": {\"pairs\": 6", 0),
            0u);
  const std::string text = pair_labels_to_text(s, "p.tsv", "");
  for (const char* line :
       {"labelled pairs of p.tsv: 6\n",
        "co-clustered                                              2  (1 "
        "duplicate, 1 distinct)",
        "precision (co-clustered duplicates / co-clustered)   0.5000",
        "skipped (an id not in the clusters file)                  2  (3 ids "
        "not found)"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST(PairLabelsTest, NothingCoClusteredOrNoDuplicatesScoresOne) {
  const Labels predicted = labels({{"a", "1"}, {"b", "2"}});
  const PairLabelScores s = score_pair_labels(
      predicted, std::vector<LabelledPair>{{"a", "b", false}});
  EXPECT_EQ(s.distinct, 1u);
  EXPECT_EQ(s.co_clustered, 0u);
  EXPECT_DOUBLE_EQ(s.precision, 1);
  EXPECT_DOUBLE_EQ(s.recall, 1);
}

TEST(PairLabelsTest, TheCorpusColumnSelectsRows) {
  testing::TempDir dir;
  testing::write_file(dir.file("p.tsv"),
                      "corpus\tid_a\tid_b\tlabel\n"
                      "news\ta\tb\tduplicate\n"
                      "wire\ta\tb\tdistinct\n"
                      "wire\tc\td\tduplicate\n");
  Result<std::vector<LabelledPair>> wire =
      read_pair_labels(dir.file("p.tsv"), "wire");
  ASSERT_TRUE(wire.ok()) << wire.status().to_string();
  ASSERT_EQ(wire->size(), 2u);
  EXPECT_FALSE((*wire)[0].duplicate);
  EXPECT_EQ((*wire)[1].id_a, "c");
  Result<std::vector<LabelledPair>> all =
      read_pair_labels(dir.file("p.tsv"), "");
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->size(), 3u);  // the same pair in two corpora is no repeat

  Result<PairLabelScores> news = run_pair_labels(
      dir.file("p.tsv"), "news", labels({{"a", "1"}, {"b", "1"}}));
  ASSERT_TRUE(news.ok()) << news.status().to_string();
  EXPECT_EQ(news->pairs, 1u);
  EXPECT_EQ(news->co_clustered_duplicates, 1u);

  // A corpus no row has names the corpora there are.
  Result<std::vector<LabelledPair>> typo =
      read_pair_labels(dir.file("p.tsv"), "wires");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find(
                "no row of corpus \"wires\" (corpora: news, wire)"),
            std::string::npos)
      << typo.status().message();
  // A corpus to select, but no corpus column.
  testing::write_file(dir.file("plain.tsv"),
                      "id_a\tid_b\tlabel\na\tb\tdistinct\n");
  Result<std::vector<LabelledPair>> plain =
      read_pair_labels(dir.file("plain.tsv"), "wire");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find(dir.file("plain.tsv") +
                                          ":1: the header has no \"corpus\""),
            std::string::npos)
      << plain.status().message();
}

TEST(PairLabelsTest, AMissingColumnIsAnErrorNamingIt) {
  testing::TempDir dir;
  testing::write_file(dir.file("p.tsv"), "\nid_a\tid_b\tjaccard\nx\ty\t0.5\n");
  Result<std::vector<LabelledPair>> pairs =
      read_pair_labels(dir.file("p.tsv"), "");
  ASSERT_FALSE(pairs.ok());
  EXPECT_EQ(pairs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pairs.status().message().find(
                dir.file("p.tsv") + ":2: the header has no \"label\" column"),
            std::string::npos)
      << pairs.status().message();
  testing::write_file(dir.file("twice.tsv"), "id_a\tid_b\tlabel\tid_a\n");
  EXPECT_FALSE(read_pair_labels(dir.file("twice.tsv"), "").ok());
  testing::write_file(dir.file("empty.tsv"), "\n");
  EXPECT_FALSE(read_pair_labels(dir.file("empty.tsv"), "").ok());
  EXPECT_FALSE(read_pair_labels(dir.file("absent.tsv"), "").ok());
}

TEST(PairLabelsTest, BadRowsAreErrorsThatNameThePathAndLine) {
  testing::TempDir dir;
  const std::string header = "id_a\tid_b\tlabel\tnote\n";
  const std::string good = "a\tb\tduplicate\t\n";
  struct Case {
    const char* row;
    const char* message;
  };
  for (const Case& c : {
           Case{"c\td\tdup\t\n",
                "label \"dup\" is neither duplicate nor distinct"},
           Case{"c\td\tDuplicate\t\n", "label \"Duplicate\""},
           Case{"c\td\t\t\n", "label \"\""},
           Case{"c\td\n", "2 tab-separated fields, the header needs 3"},
           Case{"\td\tdistinct\t\n", "empty id"},
           Case{"c\tc\tdistinct\t\n", "id \"c\" is paired with itself"},
           Case{"b\ta\tdistinct\t\n", "the pair b, a is labelled on line 2"},
       }) {
    testing::write_file(dir.file("p.tsv"), header + good + c.row);
    Result<std::vector<LabelledPair>> pairs =
        read_pair_labels(dir.file("p.tsv"), "");
    ASSERT_FALSE(pairs.ok()) << c.row;
    EXPECT_NE(
        pairs.status().message().find(dir.file("p.tsv") + ":3: " + c.message),
        std::string::npos)
        << pairs.status().message();
  }
}

}  // namespace
}  // namespace neardup::eval
