#include "pipeline/decisions.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "neardup/cluster.h"
#include "neardup/lsh.h"

namespace neardup::internal {

EqualEntryBounds equal_entry_bounds(const MinHashOptions& options, int length) {
  const double t = options.threshold;
  const double sd = std::sqrt(t * (1 - t) / length);
  EqualEntryBounds b;
  b.need = min_equal_entries(t, length);
  const double margin = options.verification == Verification::kExact ? 4 : 3;
  switch (options.verification) {
    case Verification::kEstimate:
      b.keep = b.sure = b.need;
      break;
    case Verification::kExact:
      b.keep = min_equal_entries(std::max(t - margin * sd, 1e-9), length);
      b.sure = length + 1;
      break;
    case Verification::kBorderline:
      b.keep = min_equal_entries(std::max(t - margin * sd, 1e-9), length);
      b.sure = min_equal_entries(std::min(t + margin * sd, 1.0), length);
      break;
  }
  return b;
}

std::vector<DocId> cluster_documents(
    const DedupOptions& options, size_t n, std::span<const DocPair> pairs,
    const std::function<std::span<const uint8_t>(DocId)>& sketch) {
  switch (options.clustering) {
    case Clustering::kConnectedComponents:
      return cluster_representatives(n, pairs);
    case Clustering::kRepresentative:
      return representative_clusters(n, pairs);
    case Clustering::kBounded:
      break;
  }
  if (options.algorithm == Algorithm::kSimHash) {
    // Twice the pair distance, as MinHash's bound is half the threshold.
    const int max_distance = 2 * options.max_hamming_distance;
    return bounded_clusters(n, pairs, [&](DocId doc, DocId r) {
      uint64_t a, b;
      std::memcpy(&a, sketch(doc).data(), 8);
      std::memcpy(&b, sketch(r).data(), 8);
      return std::popcount(a ^ b) <= max_distance;
    });
  }
  const int length = options.minhash.signature_length;
  const int need = min_equal_entries(
      options.minhash.bound_ratio * options.minhash.threshold, length);
  return bounded_clusters(n, pairs, [&](DocId doc, DocId r) {
    return equal_entries(sketch(doc), sketch(r)) >= need;
  });
}

}  // namespace neardup::internal
