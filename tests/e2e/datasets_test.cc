// End to end on real corpora: the bundled Reuters-21578 dump and, when the
// shared folder is present, the BBC corpus.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "neardup/neardup.h"
#include "test_util.h"

namespace neardup {
namespace {

struct Doc {
  std::string id, text;
};

std::vector<Doc> parse_jsonl(const std::string& data) {
  std::vector<Doc> docs;
  simdjson::dom::parser parser;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string::npos) end = data.size();
    simdjson::dom::element e;
    if (parser.parse(data.substr(start, end - start)).get(e) ==
        simdjson::SUCCESS) {
      docs.push_back({std::string(std::string_view(e["id"])),
                      std::string(std::string_view(e["text"]))});
    }
    start = end + 1;
  }
  return docs;
}

// Lower-cased, whitespace-collapsed text: the definition of "equal".
std::string collapsed(const std::string& text) {
  std::string out;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

size_t words(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), ' ')) +
         (s.empty() ? 0 : 1);
}

std::map<std::string, std::string> cluster_of(const std::string& path) {
  std::map<std::string, std::string> out;
  for (const std::string& line : testing::read_lines(path)) {
    testing::ClusterLine parsed;
    EXPECT_TRUE(testing::parse_cluster_line(line, &parsed)) << line;
    out[parsed.id] = parsed.cluster;
  }
  return out;
}

TEST(DatasetsTest, ReutersIdenticalTextsShareOneClusterWithAnyThreads) {
  const std::string path =
      testing::bundled("reuters21578/reuters21578.jsonl.zst");
  const std::vector<Doc> docs =
      parse_jsonl(testing::zstd_decompress_file(path));
  ASSERT_EQ(docs.size(), 21578u);
  std::map<std::string, std::vector<std::string>> groups;
  for (const Doc& d : docs) groups[collapsed(d.text)].push_back(d.id);
  std::vector<std::vector<std::string>> identical;
  for (auto& [text, ids] : groups) {
    if (ids.size() > 1 && words(text) >= 20) identical.push_back(ids);
  }
  EXPECT_EQ(identical.size(), 336u);

  testing::TempDir dir;
  std::string first;
  for (int threads : {1, 2}) {
    DedupOptions options;
    options.threads = threads;
    DedupOutputs outputs;
    outputs.clusters_path =
        dir.file(std::string("c") += std::to_string(threads) += ".jsonl");
    Result<DedupStats> stats = run_dedup(options, {path}, outputs);
    ASSERT_TRUE(stats.ok()) << stats.status().to_string();
    EXPECT_EQ(stats->lines_read, 21578u);
    EXPECT_EQ(stats->documents + stats->lines_rejected, stats->lines_read);
    const auto cluster = cluster_of(outputs.clusters_path);
    ASSERT_EQ(cluster.size(), 21578u);
    size_t together = 0;
    for (const auto& ids : identical) {
      bool same = true;
      for (const auto& id : ids)
        same = same && cluster.at(id) == cluster.at(ids[0]);
      together += same;
      EXPECT_TRUE(same) << "group of " << ids[0] << " is split";
    }
    EXPECT_EQ(together, 336u);
    const std::string bytes = testing::read_file(outputs.clusters_path);
    if (first.empty()) first = bytes;
    EXPECT_EQ(bytes, first) << threads << " threads";
  }
}

TEST(DatasetsTest, BbcExactDuplicatesAreFound) {
  const std::string shared = testing::shared_datasets();
  if (shared.empty())
    GTEST_SKIP() << "no shared datasets (set NEARDUP_SHARED_DATASETS)";
  const std::string path = shared + "/bbc_fulltext/bbc_fulltext.jsonl";
  const std::vector<Doc> docs = parse_jsonl(testing::read_file(path));
  ASSERT_EQ(docs.size(), 2225u);
  std::map<std::string, std::vector<std::string>> groups;
  for (const Doc& d : docs) groups[collapsed(d.text)].push_back(d.id);
  testing::TempDir dir;
  DedupOutputs outputs;
  outputs.clusters_path = dir.file("c.jsonl");
  Result<DedupStats> stats = run_dedup({}, {path}, outputs);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  const auto cluster = cluster_of(outputs.clusters_path);
  size_t exact_groups = 0;
  for (const auto& [text, ids] : groups) {
    if (ids.size() < 2) continue;
    ++exact_groups;
    for (const auto& id : ids)
      EXPECT_EQ(cluster.at(id), cluster.at(ids[0])) << id;
  }
  // The dataset's README counts 138 groups with its own normalization.
  EXPECT_GE(exact_groups, 130u);
  EXPECT_GE(stats->duplicates, 138u);
}

}  // namespace
}  // namespace neardup
