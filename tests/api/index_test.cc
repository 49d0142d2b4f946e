// Index: queries against a brute-force oracle of the banded LSH definition,
// saving and opening, bad files and mismatched options.

#include "neardup/index.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "neardup/neardup.h"
#include "test_util.h"

namespace neardup {
namespace {

using testing::TempDir;

std::unique_ptr<Index> create(const DedupOptions& options) {
  Result<std::unique_ptr<Index>> index = Index::Create(options);
  EXPECT_TRUE(index.ok()) << index.status().to_string();
  return index.ok() ? std::move(index).value() : nullptr;
}

std::unique_ptr<Index> open(const std::string& path,
                            const DedupOptions* expected = nullptr) {
  Result<std::unique_ptr<Index>> index = Index::Open(path, expected);
  EXPECT_TRUE(index.ok()) << index.status().to_string();
  return index.ok() ? std::move(index).value() : nullptr;
}

// Signatures in families: each family's members are copies of its first
// with some entries changed, so similarities spread across the threshold.
// A changed entry gets its band (of the default 39 bands of 3 rows) a new
// check too, as a changed full-width entry would.
constexpr int kBands = 39, kRows = 3;
std::vector<Sketch> signature_families(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Sketch> out;
  Sketch base;
  for (size_t i = 0; i < n; ++i) {
    Sketch s;
    s.empty = i % 97 == 5;
    if (i % 4 == 0) {
      base.signature.resize(128);
      for (auto& b : base.signature) b = static_cast<uint8_t>(rng());
      base.band_checks.resize(kBandCheckBytes * kBands);
      for (auto& b : base.band_checks) b = static_cast<uint8_t>(rng());
    }
    s.signature = base.signature;
    s.band_checks = base.band_checks;
    const int changes = static_cast<int>(rng() % 90);
    for (int c = 0; c < changes; ++c) {
      const size_t at = rng() % 128;
      s.signature[at] = static_cast<uint8_t>(rng());
      if (at / kRows < kBands) {
        s.band_checks[kBandCheckBytes * (at / kRows)] =
            static_cast<uint8_t>(rng());
      }
    }
    out.push_back(s);
  }
  return out;
}

// The matches banded LSH plus the estimate must give (lsh.h): entries that
// agree with the query on a whole band and have enough equal entries.
std::vector<uint64_t> oracle(const std::vector<Sketch>& indexed,
                             const Sketch& q, int bands, int rows, int need) {
  std::vector<std::pair<int, uint64_t>> found;
  if (q.empty) return {};
  for (uint64_t e = 0; e < indexed.size(); ++e) {
    if (indexed[e].empty) continue;
    bool collide = false;
    for (int b = 0; b < bands && !collide; ++b) {
      collide = band_equal(q.signature, q.band_checks, indexed[e].signature,
                           indexed[e].band_checks, b, rows);
    }
    const int equal = equal_entries(q.signature, indexed[e].signature);
    if (collide && equal >= need) found.push_back({-equal, e});
  }
  std::sort(found.begin(), found.end());
  std::vector<uint64_t> entries;
  for (auto& f : found) entries.push_back(f.second);
  return entries;
}

std::string key_of(size_t i) {
  std::string key = "k";
  key += std::to_string(i);
  return key;
}

std::vector<uint64_t> entries_of(const std::vector<IndexMatch>& matches) {
  std::vector<uint64_t> out;
  for (const IndexMatch& m : matches) out.push_back(m.entry);
  return out;
}

TEST(IndexTest, RejectsBadOptions) {
  DedupOptions story;
  story.mode = Mode::kStory;
  EXPECT_EQ(Index::Create(story).status().code(), StatusCode::kInvalidArgument);
  DedupOptions bad;
  bad.minhash.threshold = 0;
  EXPECT_EQ(Index::Create(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(IndexTest, FindsNearDuplicateTextsMostSimilarFirst) {
  DedupOptions options;
  std::unique_ptr<Index> index = create(options);
  auto sketcher = Sketcher::Create(index->options());
  ASSERT_TRUE(sketcher.ok());
  const std::string story = testing::words(0, 120);
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"a", story},
      {"b", testing::words(500, 620)},
      {"c", story + " " + testing::words(700, 720)},
      {"d", story},
  };
  Sketch sketch;
  for (const auto& [id, text] : docs) {
    ASSERT_TRUE((*sketcher)->sketch(text, &sketch).ok());
    ASSERT_TRUE(index->add(id, "crawl-1", sketch).ok());
  }
  ASSERT_TRUE((*sketcher)->sketch(story, &sketch).ok());
  std::vector<IndexMatch> matches;
  ASSERT_TRUE(index->query(sketch, &matches).ok());
  // a and d are exact copies (ties: insertion order), c shares most.
  ASSERT_EQ(entries_of(matches), (std::vector<uint64_t>{0, 3, 2}));
  EXPECT_EQ(matches[0].similarity, 1.0);
  EXPECT_LT(matches[2].similarity, 1.0);
  EXPECT_GE(matches[2].similarity, options.minhash.threshold);
  EXPECT_EQ(index->key(3), "d");
  EXPECT_EQ(index->source(3), "crawl-1");
  ASSERT_TRUE(index->query(sketch, &matches, /*limit=*/1).ok());
  EXPECT_EQ(entries_of(matches), (std::vector<uint64_t>{0}));
}

TEST(IndexTest, QueryOrAddAddsOnlyNewDocuments) {
  std::unique_ptr<Index> index = create(DedupOptions());
  auto sketcher = Sketcher::Create(index->options());
  ASSERT_TRUE(sketcher.ok());
  Sketch sketch;
  std::vector<IndexMatch> matches;
  ASSERT_TRUE((*sketcher)->sketch(testing::words(0, 80), &sketch).ok());
  ASSERT_TRUE(index->query_or_add("x", "s", sketch, &matches).ok());
  EXPECT_TRUE(matches.empty());
  ASSERT_TRUE(index->query_or_add("y", "s", sketch, &matches).ok());
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(index->key(matches[0].entry), "x");
  EXPECT_EQ(index->size(), 1u);
}

TEST(IndexTest, ARepeatedKeyIsASecondEntry) {
  std::unique_ptr<Index> index = create(DedupOptions());
  auto sketcher = Sketcher::Create(index->options());
  ASSERT_TRUE(sketcher.ok());
  Sketch sketch;
  ASSERT_TRUE((*sketcher)->sketch(testing::words(0, 80), &sketch).ok());
  ASSERT_TRUE(index->add("url-1", "2026-10", sketch).ok());
  ASSERT_TRUE(index->add("url-1", "2026-11", sketch).ok());
  std::vector<IndexMatch> matches;
  ASSERT_TRUE(index->query(sketch, &matches).ok());
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(index->source(matches[0].entry), "2026-10");
  EXPECT_EQ(index->source(matches[1].entry), "2026-11");
}

TEST(IndexTest, RejectsSketchesThatDoNotFit) {
  std::unique_ptr<Index> index = create(DedupOptions());
  Sketch wrong;
  wrong.empty = false;
  wrong.signature.assign(64, 0);
  EXPECT_EQ(index->add("k", "s", wrong).code(), StatusCode::kInvalidArgument);
  Sketch simhash;
  simhash.algorithm = Algorithm::kSimHash;
  std::vector<IndexMatch> matches;
  EXPECT_EQ(index->query(simhash, &matches).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index->size(), 0u);
}

// Entries in frozen runs, merged runs and the delta, against the oracle.
TEST(IndexTest, MatchesTheBandedLshDefinitionAcrossRunsAndDelta) {
  DedupOptions options;
  const LshParams lsh = choose_lsh_params(options.minhash);
  const int need = min_equal_entries(options.minhash.threshold, 128);
  std::vector<Sketch> sketches =
      signature_families(Index::kDeltaEntries * 2 + 3000, 7);
  std::unique_ptr<Index> index = create(options);
  for (size_t i = 0; i < sketches.size(); ++i) {
    ASSERT_TRUE(index->add(key_of(i), "s", sketches[i]).ok());
  }
  EXPECT_GE(index->info().runs.size(), 1u);
  EXPECT_GT(index->info().delta_entries, 0u);
  std::vector<Sketch> queries = signature_families(200, 8);
  for (size_t i = 0; i < 100; ++i) queries.push_back(sketches[i * 601]);
  std::vector<std::vector<IndexMatch>> batch;
  ASSERT_TRUE(index->query_batch(queries, &batch).ok());
  for (size_t q = 0; q < queries.size(); ++q) {
    std::vector<IndexMatch> matches;
    ASSERT_TRUE(index->query(queries[q], &matches).ok());
    const std::vector<uint64_t> want =
        oracle(sketches, queries[q], lsh.bands, lsh.rows, need);
    ASSERT_EQ(entries_of(matches), want) << "query " << q;
    ASSERT_EQ(entries_of(batch[q]), want) << "batch query " << q;
  }
}

TEST(IndexTest, SimHashMatchesWithinTheHammingDistance) {
  DedupOptions options;
  options.algorithm = Algorithm::kSimHash;
  options.max_hamming_distance = 3;
  std::unique_ptr<Index> index = create(options);
  std::mt19937_64 rng(3);
  std::vector<Sketch> sketches;
  Fingerprint base = 0;
  for (int i = 0; i < 3000; ++i) {
    if (i % 3 == 0) base = rng();
    Sketch s;
    s.algorithm = Algorithm::kSimHash;
    s.empty = false;
    s.simhash = base;
    for (int f = static_cast<int>(rng() % 6); f > 0; --f) {
      s.simhash ^= uint64_t{1} << (rng() % 64);
    }
    sketches.push_back(s);
    ASSERT_TRUE(index->add(std::to_string(i), "s", s).ok());
  }
  for (int q = 0; q < 3000; q += 7) {
    std::vector<IndexMatch> matches;
    ASSERT_TRUE(index->query(sketches[q], &matches).ok());
    std::vector<std::pair<int, uint64_t>> want;
    for (uint64_t e = 0; e < sketches.size(); ++e) {
      const int d = std::popcount(sketches[q].simhash ^ sketches[e].simhash);
      if (d <= 3) want.push_back({d, e});
    }
    std::sort(want.begin(), want.end());
    ASSERT_EQ(matches.size(), want.size()) << q;
    for (size_t m = 0; m < want.size(); ++m) {
      EXPECT_EQ(matches[m].entry, want[m].second);
      EXPECT_EQ(matches[m].distance, want[m].first);
    }
  }
}

// Every query answered the same by `a` and `b`.
void expect_same_answers(const Index& a, const Index& b,
                         const std::vector<Sketch>& queries) {
  ASSERT_EQ(a.size(), b.size());
  for (const Sketch& q : queries) {
    std::vector<IndexMatch> ma, mb;
    ASSERT_TRUE(a.query(q, &ma).ok());
    ASSERT_TRUE(b.query(q, &mb).ok());
    ASSERT_EQ(entries_of(ma), entries_of(mb));
    for (size_t i = 0; i < ma.size(); ++i) {
      EXPECT_EQ(a.key(ma[i].entry), b.key(mb[i].entry));
      EXPECT_EQ(a.source(ma[i].entry), b.source(mb[i].entry));
      EXPECT_EQ(ma[i].similarity, mb[i].similarity);
    }
  }
}

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

TEST(IndexTest, SavedAndReopenedAnswersTheSame) {
  TempDir tmp;
  const std::string path = tmp.file("crawls.ndx");
  std::vector<Sketch> sketches = signature_families(6000, 11);
  std::unique_ptr<Index> index = create(DedupOptions());
  for (size_t i = 0; i < 4000; ++i) {
    ASSERT_TRUE(index->add(key_of(i), "crawl-1", sketches[i]).ok());
  }
  EXPECT_EQ(index->save().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(index->save(path).ok());
  const std::set<std::string> first_files = files_in(path);
  const std::string first_run =
      testing::read_file(path + "/" + *first_files.rbegin());
  // A second crawl: one new run file, the first one untouched.
  for (size_t i = 4000; i < 6000; ++i) {
    ASSERT_TRUE(index->add(key_of(i), "crawl-2", sketches[i]).ok());
  }
  ASSERT_TRUE(index->save(path + "/").ok());  // the same directory
  EXPECT_EQ(files_in(path).size(), first_files.size() + 1);
  EXPECT_EQ(testing::read_file(path + "/" + *first_files.rbegin()), first_run);

  std::unique_ptr<Index> reopened = open(path);
  ASSERT_NE(reopened, nullptr);
  expect_same_answers(*index, *reopened, signature_families(300, 12));
  EXPECT_EQ(reopened->source(3999), "crawl-1");
  EXPECT_EQ(reopened->source(4000), "crawl-2");
  EXPECT_EQ(reopened->key(4321), "k4321");
  const IndexInfo info = reopened->info();
  EXPECT_EQ(info.runs.size(), 2u);
  ASSERT_EQ(info.sources.size(), 2u);
  EXPECT_EQ(info.sources[1].entries, 2000u);

  // Compaction: one run, the same answers, the old files gone.
  ASSERT_TRUE(reopened->compact().ok());
  ASSERT_TRUE(reopened->save().ok());
  EXPECT_EQ(files_in(path).size(), 2u);  // MANIFEST and one run
  std::unique_ptr<Index> compacted = open(path);
  ASSERT_NE(compacted, nullptr);
  expect_same_answers(*index, *compacted, signature_families(300, 12));
}

TEST(IndexTest, SaveRefusesAnotherIndexAndUnwritablePaths) {
  TempDir tmp;
  std::unique_ptr<Index> a = create(DedupOptions());
  ASSERT_TRUE(a->save(tmp.file("a")).ok());
  std::unique_ptr<Index> b = create(DedupOptions());
  Status s = b->save(tmp.file("a"));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(tmp.file("a")), std::string::npos);
  testing::write_file(tmp.file("plain"), "x");
  s = b->save(tmp.file("plain") + "/sub");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("plain/sub"), std::string::npos);
}

TEST(IndexTest, OpeningWithOtherOptionsNamesTheField) {
  TempDir tmp;
  ASSERT_TRUE(create(DedupOptions())->save(tmp.file("i")).ok());
  DedupOptions other;
  other.text.shingle_words = 4;
  Result<std::unique_ptr<Index>> opened = Index::Open(tmp.file("i"), &other);
  ASSERT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("shingle_words"), std::string::npos);
  other = DedupOptions();
  other.minhash.threshold = 0.7;
  opened = Index::Open(tmp.file("i"), &other);
  ASSERT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("threshold"), std::string::npos);
  // Performance-only options may differ.
  other = DedupOptions();
  other.threads = 1;
  EXPECT_TRUE(Index::Open(tmp.file("i"), &other).ok());
  EXPECT_EQ(Index::Open(tmp.file("none"), nullptr).status().code(),
            StatusCode::kNotFound);
}

// Every truncation and a flipped byte at many offsets of each file: a
// Corruption status naming the file, never a crash.
TEST(IndexTest, DamagedFilesAreCorruption) {
  TempDir tmp;
  const std::string path = tmp.file("i");
  std::unique_ptr<Index> index = create(DedupOptions());
  std::vector<Sketch> sketches = signature_families(300, 5);
  for (size_t i = 0; i < sketches.size(); ++i) {
    ASSERT_TRUE(index->add(std::to_string(i), "s", sketches[i]).ok());
  }
  ASSERT_TRUE(index->save(path).ok());
  for (const std::string& name : files_in(path)) {
    const std::string file = path + "/" + name;
    const std::string good = testing::read_file(file);
    const size_t step = std::max<size_t>(1, good.size() / 60);
    for (size_t cut = 0; cut < good.size(); cut += step) {
      testing::write_file(file, good.substr(0, cut));
      Result<std::unique_ptr<Index>> r = Index::Open(path, nullptr);
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption) << name << cut;
      EXPECT_NE(r.status().message().find(name), std::string::npos);
      std::string flipped = good;
      flipped[cut] ^= 0x20;
      testing::write_file(file, flipped);
      r = Index::Open(path, nullptr);
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption) << name << cut;
    }
    testing::write_file(file, good);
  }
  EXPECT_TRUE(Index::Open(path, nullptr).ok());
}

// A manifest or run from a newer neardup (a valid checksum, a higher
// version) and a foreign file are Corruption with a message that says so.
TEST(IndexTest, FutureVersionsAndForeignFilesAreCorruption) {
  TempDir tmp;
  const std::string path = tmp.file("i");
  ASSERT_TRUE(create(DedupOptions())->save(path).ok());
  const std::string manifest = path + "/MANIFEST";
  std::string bytes = testing::read_file(manifest);
  bytes[8] = 9;  // u32 version at offset 8
  const uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  testing::write_file(manifest, bytes);
  Result<std::unique_ptr<Index>> r = Index::Open(path, nullptr);
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("version 9"), std::string::npos)
      << r.status().message();
  testing::write_file(manifest, "{\"not\": \"an index\"}\n");
  r = Index::Open(path, nullptr);
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("not a neardup index"),
            std::string::npos);
}

// Found by tests/fuzz/index_open_fuzz (issue 12): an options block that set
// the other algorithm's fields (FORMAT.md 10.1: "else 0") opened, but not
// with its own options(), nor after a save.
TEST(IndexTest, OtherAlgorithmsOptionsAreCorruption) {
  for (Algorithm algorithm : {Algorithm::kMinHash, Algorithm::kSimHash}) {
    TempDir tmp;
    const std::string path = tmp.file("i");
    DedupOptions options;
    options.algorithm = algorithm;
    ASSERT_TRUE(create(options)->save(path).ok());
    const std::string manifest = path + "/MANIFEST";
    std::string bytes = testing::read_file(manifest);
    // The block starts at offset 16: threshold at +32, distance at +40.
    if (algorithm == Algorithm::kSimHash) {
      const double threshold = 0.5;
      std::memcpy(bytes.data() + 16 + 32, &threshold, 8);
    } else {
      const uint32_t distance = 3;
      std::memcpy(bytes.data() + 16 + 40, &distance, 4);
    }
    const uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
    testing::write_file(manifest, bytes);
    Result<std::unique_ptr<Index>> r = Index::Open(path, nullptr);
    ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("other algorithm"), std::string::npos)
        << r.status().message();
  }
}

// A full disk (here a file size limit) fails the save with IOError naming
// the path, and the index on disk keeps what it had.
TEST(IndexTest, AFailedSaveLosesNothing) {
  TempDir tmp;
  const std::string path = tmp.file("i");
  std::vector<Sketch> sketches = signature_families(3000, 9);
  std::unique_ptr<Index> index = create(DedupOptions());
  for (size_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(index->add(key_of(i), "first", sketches[i]).ok());
  }
  ASSERT_TRUE(index->save(path).ok());
  for (size_t i = 100; i < sketches.size(); ++i) {
    ASSERT_TRUE(index->add(key_of(i), "second", sketches[i]).ok());
  }
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const Status s = index->save();
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_EQ(s.code(), StatusCode::kIOError) << s.to_string();
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  std::unique_ptr<Index> reopened = open(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->size(), 100u);
  // Nothing half-written is left: only the manifest and the first run.
  EXPECT_EQ(files_in(path).size(), 2u);
  // The index in memory still has everything; a later save succeeds.
  ASSERT_TRUE(index->save().ok());
  EXPECT_EQ(open(path)->size(), sketches.size());
}

// A bucket of more than kMaxBucketScan equal sketches in one run: a query
// gets the first kMaxBucketScan of them, in insertion order.
TEST(IndexTest, ABigBucketGivesItsFirstEntries) {
  std::vector<Sketch> sketches = signature_families(Index::kDeltaEntries, 4);
  const Sketch copy = sketches[1];
  for (size_t i = 100; i < 100 + Index::kMaxBucketScan + 500; ++i) {
    sketches[i] = copy;
  }
  std::vector<std::string> keys;
  for (size_t i = 0; i < sketches.size(); ++i) keys.push_back(key_of(i));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::unique_ptr<Index> index = create(DedupOptions());
  ASSERT_TRUE(index->add_batch(views, "s", sketches).ok());
  EXPECT_EQ(index->info().delta_entries, 0u);  // one run
  std::vector<IndexMatch> matches;
  ASSERT_TRUE(index->query(copy, &matches).ok());
  ASSERT_GE(matches.size(), Index::kMaxBucketScan);
  // Entry 1 and the copies from entry 100 on, in insertion order; then the
  // rest of entry 1's family (less similar).
  EXPECT_EQ(matches[0].entry, 1u);
  for (size_t i = 1; i < Index::kMaxBucketScan; ++i) {
    ASSERT_EQ(matches[i].entry, 99 + i) << i;
  }
}

// The row forms answer as the Sketch forms do.
TEST(IndexTest, RowsAreSketches) {
  std::vector<Sketch> sketches = signature_families(3000, 21);
  std::vector<std::string> keys;
  std::vector<uint8_t> rows, empty;
  for (size_t i = 0; i < sketches.size(); ++i) {
    keys.push_back(key_of(i));
    rows.insert(rows.end(), sketches[i].signature.begin(),
                sketches[i].signature.end());
    rows.insert(rows.end(), sketches[i].band_checks.begin(),
                sketches[i].band_checks.end());
    empty.push_back(sketches[i].empty);
  }
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::unique_ptr<Index> by_rows = create(DedupOptions());
  std::unique_ptr<Index> by_sketches = create(DedupOptions());
  ASSERT_EQ(by_rows->sketch_bytes(), 128u + kBandCheckBytes * kBands);
  ASSERT_TRUE(by_rows->add_rows(views, "s", rows, empty).ok());
  ASSERT_TRUE(by_sketches->add_batch(views, "s", sketches).ok());
  std::vector<std::vector<IndexMatch>> a, b;
  ASSERT_TRUE(by_rows->query_rows(rows, empty, &a).ok());
  ASSERT_TRUE(by_sketches->query_batch(sketches, &b).ok());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(entries_of(a[i]), entries_of(b[i])) << i;
  }
  rows.pop_back();
  EXPECT_EQ(by_rows->add_rows(views, "s", rows, empty).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(by_rows->size(), sketches.size());
}

}  // namespace
}  // namespace neardup
