// `neardup report`: one self-contained HTML page that shows what a dedup run
// merged, for a person to check.
//
//   neardup::report::ReportOptions options;
//   options.clusters_path = "clusters.jsonl";
//   options.inputs = {"dump.jsonl.zst"};
//   options.stats_path = "stats.json";
//   options.output_path = "report.html";
//   neardup::Result<neardup::report::ReportSummary> summary =
//       neardup::report::write_report(options);
//
// The page samples: the largest clusters, a seeded random sample of
// clusters, the members closest to the threshold and, with labels, false
// merges and misses, each member beside its representative with the word
// differences marked (dtl's shortest edit script, Myers 1986 / Wu et al.
// 1990). Its size does not grow with the run; the charts count every
// document. No script, font or request leaves the file, and every text from
// the inputs is HTML-escaped.

#ifndef NEARDUP_TOOLS_REPORT_REPORT_H_
#define NEARDUP_TOOLS_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "neardup/status.h"

namespace neardup::report {

struct ReportOptions {
  std::string clusters_path;        // dedup --clusters (JSONL, .gz, .zst)
  std::vector<std::string> inputs;  // the inputs of that run, in its order
  std::string stats_path;           // dedup --stats; optional
  std::string truth_path;           // eval's labels (TSV or JSONL); optional
  std::string output_path;          // the HTML file, written atomically
  // As given to dedup: where the records' fields are, and the line filter
  // (lines it left out of the fingerprint are shown dimmed).
  std::string text_field = "/text";
  std::string id_field = "/id";
  int min_line_words = 12;
  uint64_t seed = 1;  // of the random sample
  // How much the page shows. REQUIRES: each in [0, 1000].
  int largest_clusters = 5;
  int sampled_clusters = 10;
  int borderline_members = 10;
  int members_per_cluster = 4;  // shown per cluster, beside the representative
  int truth_examples = 10;      // false merges, and misses
  // Longer texts are cut at this many bytes for display. REQUIRES: >= 64.
  uint64_t max_text_bytes = 20000;
};

struct ReportSummary {
  uint64_t documents = 0;     // lines of the clusters file
  uint64_t clusters = 0;      // representatives
  uint64_t pairs_shown = 0;   // member beside representative, on the page
  uint64_t report_bytes = 0;  // size of the HTML file
  double seconds = 0;
};

// Reads the clusters file, then the inputs for the texts shown, and writes
// the page. Errors name the file: NotFound/IOError for a missing or
// unreadable file or an unwritable output, InvalidArgument for a clusters,
// stats or truth line that cannot be read (with its line number), or for
// inputs whose documents do not match the clusters file. Nothing is left at
// output_path on error.
Result<ReportSummary> write_report(const ReportOptions& options);

}  // namespace neardup::report

#endif  // NEARDUP_TOOLS_REPORT_REPORT_H_
