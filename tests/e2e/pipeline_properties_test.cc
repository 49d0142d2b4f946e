// Properties of run_dedup() that must hold for any input, checked on seeded
// random dumps from the generator with hostile lines mixed in:
// - the clusters, output and rejects do not depend on the thread count, the
//   chunk size, or how the lines are split over plain and compressed files;
// - every input line is a document or a rejected line, named by its input
//   and line;
// - documents = clusters + duplicates, and the clusters file marks exactly
//   `clusters` representatives, each cluster named by one of them;
// - --output holds exactly the representatives' lines, byte for byte.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gen/generator.h"
#include "neardup/pipeline.h"
#include "test_util.h"

namespace neardup {
namespace {

constexpr size_t kMaxLineBytes = 8192;

// Lines that must be rejected, one per reason the reader and parser give.
const std::vector<std::pair<std::string, RejectReason>>& hostile_lines() {
  static const std::vector<std::pair<std::string, RejectReason>> kLines = {
      {"", RejectReason::kEmptyLine},
      {" \t ", RejectReason::kEmptyLine},
      {"{\"id\": \"h1\", \"text\": \"cut", RejectReason::kBadJson},
      {"not json at all", RejectReason::kBadJson},
      {"{\"id\": \"h2\", \"text\": \"x\"} trailing", RejectReason::kBadJson},
      {"{\"id\": \"h7\", \"text\": \"x\"}{\"id\": \"h8\", \"text\": \"y\"}",
       RejectReason::kBadJson},
      {"{\"id\": \"h3\", \"text\": \"\xff\xfe\"}", RejectReason::kInvalidUtf8},
      {"{\"id\": \"h4\"}", RejectReason::kMissingField},
      {"{\"id\": \"h5\", \"text\": 42}", RejectReason::kNotString},
      {"{\"id\": [1], \"text\": \"a b c\"}", RejectReason::kBadId},
      {"{\"id\": \"h6\", \"text\": \"" + std::string(kMaxLineBytes, 'x') +
           "\"}",
       RejectReason::kTooLong},
  };
  return kLines;
}

struct Dump {
  std::vector<std::string> lines;
  std::vector<int> hostile;  // index into hostile_lines(), or -1
};

// A generated dump of `docs` documents with `bad` hostile lines at random
// places.
Dump make_dump(uint64_t seed, uint64_t docs, int bad,
               const testing::TempDir& dir) {
  gen::GenOptions options;
  options.seed = seed;
  options.docs = docs;
  options.min_article_bytes = 300;
  options.max_article_bytes = 1500;
  options.dup_rate = 0.3;
  const std::string path = dir.file("gen.jsonl");
  EXPECT_TRUE(gen::write_dump(options, path, "").ok());
  Dump dump;
  dump.lines = testing::read_lines(path);
  dump.hostile.assign(dump.lines.size(), -1);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < bad; ++i) {
    const size_t at = rng() % (dump.lines.size() + 1);
    const int kind = static_cast<int>(rng() % hostile_lines().size());
    dump.lines.insert(dump.lines.begin() + at, hostile_lines()[kind].first);
    dump.hostile.insert(dump.hostile.begin() + at, kind);
  }
  return dump;
}

// The id of a generated line: {"id": "doc-...", ...}.
std::string id_of(const std::string& line) {
  const size_t begin = line.find("\"id\": \"") + 7;
  return line.substr(begin, line.find('"', begin) - begin);
}

// The dump's lines over `parts` files cut at random lines, each stored plain,
// gzip or zstd at random. Returns the paths and each file's first line.
std::vector<std::string> split_dump(const Dump& dump, int parts,
                                    std::mt19937_64* rng,
                                    const testing::TempDir& dir,
                                    std::vector<size_t>* first_lines) {
  std::vector<size_t> cuts = {0, dump.lines.size()};
  for (int i = 1; i < parts; ++i) cuts.push_back((*rng)() % dump.lines.size());
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string> paths;
  first_lines->clear();
  for (size_t p = 0; p + 1 < cuts.size(); ++p) {
    std::string text;
    for (size_t i = cuts[p]; i < cuts[p + 1]; ++i) text += dump.lines[i] + "\n";
    const int codec = static_cast<int>((*rng)() % 3);
    std::string path = dir.file("part" + std::to_string(p) + ".jsonl");
    if (codec == 1) {
      path += ".gz";
      text = testing::gzip(text);
    } else if (codec == 2) {
      path += ".zst";
      text = testing::zstd_compress(text);
    }
    testing::write_file(path, text);
    paths.push_back(path);
    first_lines->push_back(cuts[p]);
  }
  return paths;
}

struct RunFiles {
  std::string clusters, output;
  std::vector<std::pair<size_t, std::string>> rejects;  // (dump line, reason)
};

class Recorder : public Reporter {
 public:
  void rejected_line(const RejectedLine& line) override {
    lines.push_back({std::string(line.input), line.line,
                     std::string(reject_reason_name(line.reason))});
  }
  struct Entry {
    std::string input;
    uint64_t line;
    std::string reason;
  };
  std::vector<Entry> lines;
};

// Runs dedup and checks the per-run properties; returns the outputs with
// each rejected line named by its place in the dump.
RunFiles run_and_check(const Dump& dump, const std::vector<std::string>& paths,
                       const std::vector<size_t>& first_lines,
                       const DedupOptions& options,
                       const testing::TempDir& dir) {
  DedupOutputs outputs;
  outputs.clusters_path = dir.file("clusters.jsonl");
  outputs.output_path = dir.file("output.jsonl");
  Recorder recorder;
  Result<DedupStats> stats = run_dedup(options, paths, outputs, &recorder);
  EXPECT_TRUE(stats.ok()) << stats.status().to_string();
  if (!stats.ok()) return {};
  RunFiles run{testing::read_file(outputs.clusters_path),
               testing::read_file(outputs.output_path),
               {}};
  // Every line is a document or a rejected line.
  EXPECT_EQ(stats->lines_read, dump.lines.size());
  EXPECT_EQ(stats->lines_read, stats->documents + stats->lines_rejected);
  EXPECT_EQ(stats->documents, stats->clusters + stats->duplicates);
  for (const Recorder::Entry& e : recorder.lines) {
    const size_t part = static_cast<size_t>(
        std::find(paths.begin(), paths.end(), e.input) - paths.begin());
    EXPECT_LT(part, paths.size()) << e.input;
    if (part >= paths.size()) continue;
    run.rejects.emplace_back(first_lines[part] + e.line - 1, e.reason);
  }
  std::vector<std::pair<size_t, std::string>> expected_rejects;
  std::vector<std::string> expected_ids;
  for (size_t i = 0; i < dump.lines.size(); ++i) {
    if (dump.hostile[i] < 0) {
      expected_ids.push_back(id_of(dump.lines[i]));
    } else {
      expected_rejects.emplace_back(
          i, std::string(
                 reject_reason_name(hostile_lines()[dump.hostile[i]].second)));
    }
  }
  EXPECT_EQ(run.rejects, expected_rejects);
  // One clusters line per document, in input order; the representatives
  // are `clusters` of them and name their clusters.
  const auto clusters = testing::read_clusters(outputs.clusters_path);
  EXPECT_EQ(clusters.size(), expected_ids.size());
  std::set<std::string> representatives;
  std::string expected_output;
  size_t doc = 0;
  for (size_t i = 0; i < dump.lines.size() && doc < clusters.size(); ++i) {
    if (dump.hostile[i] >= 0) continue;
    const testing::ClusterLine& c = clusters[doc++];
    EXPECT_EQ(c.id, id_of(dump.lines[i]));
    if (c.representative) {
      EXPECT_EQ(c.cluster, c.id);
      representatives.insert(c.id);
      expected_output += dump.lines[i] + "\n";
    } else {
      EXPECT_EQ(representatives.count(c.cluster), 1u) << c.id;
    }
  }
  EXPECT_EQ(representatives.size(), stats->clusters);
  // --output: the representatives' lines, byte for byte.
  EXPECT_EQ(run.output, expected_output);
  return run;
}

void check_invariance(uint64_t seed, DedupOptions base) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  testing::TempDir dir;
  const Dump dump = make_dump(seed, 3000, 40, dir);
  base.max_line_bytes = kMaxLineBytes;
  base.threads = 1;
  const std::string whole = dir.file("whole.jsonl");
  {
    std::string text;
    for (const std::string& line : dump.lines) text += line + "\n";
    testing::write_file(whole, text);
  }
  const RunFiles reference = run_and_check(dump, {whole}, {0}, base, dir);
  ASSERT_FALSE(reference.clusters.empty());
  std::mt19937_64 rng(seed * 7919 + 1);
  const size_t chunk_sizes[] = {256, 4096, size_t{1} << 16, size_t{1} << 20};
  for (int variant = 0; variant < 4; ++variant) {
    DedupOptions options = base;
    options.threads = 1 + static_cast<int>(rng() % 3);
    options.chunk_bytes = chunk_sizes[rng() % 4];
    const int parts = 1 + static_cast<int>(rng() % 4);
    std::vector<size_t> first_lines;
    const std::vector<std::string> paths =
        split_dump(dump, parts, &rng, dir, &first_lines);
    SCOPED_TRACE(std::to_string(options.threads) + " threads, chunk " +
                 std::to_string(options.chunk_bytes) + ", " +
                 std::to_string(parts) + " files");
    const RunFiles run = run_and_check(dump, paths, first_lines, options, dir);
    EXPECT_EQ(run.clusters, reference.clusters);
    EXPECT_EQ(run.output, reference.output);
    EXPECT_EQ(run.rejects, reference.rejects);
  }
}

TEST(PipelinePropertiesTest, MinHashOutputsDependOnTheLinesAlone) {
  for (uint64_t seed : {11, 12, 13}) check_invariance(seed, DedupOptions{});
}

TEST(PipelinePropertiesTest, ExactVerificationOutputsDependOnTheLinesAlone) {
  DedupOptions options;
  options.minhash.verification = Verification::kExact;
  check_invariance(21, options);
}

// A run whose sketches pass DedupOptions::memory_limit_bytes spills them
// and searches bands on disk; every output must be the in-memory run's.
TEST(PipelinePropertiesTest, SpilledRunsWriteWhatRunsInMemoryWrite) {
  testing::TempDir dir;
  const Dump dump = make_dump(41, 20000, 40, dir);
  std::mt19937_64 rng(41);
  struct Config {
    Clustering clustering;
    Verification verification;
    double threshold;  // 0.7: bands of 5 rows, whose values need runs
  };
  const Config configs[] = {
      {Clustering::kBounded, Verification::kBorderline, 0.5},
      {Clustering::kBounded, Verification::kExact, 0.5},
      {Clustering::kConnectedComponents, Verification::kBorderline, 0.5},
      {Clustering::kConnectedComponents, Verification::kExact, 0.5},
      {Clustering::kBounded, Verification::kBorderline, 0.7}};
  for (const Config& config : configs) {
    DedupOptions options;
    options.max_line_bytes = kMaxLineBytes;
    options.clustering = config.clustering;
    options.minhash.verification = config.verification;
    options.minhash.threshold = config.threshold;
    options.threads = 2;
    std::vector<size_t> first_lines;
    const std::vector<std::string> paths =
        split_dump(dump, 3, &rng, dir, &first_lines);
    std::string outputs[2];
    for (int spill = 0; spill < 2; ++spill) {
      SCOPED_TRACE(spill ? "spilled" : "in memory");
      options.memory_limit_bytes = spill ? 1 << 20 : uint64_t{1} << 40;
      options.temp_dir = dir.path().string();
      DedupOutputs out;
      out.clusters_path = dir.file("clusters.jsonl");
      out.output_path = dir.file("output.jsonl");
      out.pairs_path = dir.file("pairs.jsonl");
      Result<DedupStats> stats = run_dedup(options, paths, out, nullptr);
      ASSERT_TRUE(stats.ok()) << stats.status().to_string();
      EXPECT_EQ(stats->spilled, spill == 1);
      EXPECT_EQ(stats->documents + stats->lines_rejected, dump.lines.size());
      if (spill) {
        EXPECT_GT(stats->temp_written_bytes, stats->documents * 206);
        // Bands of 3 rows take a few reads of their bytes at this size;
        // longer ones are sorted in runs.
        EXPECT_EQ(stats->external_band_sorts > 0, config.threshold > 0.6);
      }
      EXPECT_GT(stats->duplicates, 1000u);
      outputs[spill] = testing::read_file(out.clusters_path) +
                       testing::read_file(out.output_path) +
                       testing::read_file(out.pairs_path);
    }
    EXPECT_TRUE(outputs[0] == outputs[1]);
  }
  // Nothing of the runs' temporary files is left: they had no names.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name.starts_with("part") || name.ends_with(".jsonl")) << name;
  }
}

TEST(PipelinePropertiesTest, SimHashOutputsDependOnTheLinesAlone) {
  DedupOptions options;
  options.algorithm = Algorithm::kSimHash;
  check_invariance(31, options);
}

}  // namespace
}  // namespace neardup
