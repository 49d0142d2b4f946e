// cluster_representatives(): connected components of the pair graph with
// union-find, on random pairs (many small clusters, the usual case) and on
// one long chain given in random order (one giant cluster, deep trees).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "neardup/cluster.h"
#include "neardup/types.h"

namespace neardup::bench {
namespace {

// `num_docs / 2` pairs between uniformly random documents.
std::vector<DocPair> random_pairs(size_t num_docs) {
  std::mt19937_64 rng(0x5eed0003 + num_docs);
  std::vector<DocPair> pairs;
  while (pairs.size() < num_docs / 2) {
    DocId a = static_cast<DocId>(rng() % num_docs);
    DocId b = static_cast<DocId>(rng() % num_docs);
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    pairs.push_back({a, b, 1});
  }
  return pairs;
}

// (i, i + 1) for every i, shuffled: one component of all documents.
std::vector<DocPair> chain_pairs(size_t num_docs) {
  std::vector<DocPair> pairs;
  for (size_t i = 0; i + 1 < num_docs; ++i) {
    pairs.push_back({static_cast<DocId>(i), static_cast<DocId>(i + 1), 1});
  }
  std::shuffle(pairs.begin(), pairs.end(), std::mt19937_64(0x5eed0004));
  return pairs;
}

// The smallest member of each document's component, by breadth-first search
// over an adjacency list: independent of union-find.
std::vector<DocId> components_by_bfs(size_t num_docs,
                                     const std::vector<DocPair>& pairs) {
  std::vector<uint32_t> degree(num_docs + 1, 0);
  for (const DocPair& p : pairs) {
    ++degree[p.a + 1];
    ++degree[p.b + 1];
  }
  for (size_t i = 1; i <= num_docs; ++i) degree[i] += degree[i - 1];
  std::vector<DocId> adjacent(degree[num_docs]);
  std::vector<uint32_t> fill(degree.begin(), degree.end() - 1);
  for (const DocPair& p : pairs) {
    adjacent[fill[p.a]++] = p.b;
    adjacent[fill[p.b]++] = p.a;
  }
  constexpr DocId kUnseen = ~DocId{0};
  std::vector<DocId> rep(num_docs, kUnseen);
  std::vector<DocId> queue;
  for (DocId start = 0; start < num_docs; ++start) {
    if (rep[start] != kUnseen) continue;
    rep[start] = start;  // visited in increasing order: the smallest member
    queue.assign(1, start);
    while (!queue.empty()) {
      const DocId doc = queue.back();
      queue.pop_back();
      for (uint32_t e = degree[doc]; e < degree[doc + 1]; ++e) {
        if (rep[adjacent[e]] == kUnseen) {
          rep[adjacent[e]] = start;
          queue.push_back(adjacent[e]);
        }
      }
    }
  }
  return rep;
}

// Items: pairs.
void run(benchmark::State& state, const std::vector<DocPair>& pairs) {
  const size_t num_docs = static_cast<size_t>(state.range(0));
  std::vector<DocId> rep = cluster_representatives(num_docs, pairs);
  if (rep != components_by_bfs(num_docs, pairs)) {
    state.SkipWithError("clusters differ from breadth-first search");
    return;
  }
  for (auto _ : state) {
    rep = cluster_representatives(num_docs, pairs);
    benchmark::DoNotOptimize(rep.data());
  }
  size_t clusters = 0;
  for (size_t doc = 0; doc < num_docs; ++doc) clusters += rep[doc] == doc;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(pairs.size()));
  state.counters["docs"] = static_cast<double>(num_docs);
  state.counters["clusters"] = static_cast<double>(clusters);
}

void BM_ClusterRandomPairs(benchmark::State& state) {
  run(state, random_pairs(static_cast<size_t>(state.range(0))));
}
BENCHMARK(BM_ClusterRandomPairs)
    ->ArgName("docs")
    ->RangeMultiplier(10)
    ->Range(10000, 1000000)
    ->Unit(benchmark::kMicrosecond);

void BM_ClusterChain(benchmark::State& state) {
  run(state, chain_pairs(static_cast<size_t>(state.range(0))));
}
BENCHMARK(BM_ClusterChain)
    ->ArgName("docs")
    ->RangeMultiplier(10)
    ->Range(10000, 1000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace neardup::bench
