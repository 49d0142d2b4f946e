// File: neardup/cluster.h
//
// Clusters are the connected components of the graph whose edges are the
// verified pairs, found with union-find (Tarjan 1975: union by index with path
// halving). So A~B and B~C put A and C in one cluster even when A and C are
// not within the threshold of each other.
//
// representative_clusters() is the alternative without chains.
//
// Example:
//   std::vector<neardup::DocId> rep =
//       neardup::cluster_representatives(num_docs, pairs);
//   bool is_representative = rep[doc] == doc;

#ifndef NEARDUP_CLUSTER_H_
#define NEARDUP_CLUSTER_H_

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "neardup/types.h"

namespace neardup {

// Disjoint sets over 0..n-1. The root of a set is always its smallest member,
// so the result never depends on the order of unite() calls.
// Not thread-safe.
class UnionFind {
 public:
  explicit UnionFind(size_t n);
  // REQUIRES: x < size().
  DocId find(DocId x);
  // Merges the sets of a and b. REQUIRES: a, b < size().
  void unite(DocId a, DocId b);
  size_t size() const { return parent_.size(); }

 private:
  std::vector<DocId> parent_;
};

// Returns, for each document 0..num_docs-1, its cluster's representative: the
// smallest DocId (the member first in the input) of its connected component.
// REQUIRES: every pair has a, b < num_docs. O(num_docs + pairs.size()).
std::vector<DocId> cluster_representatives(size_t num_docs,
                                           std::span<const DocPair> pairs);

// Representative-based clustering, which does not chain: documents are
// visited in input order (DocId order); a document not yet in a cluster
// becomes a representative, and every later document not yet in a cluster
// that it is paired with joins its cluster. Every member is thus paired with
// its representative. This is the greedy leader algorithm (Hartigan,
// "Clustering Algorithms", 1975, chapter 3) over the pair graph; the result
// does not depend on the order of `pairs`. Returns each document's
// representative. REQUIRES: every pair has a, b < num_docs.
// O(num_docs + pairs.size() log pairs.size()).
std::vector<DocId> representative_clusters(size_t num_docs,
                                           std::span<const DocPair> pairs);

// Says whether `member` may join the cluster of `representative`.
using JoinTest = std::function<bool(DocId member, DocId representative)>;

// Connected components grown from a representative and bounded by it, which
// keeps the transitive reach of components for copies of copies while cutting
// chains of merely similar documents (templated briefs, where A~B and B~C
// while A and C share little). Documents are visited in input order (DocId
// order); one not yet in a cluster becomes a representative R, and its cluster
// grows breadth-first through the pairs: a document not yet in a cluster that
// is paired with a member joins when `may_join(document, R)` is true. So every
// member is linked to R by a path of pairs inside its cluster and passes
// `may_join` against R. With `may_join` always true this is
// cluster_representatives(); with "paired with R" it is
// representative_clusters(). A form of the leader algorithm (Hartigan,
// "Clustering Algorithms", 1975, chapter 3) over the pair graph. The result
// does not depend on the order of `pairs`. Returns each document's
// representative. REQUIRES: every pair has a, b < num_docs. Calls `may_join`
// at most once per (document, representative), from this thread.
// O(num_docs + pairs.size() log pairs.size()) plus the calls.
std::vector<DocId> bounded_clusters(size_t num_docs,
                                    std::span<const DocPair> pairs,
                                    const JoinTest& may_join);

}  // namespace neardup

#endif  // NEARDUP_CLUSTER_H_
