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

}  // namespace neardup
