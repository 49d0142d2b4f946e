#include <algorithm>
#include <limits>
#include <numeric>

#include "neardup/cluster.h"

namespace neardup {

UnionFind::UnionFind(size_t n) : parent_(n) {
  std::iota(parent_.begin(), parent_.end(), DocId{0});
}

DocId UnionFind::find(DocId x) {
  // Path halving: every other node on the path points to its grandparent.
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

void UnionFind::unite(DocId a, DocId b) {
  DocId ra = find(a);
  DocId rb = find(b);
  if (ra == rb) return;
  // Union by index keeps the smallest member as the root, which makes the
  // representative independent of the order of the pairs.
  if (rb < ra) std::swap(ra, rb);
  parent_[rb] = ra;
}

std::vector<DocId> cluster_representatives(size_t num_docs,
                                           std::span<const DocPair> pairs) {
  UnionFind sets(num_docs);
  for (const DocPair& pair : pairs) sets.unite(pair.a, pair.b);
  std::vector<DocId> rep(num_docs);
  for (size_t i = 0; i < num_docs; ++i)
    rep[i] = sets.find(static_cast<DocId>(i));
  return rep;
}

std::vector<DocId> representative_clusters(size_t num_docs,
                                           std::span<const DocPair> pairs) {
  // Each pair as (earlier << 32 | later), sorted: the later neighbours of
  // each document, in order.
  std::vector<uint64_t> edges;
  edges.reserve(pairs.size());
  for (const DocPair& p : pairs) {
    if (p.a == p.b) continue;
    const DocId lo = std::min(p.a, p.b);
    const DocId hi = std::max(p.a, p.b);
    edges.push_back((uint64_t{lo} << 32) | hi);
  }
  std::sort(edges.begin(), edges.end());
  constexpr DocId kNone = std::numeric_limits<DocId>::max();
  std::vector<DocId> rep(num_docs, kNone);
  size_t e = 0;
  for (size_t i = 0; i < num_docs; ++i) {
    const DocId doc = static_cast<DocId>(i);
    const bool leader = rep[doc] == kNone;
    if (leader) rep[doc] = doc;
    for (; e < edges.size() && (edges[e] >> 32) == doc; ++e) {
      const DocId later = static_cast<DocId>(edges[e]);
      if (leader && rep[later] == kNone) rep[later] = doc;
    }
  }
  return rep;
}

namespace {

// The pair graph as adjacency lists (compressed rows), each list ascending.
struct Adjacency {
  std::vector<size_t> begin;  // num_docs + 1 offsets into `next`
  std::vector<DocId> next;
};

Adjacency adjacency(size_t num_docs, std::span<const DocPair> pairs) {
  Adjacency g;
  g.begin.assign(num_docs + 1, 0);
  for (const DocPair& p : pairs) {
    if (p.a == p.b) continue;
    ++g.begin[p.a + 1];
    ++g.begin[p.b + 1];
  }
  for (size_t i = 0; i < num_docs; ++i) g.begin[i + 1] += g.begin[i];
  g.next.resize(g.begin[num_docs]);
  std::vector<size_t> fill(g.begin.begin(), g.begin.end() - 1);
  for (const DocPair& p : pairs) {
    if (p.a == p.b) continue;
    g.next[fill[p.a]++] = p.b;
    g.next[fill[p.b]++] = p.a;
  }
  for (size_t i = 0; i < num_docs; ++i) {
    std::sort(g.next.begin() + static_cast<ptrdiff_t>(g.begin[i]),
              g.next.begin() + static_cast<ptrdiff_t>(g.begin[i + 1]));
  }
  return g;
}

}  // namespace

std::vector<DocId> bounded_clusters(size_t num_docs,
                                    std::span<const DocPair> pairs,
                                    const JoinTest& may_join) {
  const Adjacency g = adjacency(num_docs, pairs);
  constexpr DocId kNone = std::numeric_limits<DocId>::max();
  std::vector<DocId> rep(num_docs, kNone);
  // refused[d] == R: `may_join(d, R)` was false; not asked again for R.
  std::vector<DocId> refused(num_docs, kNone);
  std::vector<DocId> queue;
  for (size_t i = 0; i < num_docs; ++i) {
    const DocId leader = static_cast<DocId>(i);
    if (rep[leader] != kNone) continue;
    rep[leader] = leader;
    queue.assign(1, leader);
    for (size_t head = 0; head < queue.size(); ++head) {
      const DocId member = queue[head];
      for (size_t e = g.begin[member]; e < g.begin[member + 1]; ++e) {
        const DocId doc = g.next[e];
        if (rep[doc] != kNone || refused[doc] == leader) continue;
        if (may_join(doc, leader)) {
          rep[doc] = leader;
          queue.push_back(doc);
        } else {
          refused[doc] = leader;
        }
      }
    }
  }
  return rep;
}

}  // namespace neardup
