#include "spill/external_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "spill/temp_file.h"
#include "test_util.h"

namespace neardup::internal {
namespace {

std::vector<uint64_t> random_values(size_t n, uint64_t range, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> v(n);
  for (uint64_t& x : v) x = rng() % range;
  return v;
}

std::vector<uint64_t> sort_externally(const std::vector<uint64_t>& values,
                                      size_t budget, bool unique,
                                      TempSpace* space, size_t* runs) {
  ExternalSorter<uint64_t> sorter(space, budget, unique);
  for (uint64_t v : values) EXPECT_TRUE(sorter.add(v).ok());
  EXPECT_TRUE(sorter.finish().ok());
  std::vector<uint64_t> out;
  uint64_t v = 0;
  while (sorter.next(&v)) out.push_back(v);
  EXPECT_TRUE(sorter.status().ok()) << sorter.status().to_string();
  *runs = sorter.runs_written();
  return out;
}

TEST(ExternalSortTest, ManyRunsMergeInSeveralPassesToTheSortedValues) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  // 64 KiB holds 8192 values: 37 runs, more than the 16 merged at once.
  const std::vector<uint64_t> values = random_values(300000, 50000, 1);
  size_t runs = 0;
  std::vector<uint64_t> out =
      sort_externally(values, 64 << 10, /*unique=*/false, &space, &runs);
  std::vector<uint64_t> expected = values;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(out, expected);
  EXPECT_GT(runs, 16u);
  EXPECT_GE(space.written_bytes(), values.size() * 8);
  EXPECT_EQ(space.held_bytes(), 0u);  // every run closed
  // Unnamed files: nothing was ever linked into the directory.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// Runs sorted by the caller, more than may be open at once (at most 1024):
// they are merged while still being added, and the values come out as one
// sort of them all, without repeats.
TEST(ExternalSortTest, RunsAddedSortedAreMergedWhileAdding) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  const std::vector<uint64_t> values = random_values(120000, 30000, 4);
  ExternalSorter<uint64_t> sorter(&space, 64 << 10, /*unique=*/true);
  for (size_t at = 0; at < values.size(); at += 100) {
    std::vector<uint64_t> run(values.begin() + static_cast<long>(at),
                              values.begin() + static_cast<long>(at + 100));
    std::sort(run.begin(), run.end());
    ASSERT_TRUE(sorter.add_run(&run).ok());
    EXPECT_TRUE(run.empty());
  }
  ASSERT_TRUE(sorter.finish().ok());
  std::vector<uint64_t> out;
  uint64_t v = 0;
  while (sorter.next(&v)) out.push_back(v);
  ASSERT_TRUE(sorter.status().ok()) << sorter.status().to_string();
  std::vector<uint64_t> expected = values;
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(out, expected);
  EXPECT_EQ(sorter.runs_written(), 1200u);
  // Merged while adding and again by finish(): bytes written more than
  // twice.
  EXPECT_GT(space.written_bytes(), 2 * values.size() * 8);
}

// Disjoint ranges, merged on two threads at once, give the whole sort in
// pieces: from runs on disk and from memory, with and without repeats.
TEST(ExternalSortTest, RangesMergedOnThreadsCoverTheSort) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  const std::vector<uint64_t> values = random_values(120000, 40000, 6);
  for (size_t budget : {size_t{64} << 10, size_t{64} << 20}) {
    for (bool unique : {false, true}) {
      SCOPED_TRACE(std::to_string(budget) + (unique ? " unique" : ""));
      ExternalSorter<uint64_t> sorter(&space, budget, unique);
      for (uint64_t v : values) ASSERT_TRUE(sorter.add(v).ok());
      ASSERT_TRUE(sorter.finish().ok());
      EXPECT_EQ(sorter.runs_written() > 0, budget < (size_t{1} << 20));
      // Bounds inside the values' span and beyond it, one range empty.
      const std::vector<uint64_t> bounds = {0,     7,     7,     1000,    12345,
                                            20000, 39999, 40000, 1u << 30};
      std::vector<std::vector<uint64_t>> pieces(bounds.size() - 1);
      std::vector<std::thread> threads;
      for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
          for (size_t r = static_cast<size_t>(t); r + 1 < bounds.size();
               r += 2) {
            auto merge = sorter.range(bounds[r], bounds[r + 1], 16 << 10);
            uint64_t v = 0;
            while (merge.next(&v)) pieces[r].push_back(v);
            EXPECT_TRUE(merge.status().ok());
          }
        });
      }
      for (std::thread& t : threads) t.join();
      std::vector<uint64_t> joined;
      for (const auto& p : pieces)
        joined.insert(joined.end(), p.begin(), p.end());
      std::vector<uint64_t> expected = values;
      std::sort(expected.begin(), expected.end());
      if (unique) {
        expected.erase(std::unique(expected.begin(), expected.end()),
                       expected.end());
      }
      EXPECT_EQ(joined, expected);
      EXPECT_TRUE(pieces[1].empty());  // [7, 7)
    }
  }
}

TEST(ExternalSortTest, UniqueDropsRepeatsWithinAndAcrossRuns) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  const std::vector<uint64_t> values = random_values(100000, 3000, 2);
  size_t runs = 0;
  std::vector<uint64_t> out =
      sort_externally(values, 64 << 10, /*unique=*/true, &space, &runs);
  std::vector<uint64_t> expected = values;
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(out, expected);
  EXPECT_GT(runs, 1u);
}

TEST(ExternalSortTest, ValuesThatFitAreNeverWritten) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  const std::vector<uint64_t> values = random_values(1000, 100, 3);
  size_t runs = 0;
  std::vector<uint64_t> out =
      sort_externally(values, 1 << 20, /*unique=*/false, &space, &runs);
  EXPECT_TRUE(std::is_sorted(out.begin(), out.end()));
  EXPECT_EQ(out.size(), values.size());
  EXPECT_EQ(runs, 0u);
  EXPECT_EQ(space.written_bytes(), 0u);
}

TEST(ExternalSortTest, AnEmptySortGivesNothing) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  size_t runs = 0;
  EXPECT_TRUE(sort_externally({}, 1 << 16, true, &space, &runs).empty());
}

TEST(ExternalSortTest, AMissingDirectoryIsAnErrorNamingIt) {
  TempSpace space("/nonexistent/neardup-temp");
  ExternalSorter<uint64_t> sorter(&space, 64 << 10, false);
  Status s;
  for (uint64_t v = 0; v < 20000 && s.ok(); ++v) s = sorter.add(v);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.to_string().find("/nonexistent/neardup-temp"), std::string::npos)
      << s.to_string();
}

TEST(TempFileTest, ReadsBackWhatWasAppendedAcrossTheBuffer) {
  testing::TempDir dir;
  TempSpace space(dir.path().string());
  Result<std::unique_ptr<TempFile>> file = TempFile::Create(&space);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  std::vector<uint8_t> data(3 << 20);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<uint8_t>(i * 7);
  ASSERT_TRUE((*file)->append(data.data(), data.size()).ok());
  ASSERT_TRUE((*file)->flush().ok());
  EXPECT_EQ((*file)->size(), data.size());
  std::vector<uint8_t> back(1000);
  ASSERT_TRUE((*file)->read(2500000, back.data(), back.size()).ok());
  EXPECT_TRUE(std::equal(back.begin(), back.end(), data.begin() + 2500000));
  TempFileReader reader(file->get(), 10, data.size(), 4096);
  std::vector<uint8_t> all(data.size() - 10);
  ASSERT_TRUE(reader.next(all.data(), all.size()));
  EXPECT_TRUE(std::equal(all.begin(), all.end(), data.begin() + 10));
  uint8_t more;
  EXPECT_FALSE(reader.next(&more, 1));
  EXPECT_TRUE(reader.status().ok());
  EXPECT_EQ(space.held_bytes(), data.size());
  file->reset();
  EXPECT_EQ(space.held_bytes(), 0u);
  EXPECT_EQ(space.peak_bytes(), data.size());
}

}  // namespace
}  // namespace neardup::internal
