// neardup eval's scores on small clusterings worked out by hand, and its
// readers on good and bad files.

#include "eval/eval.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace neardup::eval
