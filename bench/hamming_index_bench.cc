// HammingTables::find_pairs over all tables: the batch all-pairs search of
// Manku et al. (WWW 2007, section 3.1.2) on N distinct random fingerprints,
// 1% of which are planted within max_distance of another, so that the search
// has pairs to find and the check below has something to check.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "neardup/fingerprint.h"
#include "neardup/hamming_index.h"

namespace neardup::bench {
namespace {

struct Fingerprints {
  std::vector<Fingerprint> values;               // distinct
  std::vector<std::pair<DocId, DocId>> planted;  // (a < b) within max_distance
};

Fingerprints make_fingerprints(size_t n, int max_distance) {
  std::mt19937_64 rng(0x5eed0002 + n * 16 + static_cast<size_t>(max_distance));
  Fingerprints out;
  out.values.reserve(n);
  std::unordered_set<Fingerprint> seen;
  seen.reserve(n);
  const size_t planted = n / 100;
  while (out.values.size() < n - planted) {
    const Fingerprint f = rng();
    if (seen.insert(f).second) out.values.push_back(f);
  }
  const size_t originals = out.values.size();
  while (out.values.size() < n) {
    const DocId source = static_cast<DocId>(rng() % originals);
    // Flip 1..max_distance distinct bits (max_distance 0 cannot plant).
    if (max_distance == 0) break;
    const int flips = 1 + static_cast<int>(rng() % max_distance);
    Fingerprint f = out.values[source];
    uint64_t flipped = 0;
    while (std::popcount(flipped) < flips)
      flipped |= uint64_t{1} << (rng() % 64);
    f ^= flipped;
    if (seen.insert(f).second) {
      out.planted.emplace_back(source, static_cast<DocId>(out.values.size()));
      out.values.push_back(f);
    }
  }
  return out;
}

struct Search {
  std::vector<DocPair> pairs;
  PairSearchStats stats;
};

void search_all(const HammingTables& tables,
                const std::vector<Fingerprint>& fingerprints, Search* out) {
  out->pairs.clear();
  out->stats = PairSearchStats{};
  for (int t = 0; t < tables.num_tables(); ++t) {
    tables.find_pairs(t, fingerprints, &out->pairs, &out->stats);
  }
}

// Verify: every pair is within the distance and found once, every planted
// pair is found, and (for small N) the pairs are exactly the brute-force ones.
bool verify(const HammingTables& tables, const Fingerprints& fps,
            Search* search, std::string* why) {
  search_all(tables, fps.values, search);
  std::vector<std::pair<DocId, DocId>> found;
  for (const DocPair& p : search->pairs) {
    if (p.a >= p.b ||
        p.distance != static_cast<uint32_t>(
                          hamming_distance(fps.values[p.a], fps.values[p.b])) ||
        static_cast<int>(p.distance) > tables.max_distance()) {
      *why = "a reported pair is wrong";
      return false;
    }
    found.emplace_back(p.a, p.b);
  }
  std::sort(found.begin(), found.end());
  if (std::adjacent_find(found.begin(), found.end()) != found.end()) {
    *why = "a pair is reported twice";
    return false;
  }
  for (const auto& pair : fps.planted) {
    if (!std::binary_search(found.begin(), found.end(), pair)) {
      *why = "a planted pair was not found";
      return false;
    }
  }
  if (fps.values.size() <= 10000) {
    size_t brute_force = 0;
    for (size_t i = 0; i < fps.values.size(); ++i) {
      for (size_t j = i + 1; j < fps.values.size(); ++j) {
        if (hamming_distance(fps.values[i], fps.values[j]) <=
            tables.max_distance()) {
          ++brute_force;
        }
      }
    }
    if (brute_force != found.size()) {
      *why = "pairs differ from brute force";
      return false;
    }
  }
  return true;
}

// Args: N fingerprints, max_distance. Items: fingerprints.
void BM_FindPairs(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int max_distance = static_cast<int>(state.range(1));
  const Fingerprints fps = make_fingerprints(n, max_distance);
  const int blocks = HammingTables::suggested_blocks(max_distance, n);
  Result<HammingTables> tables = HammingTables::create(max_distance, blocks);
  if (!tables.ok()) {
    state.SkipWithError(tables.status().to_string().c_str());
    return;
  }
  Search search;
  if (std::string why; !verify(*tables, fps, &search, &why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  for (auto _ : state) {
    search_all(*tables, fps.values, &search);
    benchmark::DoNotOptimize(search.pairs.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(n * sizeof(Fingerprint)));
  state.counters["blocks"] = blocks;
  state.counters["tables"] = tables->num_tables();
  state.counters["candidates"] =
      static_cast<double>(search.stats.candidate_pairs);
  state.counters["pairs"] = static_cast<double>(search.pairs.size());
}
BENCHMARK(BM_FindPairs)
    ->ArgNames({"n", "k"})
    ->ArgsProduct({{10000, 100000, 1000000}, {3, 4}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neardup::bench
