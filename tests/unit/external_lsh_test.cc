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
constexpr int kBands = 39;
constexpr int kRows = 3;
constexpr size_t kRecord = kLength + kBandCheckBytes * kBands;

// Random records, with near copies (a few entries changed, sometimes one
// band's check changed alone), a crowd of identical records past
// kMaxAllPairsBucket, and empty documents.
std::vector<std::vector<uint8_t>> make_records(size_t n, uint64_t seed,
                                               std::vector<bool>* empty) {
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
               const std::vector<bool>& empty, int min_equal,
               std::vector<uint64_t>* pairs, std::vector<uint16_t>* equal) {
  SignatureTable table(static_cast<int>(kRecord));
  std::vector<DocId> docs;
  for (size_t d = 0; d < records.size(); ++d) {
    std::span<uint8_t> slot = table.append();
    std::copy(records[d].begin(), records[d].end(), slot.begin());
    if (!empty[d]) docs.push_back(static_cast<DocId>(d));
  }
  pairs->clear();
  for (int band = 0; band < kBands; ++band) {
    band_candidates(table, kLength, docs, band, kRows, min_equal, pairs);
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

ExternalLshResult on_disk(const std::vector<std::vector<uint8_t>>& records,
                          const std::vector<bool>& empty, int min_equal,
                          const ExternalLshBudget& budget, TempSpace* space) {
  Result<std::unique_ptr<SketchFile>> file = SketchFile::Create(space, kRecord);
  EXPECT_TRUE(file.ok()) << file.status().to_string();
  for (const auto& r : records) EXPECT_TRUE((*file)->append(r).ok());
  EXPECT_TRUE((*file)->flush().ok());
  ExternalLshResult result;
  const Status s = external_band_candidates(
      **file, kLength, empty, kBands, kRows, min_equal, budget, space,
      [](std::vector<BandEntry>* v) { std::sort(v->begin(), v->end()); },
      &result);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return result;
}

TEST(ExternalLshTest, SamePairsAndEqualEntriesAsTheSearchInMemory) {
  testing::TempDir dir;
  std::vector<bool> empty;
  const auto records = make_records(6000, 7, &empty);
  ExternalLshBudget tiny;  // every step at its floor: many runs and blocks
  tiny.band_entries = tiny.pairs = 1;
  tiny.block = 50 * kRecord;
  tiny.far_pairs = 1;
  tiny.window = 3 * kRecord;
  for (int min_equal : {0, 40, 100}) {
    SCOPED_TRACE("min_equal " + std::to_string(min_equal));
    std::vector<uint64_t> pairs;
    std::vector<uint16_t> equal;
    in_memory(records, empty, min_equal, &pairs, &equal);
    ASSERT_GT(pairs.size(), 1000u);
    const ExternalLshBudget budgets[] = {
        tiny, ExternalLshBudget::FromLimit(1 << 20),
        ExternalLshBudget::FromLimit(uint64_t{1} << 32)};
    for (const ExternalLshBudget& budget : budgets) {
      TempSpace space(dir.path().string());
      const ExternalLshResult found =
          on_disk(records, empty, min_equal, budget, &space);
      EXPECT_EQ(found.pairs, pairs);
      EXPECT_EQ(found.equal, equal);
      EXPECT_GE(found.bucket_pairs, found.pairs.size());
      // Every temporary file closed; the tiny budget wrote sorted runs.
      EXPECT_EQ(space.held_bytes(), 0u);
      EXPECT_GE(space.peak_bytes(), 6000 * kRecord);
      if (&budget == &budgets[0]) {
        EXPECT_GT(space.written_bytes(), 6000 * kRecord * 2);
      }
    }
  }
}

TEST(ExternalLshTest, BandsShareAReadOfTheFileWhenTheyFit) {
  testing::TempDir dir;
  std::vector<bool> empty;
  const auto records = make_records(2000, 8, &empty);
  TempSpace space(dir.path().string());
  EXPECT_EQ(
      on_disk(records, empty, 0, ExternalLshBudget::FromLimit(1 << 30), &space)
          .band_passes,
      1u);
  ExternalLshBudget one_band = ExternalLshBudget::FromLimit(1 << 30);
  one_band.band_entries = 1;
  EXPECT_EQ(on_disk(records, empty, 0, one_band, &space).band_passes,
            static_cast<uint64_t>(kBands));
}

}  // namespace
}  // namespace neardup::internal
