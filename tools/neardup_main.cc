// neardup: the command-line front end of the library.
//
//   neardup dedup [options] INPUT...
//   neardup index build|add|info|compact ...
//   neardup gen [options] --output FILE
//
// Exit status: 0 on success, 1 on a runtime error, 2 on a usage error.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eval/eval.h"
#include "eval/oracle.h"
#include "eval/pair_labels.h"
#include "gen/generator.h"
#include "neardup/neardup.h"
#include "report/report.h"
#include "tune/tune.h"

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

// Repeated ids: a warning (kept) or a count of the rejected lines.
void print_duplicate_ids(const neardup::DedupStats& s) {
  if (s.duplicate_ids == 0) return;
  const bool rejected = s.rejected_by_reason[static_cast<int>(
                            neardup::RejectReason::kDuplicateId)] > 0;
  std::fprintf(
      stderr,
      rejected ? "neardup: %llu lines rejected as duplicate_id (first: %s)\n"
               : "neardup: warning: %llu documents repeat an earlier "
                 "document's id (first: %s); all are kept, and "
                 "--duplicate-ids reject would keep the first only\n",
      static_cast<unsigned long long>(s.duplicate_ids),
      s.first_duplicate_id.c_str());
}

void print_summary(const neardup::DedupStats& s) {
  const double secs = s.total_seconds > 0 ? s.total_seconds : 1e-9;
  std::fprintf(stderr,
               "neardup: %llu lines: %llu documents, %llu rejected; %llu "
               "clusters, %llu duplicates, largest cluster %llu; %.2f s (%s "
               "docs/min, %.1f MB/s)\n",
               static_cast<unsigned long long>(s.lines_read),
               static_cast<unsigned long long>(s.documents),
               static_cast<unsigned long long>(s.lines_rejected),
               static_cast<unsigned long long>(s.clusters),
               static_cast<unsigned long long>(s.duplicates),
               static_cast<unsigned long long>(s.largest_cluster),
               s.total_seconds, human_count(s.documents / secs * 60).c_str(),
               s.uncompressed_bytes / 1e6 / secs);
  print_duplicate_ids(s);
  if (s.index_entries > 0 || s.added_to_index > 0) {
    std::fprintf(stderr,
                 "neardup: index of %llu entries: %llu documents matched, "
                 "%llu kept, %llu added\n",
                 static_cast<unsigned long long>(s.index_entries),
                 static_cast<unsigned long long>(s.index_matches),
                 static_cast<unsigned long long>(s.kept_documents),
                 static_cast<unsigned long long>(s.added_to_index));
  }
}

// Options of `neardup gen` as given on the command line, before sizes are
// parsed.
struct GenArgs {
  neardup::gen::GenOptions options;
  std::string output;
  std::string truth;
  uint64_t docs = 0;
  bool docs_given = false;
  std::string bytes;
  std::string min_article = "2K";
  std::string max_article = "6K";
  bool quiet = false;
};

void add_gen_options(CLI::App* gen, GenArgs* a) {
  neardup::gen::GenOptions& o = a->options;
  gen->add_option("--output,-o", a->output,
                  "JSONL output, one {\"id\", \"text\"} per line (- = "
                  "stdout; .gz/.zst compress)")
      ->type_name("FILE")
      ->required();
  gen->add_option("--truth", a->truth,
                  "Write a TSV of id, group (the original's id) and kind "
                  "(original, or the copy's transformations joined by +)")
      ->type_name("FILE");
  CLI::Option* docs =
      gen->add_option("--docs", a->docs,
                      "Number of documents (default 10000 if --bytes is not "
                      "given)");
  CLI::Option* bytes = gen->add_option(
      "--bytes", a->bytes,
      "Stop once this much JSONL is written: 500M, 2G, 64MiB (K, M, G = "
      "10^3, 10^6, 10^9)");
  bytes->type_name("SIZE");
  docs->type_name("N");
  docs->excludes(bytes);
  bytes->excludes(docs);
  gen->add_option("--seed", o.seed,
                  "Random seed; equal options and seed "
                  "give byte-identical files")
      ->capture_default_str();
  gen->add_option("--source", o.sources,
                  "JSONL corpus to take text from (.jsonl, .jsonl.gz, "
                  ".jsonl.zst); repeatable [default: " +
                      neardup::gen::default_source() + "]")
      ->type_name("FILE")
      ->take_all();
  gen->add_option("--text-field", o.text_field,
                  "JSON pointer to the text in the sources")
      ->type_name("PTR")
      ->capture_default_str();
  gen->add_option("--dup-rate", o.dup_rate,
                  "Share of documents that are copies of an earlier original")
      ->capture_default_str();
  gen->add_option("--max-copies", o.max_copies,
                  "Copies of one original: 1 to this many")
      ->capture_default_str();
  gen->add_option("--boilerplate-rate", o.rates.boilerplate,
                  "Share of copies on another site's page (header and footer "
                  "lines) instead of the original's")
      ->capture_default_str();
  gen->add_option("--edit-rate", o.rates.edit,
                  "Share of copies with 1-3% of words replaced, deleted or "
                  "inserted")
      ->capture_default_str();
  gen->add_option("--truncate-rate", o.rates.truncate,
                  "Share of copies cut to the first 60-90% of the article")
      ->capture_default_str();
  gen->add_option("--reorder-rate", o.rates.reorder,
                  "Share of copies with two paragraphs (or two pairs) swapped")
      ->capture_default_str();
  gen->add_option("--unicode-rate", o.rates.unicode,
                  "Share of copies with no-break spaces, soft hyphens, "
                  "full-width digits, ligatures, curly quotes")
      ->capture_default_str();
  gen->add_option("--case-rate", o.rates.case_and_space,
                  "Share of copies with case changes, doubled spaces, tabs, "
                  "CRLF and blank lines")
      ->capture_default_str();
  gen->add_option("--min-article-bytes", a->min_article,
                  "Shortest article body of an original")
      ->type_name("SIZE")
      ->capture_default_str();
  gen->add_option("--max-article-bytes", a->max_article,
                  "Longest article body of an original")
      ->type_name("SIZE")
      ->capture_default_str();
  gen->add_option("--sites", o.sites,
                  "Synthetic sites whose page chrome wraps the articles")
      ->capture_default_str();
  const std::map<std::string, neardup::gen::TextModel> text_models{
      {"passages", neardup::gen::TextModel::kPassages},
      {"ngram", neardup::gen::TextModel::kNgram}};
  gen->add_option("--text-model", o.text_model,
                  "Originals from source passages (real text; passages recur "
                  "past ~15 MB of originals) or from a word trigram model of "
                  "the sources (no passage recurs: for scale runs)")
      ->transform(CLI::CheckedTransformer(text_models, CLI::ignore_case))
      ->default_str("passages");
  gen->add_option("--window", o.copy_window,
                  "Copies follow their original within about this many "
                  "documents")
      ->capture_default_str();
  gen->add_option("--id-prefix", o.id_prefix,
                  "Ids are this prefix and the 0-based document number")
      ->capture_default_str();
  gen->add_flag("--quiet,-q", a->quiet, "No summary");
}

// Runs `neardup gen`; returns the exit status.
int run_gen(GenArgs& a) {
  neardup::gen::GenOptions& o = a.options;
  struct Size {
    const char* option;
    const std::string* text;
    uint64_t* value;
  };
  for (const Size& size :
       {Size{"--bytes", &a.bytes, &o.bytes},
        Size{"--min-article-bytes", &a.min_article, &o.min_article_bytes},
        Size{"--max-article-bytes", &a.max_article, &o.max_article_bytes}}) {
    if (size.text->empty()) continue;
    neardup::Result<uint64_t> parsed = neardup::gen::parse_size(*size.text);
    if (!parsed.ok()) {
      std::cerr << "neardup: " << size.option << ": "
                << parsed.status().message() << "\n";
      return kExitUsage;
    }
    *size.value = *parsed;
  }
  o.docs = a.docs;
  if (!a.docs_given && a.bytes.empty()) o.docs = 10000;
  if (neardup::Status s = neardup::gen::validate(o); !s.ok()) {
    std::cerr << "neardup: " << s.message() << "\n";
    return kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  neardup::Result<neardup::gen::GenStats> stats =
      neardup::gen::write_dump(o, a.output, a.truth);
  if (!stats.ok()) {
    std::cerr << "neardup: " << stats.status().message() << "\n";
    return stats.status().code() == neardup::StatusCode::kInvalidArgument
               ? kExitUsage
               : kExitRuntime;
  }
  if (!a.quiet) {
    const double secs = std::max(
        1e-9,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    std::fprintf(stderr,
                 "neardup gen: %llu docs (%llu originals, %llu copies), "
                 "%.1f MB; %.2f s (%.1f MB/s): %s\n",
                 static_cast<unsigned long long>(stats->docs),
                 static_cast<unsigned long long>(stats->originals),
                 static_cast<unsigned long long>(stats->copies),
                 static_cast<double>(stats->bytes) / 1e6, secs,
                 static_cast<double>(stats->bytes) / 1e6 / secs,
                 a.output.c_str());
  }
  return 0;
}

}  // namespace

// Options of `neardup eval` as given on the command line.
struct EvalArgs {
  std::string clusters, truth, json;
  neardup::eval::TruthOptions truth_options;
  const CLI::Option* truth_kind_field = nullptr;  // given: kinds required
  std::string oracle, pairs;
  double threshold = 0;
  neardup::eval::OracleOptions oracle_options;
  std::string pair_labels, pair_labels_corpus;
};

// What every number of `neardup eval` means (its --help footer).
constexpr const char* kEvalDefinitions =
    "Scores against --truth, over the documents of the truth file:\n"
    "  pair precision, recall, F1: over pairs of documents; precision = pairs "
    "in one\n    predicted cluster and one true group / pairs in one "
    "predicted cluster,\n    recall = the same / pairs in one true group.\n"
    "  B-cubed precision, recall (Bagga & Baldwin 1998): per document, the "
    "share of\n    its predicted cluster in its true group (of its true "
    "group in its predicted\n    cluster), averaged over the documents.\n"
    "  adjusted Rand index (Hubert & Arabie 1985): pair agreement corrected "
    "for\n    chance; 1 = identical, about 0 = random.\n"
    "  B-cubed recall by kind: averaged over the documents of each kind, and "
    "of each\n    part of a combined kind (boilerplate+edit counts for both)."
    "\n"
    "  copies linked to their original, by kind: the share of copies whose "
    "predicted\n    cluster is their original's. A group's original is the "
    "member whose id is\n    the group label, else the first member (file "
    "order) of kind original or\n    orig; every other member is a copy. "
    "Groups without an original are not\n    counted.\n"
    "Scores against --oracle, over those of the first --sample records of "
    "the dump\nthat have shingles (the distinct shingle hashes dedup "
    "computes with the same\noptions):\n"
    "  oracle pairs: pairs of documents whose exact Jaccard similarity\n"
    "    |A ∩ B| / |A ∪ B| is >= t (--threshold), found exactly (AllPairs "
    "with\n    prefix filtering).\n"
    "  LSH recall: the share of oracle pairs whose two documents have one "
    "predicted\n    cluster.\n"
    "  co-clustered pairs: pairs of sampled documents with one predicted "
    "cluster.\n"
    "  precision: the share of co-clustered pairs with Jaccard >= t; at t/2: "
    "with\n    Jaccard >= t/2 (connected components chain copies, so some "
    "pairs are\n    legitimately below t). A histogram bins the co-clustered "
    "pairs below t by\n    Jaccard, in steps of 0.1.\n"
    "Scores against --pair-labels, over the labelled pairs (of "
    "--pair-labels-corpus)\nwhose two ids are both in the clusters file:\n"
    "  co-clustered: the two documents have one predicted cluster.\n"
    "  precision: co-clustered pairs labelled duplicate / co-clustered "
    "pairs.\n"
    "  recall: co-clustered pairs labelled duplicate / pairs labelled "
    "duplicate.\n"
    "  skipped: pairs with an id that is not in the clusters file.\n"
    "Documents are matched by id; the clusters file may hold more. Exit "
    "status 1 if a\nfile cannot be read or a scored document has no "
    "predicted cluster.";

void add_eval_options(CLI::App* eval, EvalArgs* a) {
  eval->add_option("--clusters", a->clusters,
                   "Clusters file of neardup dedup (JSONL, .gz/.zst)")
      ->type_name("FILE")
      ->required();
  CLI::Option* truth =
      eval->add_option("--truth", a->truth,
                       "Labels: TSV id<TAB>group[<TAB>kind] (neardup gen "
                       "--truth), or JSONL with id, group and optional kind")
          ->type_name("FILE");
  eval->add_option("--truth-group-field", a->truth_options.group_field,
                   "JSON pointer to the group label in a JSONL --truth "
                   "(string or number)")
      ->type_name("PTR")
      ->capture_default_str()
      ->needs(truth);
  a->truth_kind_field =
      eval->add_option("--truth-kind-field", a->truth_options.kind_field,
                       "JSON pointer to the kind in a JSONL --truth; "
                       "optional unless given, then every line needs one")
          ->type_name("PTR")
          ->capture_default_str()
          ->needs(truth);
  eval->add_option("--json", a->json, "Also write the scores as JSON")
      ->type_name("FILE");
  CLI::Option* oracle =
      eval->add_option("--oracle", a->oracle,
                       "JSONL dump (.gz/.zst) that the clusters came from: "
                       "score them against exact all-pairs Jaccard")
          ->type_name("DUMP");
  CLI::Option* threshold =
      eval->add_option("--threshold", a->threshold,
                       "Jaccard threshold t of the oracle, in (0, 1]")
          ->type_name("J")
          ->check(CLI::Range(0.0, 1.0))
          ->needs(oracle);
  oracle->needs(threshold);
  neardup::eval::OracleOptions& o = a->oracle_options;
  eval->add_option("--pairs", a->pairs,
                   "Oracle: write every co-clustered pair and every split "
                   "oracle pair, with its exact Jaccard, as TSV")
      ->type_name("FILE")
      ->needs(oracle);
  eval->add_option("--sample", o.max_records,
                   "Oracle: read the first N records of the dump (0 = all)")
      ->type_name("N")
      ->capture_default_str()
      ->needs(oracle);
  eval->add_option("--shingle-words", o.text.shingle_words,
                   "Oracle: words per shingle, as given to dedup")
      ->capture_default_str()
      ->check(CLI::Range(1, 16))
      ->needs(oracle);
  eval->add_option("--min-line-words", o.text.min_line_words,
                   "Oracle: shorter lines are left out, as given to dedup")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000))
      ->needs(oracle);
  eval->add_option("--short-text-words", o.text.short_text_words,
                   "Oracle: shorter texts are one shingle, as given to dedup")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000))
      ->needs(oracle);
  eval->add_option("--text-field", o.text_field,
                   "Oracle: JSON pointer to the text, as given to dedup")
      ->type_name("PTR")
      ->capture_default_str()
      ->needs(oracle);
  eval->add_option("--id-field", o.id_field,
                   "Oracle: JSON pointer to the id, as given to dedup "
                   "(absent: the 0-based line number)")
      ->type_name("PTR")
      ->capture_default_str()
      ->needs(oracle);
  CLI::Option* pair_labels =
      eval->add_option("--pair-labels", a->pair_labels,
                       "TSV of document pairs labelled duplicate or distinct "
                       "(columns id_a, id_b, label; e.g. "
                       "datasets/labels/real_news_pairs.tsv): precision and "
                       "recall of co-clustering")
          ->type_name("FILE");
  eval->add_option("--pair-labels-corpus", a->pair_labels_corpus,
                   "Score only the --pair-labels rows whose corpus column is "
                   "NAME")
      ->type_name("NAME")
      ->needs(pair_labels);
  eval->footer(kEvalDefinitions);
}

// `neardup eval`: prints the scores; exit 1 if a file cannot be read or a
// scored document has no predicted cluster, 2 on a usage error.
int run_eval(EvalArgs& a) {
  if (a.truth.empty() && a.oracle.empty() && a.pair_labels.empty()) {
    std::cerr << "neardup eval: give --truth, --oracle or --pair-labels (or "
                 "several)\n";
    return kExitUsage;
  }
  if (!a.oracle.empty() && !(a.threshold > 0)) {
    std::cerr << "neardup eval: --threshold must be in (0, 1]\n";
    return kExitUsage;
  }
  neardup::Result<neardup::eval::Labels> predicted =
      neardup::eval::read_clusters(a.clusters);
  if (!predicted.ok()) {
    std::cerr << "neardup: " << predicted.status().message() << "\n";
    return kExitRuntime;
  }
  std::optional<neardup::eval::Scores> scores;
  if (!a.truth.empty()) {
    a.truth_options.require_kind = a.truth_kind_field->count() > 0;
    neardup::Result<neardup::eval::Labels> truth =
        neardup::eval::read_truth(a.truth, a.truth_options);
    if (!truth.ok()) {
      std::cerr << "neardup: " << truth.status().message() << "\n";
      return kExitRuntime;
    }
    neardup::Result<neardup::eval::Scores> s =
        neardup::eval::evaluate(*predicted, *truth);
    if (!s.ok()) {
      std::cerr << "neardup: " << a.clusters << ": " << s.status().message()
                << "\n";
      return kExitRuntime;
    }
    scores = std::move(*s);
    std::cout << neardup::eval::scores_to_text(*scores);
  }
  std::optional<neardup::eval::OracleScores> oracle;
  if (!a.oracle.empty()) {
    neardup::Result<neardup::eval::OracleScores> o = neardup::eval::run_oracle(
        a.oracle, a.oracle_options, a.threshold, *predicted, a.pairs);
    if (!o.ok()) {
      std::cerr << "neardup: "
                << (o.status().code() == neardup::StatusCode::kInvalidArgument
                        ? a.clusters + ": "
                        : std::string())
                << o.status().message() << "\n";
      return kExitRuntime;
    }
    oracle = std::move(*o);
    std::cout << neardup::eval::oracle_to_text(*oracle, a.oracle);
  }
  std::optional<neardup::eval::PairLabelScores> pair_scores;
  if (!a.pair_labels.empty()) {
    neardup::Result<neardup::eval::PairLabelScores> p =
        neardup::eval::run_pair_labels(a.pair_labels, a.pair_labels_corpus,
                                       *predicted);
    if (!p.ok()) {
      std::cerr << "neardup: " << p.status().message() << "\n";
      return kExitRuntime;
    }
    pair_scores = *p;
    std::cout << neardup::eval::pair_labels_to_text(*pair_scores, a.pair_labels,
                                                    a.pair_labels_corpus);
  }
  if (!a.json.empty()) {
    std::string json = neardup::eval::report_to_json(
        scores ? &*scores : nullptr, oracle ? &*oracle : nullptr);
    if (pair_scores) {
      json = neardup::eval::add_pair_labels_to_report(std::move(json),
                                                      *pair_scores);
    }
    neardup::Status s = neardup::eval::write_json(a.json, json);
    if (!s.ok()) {
      std::cerr << "neardup: " << s.message() << "\n";
      return kExitRuntime;
    }
  }
  return 0;
}

// The options that decide which records are read and how fast: shared by
// dedup and the index commands.
void add_input_options(CLI::App* cmd, neardup::DedupOptions* o) {
  neardup::DedupOptions& options = *o;
  cmd->add_option("--text-field", options.text_field,
                  "JSON pointer to the text field")
      ->capture_default_str();
  cmd->add_option(
         "--id-field", options.id_field,
         "JSON pointer to the id field (absent: the 0-based line number)")
      ->capture_default_str();
  cmd->add_option("--max-line-bytes", options.max_line_bytes,
                  "Reject longer lines (reason too_long)")
      ->capture_default_str();
  const std::map<std::string, neardup::DuplicateIds> duplicate_ids{
      {"keep", neardup::DuplicateIds::kKeep},
      {"reject", neardup::DuplicateIds::kReject}};
  cmd->add_option("--duplicate-ids", options.duplicate_ids,
                  "A document whose id repeats an earlier one's: keep it "
                  "(counted, warned) or reject its line (duplicate_id)")
      ->transform(CLI::CheckedTransformer(duplicate_ids, CLI::ignore_case))
      ->default_str("keep");
  cmd->add_option("--chunk-bytes", options.chunk_bytes,
                  "Bytes per work chunk (speed only)")
      ->capture_default_str();
  cmd->add_option("--threads", options.threads,
                  "Worker threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--memory-limit", options.memory_limit_bytes,
                  "MinHash: past this estimate (e.g. 2G, 512M) sketches go to "
                  "temporary files and the band search sorts on disk, with "
                  "the same results (0 = 3/4 of RAM)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("0");
  cmd->add_option("--temp-dir", options.temp_dir,
                  "Directory for temporary files (default: $TMPDIR or /tmp)");
}

// The options that decide sketches and matches: what an index stores.
void add_sketch_options(CLI::App* cmd, neardup::DedupOptions* o) {
  neardup::DedupOptions& options = *o;
  cmd->add_option("--shingle-words", options.text.shingle_words,
                  "Words per shingle")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  cmd->add_option("--min-line-words", options.text.min_line_words,
                  "Leave lines with fewer words out of the fingerprint "
                  "(boilerplate); 0 keeps all")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--short-text-words", options.text.short_text_words,
                  "Texts with fewer words are one shingle: they match only "
                  "as wholes (templated briefs); 0 turns it off")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  const std::map<std::string, neardup::Algorithm> algorithms{
      {"minhash", neardup::Algorithm::kMinHash},
      {"simhash", neardup::Algorithm::kSimHash}};
  cmd->add_option("--algo", options.algorithm,
                  "minhash: Jaccard similarity of shingle sets by MinHash "
                  "and banded LSH; simhash: Hamming distance of 64-bit "
                  "SimHashes (faster, misses more edited copies)")
      ->transform(CLI::CheckedTransformer(algorithms, CLI::ignore_case))
      ->default_str("minhash");
  cmd->add_option("--threshold", options.minhash.threshold,
                  "minhash: smallest Jaccard similarity of near-duplicates")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--signature-length", options.minhash.signature_length,
                  "minhash: signature entries (bins of one-permutation "
                  "hashing), 1 byte each per document")
      ->capture_default_str()
      ->check(CLI::Range(16, 1024));
  CLI::Option* bands =
      cmd->add_option("--bands", options.minhash.bands,
                      "minhash: LSH bands (default: chosen from the "
                      "threshold; see neardup tune)")
          ->check(CLI::Range(1, 1024));
  CLI::Option* rows = cmd->add_option("--rows", options.minhash.rows,
                                      "minhash: signature entries per band")
                          ->check(CLI::Range(1, 1024));
  bands->needs(rows);
  rows->needs(bands);
  cmd->add_option("--fp-weight", options.minhash.false_positive_weight,
                  "minhash: weight of the S-curve's false-positive area when "
                  "choosing bands and rows")
      ->capture_default_str();
  cmd->add_option("--fn-weight", options.minhash.false_negative_weight,
                  "minhash: weight of the S-curve's false-negative area")
      ->capture_default_str();
  cmd->add_option("--max-distance", options.max_hamming_distance,
                  "simhash: largest Hamming distance between near-duplicate "
                  "SimHashes")
      ->capture_default_str()
      ->check(CLI::Range(0, 8));
}

// `neardup dedup` as given on the command line.
struct DedupArgs {
  neardup::DedupOptions options;
  neardup::DedupOutputs outputs;
  std::vector<std::string> inputs;
  bool quiet = false;
  std::string against;
  bool add_to_index = false;
  std::string name;
};

void add_index_use_options(CLI::App* dedup, DedupArgs* a) {
  CLI::Option* against =
      dedup->add_option("--against", a->against,
                        "Also find each document's most similar entry in "
                        "this index (neardup index build): clusters lines get "
                        "match, match_source, match_similarity; --output "
                        "leaves matched documents out");
  dedup
      ->add_flag("--add-to-index", a->add_to_index,
                 "After the run, add every document to the --against index "
                 "(one new run file)")
      ->needs(against);
  dedup->add_option("--name", a->name,
                    "Source name of the added documents (default: the first "
                    "input's file name)");
}

// The options of dedup alone: mode, verification, clustering.
void add_clustering_options(CLI::App* dedup, neardup::DedupOptions* o) {
  neardup::DedupOptions& options = *o;
  const std::map<std::string, neardup::Mode> modes{
      {"copies", neardup::Mode::kCopies}, {"story", neardup::Mode::kStory}};
  dedup
      ->add_option("--mode", options.mode,
                   "copies: the same text with other boilerplate, edits, "
                   "reordering or truncation; story: rewrites of the same "
                   "story by different sites (salient TF-IDF terms)")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case))
      ->default_str("copies");
  dedup->add_option("--idf", options.idf_model_path,
                    "story: document frequencies from this model (neardup "
                    "idf build) instead of a first pass over the inputs");
  dedup
      ->add_option("--story-similarity", options.story.min_similarity,
                   "story: smallest mean cosine similarity between the "
                   "documents of two clusters that average linkage merges")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  dedup
      ->add_option("--story-terms", options.story.terms_per_doc,
                   "story: salient terms kept per document")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  const std::map<std::string, neardup::Verification> verifications{
      {"borderline", neardup::Verification::kBorderline},
      {"estimate", neardup::Verification::kEstimate},
      {"exact", neardup::Verification::kExact}};
  CLI::Option* verify =
      dedup
          ->add_option("--verify", options.minhash.verification,
                       "minhash: how candidate pairs are decided. borderline: "
                       "by the signature estimate, and those within 3 "
                       "standard deviations of the threshold by exact "
                       "Jaccard (their lines are read again); estimate: by "
                       "the estimate alone; exact: every candidate not far "
                       "below the threshold by exact Jaccard")
          ->transform(CLI::CheckedTransformer(verifications, CLI::ignore_case))
          ->default_str("borderline");
  dedup
      ->add_flag_callback(
          "--exact",
          [&options] {
            options.minhash.verification = neardup::Verification::kExact;
          },
          "minhash: the same as --verify exact")
      ->excludes(verify);
  const std::map<std::string, neardup::Clustering> clusterings{
      {"components", neardup::Clustering::kConnectedComponents},
      {"representative", neardup::Clustering::kRepresentative},
      {"bounded", neardup::Clustering::kBounded}};
  dedup
      ->add_option("--clustering", options.clustering,
                   "bounded: connected components grown from each "
                   "representative, taking only documents similar enough to "
                   "it (see --bound-ratio); components: connected components "
                   "of the pairs (A~B~C chain into one cluster); "
                   "representative: every member is a near-duplicate of its "
                   "cluster's first document")
      ->transform(CLI::CheckedTransformer(clusterings, CLI::ignore_case))
      ->default_str("bounded");
  dedup
      ->add_option("--bound-ratio", options.minhash.bound_ratio,
                   "minhash, bounded clustering: members reach this share of "
                   "--threshold in estimated Jaccard similarity to their "
                   "representative")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
}

CLI::App* add_dedup_command(CLI::App& app, DedupArgs* a) {
  neardup::DedupOptions& options = a->options;
  neardup::DedupOutputs& outputs = a->outputs;
  std::vector<std::string>& inputs = a->inputs;
  bool& quiet = a->quiet;
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
                    "representative, similarity (minhash) or distance "
                    "(simhash) to the representative");
  dedup->add_option("--output", outputs.output_path,
                    "Write the representatives' original lines (- = stdout; "
                    ".gz/.zst compress)");
  dedup->add_option("--rejects", outputs.rejects_path,
                    "Write one JSON line per rejected input line");
  dedup->add_option("--stats", outputs.stats_path,
                    "Write a JSON summary of the run");
  dedup->add_option("--pairs", outputs.pairs_path,
                    "Write one JSON line per verified pair: a, b, similarity "
                    "(minhash) or distance (simhash)");
  add_index_use_options(dedup, a);
  add_input_options(dedup, &options);
  add_sketch_options(dedup, &options);
  add_clustering_options(dedup, &options);
  dedup->add_flag("--quiet,-q", quiet, "No progress bar and no summary");
  return dedup;
}

// The source name of documents added without --name: the first input's
// file name ("stdin" for -).
std::string default_source_name(const std::vector<std::string>& inputs) {
  if (inputs.empty() || inputs[0] == "-") return "stdin";
  const size_t slash = inputs[0].find_last_of('/');
  return slash == std::string::npos ? inputs[0] : inputs[0].substr(slash + 1);
}

// `neardup index build|add|info|compact` as given on the command line.
struct IndexArgs {
  neardup::DedupOptions options;
  neardup::DedupOutputs outputs;  // rejects and stats
  std::vector<std::string> inputs;
  std::string path;
  std::string name;
  bool json = false;
  bool quiet = false;
  CLI::App *build = nullptr, *add = nullptr, *info = nullptr,
           *compact = nullptr;
};

void add_index_input_options(CLI::App* cmd, IndexArgs* a) {
  cmd->add_option("INPUT", a->inputs,
                  "JSONL inputs: .jsonl, .jsonl.gz, .jsonl.zst, or - for "
                  "stdin")
      ->required();
  cmd->add_option("--name", a->name,
                  "Source name of the documents, reported with each match "
                  "(default: the first input's file name)");
  cmd->add_option("--rejects", a->outputs.rejects_path,
                  "Write one JSON line per rejected input line");
  cmd->add_option("--stats", a->outputs.stats_path,
                  "Write a JSON summary of the run");
  cmd->add_flag("--quiet,-q", a->quiet, "No summary");
  add_input_options(cmd, &a->options);
}

CLI::App* add_index_commands(CLI::App& app, IndexArgs* a) {
  CLI::App* index = app.add_subcommand(
      "index",
      "Saved indexes of sketches, to dedup new crawls against earlier ones");
  index->require_subcommand(1);
  a->build = index->add_subcommand(
      "build", "Sketch every document of the inputs into a new index");
  a->build->add_option("--output,-o", a->path, "Index directory to create")
      ->required();
  add_index_input_options(a->build, a);
  add_sketch_options(a->build, &a->options);
  a->add = index->add_subcommand(
      "add",
      "Add every document of the inputs to an index, as one new run file "
      "(the index's own options are used)");
  a->add->add_option("INDEX", a->path, "Index directory")->required();
  add_index_input_options(a->add, a);
  a->info = index->add_subcommand(
      "info",
      "Verify an index's checksums and show its options, runs, sources and "
      "sizes");
  a->info->add_option("INDEX", a->path, "Index directory")->required();
  a->info->add_flag("--json", a->json, "Print JSON");
  a->compact = index->add_subcommand("compact",
                                     "Merge an index's runs into one run file");
  a->compact->add_option("INDEX", a->path, "Index directory")->required();
  return index;
}

int fail(const neardup::Status& s) {
  std::cerr << "neardup: " << s.message() << "\n";
  return s.code() == neardup::StatusCode::kInvalidArgument ? kExitUsage
                                                           : kExitRuntime;
}

void print_index_summary(const neardup::DedupStats& s,
                         const neardup::Index& index, const std::string& path) {
  const neardup::IndexInfo info = index.info();
  std::fprintf(
      stderr,
      "neardup: %llu lines: %llu documents added, %llu rejected; "
      "%s: %llu entries in %zu runs, %.1f MB (%.0f B/entry); "
      "%.2f s\n",
      static_cast<unsigned long long>(s.lines_read),
      static_cast<unsigned long long>(s.added_to_index),
      static_cast<unsigned long long>(s.lines_rejected), path.c_str(),
      static_cast<unsigned long long>(info.entries), info.runs.size(),
      info.file_bytes / 1e6,
      info.entries ? static_cast<double>(info.file_bytes) / info.entries : 0.0,
      s.total_seconds);
  print_duplicate_ids(s);
}

// index build and index add: read, sketch, add, save.
int run_index_add(IndexArgs& a) {
  std::unique_ptr<neardup::Index> index;
  neardup::DedupOptions options = a.options;
  if (a.build->parsed()) {
    if (::access((a.path + "/MANIFEST").c_str(), F_OK) == 0) {
      return fail(neardup::Status::InvalidArgument(
          a.path + ": already holds an index (use neardup index add)"));
    }
    auto created = neardup::Index::Create(options);
    if (!created.ok()) return fail(created.status());
    index = std::move(created).value();
  } else {
    auto opened = neardup::Index::Open(a.path, nullptr);
    if (!opened.ok()) return fail(opened.status());
    index = std::move(opened).value();
    // The index's sketch options, with this run's input options.
    neardup::DedupOptions saved = index->options();
    saved.text_field = options.text_field;
    saved.id_field = options.id_field;
    saved.max_line_bytes = options.max_line_bytes;
    saved.chunk_bytes = options.chunk_bytes;
    saved.threads = options.threads;
    options = saved;
  }
  const std::string name =
      a.name.empty() ? default_source_name(a.inputs) : a.name;
  auto stats =
      neardup::add_to_index(options, a.inputs, index.get(), name, a.outputs);
  if (!stats.ok()) return fail(stats.status());
  const neardup::Status saved =
      a.build->parsed() ? index->save(a.path) : index->save();
  if (!saved.ok()) return fail(saved);
  if (!a.quiet) print_index_summary(*stats, *index, a.path);
  return 0;
}

std::string index_info_text(const neardup::IndexInfo& info) {
  const neardup::DedupOptions& o = info.options;
  std::string out;
  char line[256];
  std::snprintf(
      line, sizeof(line),
      "entries %llu (%llu without shingles)\nfiles %llu bytes, "
      "%.1f bytes per entry\n",
      static_cast<unsigned long long>(info.entries),
      static_cast<unsigned long long>(info.empty_entries),
      static_cast<unsigned long long>(info.file_bytes),
      info.entries ? static_cast<double>(info.file_bytes) / info.entries : 0.0);
  out += line;
  std::snprintf(line, sizeof(line),
                "options algorithm=%s shingle_words=%d min_line_words=%d "
                "short_text_words=%d",
                std::string(neardup::algorithm_name(o.algorithm)).c_str(),
                o.text.shingle_words, o.text.min_line_words,
                o.text.short_text_words);
  out += line;
  if (o.algorithm == neardup::Algorithm::kMinHash) {
    std::snprintf(line, sizeof(line),
                  " threshold=%g signature_length=%d bands=%d rows=%d\n",
                  o.minhash.threshold, o.minhash.signature_length,
                  o.minhash.bands, o.minhash.rows);
  } else {
    std::snprintf(line, sizeof(line), " max_distance=%d tables=%d\n",
                  o.max_hamming_distance, info.tables);
  }
  out += line;
  for (const auto& run : info.runs) {
    std::snprintf(line, sizeof(line), "run %s entries %llu bytes %llu\n",
                  run.file.c_str(),
                  static_cast<unsigned long long>(run.entries),
                  static_cast<unsigned long long>(run.bytes));
    out += line;
  }
  for (const auto& source : info.sources) {
    out += "source " + source.name + " entries " +
           std::to_string(source.entries) + "\n";
  }
  out += "checksums ok\n";
  return out;
}

std::string index_info_json(const neardup::IndexInfo& info) {
  const neardup::DedupOptions& o = info.options;
  std::string out =
      "{\"entries\": " + std::to_string(info.entries) +
      ", \"empty_entries\": " + std::to_string(info.empty_entries) +
      ", \"file_bytes\": " + std::to_string(info.file_bytes) +
      ", \"algorithm\": \"" +
      std::string(neardup::algorithm_name(o.algorithm)) +
      "\", \"shingle_words\": " + std::to_string(o.text.shingle_words) +
      ", \"min_line_words\": " + std::to_string(o.text.min_line_words) +
      ", \"short_text_words\": " + std::to_string(o.text.short_text_words) +
      ", \"tables\": " + std::to_string(info.tables) + ", \"runs\": [";
  for (size_t i = 0; i < info.runs.size(); ++i) {
    out += (i ? ", " : "") + std::string("{\"file\": \"") + info.runs[i].file +
           "\", \"entries\": " + std::to_string(info.runs[i].entries) +
           ", \"bytes\": " + std::to_string(info.runs[i].bytes) + "}";
  }
  out += "], \"sources\": {";
  for (size_t i = 0; i < info.sources.size(); ++i) {
    std::string name;
    for (char c : info.sources[i].name) {
      if (c == '"' || c == '\\') name += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) name += c;
    }
    out += (i ? ", \"" : "\"") + name +
           "\": " + std::to_string(info.sources[i].entries);
  }
  return out + "}, \"checksums\": \"ok\"}\n";
}

int run_index(IndexArgs& a) {
  if (a.build->parsed() || a.add->parsed()) return run_index_add(a);
  auto index = neardup::Index::Open(a.path, nullptr);
  if (!index.ok()) return fail(index.status());
  if (a.compact->parsed()) {
    neardup::Status s = (*index)->compact();
    if (s.ok()) s = (*index)->save();
    if (!s.ok()) return fail(s);
  }
  const neardup::IndexInfo info = (*index)->info();
  std::cout << (a.json ? index_info_json(info) : index_info_text(info));
  return 0;
}

// Runs the job, against and into an index when asked.
neardup::Result<neardup::DedupStats> run_with_index(
    const DedupArgs& a, const neardup::ProgressCallback& progress) {
  if (a.against.empty()) {
    return neardup::run_dedup(a.options, a.inputs, a.outputs, nullptr,
                              progress);
  }
  auto index = neardup::Index::Open(a.against, &a.options);
  if (!index.ok()) return index.status();
  neardup::IndexUse use;
  use.against = index->get();
  if (a.add_to_index) {
    use.add_to = index->get();
    use.source = a.name.empty() ? default_source_name(a.inputs) : a.name;
  }
  auto stats = neardup::run_dedup(a.options, a.inputs, a.outputs, use, nullptr,
                                  progress);
  if (!stats.ok() || !a.add_to_index) return stats;
  NEARDUP_RETURN_IF_ERROR((*index)->save());
  return stats;
}

int run_dedup_command(const DedupArgs& a) {
  const neardup::DedupOptions& options = a.options;
  const bool quiet = a.quiet;
  if (neardup::Status s = neardup::validate(options); !s.ok()) {
    std::cerr << "neardup: " << s.message() << "\n";
    return kExitUsage;
  }
  const bool show_progress = !quiet && ::isatty(STDERR_FILENO);
  neardup::ProgressCallback progress;
  if (show_progress) progress = draw_progress;

  neardup::Result<neardup::DedupStats> stats = run_with_index(a, progress);
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

CLI::App* add_report_command(CLI::App& app, neardup::report::ReportOptions* o) {
  CLI::App* report = app.add_subcommand(
      "report",
      "Write one self-contained HTML page of what a dedup run merged: its "
      "stats and S-curve, the distributions, and sampled clusters with each "
      "member beside its representative, word differences marked");
  report->add_option("--clusters", o->clusters_path, "dedup's --clusters file")
      ->required();
  report
      ->add_option("--input", o->inputs,
                   "dedup's inputs, in its order (.jsonl, .gz, .zst)")
      ->required();
  report->add_option("--stats", o->stats_path, "dedup's --stats file");
  report->add_option("--truth", o->truth_path,
                     "Labels (as for eval --truth): adds false merges and "
                     "misses");
  report->add_option("--output,-o", o->output_path, "HTML file to write")
      ->required();
  report->add_option("--text-field", o->text_field, "As given to dedup")
      ->capture_default_str();
  report->add_option("--id-field", o->id_field, "As given to dedup")
      ->capture_default_str();
  report
      ->add_option("--min-line-words", o->min_line_words,
                   "As given to dedup: shorter lines are shown dimmed")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  report->add_option("--seed", o->seed, "Seed of the random sample")
      ->capture_default_str();
  report->add_option("--largest", o->largest_clusters, "Largest clusters shown")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  report->add_option("--sample", o->sampled_clusters, "Random clusters shown")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  report
      ->add_option("--borderline", o->borderline_members,
                   "Members closest to the threshold shown")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  report
      ->add_option("--members", o->members_per_cluster,
                   "Members shown per cluster")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  return report;
}

int run_report(const neardup::report::ReportOptions& o) {
  neardup::Result<neardup::report::ReportSummary> summary =
      neardup::report::write_report(o);
  if (!summary.ok()) {
    std::cerr << "neardup: " << summary.status().message() << "\n";
    return summary.status().code() == neardup::StatusCode::kInvalidArgument
               ? kExitUsage
               : kExitRuntime;
  }
  std::fprintf(stderr,
               "neardup: %s: %llu documents, %llu clusters, %llu pairs shown; "
               "%.1f KB in %.2f s\n",
               o.output_path.c_str(),
               static_cast<unsigned long long>(summary->documents),
               static_cast<unsigned long long>(summary->clusters),
               static_cast<unsigned long long>(summary->pairs_shown),
               summary->report_bytes / 1e3, summary->seconds);
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{
      "neardup: find near-duplicate documents in JSONL dumps (MinHash with "
      "banded LSH, or SimHash with permuted-block tables)",
      "neardup"};
  app.set_version_flag("--version", std::string(neardup::version()));
  app.require_subcommand(1);

  DedupArgs dedup_args;
  add_dedup_command(app, &dedup_args);
  IndexArgs index_args;
  CLI::App* index = add_index_commands(app, &index_args);

  GenArgs gen_args;
  CLI::App* gen = app.add_subcommand(
      "gen",
      "Generate a JSONL news dump with known near-duplicates from real text, "
      "and a truth file of which document copies which");
  add_gen_options(gen, &gen_args);

  EvalArgs eval_args;
  CLI::App* eval = app.add_subcommand(
      "eval",
      "Score a clusters file against labels (pair precision, recall and F1, "
      "B-cubed, adjusted Rand index, copies linked to their original by "
      "kind) and against exact all-pairs Jaccard (LSH recall, precision)");
  add_eval_options(eval, &eval_args);

  neardup::report::ReportOptions report_options;
  CLI::App* report = add_report_command(app, &report_options);

  neardup::DedupOptions idf_options;
  std::vector<std::string> idf_inputs;
  std::string idf_output;
  CLI::App* idf = app.add_subcommand(
      "idf", "Document-frequency models for dedup --mode story");
  idf->require_subcommand(1);
  CLI::App* idf_build = idf->add_subcommand(
      "build",
      "Count the document frequencies of the terms of JSONL dumps and save "
      "them as a model for dedup --mode story --idf");
  idf_build
      ->add_option(
          "INPUT", idf_inputs,
          "JSONL inputs: .jsonl, .jsonl.gz, .jsonl.zst, or - for stdin")
      ->required();
  idf_build->add_option("--output,-o", idf_output, "Model file to write")
      ->required();
  idf_build
      ->add_option("--text-field", idf_options.text_field,
                   "JSON pointer to the text field")
      ->capture_default_str();
  idf_build
      ->add_option("--threads", idf_options.threads,
                   "Worker threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));

  neardup::MinHashOptions tune_options;
  CLI::App* tune = app.add_subcommand(
      "tune",
      "Show the LSH bands and rows `dedup --algo minhash` uses for a "
      "threshold, the S-curve (chance that a pair of Jaccard similarity s "
      "becomes a candidate) and the expected candidate pairs per million "
      "documents");
  tune->add_option("--threshold", tune_options.threshold,
                   "Jaccard similarity threshold, in (0, 1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  tune->add_option("--signature-length", tune_options.signature_length,
                   "Signature entries")
      ->capture_default_str()
      ->check(CLI::Range(16, 1024));
  CLI::Option* tune_bands =
      tune->add_option("--bands", tune_options.bands, "Fix the bands")
          ->check(CLI::Range(1, 1024));
  CLI::Option* tune_rows =
      tune->add_option("--rows", tune_options.rows, "Fix the rows per band")
          ->check(CLI::Range(1, 1024));
  tune_bands->needs(tune_rows);
  tune_rows->needs(tune_bands);
  tune->add_option("--fp-weight", tune_options.false_positive_weight,
                   "Weight of the false-positive area of the S-curve")
      ->capture_default_str();
  tune->add_option("--fn-weight", tune_options.false_negative_weight,
                   "Weight of the false-negative area of the S-curve")
      ->capture_default_str();
  double tune_documents = 1e6;
  tune->add_option("--documents", tune_documents,
                   "Documents in the dump, for the expected random candidate "
                   "pairs")
      ->capture_default_str()
      ->check(CLI::Range(2.0, 1e13));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (eval->parsed()) return run_eval(eval_args);
  if (report->parsed()) return run_report(report_options);
  if (idf_build->parsed()) {
    idf_options.mode = neardup::Mode::kStory;
    const neardup::Status s =
        neardup::build_idf_model(idf_options, idf_inputs, idf_output);
    if (!s.ok()) {
      std::cerr << "neardup: " << s.message() << "\n";
      return s.code() == neardup::StatusCode::kInvalidArgument ? kExitUsage
                                                               : kExitRuntime;
    }
    return 0;
  }
  if (tune->parsed()) {
    neardup::DedupOptions check;
    check.minhash = tune_options;
    if (neardup::Status s = neardup::validate(check); !s.ok()) {
      std::cerr << "neardup: " << s.message() << "\n";
      return kExitUsage;
    }
    std::cout << neardup::tune::report(tune_options, tune_documents);
    return 0;
  }
  if (gen->parsed()) {
    gen_args.docs_given = gen->count("--docs") > 0;
    return run_gen(gen_args);
  }
  if (index->parsed()) return run_index(index_args);
  return run_dedup_command(dedup_args);
}
