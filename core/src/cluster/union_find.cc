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

}  // namespace neardup
