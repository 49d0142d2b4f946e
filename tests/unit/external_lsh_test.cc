#include "spill/external_lsh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "index/lsh_bands.h"
#include "neardup/lsh.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

constexpr int kLength = 128;
// The default layout (band values of 40 bits), and one whose bands are too
// long for their bytes to be the value (64-bit keys).
struct Layout {
  int bands, rows;
  size_t record() const { return kLength + kBandCheckBytes * bands; }
};
constexpr Layout kLayouts[] = {{39, 3}, {16, 8}};

// Random records, with near copies (a few entries changed, sometimes one
// band's check changed alone), a crowd of identical records past
// kMaxAllPairsBucket, and empty documents.
std::vector<std::vector<uint8_t>> make_records(size_t n, uint64_t seed,
                                               Layout layout,
                                               std::vector<bool>* empty) {
  const size_t kRecord = layout.record();
  const int kBands = layout.bands;
  std::mt19937_64 rng(seed);
  std::vector<std::vector<uint8_t>> records;
  empty->clear();
  const std::vector<uint8_t> crowd = [&] {
    std::vector<uint8_t> r(kRecord);
    for (uint8_t& b : r) b = static_cast<uint8_t>(rng());
    return r;
  }();
  for (size_t i = 0; i < n; ++i) {
    std::vector<uint8_t> r(kRecord);
    const uint64_t kind = rng() % 10;
    if (kind == 0) {
      r = crowd;
    } else if (kind < 5 && !records.empty()) {
      r = records[rng() % records.size()];
      const int changes = static_cast<int>(rng() % 60);
      for (int c = 0; c < changes; ++c) {
        r[rng() % kLength] = static_cast<uint8_t>(rng());
      }
      if (rng() % 4 == 0) r[kLength + rng() % (2 * kBands)] ^= 1;
    } else {
      for (uint8_t& b : r) b = static_cast<uint8_t>(rng());
      // Few distinct bytes in band 0: buckets of unrelated records.
      r[0] = r[1] = r[2] = 0;
      r[kLength] = r[kLength + 1] = 0;
    }
    records.push_back(r);
    empty->push_back(rng() % 50 == 0);
  }
  return records;
}

// band_candidates() over the records in memory, all bands, with the
// equal entries of each pair.
void in_memory(const std::vector<std::vector<uint8_t>>& records,
               const std::vector<bool>& empty, Layout layout, int min_equal,
               std::vector<uint64_t>* pairs, std::vector<uint16_t>* equal) {
  SignatureTable table(static_cast<int>(layout.record()));
  std::vector<DocId> docs;
  for (size_t d = 0; d < records.size(); ++d) {
    std::span<uint8_t> slot = table.append();
    std::copy(records[d].begin(), records[d].end(), slot.begin());
    if (!empty[d]) docs.push_back(static_cast<DocId>(d));
  }
  pairs->clear();
  for (int band = 0; band < layout.bands; ++band) {
    band_candidates(table, kLength, docs, band, layout.rows, min_equal, pairs);
  }
  std::sort(pairs->begin(), pairs->end());
  pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
  equal->clear();
  for (uint64_t p : *pairs) {
    equal->push_back(static_cast<uint16_t>(
        equal_entries(table[static_cast<DocId>(p >> 32)].first(kLength),
                      table[static_cast<DocId>(p)].first(kLength))));
  }
}

// `block_docs`: the band file's block size; small ones make many blocks.
ExternalLshResult on_disk(const std::vector<std::vector<uint8_t>>& records,
                          const std::vector<bool>& empty, Layout layout,
                          int min_equal, const ExternalLshBudget& budget,
                          TempSpace* space,
                          size_t block_docs = SketchFile::kBlockDocs) {
  Result<std::unique_ptr<SketchFile>> file =
      SketchFile::Create(space, kLength, layout.bands, layout.rows, block_docs);
  EXPECT_TRUE(file.ok()) << file.status().to_string();
  for (const auto& r : records) EXPECT_TRUE((*file)->append(r).ok());
  EXPECT_TRUE((*file)->flush().ok());
  ExternalLshResult result;
  const Status s = external_band_candidates(**file, empty, min_equal, budget,
                                            /*threads=*/2, space, &result);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return result;
}

// A band step share (24 KiB a thread) that holds about half of 6,000
// documents' 8-byte band words: bands of short values take a few reads.
ExternalLshBudget few_reads() {
  ExternalLshBudget budget = ExternalLshBudget::FromLimit(1 << 20);
  budget.band_entries = 2 * 24 * 1024;
  return budget;
}

TEST(ExternalLshTest, SamePairsAndEqualEntriesAsTheSearchInMemory) {
  testing::TempDir dir;
  for (const Layout layout : kLayouts) {
    SCOPED_TRACE(std::to_string(layout.bands) + " bands");
    std::vector<bool> empty;
    const auto records = make_records(6000, 7, layout, &empty);
    ExternalLshBudget tiny;  // every step at its floor: many runs and blocks
    tiny.band_entries = tiny.pairs = 1;
    tiny.block = 50 * kLength;
    tiny.far_pairs = 1;
    tiny.window = 3 * kLength;
    for (int min_equal : {0, 40, 100}) {
      SCOPED_TRACE("min_equal " + std::to_string(min_equal));
      std::vector<uint64_t> pairs;
      std::vector<uint16_t> equal;
      in_memory(records, empty, layout, min_equal, &pairs, &equal);
      ASSERT_GT(pairs.size(), 1000u);
      const ExternalLshBudget budgets[] = {
          tiny, few_reads(), ExternalLshBudget::FromLimit(1 << 20),
          ExternalLshBudget::FromLimit(uint64_t{1} << 32)};
      for (const ExternalLshBudget& budget : budgets) {
        const bool small = &budget == &budgets[0];
        TempSpace space(dir.path().string());
        const ExternalLshResult found =
            on_disk(records, empty, layout, min_equal, budget, &space,
                    small ? 1000 : SketchFile::kBlockDocs);
        EXPECT_EQ(found.pairs, pairs);
        EXPECT_EQ(found.equal, equal);
        EXPECT_GE(found.bucket_pairs, found.pairs.size());
        // Every temporary file closed; the tiny budget wrote sorted runs.
        EXPECT_EQ(space.held_bytes(), 0u);
        EXPECT_GE(space.peak_bytes(), 6000 * layout.record());
        if (small) {
          EXPECT_GT(space.written_bytes(), 6000 * layout.record() * 2);
        }
      }
    }
  }
}

TEST(ExternalLshTest, BandsAreSortedOnDiskOnlyWhenTheyDoNotFit) {
  testing::TempDir dir;
  std::vector<bool> empty;
  const Layout layout = kLayouts[0];
  // More entries than the smallest sort budget (64 KiB) holds.
  const auto records = make_records(6000, 8, layout, &empty);
  TempSpace space(dir.path().string());
  EXPECT_EQ(on_disk(records, empty, layout, 0,
                    ExternalLshBudget::FromLimit(1 << 30), &space)
                .external_band_sorts,
            0u);
  // Band 0's crowd of equal values is one partition larger than the share
  // by itself, so that band alone is sorted in runs; the others take a few
  // reads, as their words do not fit in one.
  EXPECT_EQ(on_disk(records, empty, layout, 0, few_reads(), &space)
                .external_band_sorts,
            1u);
  ExternalLshBudget tiny = ExternalLshBudget::FromLimit(1 << 30);
  tiny.band_entries = 1;
  EXPECT_EQ(
      on_disk(records, empty, layout, 0, tiny, &space).external_band_sorts,
      static_cast<uint64_t>(layout.bands));
  // Values of 64 bits (long bands) are always sorted by the external sort.
  const Layout long_bands = kLayouts[1];
  const auto long_records = make_records(6000, 9, long_bands, &empty);
  EXPECT_EQ(on_disk(long_records, empty, long_bands, 0, few_reads(), &space)
                .external_band_sorts,
            static_cast<uint64_t>(long_bands.bands));
}

}  // namespace
}  // namespace neardup::internal
