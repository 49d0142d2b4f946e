// End-to-end tests of run_dedup() through the public headers only.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/neardup.h"
#include "test_util.h"

namespace neardup {
namespace {

using testing::read_clusters;
using testing::words;

class RecordingReporter : public Reporter {
 public:
  void rejected_line(const RejectedLine& line) override {
    lines.push_back({std::string(line.input), line.line, line.reason});
  }
  struct Entry {
    std::string input;
    uint64_t line;
    RejectReason reason;
  };
  std::vector<Entry> lines;
};

uint64_t rejected(const DedupStats& s, RejectReason r) {
  return s.rejected_by_reason[static_cast<int>(r)];
}

void expect_accounting(const DedupStats& s) {
  EXPECT_EQ(s.lines_read, s.documents + s.lines_rejected);
  EXPECT_EQ(s.documents, s.clusters + s.duplicates);
  uint64_t sum = 0;
  for (uint64_t n : s.rejected_by_reason) sum += n;
  EXPECT_EQ(sum, s.lines_rejected);
}

class PipelineTest : public ::testing::Test {
 protected:
  Result<DedupStats> run(const std::vector<std::string>& inputs,
                         DedupOptions options = {}) {
    outputs_.clusters_path = dir_.file("clusters.jsonl");
    outputs_.output_path = dir_.file("output.jsonl");
    outputs_.rejects_path = dir_.file("rejects.jsonl");
    outputs_.stats_path = dir_.file("stats.json");
    reporter_.lines.clear();
    return run_dedup(options, inputs, outputs_, &reporter_);
  }
  testing::TempDir dir_;
  DedupOutputs outputs_;
  RecordingReporter reporter_;
};

const char kArticle[] =
    "Showers continued throughout the week in the Bahia cocoa zone, "
    "alleviating the drought since early January and improving prospects for "
    "the coming temporao, although normal humidity levels have not been "
    "restored, Comissaria Smith said in its weekly review.";

std::string record(const std::string& id, const std::string& text) {
  return "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}";
}

TEST_F(PipelineTest, HostileInputIsAccountedLineByLine) {
  const std::string path = dir_.file("hostile.jsonl");
  std::string data = "\xEF\xBB\xBF" + record("a", kArticle) + "\n";  // 1 BOM
  data += record("b", kArticle) + "\r\n";                            // 2 CRLF
  data += "\n";                                                      // 3 empty
  data += "   \t\n";                                                 // 4 blank
  data += "{\"id\": \"c\", \"text\": \"bad \xC3\x28 utf8\"}\n";      // 5
  data += "{\"id\": \"d\", \"text\": }\n";             // 6 bad json
  data += "{\"id\": \"e\", \"body\": \"no text\"}\n";  // 7 missing
  data += "{\"id\": \"f\", \"text\": 12}\n";           // 8 not string
  data +=
      std::string("{\"id\": \"g\", \"text\": \"n\0l\"}\n", 27);  // 9 raw NUL
  data += "{\"id\": \"h\", \"text\": \"" + std::string(5000, 'x') +
          "\"}\n";                                                 // 10 long
  data += "{\"text\": \"no id here, uses the line number\"}\n";    // 11
  data += "{\"id\": \"i\", \"text\": \"escaped \\u0000 nul\"}\n";  // 12
  data += "{\"id\": \"j\", \"text\": \"cut off";  // 13 truncated
  testing::write_file(path, data);

  DedupOptions options;
  options.max_line_bytes = 1000;
  Result<DedupStats> stats = run({path}, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  expect_accounting(*stats);
  EXPECT_EQ(stats->lines_read, 13u);
  EXPECT_EQ(stats->documents, 4u);  // a, b, line 11, i
  EXPECT_EQ(rejected(*stats, RejectReason::kEmptyLine), 2u);
  EXPECT_EQ(rejected(*stats, RejectReason::kInvalidUtf8), 1u);
  EXPECT_EQ(rejected(*stats, RejectReason::kBadJson), 3u);  // 6, 9, 13
  EXPECT_EQ(rejected(*stats, RejectReason::kMissingField), 1u);
  EXPECT_EQ(rejected(*stats, RejectReason::kNotString), 1u);
  EXPECT_EQ(rejected(*stats, RejectReason::kTooLong), 1u);

  std::vector<uint64_t> reported;
  for (const auto& e : reporter_.lines) {
    EXPECT_EQ(e.input, path);
    reported.push_back(e.line);
  }
  EXPECT_EQ(reported, (std::vector<uint64_t>{3, 4, 5, 6, 7, 8, 9, 10, 13}));
  EXPECT_EQ(testing::read_lines(outputs_.rejects_path).size(), 9u);
  EXPECT_NE(testing::read_file(outputs_.rejects_path)
                .find("\"reason\": \"too_long\""),
            std::string::npos);

  const auto clusters = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(clusters.size(), 4u);
  EXPECT_EQ(clusters[0].id, "a");
  EXPECT_EQ(clusters[1].id, "b");
  EXPECT_EQ(clusters[1].cluster, "a");  // CRLF does not change the text
  EXPECT_FALSE(clusters[1].representative);
  EXPECT_EQ(clusters[2].id, "10");  // 0-based line number as the id
  // The output keeps the representatives' lines byte for byte (BOM removed).
  const auto out = testing::read_lines(outputs_.output_path);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], record("a", kArticle));
}

TEST_F(PipelineTest, TruncatedCompressedInputsKeepWhatWasDecoded) {
  std::string data;
  for (int i = 0; i < 2000; ++i) {
    std::string text = kArticle;
    text += " item ";
    text += std::to_string(i * 7919);
    data += record(std::string("r") += std::to_string(i), text);
    data += '\n';
  }
  for (const std::string name : {"cut.jsonl.gz", "cut.jsonl.zst"}) {
    std::string packed = name.ends_with(".gz") ? testing::gzip(data)
                                               : testing::zstd_compress(data);
    packed.resize(packed.size() * 2 / 3);
    testing::write_file(dir_.file(name), packed);
    Result<DedupStats> stats = run({dir_.file(name)});
    ASSERT_TRUE(stats.ok()) << stats.status().to_string();
    expect_accounting(*stats);
    EXPECT_EQ(rejected(*stats, RejectReason::kTruncatedInput), 1u) << name;
    EXPECT_GT(stats->documents, 100u);
    EXPECT_LT(stats->documents, 2000u);
    ASSERT_FALSE(reporter_.lines.empty());
    EXPECT_EQ(reporter_.lines.back().reason, RejectReason::kTruncatedInput);
  }
}

TEST_F(PipelineTest, EmptyInputGivesEmptyOutputs) {
  testing::write_file(dir_.file("empty.jsonl"), "");
  Result<DedupStats> stats = run({dir_.file("empty.jsonl")});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->lines_read, 0u);
  EXPECT_EQ(stats->documents, 0u);
  EXPECT_TRUE(std::filesystem::exists(outputs_.clusters_path));
  EXPECT_EQ(testing::read_file(outputs_.clusters_path), "");
  EXPECT_NE(testing::read_file(outputs_.stats_path).find("\"documents\": 0"),
            std::string::npos);
}

TEST_F(PipelineTest, MissingInputFailsNamingItAndWritesNothing) {
  Result<DedupStats> stats = run({dir_.file("absent.jsonl")});
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kNotFound);
  EXPECT_NE(stats.status().message().find("absent.jsonl"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(outputs_.clusters_path));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()),
                          std::filesystem::directory_iterator()),
            0);
}

TEST_F(PipelineTest, UnwritableOutputFailsNamingIt) {
  testing::write_file(dir_.file("in.jsonl"), record("a", kArticle) + "\n");
  DedupOutputs outputs;
  outputs.clusters_path = "/nonexistent-dir/neardup/clusters.jsonl";
  Result<DedupStats> stats = run_dedup({}, {dir_.file("in.jsonl")}, outputs);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kIOError);
  EXPECT_NE(
      stats.status().message().find("/nonexistent-dir/neardup/clusters.jsonl"),
      std::string::npos);
}

// Sketches past the memory limit go to unnamed files in the temporary
// directory: a missing one stops the run before any work, naming it.
TEST_F(PipelineTest, MemoryLimitNeedsATemporaryDirectory) {
  std::string lines;
  for (int i = 0; i < 6000; ++i) {
    // append, not "d" + ...: GCC 12 warns (-Wrestrict) on that insert.
    lines += record(std::string("d").append(std::to_string(i)),
                    std::string(kArticle) + " " + std::to_string(i)) +
             "\n";
  }
  testing::write_file(dir_.file("in.jsonl"), lines);
  DedupOptions options;
  options.memory_limit_bytes = 1 << 20;
  options.temp_dir = dir_.file("absent");
  Result<DedupStats> stats = run({dir_.file("in.jsonl")}, options);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find(dir_.file("absent")),
            std::string::npos)
      << stats.status().to_string();
  EXPECT_FALSE(std::filesystem::exists(outputs_.clusters_path));

  options.temp_dir = dir_.path().string();
  stats = run({dir_.file("in.jsonl")}, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_TRUE(stats->spilled);
  EXPECT_EQ(stats->memory_limit_bytes, uint64_t{1} << 20);
  EXPECT_EQ(stats->clusters, 1u);  // one text with numbers appended
  EXPECT_GE(stats->temp_peak_bytes, 6000u * 206);
  const std::string json = testing::read_file(outputs_.stats_path);
  EXPECT_NE(json.find("\"spilled\": true"), std::string::npos) << json;

  // An index reads sketches at random, so it needs them in memory.
  Result<std::unique_ptr<Index>> index = Index::Create(options);
  ASSERT_TRUE(index.ok());
  IndexUse use;
  use.add_to = index->get();
  stats = run_dedup(options, {dir_.file("in.jsonl")}, outputs_, use);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("memory limit"), std::string::npos)
      << stats.status().to_string();

  options.memory_limit_bytes = 1000;
  EXPECT_EQ(run({dir_.file("in.jsonl")}, options).status().code(),
            StatusCode::kInvalidArgument);

  // Without --temp-dir, $TMPDIR matters only to a run that spills.
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string saved = tmpdir != nullptr ? tmpdir : "";
  ::setenv("TMPDIR", dir_.file("absent").c_str(), 1);
  options = {};
  EXPECT_TRUE(run({dir_.file("in.jsonl")}, options).ok());
  options.memory_limit_bytes = 1 << 20;
  stats = run({dir_.file("in.jsonl")}, options);
  EXPECT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find(dir_.file("absent")),
            std::string::npos)
      << stats.status().to_string();
  if (tmpdir != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

TEST_F(PipelineTest, BadOptionsAreInvalidArgument) {
  testing::write_file(dir_.file("in.jsonl"), record("a", kArticle) + "\n");
  DedupOptions options;
  options.max_hamming_distance = 9;
  EXPECT_EQ(run({dir_.file("in.jsonl")}, options).status().code(),
            StatusCode::kInvalidArgument);
  options = {};
  options.text_field = "text";  // not a JSON pointer
  EXPECT_EQ(run({dir_.file("in.jsonl")}, options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(run({}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PipelineTest, SameTextDifferentIdsClusterAndEmptyTextsDoNot) {
  const std::string path = dir_.file("in.jsonl");
  testing::write_file(path, record("x", kArticle) + "\n" + record("e1", "...") +
                                "\n" + record("y", kArticle) + "\n" +
                                record("e2", "...") + "\n");
  Result<DedupStats> stats = run({path});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->empty_documents, 2u);
  const auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[2].cluster, "x");
  EXPECT_EQ(c[2].similarity, 1.0);
  EXPECT_TRUE(c[1].representative);
  EXPECT_TRUE(c[3].representative);
  EXPECT_EQ(stats->clusters, 3u);
}

TEST_F(PipelineTest, MultipleInputsNumberLinesAcrossThem) {
  testing::write_file(dir_.file("1.jsonl"),
                      "{\"text\": \"alpha beta gamma\"}\n");
  testing::write_file(dir_.file("2.jsonl.gz"),
                      testing::gzip("{\"text\": \"delta epsilon zeta\"}\n"));
  Result<DedupStats> stats =
      run({dir_.file("1.jsonl"), dir_.file("2.jsonl.gz")});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->inputs, 2u);
  const auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].id, "0");
  EXPECT_EQ(c[1].id, "1");
}

// A repeated id is counted and, with DuplicateIds::kReject, its later lines
// are rejected: in one chunk, across chunks and across inputs. A document
// without an id is named by its line number, which a later id can repeat.
TEST_F(PipelineTest, RepeatedIdsAreCountedOrRejected) {
  std::string a, b;
  for (int i = 0; i < 40; ++i) {
    a += "{\"id\": \"doc-" + std::to_string(i) + "\", \"text\": \"" +
         words(i * 50, i * 50 + 30) + "\"}\n";
  }
  a += "{\"id\": \"doc-3\", \"text\": \"" + words(9000, 9030) + "\"}\n";  // 41
  a += "{\"text\": \"" + words(9100, 9130) + "\"}\n";  // line 42: id "41"
  b += "{\"id\": 41, \"text\": \"" + words(9200, 9230) + "\"}\n";  // 1
  b += "{\"id\": \"doc-39\", \"text\": \"" + words(9300, 9330) + "\"}\n";
  b += "{\"id\": \"doc-3\", \"text\": \"" + words(9400, 9430) + "\"}\n";
  b += "{\"id\": \"doc-40\", \"text\": \"" + words(9500, 9530) + "\"}\n";
  testing::write_file(dir_.file("a.jsonl"), a);
  testing::write_file(dir_.file("b.jsonl"), b);
  const std::vector<std::string> inputs = {dir_.file("a.jsonl"),
                                           dir_.file("b.jsonl")};
  std::string first_clusters;
  for (size_t chunk : {size_t{64}, size_t{1} << 20}) {
    DedupOptions options;
    options.chunk_bytes = chunk;
    Result<DedupStats> stats = run(inputs, options);
    ASSERT_TRUE(stats.ok()) << stats.status().to_string();
    expect_accounting(*stats);
    EXPECT_EQ(stats->documents, 46u);
    EXPECT_EQ(stats->duplicate_ids, 4u);
    EXPECT_EQ(stats->first_duplicate_id,
              dir_.file("a.jsonl") +
                  ":41 repeats the id \"doc-3\" of an earlier document");
    EXPECT_EQ(read_clusters(outputs_.clusters_path).size(), 46u);

    options.duplicate_ids = DuplicateIds::kReject;
    stats = run(inputs, options);
    ASSERT_TRUE(stats.ok()) << stats.status().to_string();
    expect_accounting(*stats);
    EXPECT_EQ(stats->documents, 42u);
    EXPECT_EQ(stats->duplicate_ids, 4u);
    EXPECT_EQ(rejected(*stats, RejectReason::kDuplicateId), 4u);
    ASSERT_EQ(reporter_.lines.size(), 4u);
    const std::vector<std::pair<std::string, uint64_t>> expected = {
        {"a.jsonl", 41}, {"b.jsonl", 1}, {"b.jsonl", 2}, {"b.jsonl", 3}};
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(reporter_.lines[i].input, dir_.file(expected[i].first));
      EXPECT_EQ(reporter_.lines[i].line, expected[i].second);
      EXPECT_EQ(reporter_.lines[i].reason, RejectReason::kDuplicateId);
    }
    const auto c = read_clusters(outputs_.clusters_path);
    ASSERT_EQ(c.size(), 42u);
    std::set<std::string> ids;
    for (const auto& line : c) EXPECT_TRUE(ids.insert(line.id).second);
    EXPECT_EQ(c[40].id, "41");
    EXPECT_EQ(c[41].id, "doc-40");
    const std::string clusters = testing::read_file(outputs_.clusters_path);
    if (first_clusters.empty()) first_clusters = clusters;
    EXPECT_EQ(clusters, first_clusters) << chunk;
    EXPECT_NE(testing::read_file(outputs_.rejects_path).find("duplicate_id"),
              std::string::npos);
  }
}

TEST_F(PipelineTest, OutputsAreIdenticalForAnyThreadsAndChunkSize) {
  const std::string reuters =
      testing::bundled("reuters21578/reuters21578.jsonl.zst");
  std::vector<DedupOptions> configs(5);
  configs[1].algorithm = Algorithm::kSimHash;
  configs[2].clustering = Clustering::kRepresentative;
  configs[3].minhash.verification = Verification::kExact;
  configs[4].minhash.verification = Verification::kEstimate;
  configs[4].clustering = Clustering::kConnectedComponents;
  for (size_t config = 0; config < configs.size(); ++config) {
    std::string first_clusters, first_output;
    for (int threads : {1, 2, 4}) {
      for (size_t chunk : {size_t{4096}, size_t{1} << 16, size_t{1} << 20}) {
        if (config > 0 && chunk == (size_t{1} << 16)) continue;
        DedupOptions options = configs[config];
        options.threads = threads;
        options.chunk_bytes = chunk;
        Result<DedupStats> stats = run({reuters}, options);
        ASSERT_TRUE(stats.ok()) << stats.status().to_string();
        expect_accounting(*stats);
        const std::string clusters = testing::read_file(outputs_.clusters_path);
        const std::string output = testing::read_file(outputs_.output_path);
        if (first_clusters.empty()) {
          first_clusters = clusters;
          first_output = output;
          EXPECT_EQ(stats->lines_read, 21578u);
          EXPECT_GT(stats->duplicates, 300u);
          continue;
        }
        ASSERT_EQ(clusters, first_clusters)
            << threads << " threads, chunk " << chunk;
        ASSERT_EQ(output, first_output)
            << threads << " threads, chunk " << chunk;
      }
    }
  }
}

// The documents exact verification reads back come by offset from plain
// files and from stdin's spool, and by a second decompression otherwise; any
// split of the same lines over such inputs gives the same clusters.
TEST_F(PipelineTest, ClustersDoNotDependOnHowTheInputsAreSplitOrStored) {
  const std::string reuters = testing::zstd_decompress_file(
      testing::bundled("reuters21578/reuters21578.jsonl.zst"));
  size_t cut = 0;
  for (int line = 0; line < 10000; ++line) cut = reuters.find('\n', cut) + 1;
  testing::write_file(dir_.file("a.jsonl"), reuters.substr(0, cut));
  testing::write_file(dir_.file("b.jsonl.gz"),
                      testing::gzip(reuters.substr(cut)));
  testing::write_file(dir_.file("all.jsonl"), reuters);
  Result<DedupStats> stats = run({dir_.file("all.jsonl")});
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_GT(stats->exact_pairs, 1000u);
  const std::string whole = testing::read_file(outputs_.clusters_path);
  stats = run({dir_.file("a.jsonl"), dir_.file("b.jsonl.gz")});
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(testing::read_file(outputs_.clusters_path), whole);
}

// One-word shingles and every band a single row, so that the sets' Jaccard
// similarities are easy to count and every pair above ~0.05 is a candidate.
DedupOptions counted_options(double threshold, Verification verification) {
  DedupOptions options;
  options.text.shingle_words = 1;
  options.text.min_line_words = 0;
  options.minhash.threshold = threshold;
  options.minhash.bands = 128;
  options.minhash.rows = 1;
  options.minhash.verification = verification;
  return options;
}

TEST_F(PipelineTest, ExactVerificationDecidesByExactJaccard) {
  // J(a, c) = 80 / 120 = 0.667; J(a, b) = J(b, c) = 60 / 140 = 0.43.
  const std::string path = dir_.file("in.jsonl");
  testing::write_file(path,
                      record("a", words(0, 100)) + "\n" +
                          record("b", words(0, 60) + words(200, 240)) + "\n" +
                          record("c", words(0, 80) + words(100, 120)) + "\n");
  Result<DedupStats> stats =
      run({path}, counted_options(0.66, Verification::kExact));
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->verification, Verification::kExact);
  // a-b and b-c are more than 4 standard deviations below the threshold.
  EXPECT_EQ(stats->exact_pairs, 1u);
  EXPECT_EQ(stats->exact_documents, 2u);
  EXPECT_EQ(stats->verified_pairs, 1u);
  EXPECT_EQ(stats->candidate_pairs, 3u);
  auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1].cluster, "b");
  EXPECT_EQ(c[2].cluster, "a");
  EXPECT_GT(c[2].similarity, 0.5);
  EXPECT_LT(c[2].similarity, 0.85);

  stats = run({path}, counted_options(0.67, Verification::kExact));
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->verified_pairs, 0u);
  EXPECT_EQ(stats->clusters, 3u);
}

TEST_F(PipelineTest, RepresentativeClusteringBreaksChains) {
  // a~b and b~c at 70 / 130 = 0.54, a and c at 40 / 160 = 0.25.
  const std::string path = dir_.file("in.jsonl");
  testing::write_file(path, record("a", words(0, 100)) + "\n" +
                                record("b", words(30, 130)) + "\n" +
                                record("c", words(60, 160)) + "\n");
  DedupOptions options = counted_options(0.5, Verification::kExact);
  options.clustering = Clustering::kConnectedComponents;
  Result<DedupStats> stats = run({path}, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->verified_pairs, 2u);
  EXPECT_EQ(stats->clusters, 1u);
  EXPECT_EQ(stats->largest_cluster, 3u);
  options.clustering = Clustering::kRepresentative;
  stats = run({path}, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->clusters, 2u);
  EXPECT_EQ(stats->largest_cluster, 2u);
  auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1].cluster, "a");
  EXPECT_EQ(c[2].cluster, "c");
  EXPECT_TRUE(c[2].representative);
}

// Issue 9: chains of copies of copies stay together, chains of merely similar
// documents are cut where they drift from the representative.
TEST_F(PipelineTest, BoundedClusteringKeepsCopiesOfCopiesAndCutsDrift) {
  // J(a, b) = J(b, c) = 80 / 120 = 0.67 and J(c, d) = 70 / 130 = 0.54 are
  // pairs; J(a, c) = 60 / 140 = 0.43 is not, but c is within t/2 of a;
  // J(a, d) = 30 / 170 = 0.18 is below t/2.
  const std::string path = dir_.file("in.jsonl");
  testing::write_file(
      path, record("a", words(0, 100)) + "\n" +
                record("b", words(0, 80) + words(200, 220)) + "\n" +
                record("c", words(0, 60) + words(200, 220) + words(300, 320)) +
                "\n" +
                record("d", words(30, 60) + words(200, 220) + words(300, 320) +
                                words(500, 530)) +
                "\n");
  auto clusters_with = [&](Clustering clustering) {
    DedupOptions options = counted_options(0.5, Verification::kBorderline);
    options.clustering = clustering;
    Result<DedupStats> stats = run({path}, options);
    EXPECT_TRUE(stats.ok()) << stats.status().to_string();
    EXPECT_EQ(stats->verified_pairs, 3u);
    std::string out;
    for (const testing::ClusterLine& line :
         read_clusters(outputs_.clusters_path)) {
      out += line.cluster;
    }
    return out;
  };
  EXPECT_EQ(clusters_with(Clustering::kBounded), "aaad");
  EXPECT_EQ(clusters_with(Clustering::kConnectedComponents), "aaaa");
  EXPECT_EQ(clusters_with(Clustering::kRepresentative), "aacc");
}

// Exact verification reads documents back by offset from plain files and by
// a second decompression otherwise; a byte order mark, CRLF line ends and an
// over-long line before the documents move their offsets. Both ways agree.
TEST_F(PipelineTest, ExactVerificationReadsBackByOffsetOrByDecompression) {
  std::string text = "\xEF\xBB\xBF";
  text +=
      "{\"id\": \"long\", \"text\": \"" + std::string(2000, 'x') + "\"}\r\n";
  text += record("a", words(0, 100)) + "\r\n";
  text += "not json\n";
  text += record("b", words(0, 70) + words(200, 230)) + "\n";
  text += record("c", words(0, 60) + words(300, 340)) + "\n";
  const std::string plain = dir_.file("in.jsonl");
  const std::string packed = dir_.file("in.jsonl.gz");
  testing::write_file(plain, text);
  testing::write_file(packed, testing::gzip(text));
  DedupOptions options = counted_options(0.5, Verification::kExact);
  options.max_line_bytes = 1000;
  Result<DedupStats> stats = run({plain}, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->documents, 3u);
  EXPECT_EQ(stats->exact_documents, 3u);
  const std::string by_offset = testing::read_file(outputs_.clusters_path);
  stats = run({packed}, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(testing::read_file(outputs_.clusters_path), by_offset);
  // J(a, b) = 70 / 130 = 0.54 is a pair; J(a, c) = 60 / 140 = 0.43 is not.
  EXPECT_EQ(stats->verified_pairs, 1u);
  const auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1].cluster, "a");
  EXPECT_EQ(c[2].cluster, "c");
}

TEST_F(PipelineTest, StatsNameTheAlgorithmAndItsParameters) {
  testing::write_file(dir_.file("in.jsonl"), record("a", kArticle) + "\n");
  Result<DedupStats> stats = run({dir_.file("in.jsonl")});
  ASSERT_TRUE(stats.ok());
  const MinHashOptions defaults;
  const LshParams lsh = choose_lsh_params(defaults);
  EXPECT_EQ(stats->algorithm, Algorithm::kMinHash);
  EXPECT_EQ(stats->bands, lsh.bands);
  EXPECT_EQ(stats->rows, lsh.rows);
  const std::string json = testing::read_file(outputs_.stats_path);
  EXPECT_NE(json.find("\"algorithm\": \"minhash\""), std::string::npos);
  EXPECT_NE(json.find("\"bands\": " + std::to_string(lsh.bands)),
            std::string::npos);
  EXPECT_NE(json.find("\"verification\": \"borderline\""), std::string::npos);
  EXPECT_NE(json.find("\"clustering\": \"bounded\""), std::string::npos);
  DedupOptions simhash;
  simhash.algorithm = Algorithm::kSimHash;
  stats = run({dir_.file("in.jsonl")}, simhash);
  ASSERT_TRUE(stats.ok());
  EXPECT_NE(testing::read_file(outputs_.stats_path)
                .find("\"max_hamming_distance\": 5"),
            std::string::npos);
  auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].distance, 0);
}

TEST_F(PipelineTest, StoryModeClustersTheFourSeedsAndNothingElse) {
  // The four renditions of one story among all of Reuters-21578, which they
  // share no story with.
  const std::vector<std::string> inputs = {
      testing::bundled("seeds/seeds.jsonl"),
      testing::bundled("reuters21578/reuters21578.jsonl.zst")};
  DedupOptions options;
  options.mode = Mode::kStory;
  Result<DedupStats> stats = run(inputs, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  expect_accounting(*stats);
  EXPECT_EQ(stats->mode, Mode::kStory);
  const auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 4u + 21578u);
  std::map<std::string, int> members;
  for (const testing::ClusterLine& line : c) ++members[line.cluster];
  const std::string seed_cluster = c[0].cluster;
  EXPECT_EQ(seed_cluster.rfind("seed-", 0), 0u) << seed_cluster;
  for (int i = 1; i < 4; ++i) EXPECT_EQ(c[i].cluster, seed_cluster) << i;
  EXPECT_EQ(members[seed_cluster], 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_GT(c[i].similarity, 0.3) << i;
    EXPECT_LE(c[i].similarity, 1.0) << i;
  }
  EXPECT_NE(testing::read_file(outputs_.stats_path).find("\"mode\": \"story\""),
            std::string::npos);

  // One pass with a saved model gives the same clusters.
  const std::string first = testing::read_file(outputs_.clusters_path);
  options.idf_model_path = dir_.file("mix.idf");
  ASSERT_TRUE(build_idf_model(options, inputs, options.idf_model_path).ok());
  options.threads = 1;
  stats = run(inputs, options);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(testing::read_file(outputs_.clusters_path), first);
}

TEST_F(PipelineTest, StoryModeNamesAMissingModel) {
  testing::write_file(dir_.file("in.jsonl"), record("a", kArticle) + "\n");
  DedupOptions options;
  options.mode = Mode::kStory;
  options.idf_model_path = dir_.file("absent.idf");
  Result<DedupStats> stats = run({dir_.file("in.jsonl")}, options);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("absent.idf"), std::string::npos)
      << stats.status().message();
}

TEST_F(PipelineTest, SeedRenditionsAreNotCopiesButBoilerplateCopiesAre) {
  // The four seeds are rewrites of one story, not near-duplicates of each
  // other; a copy of seed-003 inside another site's header and footer is.
  const std::string seeds =
      testing::read_file(testing::bundled("seeds/seeds.jsonl"));
  const std::string text_start = "\"text\": \"";
  const size_t last_line = seeds.rfind("{\"id\": \"seed-003\"");
  ASSERT_NE(last_line, std::string::npos);
  std::string copy = seeds.substr(last_line);
  copy = copy.substr(0, copy.find('\n'));
  const size_t t = copy.find(text_start) + text_start.size();
  copy.insert(t, "Skip to main content\\nHome | Markets | Tech | Opinion\\n");
  const size_t end = copy.find("\", \"", t);
  copy.insert(end, "\\nShare this article. Follow us for more crypto news.");
  copy.replace(copy.find("seed-003"), 8, "copy-003");
  const std::string path = dir_.file("seeds.jsonl");
  testing::write_file(path, seeds + copy + "\n");

  Result<DedupStats> stats = run({path});
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  const auto c = read_clusters(outputs_.clusters_path);
  ASSERT_EQ(c.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(c[i].representative) << c[i].id;
  EXPECT_EQ(c[4].cluster, "seed-003");
  EXPECT_EQ(stats->clusters, 4u);
}

}  // namespace
}  // namespace neardup
