#include <memory>

#include "fingerprint/probe_order.h"
#include "neardup/fingerprint.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/sketch.h"
#include "neardup/text.h"

namespace neardup {

struct Sketcher::Impl {
  explicit Impl(const DedupOptions& o)
      : options(o),
        shingler(o.text),
        lsh(o.algorithm == Algorithm::kMinHash ? choose_lsh_params(o.minhash)
                                               : LshParams{}) {
    const auto bins = static_cast<uint32_t>(o.minhash.signature_length);
    if (o.algorithm == Algorithm::kMinHash &&
        bins <= internal::ProbeOrder::kMaxBins) {
      probe_order = std::make_unique<internal::ProbeOrder>(bins);
    }
  }

  DedupOptions options;
  Shingler shingler;
  std::vector<uint64_t> shingles;
  LshParams lsh;
  // Densification by table (null for signatures over ProbeOrder::kMaxBins).
  std::unique_ptr<internal::ProbeOrder> probe_order;
  std::vector<uint64_t> signature;  // full 64-bit MinHash entries
};

double estimated_similarity(const Sketch& a, const Sketch& b) {
  if (a.empty || b.empty || a.signature.size() != b.signature.size()) {
    return 0;
  }
  const int length = static_cast<int>(a.signature.size());
  return bbit_jaccard(equal_entries(a.signature, b.signature), length);
}

Result<std::unique_ptr<Sketcher>> Sketcher::Create(
    const DedupOptions& options) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  if (options.mode != Mode::kCopies) {
    return Status::InvalidArgument("a Sketcher needs mode copies");
  }
  return std::unique_ptr<Sketcher>(
      new Sketcher(std::make_unique<Impl>(options)));
}

Sketcher::Sketcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->signature.resize(
      static_cast<size_t>(impl_->options.minhash.signature_length));
}

Sketcher::~Sketcher() = default;

Status Sketcher::shingle(std::string_view text) {
  impl_->shingles.clear();
  return impl_->shingler.shingle(text, &impl_->shingles);
}

Status Sketcher::sketch(std::string_view text, Sketch* out) {
  NEARDUP_RETURN_IF_ERROR(shingle(text));
  const std::vector<uint64_t>& shingles = impl_->shingles;
  out->algorithm = impl_->options.algorithm;
  out->empty = shingles.empty();
  out->simhash = 0;
  if (out->algorithm == Algorithm::kSimHash) {
    out->signature.clear();
    out->band_checks.clear();
    out->simhash = simhash64(shingles);
    return Status::OK();
  }
  out->signature.resize(impl_->signature.size());
  internal::minhash_signature(shingles, impl_->probe_order.get(),
                              impl_->signature);
  reduce_signature(impl_->signature, out->signature);
  out->band_checks.resize(
      static_cast<size_t>(kBandCheckBytes * impl_->lsh.bands));
  band_checks(impl_->signature, impl_->lsh.bands, impl_->lsh.rows,
              out->band_checks);
  return Status::OK();
}

std::span<const uint64_t> Sketcher::shingles() const { return impl_->shingles; }

const DedupOptions& Sketcher::options() const { return impl_->options; }

}  // namespace neardup
