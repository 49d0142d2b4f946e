// Story mode (neardup/story.h): weights, document frequencies, the IDF model
// file, clustering rules, and the seeds of ../shared/datasets.

#include "neardup/story.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "neardup/text.h"
#include "reader/jsonl_reader.h"
#include "test_util.h"

namespace neardup {
namespace {

using ::neardup::testing::read_file;
using ::neardup::testing::TempDir;
using ::neardup::testing::write_file;

StoryOptions small_corpus_options() {
  StoryOptions options;
  options.max_df_fraction = 0.5;
  options.min_stop_df = 0;
  options.min_df = 2;
  return options;
}

// --- Terms ------------------------------------------------------------------

TEST(TermHasherTest, OneHashPerTokenAfterNormalization) {
  TermHasher hasher;
  std::vector<uint64_t> a, b;
  ASSERT_TRUE(hasher.hash_terms("Hello, WORLD! hello", &a).ok());
  ASSERT_TRUE(hasher.hash_terms("hello world hello", &b).ok());
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a[0], a[2]);
  EXPECT_NE(a[0], a[1]);
}

TEST(TermHasherTest, TermIsAOneWordShingle) {
  // The term hash is specified as FORMAT.md's shingle hash with k = 1.
  TextOptions text;
  text.shingle_words = 1;
  text.min_line_words = 0;
  text.short_text_words = 0;
  Shingler shingler(text);
  std::vector<uint64_t> expected, got;
  const std::string sample = "Short line\nAlibaba bans Claude Code; Qoder.";
  ASSERT_TRUE(shingler.shingle(sample, &expected).ok());
  TermHasher hasher;
  ASSERT_TRUE(hasher.hash_terms(sample, &got).ok());
  EXPECT_EQ(got, expected);
}

TEST(TermHasherTest, InvalidUtf8AppendsNothing) {
  TermHasher hasher;
  std::vector<uint64_t> out = {7};
  const Status s = hasher.hash_terms("ok \xC3\x28 bad", &out);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(out, std::vector<uint64_t>{7});
}

// --- Weights ----------------------------------------------------------------

TEST(StoryTermWeightTest, HandComputed) {
  StoryOptions options = small_corpus_options();
  // N = 99, df = 9, tf = 3: idf = ln(100 / 10) = 2.302585...,
  // weight = (1 + ln 3) * idf^2 = 2.098612... * 5.301898... = 11.126628...
  EXPECT_NEAR(story_term_weight(3, 9, 99, options), 11.126628527916202, 1e-12);
  EXPECT_NEAR(story_term_weight(1, 9, 99, options), 5.301898110478399, 1e-12);
  // Stop words: df > 0.5 * 99 = 49.5, so 49 is kept and 50 is not.
  EXPECT_GT(story_term_weight(1, 49, 99, options), 0);
  EXPECT_EQ(story_term_weight(1, 50, 99, options), 0);
  // Below min_df, and tf 0.
  EXPECT_EQ(story_term_weight(1, 1, 99, options), 0);
  EXPECT_EQ(story_term_weight(0, 9, 99, options), 0);
  // min_df 0 keeps terms the model has never seen, at the largest IDF.
  options.min_df = 0;
  EXPECT_NEAR(story_term_weight(1, 0, 99, options),
              std::log(100.0) * std::log(100.0), 1e-12);
  // The floor: with min_stop_df 60, df 50 is no stop word in 99 documents.
  options.min_stop_df = 60;
  EXPECT_GT(story_term_weight(1, 50, 99, options), 0);
  EXPECT_EQ(story_term_weight(1, 61, 99, options), 0);
}

TEST(StoryFingerprinterTest, HandComputedWeights) {
  // Terms 100..500 with df 9, 1, 49, 50 and unknown, in a 99-document model.
  const IdfModel model = IdfModel::from_counts(
      99, {{300, 49}, {100, 9}, {200, 1}, {400, 50}}, /*min_df_kept=*/1);
  StoryFingerprinter fingerprinter(&model, small_corpus_options());
  // tf: 100 x1, 200 x5 (df below min_df), 300 x2, 400 x3 (stop word),
  // 500 x1 (unknown).
  const std::vector<uint64_t> terms = {300, 200, 100, 400, 200, 500,
                                       300, 400, 200, 200, 400, 200};
  std::vector<StoryTerm> fp;
  fingerprinter.fingerprint_terms(terms, &fp);
  ASSERT_EQ(fp.size(), 2u);
  const double w100 = std::log(10.0) * std::log(10.0);  // tf 1
  const double w300 = (1 + std::log(2.0)) * std::log(2.0) * std::log(2.0);
  const double norm = std::sqrt(w100 * w100 + w300 * w300);
  EXPECT_EQ(fp[0].term, 100u);  // sorted by term
  EXPECT_NEAR(fp[0].weight, w100 / norm, 1e-6);
  EXPECT_EQ(fp[1].term, 300u);
  EXPECT_NEAR(fp[1].weight, w300 / norm, 1e-6);
  EXPECT_NEAR(story_cosine(fp, fp), 1.0, 1e-6);
}

TEST(StoryFingerprinterTest, KeepsTopKWithTiesToSmallerHash) {
  const IdfModel model =
      IdfModel::from_counts(99, {{10, 5}, {20, 5}, {30, 5}, {40, 2}}, 1);
  StoryOptions options = small_corpus_options();
  options.terms_per_doc = 2;
  StoryFingerprinter fingerprinter(&model, options);
  // 40 is rarest; 10, 20 and 30 tie, so 10 (the smaller hash) is kept.
  std::vector<StoryTerm> fp;
  fingerprinter.fingerprint_terms(std::vector<uint64_t>{30, 20, 10, 40}, &fp);
  ASSERT_EQ(fp.size(), 2u);
  EXPECT_EQ(fp[0].term, 10u);
  EXPECT_EQ(fp[1].term, 40u);
  EXPECT_GT(fp[1].weight, fp[0].weight);
}

TEST(StoryFingerprinterTest, NoWeightedTermGivesEmptyFingerprint) {
  const IdfModel model = IdfModel::from_counts(10, {{1, 9}}, 1);
  StoryFingerprinter fingerprinter(&model, small_corpus_options());
  std::vector<StoryTerm> fp;
  fingerprinter.fingerprint_terms(std::vector<uint64_t>{1, 1, 2}, &fp);
  EXPECT_TRUE(fp.empty());
  ASSERT_TRUE(fingerprinter.fingerprint("", &fp).ok());
  EXPECT_TRUE(fp.empty());
}

// --- Document frequencies and the model file ---------------------------------

std::vector<std::vector<uint64_t>> sample_documents() {
  std::vector<std::vector<uint64_t>> docs;
  for (uint64_t d = 0; d < 60; ++d) {
    std::vector<uint64_t> terms;
    for (uint64_t t = 0; t < 40; ++t) {
      // Term t is in about 1/(t+1) of the documents, some repeated.
      if (d % (t + 1) == 0) terms.push_back(0x9e3779b97f4a7c15ULL * (t + 1));
      if (d % (t + 3) == 1) terms.push_back(0x9e3779b97f4a7c15ULL * (t + 1));
    }
    docs.push_back(terms);
  }
  return docs;
}

TEST(DocFrequencyCounterTest, CountsDocumentsNotOccurrences) {
  DocFrequencyCounter counter;
  counter.add_document(std::vector<uint64_t>{5, 5, 5, 7});
  counter.add_document(std::vector<uint64_t>{7, 9});
  counter.add_document({});
  const IdfModel model = counter.finish(/*min_df_kept=*/1);
  EXPECT_EQ(model.num_docs(), 3u);
  EXPECT_EQ(model.df(5), 1u);
  EXPECT_EQ(model.df(7), 2u);
  EXPECT_EQ(model.df(9), 1u);
  EXPECT_EQ(model.df(11), 0u);
  EXPECT_EQ(counter.finish(/*min_df_kept=*/2).num_terms(), 1u);
}

TEST(DocFrequencyCounterTest, MergeOrderDoesNotChangeTheModel) {
  const auto docs = sample_documents();
  TempDir dir;
  // One counter over everything, and three partial counters over different
  // splits merged in different orders: the saved bytes must be equal.
  DocFrequencyCounter single;
  for (const auto& d : docs) single.add_document(d);
  ASSERT_TRUE(single.finish().save(dir.file("single.idf")).ok());
  const std::string expected = read_file(dir.file("single.idf"));
  for (int variant = 0; variant < 3; ++variant) {
    std::vector<DocFrequencyCounter> parts(3);
    for (size_t i = 0; i < docs.size(); ++i) {
      parts[(i * (variant + 1) + variant) % 3].add_document(docs[i]);
    }
    DocFrequencyCounter merged;
    for (int k = 0; k < 3; ++k) merged.merge(parts[(k + variant) % 3]);
    std::string name = "v";
    name += std::to_string(variant);  // not operator+: GCC 12 -Wrestrict
    const std::string path = dir.file(name);
    ASSERT_TRUE(merged.finish().save(path).ok());
    EXPECT_EQ(read_file(path), expected) << "variant " << variant;
  }
}

TEST(IdfModelTest, SaveLoadRoundTrip) {
  DocFrequencyCounter counter;
  for (const auto& d : sample_documents()) counter.add_document(d);
  const IdfModel model = counter.finish(2);
  TempDir dir;
  const std::string path = dir.file("m.idf");
  ASSERT_TRUE(model.save(path).ok());
  // Header: magic, version 1, min_df_kept 2, num_docs 60 (little-endian).
  const std::string bytes = read_file(path);
  ASSERT_GE(bytes.size(), 48u);
  EXPECT_EQ(bytes.substr(0, 8), "NDIDFMOD");
  EXPECT_EQ(bytes[8], 1);
  EXPECT_EQ(bytes[12], 2);
  EXPECT_EQ(bytes[16], 60);
  EXPECT_EQ(bytes.size(), 40 + 12 * model.num_terms() + 8);
  Result<IdfModel> loaded = IdfModel::load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->num_docs(), model.num_docs());
  EXPECT_EQ(loaded->min_df_kept(), 2u);
  ASSERT_EQ(loaded->num_terms(), model.num_terms());
  for (size_t i = 0; i < model.num_terms(); ++i) {
    EXPECT_EQ(loaded->terms()[i], model.terms()[i]);
    EXPECT_EQ(loaded->df(model.terms()[i]), model.dfs()[i]);
  }
}

TEST(IdfModelTest, CorruptFilesAreRejectedNamingThePath) {
  DocFrequencyCounter counter;
  for (const auto& d : sample_documents()) counter.add_document(d);
  TempDir dir;
  const std::string good_path = dir.file("good.idf");
  ASSERT_TRUE(counter.finish().save(good_path).ok());
  const std::string good = read_file(good_path);

  const std::string missing = dir.file("missing.idf");
  Result<IdfModel> r = IdfModel::load(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(missing), std::string::npos);

  struct Case {
    const char* name;
    std::string bytes;
    const char* why;
  };
  std::string bad_magic = good, bad_version = good, flipped = good;
  bad_magic[0] = 'X';
  bad_version[8] = 2;
  flipped[45] ^= 0x10;  // a term byte: only the checksum can tell
  const Case cases[] = {
      {"empty", "", "too short"},
      {"truncated", good.substr(0, good.size() - 5), "size"},
      {"bad_magic", bad_magic, "bad magic"},
      {"bad_version", bad_version, "version 2"},
      {"flipped", flipped, "checksum"},
  };
  for (const Case& c : cases) {
    const std::string path = dir.file(c.name);
    write_file(path, c.bytes);
    Result<IdfModel> bad = IdfModel::load(path);
    ASSERT_FALSE(bad.ok()) << c.name;
    EXPECT_EQ(bad.status().code(), StatusCode::kCorruption) << c.name;
    EXPECT_NE(bad.status().message().find(path), std::string::npos) << c.name;
    EXPECT_NE(bad.status().message().find(c.why), std::string::npos)
        << c.name << ": " << bad.status().message();
  }
  // Saving into a missing directory is an IOError naming the path.
  const std::string unwritable = dir.file("no/such/dir/m.idf");
  const Status s = counter.finish().save(unwritable);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find(unwritable), std::string::npos);
}

// --- Clustering --------------------------------------------------------------

// A unit-norm fingerprint over the given terms, equal weights.
std::vector<StoryTerm> flat(std::vector<uint64_t> terms) {
  std::sort(terms.begin(), terms.end());
  std::vector<StoryTerm> fp;
  const float w = static_cast<float>(1 / std::sqrt(double(terms.size())));
  for (const uint64_t t : terms) fp.push_back({t, w});
  return fp;
}

TEST(ClusterStoriesTest, AverageLinkageDoesNotChain) {
  // A path: document i shares two of its four terms with each neighbor
  // (cosine 0.5) and nothing with documents two steps away. Connected
  // components would make one cluster of 10; average linkage at 0.4 makes
  // pairs, since a pair and its neighbor average 0.5 / 2 = 0.25.
  StoryFingerprints fps;
  for (uint64_t i = 0; i < 10; ++i) {
    fps.append(flat({2 * i + 1, 2 * i + 2, 2 * i + 3, 2 * i + 4}));
  }
  StoryOptions options;
  options.min_similarity = 0.4;
  options.edge_similarity = 0.1;
  StoryClusterStats stats;
  Result<std::vector<StoryAssignment>> result =
      cluster_stories(fps, options, {}, &stats);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(stats.similar_pairs, 9u);
  EXPECT_EQ(stats.largest_cluster, 2u);
  EXPECT_EQ(stats.clusters, 5u);
  for (DocId d = 0; d < 10; ++d) {
    EXPECT_EQ((*result)[d].representative, d & ~1u) << "doc " << d;
  }
  EXPECT_FLOAT_EQ((*result)[1].similarity, 0.5f);
  EXPECT_FLOAT_EQ((*result)[0].similarity, 1.0f);
}

TEST(ClusterStoriesTest, GroupAboveThresholdMergesAndEmptyIsSingleton) {
  StoryFingerprints fps;
  fps.append(flat({1, 2, 3, 4}));
  fps.append({});  // no salient term
  fps.append(flat({1, 2, 3, 5}));
  fps.append(flat({1, 2, 4, 5}));
  fps.append(flat({7, 8, 9}));
  Result<std::vector<StoryAssignment>> result =
      cluster_stories(fps, StoryOptions{});
  ASSERT_TRUE(result.ok());
  const auto& r = *result;
  EXPECT_EQ(r[1].representative, 1u);
  EXPECT_EQ(r[4].representative, 4u);
  EXPECT_EQ(r[0].representative, r[2].representative);
  EXPECT_EQ(r[0].representative, r[3].representative);
  // All three pairs have cosine 0.75; equal centrality: the smallest DocId.
  EXPECT_EQ(r[0].representative, 0u);
  EXPECT_FLOAT_EQ(r[2].similarity, 0.75f);
}

TEST(ClusterStoriesTest, InvalidOptions) {
  StoryFingerprints fps;
  StoryOptions options;
  options.edge_similarity = options.min_similarity + 0.1;
  EXPECT_EQ(cluster_stories(fps, options).status().code(),
            StatusCode::kInvalidArgument);
  options = StoryOptions{};
  options.max_posting = 1;
  EXPECT_FALSE(validate(options).ok());
  options = StoryOptions{};
  options.terms_per_doc = 0;
  EXPECT_FALSE(validate(options).ok());
  EXPECT_TRUE(validate(StoryOptions{}).ok());
}

// Random fingerprints over a small vocabulary, so that many pairs are
// similar and the linkage has real work.
StoryFingerprints random_fingerprints(size_t n) {
  StoryFingerprints fps;
  uint64_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    std::set<uint64_t> terms;
    const uint64_t topic = (i * 7919) % 37;
    if (i % 2 == 0) terms.insert(5000);  // in 1,500 fingerprints
    while (terms.size() < 8) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const uint64_t r = x >> 33;
      // Terms of the document's topic, plus noise from a wider range.
      terms.insert(r % 3 == 0 ? 1000 + r % 400 : topic * 16 + r % 12);
    }
    fps.append(flat(std::vector<uint64_t>(terms.begin(), terms.end())));
  }
  return fps;
}

TEST(ClusterStoriesTest, SameResultWithThreadsAndBlockSizes) {
  const StoryFingerprints fps = random_fingerprints(3000);
  StoryOptions options;
  options.max_posting = 150;  // some terms are skipped
  StoryClusterStats serial_stats;
  Result<std::vector<StoryAssignment>> serial =
      cluster_stories(fps, options, {}, &serial_stats);
  ASSERT_TRUE(serial.ok());
  EXPECT_GT(serial_stats.skipped_postings, 0u);
  EXPECT_GT(serial_stats.clusters, 37u);
  EXPECT_LT(serial_stats.clusters, 3000u);

  // Two threads taking tasks in whatever order they get them.
  StoryParallelFor two_threads = [](size_t num_tasks,
                                    const std::function<void(size_t)>& body) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t t; (t = next++) < num_tasks;) body(num_tasks - 1 - t);
    };
    std::thread other(work);
    work();
    other.join();
  };
  for (const uint32_t block : {1u, 7u, 4096u}) {
    options.block_docs = block;
    Result<std::vector<StoryAssignment>> parallel =
        cluster_stories(fps, options, two_threads);
    ASSERT_TRUE(parallel.ok());
    for (size_t d = 0; d < fps.size(); ++d) {
      ASSERT_EQ((*parallel)[d].representative, (*serial)[d].representative)
          << "doc " << d << ", block " << block;
      ASSERT_EQ((*parallel)[d].similarity, (*serial)[d].similarity)
          << "doc " << d << ", block " << block;
    }
  }
}

// --- The seeds among real news
// -------------------------------------------------

struct Doc {
  std::string id, text;
};

// Reads the "id" (string) and "text" of every line of a JSONL file.
std::vector<Doc> read_docs(const std::string& path) {
  std::vector<Doc> docs;
  internal::JsonlReader reader({path}, size_t{4} << 20, size_t{1} << 30);
  internal::Chunk chunk;
  simdjson::ondemand::parser parser;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok() || !*more) break;
    for (const internal::LineSpan& span : chunk.lines) {
      if (span.kind != internal::LineKind::kComplete &&
          span.kind != internal::LineKind::kLast) {
        continue;
      }
      simdjson::ondemand::document doc;
      std::string_view id, text;
      if (span.length == 0 ||
          parser
              .iterate(chunk.data() + span.offset, span.length,
                       chunk.size() - span.offset + internal::kParsePadding)
              .get(doc) ||
          doc.find_field_unordered("id").get_string().get(id) ||
          doc.find_field_unordered("text").get_string().get(text)) {
        continue;
      }
      docs.push_back({std::string(id), std::string(text)});
    }
  }
  return docs;
}

TEST(StorySeedsTest, FourRenditionsFormOneClusterAmongReuters) {
  const std::string shared = ::neardup::testing::shared_datasets();
  const std::string seeds_path = shared + "/seeds/seeds.jsonl";
  const std::string reuters_path =
      shared + "/reuters21578/reuters21578.jsonl.zst";
  if (shared.empty() || !std::filesystem::exists(seeds_path) ||
      !std::filesystem::exists(reuters_path)) {
    GTEST_SKIP() << "../shared/datasets (seeds, reuters21578) not found; set "
                    "NEARDUP_SHARED_DATASETS";
  }
  // Seeds first, then 21,578 unrelated Reuters articles.
  std::vector<Doc> docs = read_docs(seeds_path);
  ASSERT_EQ(docs.size(), 4u);
  for (Doc& d : read_docs(reuters_path)) docs.push_back(std::move(d));
  ASSERT_GT(docs.size(), 20000u);

  const StoryOptions options;
  TermHasher hasher;
  DocFrequencyCounter counter;
  std::vector<uint64_t> terms;
  for (const Doc& d : docs) {
    terms.clear();
    ASSERT_TRUE(hasher.hash_terms(d.text, &terms).ok()) << d.id;
    counter.add_document(terms);
  }
  const IdfModel model = counter.finish(options.min_df);
  StoryFingerprinter fingerprinter(&model, options);
  StoryFingerprints fps;
  std::vector<StoryTerm> fp;
  for (const Doc& d : docs) {
    fp.clear();
    ASSERT_TRUE(fingerprinter.fingerprint(d.text, &fp).ok()) << d.id;
    fps.append(fp);
  }
  // The renditions are rewrites, yet their fingerprints are close.
  for (DocId a = 0; a < 4; ++a) {
    for (DocId b = a + 1; b < 4; ++b) {
      EXPECT_GT(fps.cosine(a, b), 0.4) << docs[a].id << " " << docs[b].id;
    }
  }
  Result<std::vector<StoryAssignment>> result = cluster_stories(fps, options);
  ASSERT_TRUE(result.ok());
  const DocId rep = (*result)[0].representative;
  std::vector<std::string> members;
  for (size_t d = 0; d < docs.size(); ++d) {
    if ((*result)[d].representative == rep) members.push_back(docs[d].id);
  }
  EXPECT_EQ(members, (std::vector<std::string>{"seed-000", "seed-001",
                                               "seed-002", "seed-003"}));
}

}  // namespace
}  // namespace neardup
