// Densification of one-permutation MinHash by table: the bins each empty bin
// would probe, computed once per signature length instead of per document.

#ifndef NEARDUP_SRC_FINGERPRINT_PROBE_ORDER_H_
#define NEARDUP_SRC_FINGERPRINT_PROBE_ORDER_H_

#include <cstdint>
#include <span>
#include <vector>

namespace neardup::internal {

// For each bin i of a signature of `bins` bins, the distinct bins of its
// densification probe sequence j_t (neardup/minhash.h) in the order they
// first appear. An empty bin copies the first filled bin of its sequence,
// which is the first filled bin of this list: the same answer, found without
// hashing. bins * bins 16-bit entries (32 KB for 128 bins). Immutable after
// construction: thread-safe to share.
class ProbeOrder {
 public:
  // Largest bins a table is built for (512 KB); longer signatures probe.
  static constexpr uint32_t kMaxBins = 512;

  // REQUIRES: 1 <= bins <= kMaxBins. About bins^2 ln(bins) hashes.
  explicit ProbeOrder(uint32_t bins);

  uint32_t bins() const { return bins_; }
  // The bins of bin i's probe sequence, first appearances in order.
  std::span<const uint16_t> order(uint32_t i) const {
    return {order_.data() + static_cast<size_t>(i) * bins_, bins_};
  }

 private:
  uint32_t bins_;
  std::vector<uint16_t> order_;
};

// minhash_signature() with densification by `order` when it is not null
// (REQUIRES: then order->bins() == signature.size()). Same output.
void minhash_signature(std::span<const uint64_t> features,
                       const ProbeOrder* order, std::span<uint64_t> signature);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_FINGERPRINT_PROBE_ORDER_H_
