#include "tune/tune.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neardup/lsh.h"
#include "neardup/minhash.h"

namespace neardup::tune {

namespace {

// Chance that two 8-bit entries agree for Jaccard similarity s.
double entry_agreement(double s) { return s + (1 - s) / 256; }

// Chance that two documents agree on a band (core/FORMAT.md section 8):
// all its full-width entries agree (s^rows), or its 8-bit entries agree by
// chance and so does its 16-bit check.
double band_agreement(double s, int rows) {
  const double full = std::pow(s, rows);
  const double bytes = std::pow(entry_agreement(s), rows);
  return full + (bytes - full) * std::ldexp(1.0, -8 * kBandCheckBytes);
}

double candidate_probability(double s, int bands, int rows) {
  return 1 - std::pow(1 - band_agreement(s, rows), bands);
}

}  // namespace

Advice advise(const MinHashOptions& options) {
  const LshParams lsh = choose_lsh_params(options);
  Advice a;
  a.bands = lsh.bands;
  a.rows = lsh.rows;
  a.false_positive_area = lsh.false_positive_area;
  a.false_negative_area = lsh.false_negative_area;
  a.signature_bytes = sketch_record_bytes(options);
  std::vector<double> points;
  for (int i = 1; i <= 10; ++i) points.push_back(i / 10.0);
  points.push_back(options.threshold);
  std::sort(points.begin(), points.end());
  points.erase(
      std::unique(points.begin(), points.end(),
                  [](double x, double y) { return std::abs(x - y) < 1e-9; }),
      points.end());
  for (double s : points) {
    a.curve.push_back({s, candidate_probability(s, a.bands, a.rows)});
  }
  const double pairs = 1e6 * (1e6 - 1) / 2;
  int i = 0;
  for (double s : {0.0, 0.05, 0.1}) {
    const double p = candidate_probability(s, a.bands, a.rows);
    a.background.push_back({s, p});
    a.candidates_per_million[i++] = pairs * p;
  }
  return a;
}

double random_candidates(const Advice& advice, double documents) {
  const double pairs = documents * (documents - 1) / 2;
  return pairs * candidate_probability(0, advice.bands, advice.rows);
}

std::string report(const MinHashOptions& options, double documents) {
  const Advice a = advise(options);
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line),
                "MinHash, Jaccard threshold %.3g, signature of %d entries "
                "(%d bytes per document with the band checks)\n",
                options.threshold, options.signature_length, a.signature_bytes);
  out += line;
  std::snprintf(
      line, sizeof(line),
      "LSH: %d bands x %d rows (%s); S-curve areas: false "
      "positives %.4f, false negatives %.4f\n",
      a.bands, a.rows,
      options.bands > 0 ? "as given" : "chosen from the threshold and weights",
      a.false_positive_area, a.false_negative_area);
  out += line;
  out += "\nJaccard s  P(candidate pair)\n";
  for (const CurvePoint& p : a.curve) {
    std::snprintf(
        line, sizeof(line), "  %5.3f    %.4f%s\n", p.similarity, p.probability,
        std::abs(p.similarity - options.threshold) < 1e-9 ? "   <- threshold"
                                                          : "");
    out += line;
  }
  out +=
      "\nExpected candidate pairs per million documents if all pairs had "
      "similarity s\n(near-duplicates add their own pairs on top):\n";
  for (size_t i = 0; i < a.background.size(); ++i) {
    std::snprintf(line, sizeof(line), "  s = %.2f: %.3g\n",
                  a.background[i].similarity, a.candidates_per_million[i]);
    out += line;
  }
  out +=
      "\nExpected random candidate pairs (unrelated documents, s = 0): a band "
      "matches on its\n8-bit entries and a 16-bit check of their full-width "
      "values:\n";
  std::vector<double> sizes = {1e6, 1e7, 1e8, 1e9};
  if (std::find(sizes.begin(), sizes.end(), documents) == sizes.end()) {
    sizes.push_back(documents);
    std::sort(sizes.begin(), sizes.end());
  }
  for (double n : sizes) {
    const double c = random_candidates(a, n);
    std::snprintf(line, sizeof(line),
                  "  %10.4g documents: %.3g pairs, %.3g per document%s\n", n, c,
                  c / n, n == documents ? "   <- --documents" : "");
    out += line;
  }
  return out;
}

}  // namespace neardup::tune
