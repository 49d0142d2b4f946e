// File: neardup/options.h
//
// The options of a dedup run, split like leveldb's: those that change results
// and those that change only speed.
//
// Example:
//   neardup::DedupOptions options;
//   options.max_hamming_distance = 3;
//   if (neardup::Status s = neardup::validate(options); !s.ok()) { ... }

#ifndef NEARDUP_OPTIONS_H_
#define NEARDUP_OPTIONS_H_

#include <cstddef>
#include <string>

#include "neardup/status.h"

namespace neardup {

// How text becomes shingles (see text.h). Part of the fingerprint format.
struct TextOptions {
  // Tokens per shingle. REQUIRES: 1 <= shingle_words <= 16. Documents with
  // fewer tokens get a single shingle of all their tokens.
  int shingle_words = 3;
  // Lines (split at '\n') with fewer tokens than this are left out of the
  // shingles, unless that would leave out more than half of the document's
  // tokens or leave fewer than 50. Site boilerplate (navigation, share buttons,
  // bylines, copyright lines) is mostly such short lines. 0 keeps every line.
  // REQUIRES: 0 <= min_line_words <= 1000.
  int min_line_words = 12;
};

struct DedupOptions {
  // ---- Parameters that affect results (changing them changes output) ----

  // JSON pointers (RFC 6901) to the text and id fields of each record. The
  // text must be a string. The id may be a string or a number; when it is
  // absent or null the id is the record's 0-based line number across all
  // inputs.
  std::string text_field = "/text";
  std::string id_field = "/id";

  TextOptions text;

  // Two documents are near-duplicates when their SimHash fingerprints differ
  // in at most this many bits. REQUIRES: 0 <= max_hamming_distance <= 8.
  // Default chosen on real data: see README "Choosing the defaults".
  int max_hamming_distance = 5;

  // Lines longer than this (bytes, without the newline) are rejected with
  // reason `too_long`. REQUIRES: in [64, 2^31].
  size_t max_line_bytes = size_t{64} << 20;

  // ---- Parameters that affect performance only ----

  // Worker threads. 0 = all hardware threads.
  int threads = 0;
  // Bytes per chunk handed from the reader to the workers. A chunk holds whole
  // lines; a longer line gets a chunk of its own. REQUIRES: >= 64.
  size_t chunk_bytes = size_t{1} << 20;
};

// Returns InvalidArgument naming the first option out of range.
[[nodiscard]] Status validate(const DedupOptions& options);

}  // namespace neardup

#endif  // NEARDUP_OPTIONS_H_
