// File: neardup/types.h
//
// Small value types shared by the stages.

#ifndef NEARDUP_TYPES_H_
#define NEARDUP_TYPES_H_

#include <cstdint>

namespace neardup {

// A 64-bit SimHash fingerprint (Charikar 2002). Bit `b` is bit `b` of the
// integer; persisted fingerprints are written as 16 lower-case hex digits,
// most significant first (core/FORMAT.md).
using Fingerprint = uint64_t;

// A document's 0-based position among the accepted documents of a run, in
// input order. Runs are limited to 2^32 - 1 documents.
using DocId = uint32_t;

// Two documents `a < b` whose fingerprints differ in `distance` bits.
struct DocPair {
  DocId a = 0;
  DocId b = 0;
  uint32_t distance = 0;

  friend bool operator==(const DocPair&, const DocPair&) = default;
};

}  // namespace neardup

#endif  // NEARDUP_TYPES_H_
