// The library example of README.md, compiled and run. Keep the two in sync:
// the README shows the body of run_example() verbatim.

#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <utility>
#include <vector>

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

// ---- README index example begins ----
#include <neardup/neardup.h>

// Gives each incoming (id, text) a verdict: new, and now indexed, or a
// near-duplicate of a document seen before, in this run or an earlier one.
int ingest(const std::string& index_dir, const std::string& source,
           const std::vector<std::pair<std::string, std::string>>& incoming) {
  neardup::DedupOptions options;  // must equal the saved index's options
  auto index = neardup::Index::Open(index_dir, &options);
  if (index.status().code() == neardup::StatusCode::kNotFound) {
    index = neardup::Index::Create(options);  // first run: a new index
  }
  if (!index.ok()) {
    std::cerr << index.status().to_string() << "\n";
    return 1;
  }
  auto sketcher = neardup::Sketcher::Create((*index)->options());
  if (!sketcher.ok()) return 1;
  neardup::Sketch sketch;
  std::vector<neardup::IndexMatch> matches;
  for (const auto& [id, text] : incoming) {
    neardup::Status s = (*sketcher)->sketch(text, &sketch);
    if (s.ok()) {
      s = (*index)->query_or_add(id, source, sketch, &matches, /*limit=*/1);
    }
    if (!s.ok()) {
      std::cerr << id << ": " << s.to_string() << "\n";
      continue;  // e.g. invalid UTF-8: skip this document
    }
    if (matches.empty()) {
      std::cout << id << ": new\n";
    } else {
      std::cout << id << ": near-duplicate of "
                << (*index)->key(matches[0].entry) << " from "
                << (*index)->source(matches[0].entry) << "\n";
    }
  }
  // Writes only what this run added: one new run file and the manifest.
  neardup::Status saved = (*index)->save(index_dir);
  if (!saved.ok()) std::cerr << saved.to_string() << "\n";
  return saved.ok() ? 0 : 1;
}
// ---- README index example ends ----

TEST(ReadmeExampleTest, IngestsAcrossRestarts) {
  neardup::testing::TempDir dir;
  const std::string index = dir.file("seen.ndx");
  const std::string story = neardup::testing::words(0, 80);
  testing::internal::CaptureStdout();
  ASSERT_EQ(ingest(index, "feed-1",
                   {{"a", story},
                    {"b", neardup::testing::words(1000, 1080)},
                    {"c", story + " w2000 w2001"}}),
            0);
  // A restart: the index is opened from disk.
  ASSERT_EQ(ingest(index, "feed-2",
                   {{"d", neardup::testing::words(1000, 1080)},
                    {"e", neardup::testing::words(3000, 3080)}}),
            0);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out,
            "a: new\nb: new\nc: near-duplicate of a from feed-1\n"
            "d: near-duplicate of b from feed-1\ne: new\n");
  auto reopened = neardup::Index::Open(index, nullptr);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->size(), 3u);
  EXPECT_EQ((*reopened)->info().runs.size(), 2u);
}

TEST(ReadmeExampleTest, ReadmeShowsTheIndexExample) {
  const std::string readme = neardup::testing::read_file(
      std::string(NEARDUP_SOURCE_DIR) + "/README.md");
  const std::string self = neardup::testing::read_file(__FILE__);
  const std::string begin = "// ---- README index example begins ----\n";
  const std::string end = "// ---- README index example ends ----";
  const size_t b = self.find(begin) + begin.size();
  const std::string example = self.substr(b, self.find(end) - b);
  // The whole code block, so nothing else creeps into it.
  EXPECT_NE(readme.find("```cpp\n" + example + "```\n"), std::string::npos)
      << "README.md must show the ingest() example verbatim";
}

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
