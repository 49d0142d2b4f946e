// File: gen/generator.h
//
// A seeded generator of news crawl dumps with known near-duplicates: the
// engine behind `neardup gen`. Articles of 2-6 KB are runs of paragraphs of
// real text (the bundled Reuters-21578 corpus, or any JSONL corpus), each on
// a synthetic site's page (header and footer lines); a share of the documents
// are copies of an earlier article, with their own transformations
// (gen/transforms.h) and usually another site's page around them. A truth
// file names, for every document, the original it was derived from.
//
// The output depends only on the options and the source files: the same
// options give byte-identical files on every machine (std::mt19937_64 with
// our own range mappings, no std:: distributions, no std::hash).
//
// Example:
//   neardup::gen::GenOptions options;
//   options.bytes = 200'000'000;
//   neardup::Result<neardup::gen::GenStats> stats =
//       neardup::gen::write_dump(options, "dump.jsonl.zst", "truth.tsv");

#ifndef NEARDUP_TOOLS_GEN_GENERATOR_H_
#define NEARDUP_TOOLS_GEN_GENERATOR_H_

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "gen/ngram_text.h"
#include "gen/rng.h"
#include "gen/sites.h"
#include "gen/source_text.h"
#include "gen/transforms.h"
#include "neardup/status.h"

namespace neardup::gen {

inline constexpr uint64_t kDefaultSeed = 1987;

// The probability that a copy gets each transformation, drawn independently;
// a copy that draws none gets one, chosen in proportion to these. Each in
// [0, 1]. With all zero, copies are exact.
struct TransformRates {
  double boilerplate = 0.7;  // another site's page instead of the original's
  double edit = 0.4;
  double truncate = 0.15;
  double reorder = 0.1;
  double unicode = 0.25;
  double case_and_space = 0.2;  // kind "case"
};

// Where the originals' article bodies come from.
enum class TextModel {
  // Runs of consecutive paragraphs of the sources, in source order and then
  // in new orders: real text, but past about 15 MB of originals (Reuters)
  // every passage recurs. For dumps up to a few GB.
  kPassages = 0,
  // A random walk over the sources' word trigrams (gen/ngram_text.h): no
  // passage recurs, so unrelated documents share only common phrases, at
  // any size. Less fluent. For scale runs.
  kNgram,
};

struct GenOptions {
  uint64_t seed = kDefaultSeed;
  // Exactly one of these is non-zero: stop after `docs` documents, or once
  // `bytes` bytes of JSONL (uncompressed) are written.
  uint64_t docs = 0;
  uint64_t bytes = 0;
  // JSONL corpora (.jsonl, .jsonl.gz, .jsonl.zst); empty: default_source().
  std::vector<std::string> sources;
  std::string text_field = "/text";  // JSON pointer in the sources
  // Share of documents that are copies of an earlier original, in
  // [0, max_dup_rate()].
  double dup_rate = 0.2;
  uint32_t max_copies = 4;  // copies of one original: 1..max_copies
  // Length of an original's article body (before page chrome), in bytes.
  uint64_t min_article_bytes = 2000;
  uint64_t max_article_bytes = 6000;
  uint32_t sites = 64;  // synthetic sites, 2..kMaxSites
  // Copies follow their original within about this many documents.
  uint64_t copy_window = 10000;
  std::string id_prefix = "doc-";  // ids are the prefix and 8+ digits
  TextModel text_model = TextModel::kPassages;
  TransformRates rates;
};

// The bundled Reuters-21578 corpus, in the source tree this was built from.
std::string default_source();

// The largest dup_rate for `max_copies`: every original copied, with
// (1 + max_copies) / 2 copies on average.
double max_dup_rate(uint32_t max_copies);

// InvalidArgument naming the first bad option, or OK.
Status validate(const GenOptions& options);

// Parses a size: digits with an optional suffix K, M, G, T (powers of 1000)
// or KiB, MiB, GiB, TiB (powers of 1024), case-insensitive, with an optional
// trailing "B" ("500M", "2GB", "64KiB", "1000"). InvalidArgument otherwise.
Result<uint64_t> parse_size(std::string_view text);

// One generated document.
struct Document {
  uint64_t index = 0;        // 0-based position in the dump
  std::string id;            // id_prefix + index, 8+ digits
  uint64_t group_index = 0;  // index of the original (own index if original)
  std::string group;         // id of the original
  bool is_copy = false;
  uint32_t transforms = 0;  // Transform bits actually applied (copies)
  std::string kind;         // kind_name(is_copy, transforms)
  uint32_t site = 0;        // the page's site
  std::string header;       // page chrome above the body, lines ending '\n'
  std::string body;         // the article after the transformations
  std::string footer;       // page chrome below, lines starting with '\n'
  std::string line;         // {"id": ..., "text": header+body+footer} and '\n'

  std::string text() const { return header + body + footer; }
};

struct GenStats {
  uint64_t docs = 0;
  uint64_t originals = 0;
  uint64_t copies = 0;
  uint64_t bytes = 0;         // JSONL bytes (uncompressed)
  uint64_t source_wraps = 0;  // passes over the source text completed
  uint64_t peak_pending = 0;  // most originals kept for later copies
  SourceTextStats source;
};

// Produces the documents one at a time, in memory bounded by the source text
// and the originals waiting for their copies (about copy_window * dup_rate
// of them). Not thread-safe.
class Generator {
 public:
  // Validates the options and loads the sources. Errors: InvalidArgument
  // for bad options; NotFound/IOError/Corruption naming a source that
  // cannot be used; FailedPrecondition if the sources hold too little text.
  static Result<std::unique_ptr<Generator>> create(const GenOptions& options);

  // Fills `doc` with the next document and returns true, or returns false
  // when the dump is complete.
  bool next(Document* doc);

  const GenStats& stats() const { return stats_; }
  const SiteCatalog& sites() const { return sites_; }

 private:
  Generator(const GenOptions& options, std::unique_ptr<SourceText> text);

  // An original with copies still to come.
  struct Pending {
    uint64_t index;
    uint32_t site;
    uint32_t copies_left;
    std::string header, body, footer;
  };
  // A copy due at document `due`; `order` breaks ties by scheduling order.
  struct Due {
    uint64_t due;
    uint64_t order;
    uint32_t slot;
    bool operator>(const Due& other) const {
      return due != other.due ? due > other.due : order > other.order;
    }
  };

  void make_original(Rng& rng, Document* doc);
  void make_copy(Rng& rng, uint32_t slot, Document* doc);
  // Documents still to come after the current one (estimated for bytes).
  uint64_t remaining_after(uint64_t index) const;
  void finish(Document* doc);

  GenOptions options_;
  std::unique_ptr<SourceText> text_;
  ArticleStream articles_;
  std::unique_ptr<NgramText> ngram_;  // TextModel::kNgram
  SiteCatalog sites_;
  Rng schedule_;        // which originals get copies, and when
  Rng content_;         // everything else
  Probability copied_;  // that an original gets copies
  Probability rates_[kTransformCount];
  std::vector<Pending> pending_;
  std::vector<uint32_t> free_slots_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  uint64_t scheduled_ = 0;
  uint64_t live_pending_ = 0;
  GenStats stats_;
};

// Writes a whole dump to `output_path` ("-" is stdout; .gz/.zst compress)
// and, if `truth_path` is not empty, the truth TSV: a header line
// "id\tgroup\tkind", then one line per document in dump order. Both files
// are written atomically (temporary file, renamed when complete). Errors as
// Generator::create(), and IOError naming an unwritable path.
Result<GenStats> write_dump(const GenOptions& options,
                            const std::string& output_path,
                            const std::string& truth_path);

}  // namespace neardup::gen

#endif  // NEARDUP_TOOLS_GEN_GENERATOR_H_
