// The library example of README.md, compiled and run. Keep the two in sync:
// the README shows the body of run_example() verbatim.

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "test_util.h"

// ---- README example begins ----
#include <neardup/neardup.h>

int run_example(const std::string& dump, const std::string& clusters) {
  neardup::DedupOptions options;  // MinHash, 3-word shingles, Jaccard >= 0.5
  options.threads = 2;
  neardup::DedupOutputs outputs;
  outputs.clusters_path = clusters;  // one JSON line per document
  neardup::Result<neardup::DedupStats> stats =
      neardup::run_dedup(options, {dump}, outputs);
  if (!stats.ok()) {
    std::cerr << stats.status().to_string() << "\n";
    return 1;
  }
  std::cout << stats->documents << " documents in " << stats->clusters
            << " clusters\n";
  return 0;
}
// ---- README example ends ----

TEST(ReadmeExampleTest, RunsOnTheBundledReutersDump) {
  neardup::testing::TempDir dir;
  EXPECT_EQ(run_example(neardup::testing::bundled(
                            "reuters21578/reuters21578.jsonl.zst"),
                        dir.file("clusters.jsonl")),
            0);
  EXPECT_EQ(neardup::testing::read_lines(dir.file("clusters.jsonl")).size(),
            21578u);
  EXPECT_EQ(run_example(dir.file("missing.jsonl"), dir.file("c.jsonl")), 1);
}

TEST(ReadmeExampleTest, ReadmeShowsThisExample) {
  const std::string readme = neardup::testing::read_file(
      std::string(NEARDUP_SOURCE_DIR) + "/README.md");
  const std::string self = neardup::testing::read_file(__FILE__);
  const std::string begin = "// ---- README example begins ----\n";
  const std::string end = "// ---- README example ends ----";
  const size_t b = self.find(begin) + begin.size();
  const std::string example = self.substr(b, self.find(end) - b);
  EXPECT_NE(readme.find(example), std::string::npos)
      << "README.md must contain this example verbatim:\n"
      << example;
}
