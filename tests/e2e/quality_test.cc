// The accuracy targets of the default mode, as a regression test: syndicated
// copies generated from the bundled Reuters text (neardup gen), deduplicated
// with the default options, scored by neardup eval's library. The README's
// Quality section has the full numbers (tools/quality.sh).

#include <gtest/gtest.h>

#include <string>

#include "eval/eval.h"
#include "gen/generator.h"
#include "neardup/pipeline.h"
#include "test_util.h"

namespace neardup {
namespace {

TEST(QualityTest, DefaultModeCatchesCopiesWithoutFalseMerges) {
  testing::TempDir dir;
  gen::GenOptions gen_options;
  gen_options.docs = 20000;
  const std::string dump = dir.file("dump.jsonl");
  const std::string truth = dir.file("truth.tsv");
  ASSERT_TRUE(gen::write_dump(gen_options, dump, truth).ok());

  DedupOutputs outputs;
  outputs.clusters_path = dir.file("clusters.jsonl");
  Result<DedupStats> stats = run_dedup(DedupOptions{}, {dump}, outputs);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();

  Result<eval::Labels> predicted = eval::read_clusters(outputs.clusters_path);
  ASSERT_TRUE(predicted.ok()) << predicted.status().to_string();
  Result<eval::Labels> labels = eval::read_truth(truth, {});
  ASSERT_TRUE(labels.ok()) << labels.status().to_string();
  Result<eval::Scores> scores = eval::evaluate(*predicted, *labels);
  ASSERT_TRUE(scores.ok()) << scores.status().to_string();

  // The targets: >= 99% of copies with boilerplate, edits, reordering,
  // Unicode or case variants caught, pair precision >= 0.995.
  EXPECT_GE(scores->pair_precision, 0.995);
  for (const char* kind :
       {"boilerplate", "edit", "reorder", "unicode", "case"}) {
    ASSERT_TRUE(scores->copies_by_kind_part.count(kind)) << kind;
    const eval::CopyScores& part = scores->copies_by_kind_part.at(kind);
    EXPECT_GT(part.copies, 100u) << kind;
    EXPECT_GE(part.linked_share, 0.99) << kind;
  }
  EXPECT_GE(scores->copies_by_kind_part.at("truncate").linked_share, 0.95);
}

}  // namespace
}  // namespace neardup
