// neardup: the command-line front end of the library.
//
//   neardup dedup [options] INPUT...
//
// Exit status: 0 on success, 1 on a runtime error, 2 on a usage error.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "neardup/neardup.h"

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

std::string human_count(double n) {
  char buf[32];
  if (n >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.2fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(buf, sizeof(buf), "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f", n);
  }
  return buf;
}

// Draws "[#####     ]  42%  12.3/29.0 MB  1.2M docs/min" on one stderr line.
void draw_progress(const neardup::Progress& p) {
  const double rate = p.seconds > 0 ? p.documents / p.seconds * 60 : 0;
  char line[160];
  if (p.bytes_total > 0) {
    const double frac =
        std::min(1.0, static_cast<double>(p.bytes_read) / p.bytes_total);
    const int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::string bar(filled, '#');
    bar.append(width - filled, ' ');
    std::snprintf(line, sizeof(line),
                  "\r[%s] %3.0f%%  %.1f/%.1f MB  %s docs/min ", bar.c_str(),
                  frac * 100, p.bytes_read / 1e6, p.bytes_total / 1e6,
                  human_count(rate).c_str());
  } else {
    std::snprintf(line, sizeof(line), "\r%.1f MB  %s docs  %s docs/min ",
                  p.bytes_read / 1e6, human_count(p.documents).c_str(),
                  human_count(rate).c_str());
  }
  std::fputs(line, stderr);
}

void print_summary(const neardup::DedupStats& s) {
  const double secs = s.total_seconds > 0 ? s.total_seconds : 1e-9;
  std::fprintf(stderr,
               "neardup: %llu lines: %llu documents, %llu rejected; %llu "
               "clusters, %llu duplicates; %.2f s (%s docs/min, %.1f MB/s)\n",
               static_cast<unsigned long long>(s.lines_read),
               static_cast<unsigned long long>(s.documents),
               static_cast<unsigned long long>(s.lines_rejected),
               static_cast<unsigned long long>(s.clusters),
               static_cast<unsigned long long>(s.duplicates), s.total_seconds,
               human_count(s.documents / secs * 60).c_str(),
               s.uncompressed_bytes / 1e6 / secs);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "neardup: find near-duplicate documents in JSONL dumps (SimHash with "
      "permuted-block tables)",
      "neardup"};
  app.set_version_flag("--version", std::string(neardup::version()));
  app.require_subcommand(1);

  neardup::DedupOptions options;
  neardup::DedupOutputs outputs;
  std::vector<std::string> inputs;
  bool quiet = false;

  CLI::App* dedup = app.add_subcommand(
      "dedup",
      "Cluster near-duplicate documents and write a deduplicated dump");
  dedup
      ->add_option("INPUT", inputs,
                   "JSONL inputs: .jsonl, .jsonl.gz, .jsonl.zst (detected from "
                   "the content), or - for stdin")
      ->required();
  dedup->add_option("--clusters", outputs.clusters_path,
                    "Write one JSON line per document: id, cluster, "
                    "representative, distance");
  dedup->add_option("--output", outputs.output_path,
                    "Write the representatives' original lines (- = stdout; "
                    ".gz/.zst compress)");
  dedup->add_option("--rejects", outputs.rejects_path,
                    "Write one JSON line per rejected input line");
  dedup->add_option("--stats", outputs.stats_path,
                    "Write a JSON summary of the run");
  dedup
      ->add_option("--text-field", options.text_field,
                   "JSON pointer to the text field")
      ->capture_default_str();
  dedup
      ->add_option(
          "--id-field", options.id_field,
          "JSON pointer to the id field (absent: the 0-based line number)")
      ->capture_default_str();
  dedup
      ->add_option("--shingle-words", options.text.shingle_words,
                   "Words per shingle")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  dedup
      ->add_option("--min-line-words", options.text.min_line_words,
                   "Leave lines with fewer words out of the fingerprint "
                   "(boilerplate); 0 keeps all")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  dedup
      ->add_option("--max-distance", options.max_hamming_distance,
                   "Largest Hamming distance between near-duplicate SimHashes")
      ->capture_default_str()
      ->check(CLI::Range(0, 8));
  dedup
      ->add_option("--max-line-bytes", options.max_line_bytes,
                   "Reject longer lines (reason too_long)")
      ->capture_default_str();
  dedup
      ->add_option("--chunk-bytes", options.chunk_bytes,
                   "Bytes per work chunk (speed only)")
      ->capture_default_str();
  dedup
      ->add_option("--threads", options.threads,
                   "Worker threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  dedup->add_flag("--quiet,-q", quiet, "No progress bar and no summary");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  if (neardup::Status s = neardup::validate(options); !s.ok()) {
    std::cerr << "neardup: " << s.message() << "\n";
    return kExitUsage;
  }
  const bool show_progress = !quiet && ::isatty(STDERR_FILENO);
  neardup::ProgressCallback progress;
  if (show_progress) progress = draw_progress;

  neardup::Result<neardup::DedupStats> stats =
      neardup::run_dedup(options, inputs, outputs, nullptr, progress);
  if (show_progress) std::fputs("\n", stderr);
  if (!stats.ok()) {
    std::cerr << "neardup: " << stats.status().message() << "\n";
    return stats.status().code() == neardup::StatusCode::kInvalidArgument
               ? kExitUsage
               : kExitRuntime;
  }
  if (!quiet) print_summary(*stats);
  return 0;
}
