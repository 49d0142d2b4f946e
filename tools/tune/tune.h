// File: tune/tune.h
//
// The parameter advisor behind `neardup tune`: for MinHash settings, the LSH
// bands and rows a dedup run would use, the S-curve
// P(s) = 1 - (1 - p(s)^rows)^bands at a few similarities (p(s) is the chance
// that two 8-bit signature entries agree, s + (1 - s) / 256; see
// neardup/lsh.h), and the expected candidate pairs among a million documents
// whose pairs all had one background similarity.
//
// Example:
//   neardup::MinHashOptions options;
//   options.threshold = 0.8;
//   std::cout << neardup::tune::report(options);

#ifndef NEARDUP_TOOLS_TUNE_TUNE_H_
#define NEARDUP_TOOLS_TUNE_TUNE_H_

#include <string>
#include <vector>

#include "neardup/options.h"

namespace neardup::tune {

struct CurvePoint {
  double similarity = 0;   // Jaccard similarity s of a pair
  double probability = 0;  // that banded LSH makes the pair a candidate
};

struct Advice {
  int bands = 0;
  int rows = 0;
  double false_positive_area = 0;
  double false_negative_area = 0;
  std::vector<CurvePoint> curve;  // s = 0.1, 0.2, ..., 1 and the threshold
  // Expected candidate pairs among 10^6 documents if every pair had
  // similarity 0, 0.05 and 0.1 (LSH collisions only, plus the 2^-32 chance
  // per band that two different band keys share their 32-bit key).
  std::vector<CurvePoint> background;
  double candidates_per_million[3] = {0, 0, 0};
  int signature_bytes = 0;  // per document
};

// REQUIRES: validate() accepts a DedupOptions holding `options`.
Advice advise(const MinHashOptions& options);

// Expected random candidate pairs among `documents` unrelated documents
// (every pair at similarity 0): n(n-1)/2 times the chance that a pair agrees
// on a band. A band holds `rows` 8-bit entries and a 16-bit check of their
// full-width values, so two unrelated documents agree on one with
// probability 2^-(8 rows + 16): the candidates per document grow with n,
// from 2e-5 at 10^6 documents to 0.02 at 10^9 (39 bands of 3 rows).
double random_candidates(const Advice& advice, double documents);

// A human-readable report of advise(options), with the random candidates
// for `documents` documents.
std::string report(const MinHashOptions& options, double documents = 1e6);

}  // namespace neardup::tune

#endif  // NEARDUP_TOOLS_TUNE_TUNE_H_
