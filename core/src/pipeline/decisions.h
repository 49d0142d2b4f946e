// The decisions dedup makes after the pair search, shared by the pipeline
// and the distributed stages (core/src/dist) so that both give the same
// pairs and clusters.

#ifndef NEARDUP_SRC_PIPELINE_DECISIONS_H_
#define NEARDUP_SRC_PIPELINE_DECISIONS_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "neardup/options.h"
#include "neardup/types.h"

namespace neardup::internal {

// How many of the signatures' entries must agree for a candidate to be kept
// in the bands (`keep`), and to be accepted on its estimate without a second
// read (`sure`); the candidates in between are read back. With kEstimate
// both are the threshold's `need`.
struct EqualEntryBounds {
  int keep = 0, sure = 0, need = 0;
};

// kBorderline decides a pair by its estimate when that is more than 3
// standard deviations from the threshold (chance ~1e-3 of the wrong side at
// that distance, less beyond) and reads the rest back; kExact reads back
// every candidate not more than 4 below (~3e-5). On the 1 GB generated dump,
// 3 instead of 4 halves the pairs read back and changes no cluster.
EqualEntryBounds equal_entry_bounds(const MinHashOptions& options, int length);

// The representative of each of documents 0..n-1 under options.clustering,
// given the verified `pairs`; sketch(doc) is the document's 8-bit MinHash
// signature or its SimHash's 8 bytes (little-endian). A clustering of a
// connected component depends only on its own pairs in DocId order, so any
// order-keeping renumbering of a component gives the same clusters.
std::vector<DocId> cluster_documents(
    const DedupOptions& options, size_t n, std::span<const DocPair> pairs,
    const std::function<std::span<const uint8_t>(DocId)>& sketch);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_PIPELINE_DECISIONS_H_
