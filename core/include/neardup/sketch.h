// File: neardup/sketch.h
//
// Text in, sketch out: the fingerprint `neardup dedup` computes for a
// record's text, for ingestion jobs that see one document at a time. The
// same Sketcher runs inside the batch pipeline, so a sketch made here
// compares with the ones of a dedup run with the same options.
//
// Example:
//   auto sketcher = neardup::Sketcher::Create(options);  // one per thread
//   if (!sketcher.ok()) return sketcher.status();
//   neardup::Sketch a, b;
//   NEARDUP_RETURN_IF_ERROR((*sketcher)->sketch(text_a, &a));
//   NEARDUP_RETURN_IF_ERROR((*sketcher)->sketch(text_b, &b));
//   double j = neardup::estimated_similarity(a, b);

#ifndef NEARDUP_SKETCH_H_
#define NEARDUP_SKETCH_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "neardup/options.h"
#include "neardup/status.h"
#include "neardup/types.h"

namespace neardup {

// The sketch of one text under DedupOptions (Mode::kCopies).
struct Sketch {
  Algorithm algorithm = Algorithm::kMinHash;
  // True when the text has no shingles (no letters or digits): such a
  // document is never a near-duplicate of anything.
  bool empty = true;
  // Algorithm::kMinHash: MinHashOptions::signature_length bytes, the 8-bit
  // signature of core/FORMAT.md section 7 (meaningless when empty).
  std::vector<uint8_t> signature;
  // Algorithm::kMinHash: kBandCheckBytes per LSH band (choose_lsh_params()
  // of the options), the band checks of core/FORMAT.md section 8 that widen
  // the band keys beyond the signature's bytes (meaningless when empty).
  std::vector<uint8_t> band_checks;
  // Algorithm::kSimHash: the 64-bit SimHash of section 6 (0 when empty).
  Fingerprint simhash = 0;
};

// The estimated Jaccard similarity of two MinHash sketches (b-bit estimate,
// see lsh.h), in [0, 1]; 0 if either is empty. REQUIRES: both kMinHash with
// signatures of one length.
double estimated_similarity(const Sketch& a, const Sketch& b);

// Turns texts into sketches: normalization, line filter, shingles, then
// MinHash or SimHash (Broder 1997; Charikar 2002), exactly as `neardup
// dedup` does with the same options. Reuses its buffers between calls, like
// a simdjson parser: not thread-safe, make one per thread. Cost: linear in
// the text, about 2 µs for a 4 KB news article.
class Sketcher {
 public:
  // InvalidArgument (naming the option) if validate(options) fails, or if
  // options.mode is not Mode::kCopies.
  static Result<std::unique_ptr<Sketcher>> Create(const DedupOptions& options);
  ~Sketcher();
  Sketcher(const Sketcher&) = delete;
  Sketcher& operator=(const Sketcher&) = delete;

  // Replaces `out` with the sketch of `text` (UTF-8, the record's text
  // field after JSON unescaping). Corruption for invalid UTF-8.
  [[nodiscard]] Status sketch(std::string_view text, Sketch* out);

  // Only the shingle hashes of `text`, without a fingerprint: what exact
  // verification compares. Same errors as sketch().
  [[nodiscard]] Status shingle(std::string_view text);

  // The shingle hashes of the last text given to sketch() or shingle(), in
  // text order with repeats (core/FORMAT.md section 5). The span is valid
  // until the next call.
  std::span<const uint64_t> shingles() const;

  const DedupOptions& options() const;

 private:
  struct Impl;
  explicit Sketcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace neardup

#endif  // NEARDUP_SKETCH_H_
