// dedup --against an index finds the (new, old) pairs of one batch run over
// old + new, on Reuters split in halves and on a generated dump split at
// 50%; its verdicts do not depend on threads or chunk size.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gen/generator.h"
#include "neardup/neardup.h"
#include "test_util.h"

namespace neardup {
namespace {

struct Record {
  std::string id, text;
};

std::vector<Record> read_records(const std::string& path) {
  std::vector<Record> out;
  simdjson::dom::parser parser;
  for (const std::string& line : testing::read_lines(path)) {
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(line).get(e), simdjson::SUCCESS);
    std::string_view id, text;
    EXPECT_EQ(e["id"].get(id), simdjson::SUCCESS);
    EXPECT_EQ(e["text"].get(text), simdjson::SUCCESS);
    out.push_back({std::string(id), std::string(text)});
  }
  return out;
}

// Pairs as (new id, old id).
using Pairs = std::set<std::pair<std::string, std::string>>;

// The batch run's verified pairs between a new and an old document.
Pairs batch_pairs(const DedupOptions& options, const std::string& old_path,
                  const std::string& new_path,
                  const std::set<std::string>& old_ids,
                  const testing::TempDir& dir) {
  DedupOutputs outputs;
  outputs.pairs_path = dir.file("pairs.jsonl");
  Result<DedupStats> stats = run_dedup(options, {old_path, new_path}, outputs);
  EXPECT_TRUE(stats.ok()) << stats.status().to_string();
  Pairs pairs;
  simdjson::dom::parser parser;
  for (const std::string& line : testing::read_lines(outputs.pairs_path)) {
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(line).get(e), simdjson::SUCCESS);
    std::string_view a, b;
    EXPECT_EQ(e["a"].get(a), simdjson::SUCCESS);
    EXPECT_EQ(e["b"].get(b), simdjson::SUCCESS);
    const bool a_old = old_ids.count(std::string(a)) > 0;
    const bool b_old = old_ids.count(std::string(b)) > 0;
    if (a_old && !b_old) pairs.insert({std::string(b), std::string(a)});
  }
  return pairs;
}

// Every match of every new document, by the library's Sketcher and query.
Pairs index_pairs(const Index& index, const std::vector<Record>& news,
                  std::map<std::string, std::string>* best) {
  auto sketcher = Sketcher::Create(index.options());
  EXPECT_TRUE(sketcher.ok());
  Pairs pairs;
  Sketch sketch;
  std::vector<IndexMatch> matches;
  for (const Record& r : news) {
    EXPECT_TRUE((*sketcher)->sketch(r.text, &sketch).ok());
    EXPECT_TRUE(index.query(sketch, &matches).ok());
    for (const IndexMatch& m : matches) {
      pairs.insert({r.id, std::string(index.key(m.entry))});
    }
    if (!matches.empty()) (*best)[r.id] = index.key(matches[0].entry);
  }
  return pairs;
}

// The "match" of each document in a clusters file written with --against.
std::map<std::string, std::string> verdicts(const std::string& clusters) {
  std::map<std::string, std::string> out;
  simdjson::dom::parser parser;
  for (const std::string& line : testing::read_lines(clusters)) {
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(line).get(e), simdjson::SUCCESS);
    std::string_view id, match;
    EXPECT_EQ(e["id"].get(id), simdjson::SUCCESS);
    if (e["match"].get(match) == simdjson::SUCCESS) {
      out[std::string(id)] = std::string(match);
    }
  }
  return out;
}

void expect_equivalent(const std::string& old_path, const std::string& new_path,
                       const testing::TempDir& dir) {
  DedupOptions options;
  options.minhash.verification = Verification::kEstimate;  // as the index
  std::set<std::string> old_ids;
  for (const Record& r : read_records(old_path)) old_ids.insert(r.id);
  const Pairs batch = batch_pairs(options, old_path, new_path, old_ids, dir);

  auto index = Index::Create(options);
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE(
      add_to_index(options, {old_path}, index->get(), "old", DedupOutputs())
          .ok());
  std::map<std::string, std::string> best;
  const Pairs found = index_pairs(**index, read_records(new_path), &best);
  EXPECT_GT(batch.size(), 10u);
  EXPECT_EQ(found, batch);
  std::cout << "(new, old) pairs: batch " << batch.size() << ", index "
            << found.size() << "; new documents matched " << best.size()
            << "\n";

  // The CLI path's verdicts: the best match of each, for any threads and
  // chunk size, byte for byte.
  std::string first;
  for (int threads : {1, 2}) {
    DedupOptions run = options;
    run.threads = threads;
    run.chunk_bytes = threads == 1 ? 4096 : size_t{1} << 20;
    DedupOutputs outputs;
    outputs.clusters_path = dir.file("against.jsonl");
    IndexUse use;
    use.against = index->get();
    Result<DedupStats> stats = run_dedup(run, {new_path}, outputs, use);
    ASSERT_TRUE(stats.ok()) << stats.status().to_string();
    EXPECT_EQ(stats->index_matches, best.size());
    EXPECT_EQ(verdicts(outputs.clusters_path), best);
    const std::string bytes = testing::read_file(outputs.clusters_path);
    if (first.empty()) first = bytes;
    EXPECT_EQ(bytes, first) << "threads " << threads;
  }
}

// Writes lines [0, cut) of `lines` to `a` and the rest to `b`.
void split(const std::vector<std::string>& lines, size_t cut,
           const std::string& a, const std::string& b) {
  std::string first, second;
  for (size_t i = 0; i < lines.size(); ++i) {
    (i < cut ? first : second) += lines[i] + "\n";
  }
  testing::write_file(a, first);
  testing::write_file(b, second);
}

TEST(IndexEquivalenceTest, ReutersHalves) {
  testing::TempDir dir;
  const std::string all = dir.file("reuters.jsonl");
  testing::write_file(all, testing::zstd_decompress_file(testing::bundled(
                               "reuters21578/reuters21578.jsonl.zst")));
  const std::vector<std::string> lines = testing::read_lines(all);
  split(lines, lines.size() / 2, dir.file("old.jsonl"), dir.file("new.jsonl"));
  expect_equivalent(dir.file("old.jsonl"), dir.file("new.jsonl"), dir);
}

TEST(IndexEquivalenceTest, GeneratedDumpSplitInHalf) {
  testing::TempDir dir;
  gen::GenOptions gen_options;
  gen_options.docs = 20000;
  const std::string dump = dir.file("dump.jsonl");
  ASSERT_TRUE(gen::write_dump(gen_options, dump, dir.file("truth.tsv")).ok());
  const std::vector<std::string> lines = testing::read_lines(dump);
  split(lines, lines.size() / 2, dir.file("old.jsonl"), dir.file("new.jsonl"));
  expect_equivalent(dir.file("old.jsonl"), dir.file("new.jsonl"), dir);
}

}  // namespace
}  // namespace neardup
