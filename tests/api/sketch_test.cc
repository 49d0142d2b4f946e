// Sketcher: the public text-to-sketch path, against the pipeline and the
// fingerprint format.

#include "neardup/sketch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "neardup/neardup.h"
#include "test_util.h"

namespace neardup {
namespace {

using testing::words;

std::unique_ptr<Sketcher> make_sketcher(const DedupOptions& options) {
  Result<std::unique_ptr<Sketcher>> sketcher = Sketcher::Create(options);
  EXPECT_TRUE(sketcher.ok()) << sketcher.status().to_string();
  return sketcher.ok() ? std::move(sketcher).value() : nullptr;
}

TEST(SketcherTest, RejectsBadOptionsAndStoryMode) {
  DedupOptions bad;
  bad.minhash.threshold = 1.5;
  EXPECT_EQ(Sketcher::Create(bad).status().code(),
            StatusCode::kInvalidArgument);
  DedupOptions story;
  story.mode = Mode::kStory;
  EXPECT_EQ(Sketcher::Create(story).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SketcherTest, FollowsTheFingerprintFormat) {
  const std::string text =
      "Shares of the company rose 5 pct on Monday after "
      "it reported quarterly profit above forecasts, "
      "and analysts raised their targets.";
  DedupOptions options;
  std::unique_ptr<Sketcher> sketcher = make_sketcher(options);
  ASSERT_NE(sketcher, nullptr);
  Sketch sketch;
  ASSERT_TRUE(sketcher->sketch(text, &sketch).ok());
  // The shingles are Shingler's; the signature is minhash_signature() of
  // them, reduced to 8 bits.
  std::vector<uint64_t> shingles;
  ASSERT_TRUE(Shingler(options.text).shingle(text, &shingles).ok());
  EXPECT_EQ(std::vector<uint64_t>(sketcher->shingles().begin(),
                                  sketcher->shingles().end()),
            shingles);
  std::vector<uint64_t> full(options.minhash.signature_length);
  minhash_signature(shingles, full);
  std::vector<uint8_t> reduced(full.size());
  reduce_signature(full, reduced);
  EXPECT_FALSE(sketch.empty);
  EXPECT_EQ(sketch.algorithm, Algorithm::kMinHash);
  EXPECT_EQ(sketch.signature, reduced);
  EXPECT_DOUBLE_EQ(estimated_similarity(sketch, sketch), 1.0);

  options.algorithm = Algorithm::kSimHash;
  sketcher = make_sketcher(options);
  ASSERT_NE(sketcher, nullptr);
  ASSERT_TRUE(sketcher->sketch(text, &sketch).ok());
  EXPECT_EQ(sketch.simhash, simhash64(shingles));
  EXPECT_TRUE(sketch.signature.empty());

  ASSERT_TRUE(sketcher->sketch(" ... ", &sketch).ok());
  EXPECT_TRUE(sketch.empty);
  EXPECT_EQ(sketch.simhash, 0u);
  EXPECT_EQ(sketcher->sketch("bad \xC3\x28 byte", &sketch).code(),
            StatusCode::kCorruption);
}

// A sketch made one text at a time compares with its representative exactly
// as in a dedup run: the clusters file's similarity is the same estimate.
TEST(SketcherTest, SketchesWhatDedupComputes) {
  testing::TempDir dir;
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) {
    texts.push_back(words(i * 1000, i * 1000 + 100));  // originals
    // A copy with 10 of its 100 words replaced.
    texts.push_back(words(i * 1000, i * 1000 + 45) + words(90000, 90010) +
                    words(i * 1000 + 55, i * 1000 + 100));
  }
  std::string dump;
  for (size_t i = 0; i < texts.size(); ++i) {
    dump += "{\"id\": \"d" + std::to_string(i) + "\", \"text\": \"" + texts[i] +
            "\"}\n";
  }
  testing::write_file(dir.file("in.jsonl"), dump);
  DedupOptions options;
  options.text.min_line_words = 0;
  DedupOutputs outputs;
  outputs.clusters_path = dir.file("c.jsonl");
  Result<DedupStats> stats =
      run_dedup(options, {dir.file("in.jsonl")}, outputs);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->duplicates, 20u);

  std::unique_ptr<Sketcher> sketcher = make_sketcher(options);
  ASSERT_NE(sketcher, nullptr);
  std::vector<Sketch> sketches(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(sketcher->sketch(texts[i], &sketches[i]).ok());
  }
  const std::vector<testing::ClusterLine> lines =
      testing::read_clusters(outputs.clusters_path);
  ASSERT_EQ(lines.size(), texts.size());
  for (size_t i = 1; i < texts.size(); i += 2) {
    const std::string original = std::string("d") + std::to_string(i - 1);
    ASSERT_EQ(lines[i].cluster, original) << i;
    const double estimate = estimated_similarity(sketches[i], sketches[i - 1]);
    EXPECT_NEAR(lines[i].similarity, estimate, 0.00005) << i;
  }
}

}  // namespace
}  // namespace neardup
