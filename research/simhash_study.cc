// neardup_simhash_study: measures how SimHash behaves on real news, to choose
// the defaults TextOptions::shingle_words and
// DedupOptions::max_hamming_distance (README "SimHash settings").
//
//   neardup_simhash_study [--sample N] [--seed S] [--threads T] INPUT...
//
// Each INPUT is JSONL with a string "text" and an "id" (plain, .gz or .zst,
// detected from the content; - reads stdin), read as `neardup dedup` reads
// it. Prints a Markdown report on stdout:
//   1. recall on synthetic copies (boilerplate, edits, both) of real docs;
//   2. false merges among all pairs of distinct real docs, judged by word
//      5-gram Jaccard, plus how many real near-duplicates are found;
//   3. the index cost (permuted-block tables) of each threshold.
// The report depends only on the inputs, --sample and --seed: every random
// choice comes from std::mt19937_64 (whose output the standard fixes) through
// helpers below, not through the implementation-defined std distributions.
// The synthetic copies are this program's own recipe, not `neardup gen`'s
// (tools/gen): the README's numbers were measured with this one.
//
// Exit status: 0 on success, 1 on a runtime error, 2 on a usage error.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "eval/eval.h"
#include "eval/oracle.h"
#include "gen/rng.h"
#include "neardup/fingerprint.h"
#include "neardup/hamming_index.h"
#include "neardup/options.h"
#include "neardup/status.h"
#include "neardup/text.h"
#include "parse/record_parser.h"

namespace {

using neardup::Fingerprint;

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

constexpr int kMinK = 1;
constexpr int kMaxK = 5;
constexpr int kNumK = kMaxK - kMinK + 1;
constexpr int kMaxD = 8;            // HammingTables supports up to 8
constexpr int kJaccardShingle = 5;  // words per shingle of the ground truth
constexpr int kMinPositiveWords = 50;
constexpr int kMinLongWords = 20;  // the ">= 20 words" population
constexpr double kEditRate = 0.02;

// ---------------------------------------------------------------------------
// Deterministic randomness. Seeds are SplitMix64 outputs: gen::mix_seed(x, 0)
// is SplitMix64 at state x. The draws below are not gen::Rng's (which rejects
// the short last bucket and rounds probabilities to 53-bit thresholds), so
// that the same seed keeps giving the same report.

// Uniform in [0, n). The modulo bias (< n / 2^64) is far below anything the
// report can show.
size_t pick(std::mt19937_64& rng, size_t n) { return rng() % n; }

bool chance(std::mt19937_64& rng, double p) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53 < p;
}

// ---------------------------------------------------------------------------
// Input.

struct Doc {
  std::string id;
  std::string text;
  int input = 0;
  int words = 0;  // tokens after normalization (text.h)
};

// Appends one Doc per record of the JSONL file `path` ("-" = stdin). Each
// line goes through neardup::eval::for_each_line (decompression, '\r'
// dropped, empty lines skipped) and dedup's RecordParser; lines of spaces,
// tabs and '\r' only are skipped too, and rejected lines are counted in `bad`.
// A record without an id gets "#" and its index in `docs`.
neardup::Status read_input(const std::string& path, int input,
                           std::vector<Doc>* docs, size_t* bad) {
  neardup::internal::RecordParser parser("/text", "/id");
  neardup::internal::ParsedRecord record;
  return neardup::eval::for_each_line(
      path, [&](uint64_t, std::string_view line, size_t) {
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
          return neardup::Status::OK();
        }
        parser.parse(line, &record);
        if (!record.ok) {
          ++*bad;
          return neardup::Status::OK();
        }
        Doc d;
        d.input = input;
        d.id = record.has_id && !record.id.empty()
                   ? record.id
                   : "#" + std::to_string(docs->size());
        d.text = record.text;
        docs->push_back(std::move(d));
        return neardup::Status::OK();
      });
}

// ---------------------------------------------------------------------------
// Parallelism: results are written per index, so they do not depend on the
// number of threads or on scheduling.

template <typename Body>
void parallel_for(size_t n, int threads, size_t grain, const Body& body) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (;;) {
      const size_t begin = next.fetch_add(grain);
      if (begin >= n) return;
      body(begin, std::min(n, begin + grain));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

// ---------------------------------------------------------------------------
// Features.

int count_words(std::string_view text) {
  std::string normalized;
  if (!neardup::normalize_text(text, &normalized).ok()) return -1;
  std::vector<std::string_view> tokens;
  neardup::tokenize(normalized, &tokens);
  return static_cast<int>(tokens.size());
}

struct Fingerprints {
  std::array<Fingerprint, kNumK> by_k{};
};

// One Shingler per k, reused across documents by one thread. The
// fingerprints use `min_line_words`; the ground-truth sets never do, so that
// the definition of a near-duplicate does not move with the option.
class Featurizer {
 public:
  explicit Featurizer(int min_line_words)
      : jaccard_(neardup::TextOptions{.shingle_words = kJaccardShingle,
                                      .min_line_words = 0}) {
    for (int k = kMinK; k <= kMaxK; ++k) {
      shinglers_.emplace_back(neardup::TextOptions{
          .shingle_words = k, .min_line_words = min_line_words});
    }
  }

  Fingerprints fingerprints(std::string_view text) {
    Fingerprints f;
    for (int i = 0; i < kNumK; ++i) {
      shingles_.clear();
      // Inputs were validated as UTF-8 when their words were counted.
      (void)shinglers_[i].shingle(text, &shingles_);
      f.by_k[i] = neardup::simhash64(shingles_);
    }
    return f;
  }

  // The distinct word 5-gram hashes of `text`, sorted: the ground truth's
  // sets. These are the library's own normalized tokens (lower-cased), hashed.
  std::vector<uint64_t> shingle_set(std::string_view text) {
    std::vector<uint64_t> set;
    (void)jaccard_.shingle(text, &set);
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    return set;
  }

 private:
  std::vector<neardup::Shingler> shinglers_;
  neardup::Shingler jaccard_;
  std::vector<uint64_t> shingles_;
};

// Jaccard similarity is neardup::eval::jaccard() (the oracle's), on these
// sets, which are never empty: a document with a word has a shingle.
using neardup::eval::jaccard;

// Near-duplicates are pairs with jaccard() >= kNearJaccard. Comparing the
// double quotient is exact here: for |A ∩ B| / |A ∪ B| below 0.5 the gap to
// 0.5 is at least 1 / (2 |A ∪ B|), far above the rounding error.
constexpr double kNearJaccard = 0.5;

// ---------------------------------------------------------------------------
// Synthetic copies.

// Boilerplate of other sites: page chrome above and below a syndicated story.
// "{site}" and "{n}" are filled per copy.
constexpr std::array<std::string_view, 17> kHeaderLines = {
    "Skip to main content",
    "Home | World | Business | Tech | Sport | Culture | Opinion",
    "Sign in | Register",
    "Menu Search Subscribe",
    "{site} - independent news since 1998",
    "By Staff Reporter | Updated {n} hours ago",
    "Published {n} March | 4 min read",
    "You are here: Home > News > Business",
    "Breaking: markets react to the central bank decision",
    "We use cookies to improve your experience. By continuing to browse the "
    "site you agree to our use of cookies.",
    "Accept all cookies | Manage preferences",
    "Advertisement",
    "Listen to this article",
    "Latest news | Most read | Video | Newsletters",
    "This story was first published by our partners at {site}.",
    "Subscribe for unlimited access from $1 a week",
    "Wire story, filed {n} hours ago by our newsdesk",
};
constexpr std::array<std::string_view, 24> kFooterLines = {
    "Subscribe to our newsletter for the latest updates.",
    "Share this article on Facebook, Twitter and LinkedIn.",
    "\xc2\xa9 2026 {site}. All rights reserved.",
    "Related: Oil prices climb as supply worries grow",
    "Related: Central bank holds rates steady for a third month",
    "Related: Tech shares lead a market rally in early trading",
    "Related: Government unveils plans for a new rail link",
    "Advertisement",
    "Read more: top stories from around the world",
    "Comments are closed for this article.",
    "Terms of Use | Privacy Policy | Cookie Settings | Contact Us",
    "Follow us on Instagram and YouTube",
    "Have a story tip? Email our newsroom in confidence.",
    "Download our app for breaking news alerts on your phone.",
    "Was this article helpful? Yes | No",
    "More from {site}",
    "Copyright {site} 20{n}. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Back to top",
    "Sponsored content from our partners",
    "Report an error | Editorial standards | Corrections policy",
    "Most popular: five things to know before markets open",
    "Sign up for alerts",
    "About us | Careers | Advertise with us | Help",
    "Reporting by our correspondents; editing by the {site} desk.",
};
constexpr std::array<std::string_view, 8> kSites = {
    "The Daily Courier", "Metro Ledger",       "Northern Herald",
    "City Wire",         "Global Post Online", "The Evening Star",
    "Riverside Gazette", "Coastal Times",
};

struct Boilerplate {
  std::string header;  // ends with '\n'
  std::string footer;  // starts with '\n'
};

std::string fill(std::string_view line, std::string_view site, int n) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    if (line.substr(i, 6) == "{site}") {
      out += site;
      i += 6;
    } else if (line.substr(i, 3) == "{n}") {
      out += std::to_string(n);
      i += 3;
    } else {
      out += line[i++];
    }
  }
  return out;
}

// `count` distinct indices in [0, n), in random order.
std::vector<size_t> pick_distinct(std::mt19937_64& rng, size_t n,
                                  size_t count) {
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  for (size_t i = 0; i < count; ++i) {
    std::swap(all[i], all[i + pick(rng, n - i)]);
  }
  all.resize(count);
  return all;
}

// A header of 1-3 lines and a footer of 2-5 lines of one made-up site.
Boilerplate make_boilerplate(std::mt19937_64& rng) {
  const std::string_view site = kSites[pick(rng, kSites.size())];
  Boilerplate b;
  for (size_t i : pick_distinct(rng, kHeaderLines.size(), 1 + pick(rng, 3))) {
    b.header +=
        fill(kHeaderLines[i], site, 1 + static_cast<int>(pick(rng, 23)));
    b.header += '\n';
  }
  for (size_t i : pick_distinct(rng, kFooterLines.size(), 2 + pick(rng, 4))) {
    b.footer += '\n';
    b.footer +=
        fill(kFooterLines[i], site, 10 + static_cast<int>(pick(rng, 16)));
  }
  return b;
}

std::string wrap(const Boilerplate& b, std::string_view text) {
  std::string out = b.header;
  out += text;
  out += b.footer;
  return out;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string replace_all(std::string s, std::string_view from,
                        std::string_view to) {
  for (size_t p = s.find(from); p != std::string::npos;
       p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

// What a second site or a later revision does to a story: 2% of the words
// replaced, deleted or followed by an inserted word (at least one edit; none
// without `word_edits`), and cosmetic changes that normalization should
// absorb: case, whitespace, curly quotes, no-break spaces, soft hyphens, en
// dashes.
std::string make_edited(std::string_view text,
                        const std::vector<std::string>& vocabulary,
                        bool word_edits, std::mt19937_64& rng) {
  std::vector<std::vector<std::string>> lines;
  size_t n = 0;
  for (size_t p = 0; p <= text.size();) {
    size_t e = text.find('\n', p);
    if (e == std::string_view::npos) e = text.size();
    lines.push_back(split_words(text.substr(p, e - p)));
    n += lines.back().size();
    p = e + 1;
  }
  // Word-level edits at distinct positions.
  const size_t edits =
      word_edits
          ? std::max<size_t>(1, static_cast<size_t>(std::lround(kEditRate * n)))
          : 0;
  std::vector<int> op(n, -1);
  for (size_t p : pick_distinct(rng, n, std::min(edits, n))) {
    op[p] = static_cast<int>(pick(rng, 3));
  }
  size_t w = 0;
  for (auto& line : lines) {
    std::vector<std::string> out;
    for (std::string& word : line) {
      switch (op[w++]) {
        case 0:  // replace
          out.push_back(vocabulary[pick(rng, vocabulary.size())]);
          break;
        case 1:  // delete
          break;
        case 2:  // insert after
          out.push_back(std::move(word));
          out.push_back(vocabulary[pick(rng, vocabulary.size())]);
          break;
        default:
          out.push_back(std::move(word));
      }
    }
    line = std::move(out);
  }
  // Cosmetic changes, then reassembly with varied whitespace.
  std::string result;
  for (size_t l = 0; l < lines.size(); ++l) {
    if (l > 0) {
      result += chance(rng, 0.3) ? "\n\n" : (chance(rng, 0.3) ? " \n" : "\n");
    }
    for (size_t i = 0; i < lines[l].size(); ++i) {
      std::string word = lines[l][i];
      if (chance(rng, 0.02)) {
        for (char& c : word) {
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
      } else if (chance(rng, 0.02)) {
        for (char& c : word) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      if (word.size() >= 6 && chance(rng, 0.01)) {
        word.insert(word.size() / 2, "\xc2\xad");  // soft hyphen
      }
      if (i > 0) {
        if (chance(rng, 0.01)) {
          result += "\xc2\xa0";  // no-break space
        } else if (chance(rng, 0.03)) {
          result += chance(rng, 0.5) ? "  " : "\t";
        } else {
          result += ' ';
        }
      }
      result += word;
    }
  }
  result = replace_all(std::move(result), " - ", " \xe2\x80\x93 ");
  result = replace_all(std::move(result), "'", "\xe2\x80\x99");
  // Straight double quotes become alternating curly ones.
  std::string quoted;
  bool open = true;
  for (char c : result) {
    if (c == '"') {
      quoted += open ? "\xe2\x80\x9c" : "\xe2\x80\x9d";
      open = !open;
    } else {
      quoted += c;
    }
  }
  return quoted;
}

// ---------------------------------------------------------------------------
// Measurements.

// The last kind is a control: normalization should make its distance 0.
constexpr int kNumKinds = 4;
constexpr std::array<const char*, kNumKinds> kKindNames = {
    "boilerplate", "edits", "boilerplate+edits", "cosmetic only (control)"};
constexpr int kNumBuckets = 3;
constexpr std::array<const char*, kNumBuckets> kBucketNames = {
    "< 150 words", "150-400 words", "> 400 words"};

int length_bucket(int words) {
  return words < 150 ? 0 : (words <= 400 ? 1 : 2);
}

// One sampled document's synthetic pairs.
struct PositiveResult {
  int bucket = 0;
  std::array<std::array<uint8_t, kNumK>, kNumKinds> distance{};
  std::array<double, kNumKinds> jaccard{};
  std::array<int, 2> boilerplate_words{};
};

// Histogram of distances (0..kMaxD, then "more") per kind, bucket and k.
struct RecallTable {
  // [kind][bucket][k][distance]
  std::array<std::array<std::array<std::array<uint64_t, kMaxD + 2>, kNumK>,
                        kNumBuckets>,
             kNumKinds>
      hist{};
  std::array<std::array<uint64_t, kNumBuckets>, kNumKinds> pairs{};
  std::array<std::array<double, kNumBuckets>, kNumKinds> jaccard_sum{};
  std::array<std::array<uint64_t, kNumBuckets>, kNumKinds> below_half{};
};

constexpr int kNumBands = 4;
constexpr std::array<const char*, kNumBands> kBandNames = {
    "1 (same 5-grams)", "0.9-1", "0.7-0.9", "0.5-0.7"};

struct ClosePair {
  uint32_t a = 0;
  uint32_t b = 0;
  std::array<uint8_t, kNumK> distance{};
};

// Counts per population (0 = all docs, 1 = both >= 20 words), k, distance.
using PairCounts =
    std::array<std::array<std::array<uint64_t, kMaxD + 1>, kNumK>, 2>;

struct NegativeResult {
  uint64_t docs[2] = {0, 0};
  uint64_t pairs[2] = {0, 0};
  uint64_t close_pairs = 0;  // within kMaxD for some k
  PairCounts false_merges{};
  PairCounts true_merges{};
  uint64_t near_dups[2] = {0, 0};  // pairs with Jaccard >= 0.5
  // Those pairs by Jaccard band: [k][band][distance, kMaxD + 1 = more].
  std::array<std::array<std::array<uint64_t, kMaxD + 2>, kNumBands>, kNumK>
      band_hist{};
  std::array<uint64_t, kNumBands> band_pairs{};
  std::vector<std::pair<ClosePair, double>> examples;  // false merges
};

// ---------------------------------------------------------------------------
// Report helpers.

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

std::string percent(uint64_t num, uint64_t den) {
  if (den == 0) return "-";
  const double p = 100.0 * static_cast<double>(num) / static_cast<double>(den);
  // Never round a miss up to 100.0 or a hit down to 0.0.
  if (num < den && p >= 99.95) return "99.9";
  if (num > 0 && p < 0.05) return "0.0+";
  return fmt("%.1f", p);
}

std::string excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

std::string basename(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// `first` names the leading columns, separated by " | ".
void print_distance_header(std::ostream& out, std::string_view first) {
  out << "| " << first << " |";
  for (int d = 0; d <= kMaxD; ++d) out << " d<=" << d << " |";
  out << "\n|";
  for (size_t i = 0;
       i <= static_cast<size_t>(std::count(first.begin(), first.end(), '|'));
       ++i) {
    out << "---|";
  }
  for (int d = 0; d <= kMaxD; ++d) out << "---:|";
  out << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Measures SimHash recall on synthetic near-duplicates and false merges "
      "on real news, per shingle size and Hamming threshold; prints Markdown",
      "neardup_simhash_study"};
  std::vector<std::string> inputs;
  size_t sample = 3000;
  uint64_t seed = 20260301;
  int threads = 0;
  size_t show = 0;
  int min_line_words = neardup::TextOptions{}.min_line_words;
  app.add_option("INPUT", inputs,
                 "JSONL with \"id\" and \"text\" (.zst is decompressed; - = "
                 "stdin)")
      ->required();
  app.add_option("--sample", sample,
                 "Documents of >= 50 words per input made into synthetic pairs")
      ->capture_default_str();
  app.add_option("--seed", seed, "Seed of every random choice")
      ->capture_default_str();
  app.add_option("--threads", threads, "Threads (0 = all cores); speed only")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  app.add_option("--min-line-words", min_line_words,
                 "TextOptions::min_line_words of the fingerprints (the "
                 "Jaccard ground truth always keeps every line)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  app.add_option("--show", show,
                 "Print the synthetic pairs of the first N sampled documents "
                 "to stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (threads == 0) {
    threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  const auto start = std::chrono::steady_clock::now();
  auto log = [&](const std::string& what) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::fprintf(stderr, "[%6.1f s] %s\n", s, what.c_str());
  };

  // ---- Load. ----
  std::vector<Doc> docs;
  std::vector<size_t> loaded(inputs.size()), bad(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const size_t before = docs.size();
    if (neardup::Status s =
            read_input(inputs[i], static_cast<int>(i), &docs, &bad[i]);
        !s.ok()) {
      std::cerr << "neardup_simhash_study: " << s.to_string() << "\n";
      return kExitRuntime;
    }
    loaded[i] = docs.size() - before;
  }
  std::vector<int> invalid_utf8(inputs.size()), wordless(inputs.size());
  parallel_for(docs.size(), threads, 256, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) docs[i].words = count_words(docs[i].text);
  });
  for (const Doc& d : docs) {
    if (d.words < 0) ++invalid_utf8[d.input];
    if (d.words == 0) ++wordless[d.input];
  }
  log("loaded " + std::to_string(docs.size()) + " documents");

  // ---- Fingerprints and ground-truth sets of every real document. ----
  std::vector<Fingerprints> fps(docs.size());
  std::vector<std::vector<uint64_t>> sets(docs.size());
  parallel_for(docs.size(), threads, 64, [&](size_t b, size_t e) {
    Featurizer f(min_line_words);
    for (size_t i = b; i < e; ++i) {
      if (docs[i].words <= 0) continue;
      fps[i] = f.fingerprints(docs[i].text);
      sets[i] = f.shingle_set(docs[i].text);
    }
  });
  log("fingerprinted");

  // ---- 1. Positives. ----
  std::vector<uint32_t> sampled;
  std::vector<size_t> sampled_per_input(inputs.size()),
      eligible_per_input(inputs.size());
  for (size_t in = 0; in < inputs.size(); ++in) {
    std::vector<uint32_t> eligible;
    for (uint32_t i = 0; i < docs.size(); ++i) {
      if (docs[i].input == static_cast<int>(in) &&
          docs[i].words >= kMinPositiveWords) {
        eligible.push_back(i);
      }
    }
    std::mt19937_64 rng(neardup::gen::mix_seed(seed ^ (0x5a4d504cULL + in), 0));
    const size_t take = std::min(sample, eligible.size());
    for (size_t i : pick_distinct(rng, eligible.size(), take)) {
      sampled.push_back(eligible[i]);
    }
    std::sort(sampled.end() - static_cast<ptrdiff_t>(take), sampled.end());
    sampled_per_input[in] = take;
    eligible_per_input[in] = eligible.size();
  }
  // Replacement words for edits: every word of the sampled documents.
  std::vector<std::string> vocabulary;
  for (uint32_t i : sampled) {
    for (std::string& w : split_words(replace_all(docs[i].text, "\n", " "))) {
      vocabulary.push_back(std::move(w));
    }
  }
  if (vocabulary.empty()) vocabulary.push_back("news");

  std::vector<PositiveResult> positives(sampled.size());
  std::vector<std::string> shown(std::min(show, sampled.size()));
  parallel_for(sampled.size(), threads, 16, [&](size_t b, size_t e) {
    Featurizer f(min_line_words);
    for (size_t s = b; s < e; ++s) {
      const Doc& doc = docs[sampled[s]];
      // Seeded by document, so results do not depend on threads.
      std::mt19937_64 rng(
          neardup::gen::mix_seed(seed + 0x1000003ULL * (sampled[s] + 1), 0));
      const Boilerplate site_a = make_boilerplate(rng);
      const Boilerplate site_b = make_boilerplate(rng);
      const std::string edited = make_edited(doc.text, vocabulary, true, rng);
      const std::string cosmetic =
          make_edited(doc.text, vocabulary, false, rng);
      const std::array<std::pair<std::string, std::string>, kNumKinds> pairs = {
          {{wrap(site_a, doc.text), wrap(site_b, doc.text)},
           {doc.text, edited},
           {wrap(site_a, doc.text), wrap(site_b, edited)},
           {doc.text, cosmetic}}};
      if (s < show) {
        std::string text;
        for (int kind = 0; kind < kNumKinds; ++kind) {
          text += "==== " + doc.id + " " + kKindNames[kind] + ", copy 1:\n" +
                  pairs[kind].first + "\n==== copy 2:\n" + pairs[kind].second +
                  "\n";
        }
        shown[s] = std::move(text);
      }
      PositiveResult& r = positives[s];
      r.bucket = length_bucket(doc.words);
      r.boilerplate_words = {count_words(site_a.header + site_a.footer),
                             count_words(site_b.header + site_b.footer)};
      for (int kind = 0; kind < kNumKinds; ++kind) {
        const Fingerprints x = f.fingerprints(pairs[kind].first);
        const Fingerprints y = f.fingerprints(pairs[kind].second);
        for (int k = 0; k < kNumK; ++k) {
          r.distance[kind][k] = static_cast<uint8_t>(
              neardup::hamming_distance(x.by_k[k], y.by_k[k]));
        }
        r.jaccard[kind] = jaccard(f.shingle_set(pairs[kind].first),
                                  f.shingle_set(pairs[kind].second));
      }
    }
  });
  RecallTable recall;
  std::vector<int> bp_words;
  for (const PositiveResult& r : positives) {
    for (int kind = 0; kind < kNumKinds; ++kind) {
      ++recall.pairs[kind][r.bucket];
      recall.jaccard_sum[kind][r.bucket] += r.jaccard[kind];
      if (r.jaccard[kind] < 0.5) ++recall.below_half[kind][r.bucket];
      for (int k = 0; k < kNumK; ++k) {
        ++recall.hist[kind][r.bucket][k]
                     [std::min<int>(r.distance[kind][k], kMaxD + 1)];
      }
    }
    bp_words.push_back(r.boilerplate_words[0]);
    bp_words.push_back(r.boilerplate_words[1]);
  }
  std::sort(bp_words.begin(), bp_words.end());
  for (const std::string& text : shown) std::cerr << text;
  log("positives: " + std::to_string(sampled.size()) + " documents");

  // ---- 2. Negatives: all pairs of distinct real documents. ----
  NegativeResult neg;
  std::vector<uint32_t> members;  // documents with at least one word
  for (uint32_t i = 0; i < docs.size(); ++i) {
    if (docs[i].words > 0) members.push_back(i);
  }
  const size_t m = members.size();
  std::vector<Fingerprints> mfp(m);
  std::vector<uint8_t> long_doc(m);
  for (size_t i = 0; i < m; ++i) {
    mfp[i] = fps[members[i]];
    long_doc[i] = docs[members[i]].words >= kMinLongWords;
    ++neg.docs[0];
    neg.docs[1] += long_doc[i];
  }
  neg.pairs[0] = static_cast<uint64_t>(m) * (m - 1) / 2;
  neg.pairs[1] = neg.docs[1] * (neg.docs[1] - 1) / 2;

  // Rows are handed out in small blocks; each block's pairs go to its own
  // slot, so the concatenation is in (a, b) order whatever the scheduling.
  constexpr size_t kRowsPerBlock = 32;
  std::vector<std::vector<ClosePair>> block_pairs((m + kRowsPerBlock - 1) /
                                                  kRowsPerBlock);
  parallel_for(block_pairs.size(), threads, 1, [&](size_t b, size_t e) {
    for (size_t blk = b; blk < e; ++blk) {
      std::vector<ClosePair>& out = block_pairs[blk];
      const size_t row_end = std::min(m, (blk + 1) * kRowsPerBlock);
      for (size_t i = blk * kRowsPerBlock; i < row_end; ++i) {
        const Fingerprints x = mfp[i];
        for (size_t j = i + 1; j < m; ++j) {
          const Fingerprints& y = mfp[j];
          ClosePair p;
          int closest = 64;
          for (int k = 0; k < kNumK; ++k) {
            const int d = neardup::hamming_distance(x.by_k[k], y.by_k[k]);
            p.distance[k] = static_cast<uint8_t>(d);
            closest = std::min(closest, d);
          }
          if (closest <= kMaxD) {
            p.a = members[i];
            p.b = members[j];
            out.push_back(p);
          }
        }
      }
    }
  });
  std::vector<ClosePair> close;
  for (auto& v : block_pairs) {
    close.insert(close.end(), v.begin(), v.end());
    std::vector<ClosePair>().swap(v);
  }
  neg.close_pairs = close.size();
  log("pair scan: " + std::to_string(close.size()) + " pairs within " +
      std::to_string(kMaxD) + " bits for some k");

  std::vector<double> close_jaccard(close.size());
  parallel_for(close.size(), threads, 1024, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      close_jaccard[i] = jaccard(sets[close[i].a], sets[close[i].b]);
    }
  });
  for (size_t i = 0; i < close.size(); ++i) {
    const ClosePair& p = close[i];
    const bool near = close_jaccard[i] >= kNearJaccard;
    const bool both_long =
        docs[p.a].words >= kMinLongWords && docs[p.b].words >= kMinLongWords;
    for (int k = 0; k < kNumK; ++k) {
      const int d = p.distance[k];
      if (d > kMaxD) continue;
      PairCounts& counts = near ? neg.true_merges : neg.false_merges;
      ++counts[0][k][d];
      if (both_long) ++counts[1][k][d];
    }
    if (!near) neg.examples.emplace_back(p, close_jaccard[i]);
  }
  // Every pair with Jaccard >= 0.5, by the oracle's exact similarity join
  // (AllPairs with prefix filtering; the sets of documents without words are
  // empty and take part in no pair).
  neardup::Result<std::vector<neardup::eval::JaccardPair>> near_pairs =
      neardup::eval::all_pairs_jaccard(sets, kNearJaccard);
  if (!near_pairs.ok()) {
    std::cerr << "neardup_simhash_study: " << near_pairs.status().to_string()
              << "\n";
    return kExitRuntime;
  }
  for (const neardup::eval::JaccardPair& pair : *near_pairs) {
    const uint32_t a = pair.a, b = pair.b;
    ++neg.near_dups[0];
    if (docs[a].words >= kMinLongWords && docs[b].words >= kMinLongWords) {
      ++neg.near_dups[1];
    }
    const double j = pair.jaccard;
    const int band = j >= 1 ? 0 : (j >= 0.9 ? 1 : (j >= 0.7 ? 2 : 3));
    ++neg.band_pairs[band];
    for (int k = 0; k < kNumK; ++k) {
      const int d = neardup::hamming_distance(fps[a].by_k[k], fps[b].by_k[k]);
      ++neg.band_hist[k][band][std::min(d, kMaxD + 1)];
    }
  }
  // The join and the scan must agree on the pairs within kMaxD.
  for (int k = 0; k < kNumK; ++k) {
    uint64_t from_join = 0, from_scan = 0;
    for (int band = 0; band < kNumBands; ++band) {
      for (int d = 0; d <= kMaxD; ++d) from_join += neg.band_hist[k][band][d];
    }
    for (int d = 0; d <= kMaxD; ++d) from_scan += neg.true_merges[0][k][d];
    if (from_join != from_scan) {
      std::cerr << "neardup_simhash_study: internal error: k=" << k + kMinK
                << ": " << from_join << " near-duplicate pairs within " << kMaxD
                << " bits by the join, " << from_scan << " by the scan\n";
      return kExitRuntime;
    }
  }
  log("negatives: " + std::to_string(neg.near_dups[0]) +
      " real near-duplicate pairs");

  // ---- Report. ----
  std::ostringstream out;
  out << "# SimHash parameter study\n\n"
      << "Generated by `neardup_simhash_study --sample " << sample << " --seed "
      << seed << " --min-line-words " << min_line_words;
  for (const std::string& in : inputs) out << " " << basename(in);
  out << "` (research/simhash_study.cc). Deterministic: the same inputs and "
         "options give this report byte for byte.\n\n"
      << "| input | documents | unparsable lines | invalid UTF-8 | "
         "without words | >= "
      << kMinPositiveWords << " words | sampled for positives |\n"
      << "|---|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < inputs.size(); ++i) {
    out << "| " << basename(inputs[i]) << " | " << loaded[i] << " | " << bad[i]
        << " | " << invalid_utf8[i] << " | " << wordless[i] << " | "
        << eligible_per_input[i] << " | " << sampled_per_input[i] << " |\n";
  }
  out << "\nDocuments without words (no letter or digit; the neardup "
         "pipeline reports them as empty and never matches them) take no part "
         "in the study.\n";
  out << "\nShingles are k consecutive normalized words (`Shingler`, "
         "`TextOptions::shingle_words` = k, `min_line_words` = "
      << min_line_words
      << "); fingerprints are `simhash64` of them; d is the Hamming "
         "distance.\n";

  // 1. Recall.
  out << "\n## 1. Recall on synthetic near-duplicates\n\n"
      << "Each sampled document (>= " << kMinPositiveWords
      << " words) gives three pairs and a control:\n\n"
      << "- **boilerplate**: the article under two different sites' page "
         "chrome (a header of 1-3 lines and a footer of 2-5 lines from a pool "
         "of "
      << kHeaderLines.size() + kFooterLines.size()
      << " navigation, cookie, share, copyright, related-story and byline "
         "lines). Boilerplate per copy: median "
      << (bp_words.empty() ? 0 : bp_words[bp_words.size() / 2])
      << " words, 10th-90th percentile "
      << (bp_words.empty() ? 0 : bp_words[bp_words.size() / 10]) << "-"
      << (bp_words.empty() ? 0 : bp_words[bp_words.size() * 9 / 10])
      << ", range " << (bp_words.empty() ? 0 : bp_words.front()) << "-"
      << (bp_words.empty() ? 0 : bp_words.back()) << ".\n"
      << "- **edits**: the article vs a copy with " << kEditRate * 100
      << "% of its words replaced, deleted or followed by an inserted word "
         "(at least one edit), plus case changes, extra spaces, tabs and blank "
         "lines, curly quotes and apostrophes, en dashes, no-break spaces and "
         "soft hyphens.\n"
      << "- **boilerplate+edits**: the boilerplate pair with the edits "
         "applied to the second copy's article.\n"
      << "- **cosmetic only** (control): the article vs a copy with only the "
         "case, whitespace and Unicode changes, which normalization should "
         "absorb (distance 0).\n\n"
      << "Recall = share of pairs with distance <= d (cumulative). The "
         "first table gives, per kind and length, the pairs' mean word "
         "5-gram Jaccard and the share below 0.5: such pairs are no longer "
         "near-duplicates by the definition section 2 uses.\n\n";
  out << "| kind | length | pairs | mean Jaccard | Jaccard < 0.5 |\n"
      << "|---|---|---:|---:|---:|\n";
  for (int kind = 0; kind < kNumKinds; ++kind) {
    for (int bucket = 0; bucket < kNumBuckets; ++bucket) {
      const uint64_t n = recall.pairs[kind][bucket];
      out << "| " << kKindNames[kind] << " | " << kBucketNames[bucket] << " | "
          << n << " | "
          << (n ? fmt("%.3f", recall.jaccard_sum[kind][bucket] / n) : "-")
          << " | " << percent(recall.below_half[kind][bucket], n) << "% |\n";
    }
  }
  for (int kind = 0; kind < kNumKinds; ++kind) {
    uint64_t total = 0;
    for (int bucket = 0; bucket < kNumBuckets; ++bucket) {
      total += recall.pairs[kind][bucket];
    }
    out << "\n### Recall (%), " << kKindNames[kind] << ", all lengths ("
        << total << " pairs)\n\n";
    print_distance_header(out, "k");
    for (int k = 0; k < kNumK; ++k) {
      out << "| " << k + kMinK << " |";
      uint64_t cum = 0;
      for (int d = 0; d <= kMaxD; ++d) {
        for (int bucket = 0; bucket < kNumBuckets; ++bucket) {
          cum += recall.hist[kind][bucket][k][d];
        }
        out << " " << percent(cum, total) << " |";
      }
      out << "\n";
    }
  }
  for (int kind = 0; kind < kNumKinds - 1; ++kind) {
    out << "\n### Recall (%) by document length, " << kKindNames[kind]
        << "\n\n";
    print_distance_header(out, "length | k");
    for (int bucket = 0; bucket < kNumBuckets; ++bucket) {
      for (int k = 0; k < kNumK; ++k) {
        out << "| " << kBucketNames[bucket] << " | " << k + kMinK << " |";
        uint64_t cum = 0;
        for (int d = 0; d <= kMaxD; ++d) {
          cum += recall.hist[kind][bucket][k][d];
          out << " " << percent(cum, recall.pairs[kind][bucket]) << " |";
        }
        out << "\n";
      }
    }
  }

  // 2. Negatives.
  out << "\n## 2. False merges among real documents\n\n"
      << "All " << neg.pairs[0] << " pairs of the " << neg.docs[0]
      << " documents with at least one word (" << neg.pairs[1]
      << " pairs among the " << neg.docs[1] << " with >= " << kMinLongWords
      << " words), across inputs; " << neg.close_pairs << " of them are within "
      << kMaxD
      << " bits for some k. A pair within distance d is a **false "
         "merge** if the Jaccard similarity of its word 5-gram sets "
         "(lower-cased, normalized tokens) is < 0.5, and a **true merge** "
         "otherwise. By a prefix-filtered similarity join, the corpus has "
      << neg.near_dups[0] << " pairs with Jaccard >= 0.5 (" << neg.near_dups[1]
      << " among documents with >= " << kMinLongWords
      << " words); the true-merge tables give their recall in brackets, and "
         "the last of them splits it by Jaccard.\n";
  const char* population_names[2] = {"all documents",
                                     ">= 20 words (both documents)"};
  for (int pop = 0; pop < 2; ++pop) {
    out << "\n### False merges (Jaccard < 0.5), " << population_names[pop]
        << "\n\n";
    print_distance_header(out, "k");
    for (int k = 0; k < kNumK; ++k) {
      out << "| " << k + kMinK << " |";
      uint64_t cum = 0;
      for (int d = 0; d <= kMaxD; ++d) {
        cum += neg.false_merges[pop][k][d];
        out << " " << cum << " |";
      }
      out << "\n";
    }
  }
  for (int pop = 0; pop < 2; ++pop) {
    out << "\n### True merges (Jaccard >= 0.5) [recall of the "
        << neg.near_dups[pop] << " real near-duplicate pairs, %], "
        << population_names[pop] << "\n\n";
    print_distance_header(out, "k");
    for (int k = 0; k < kNumK; ++k) {
      out << "| " << k + kMinK << " |";
      uint64_t cum = 0;
      for (int d = 0; d <= kMaxD; ++d) {
        cum += neg.true_merges[pop][k][d];
        out << " " << cum << " [" << percent(cum, neg.near_dups[pop]) << "] |";
      }
      out << "\n";
    }
  }

  out << "\n### Recall (%) of the real near-duplicate pairs by Jaccard band, "
         "all documents\n\n";
  print_distance_header(out, "Jaccard | pairs | k");
  for (int band = 0; band < kNumBands; ++band) {
    for (int k = 0; k < kNumK; ++k) {
      out << "| " << kBandNames[band] << " | " << neg.band_pairs[band] << " | "
          << k + kMinK << " |";
      uint64_t cum = 0;
      for (int d = 0; d <= kMaxD; ++d) {
        cum += neg.band_hist[k][band][d];
        out << " " << percent(cum, neg.band_pairs[band]) << " |";
      }
      out << "\n";
    }
  }

  // The closest false merges per k: what a threshold would wrongly merge.
  constexpr int kExamplesPerK = 12;
  constexpr int kExampleMaxD = 5;
  out << "\n### Closest false merges (up to " << kExamplesPerK
      << " per k, distance <= " << kExampleMaxD
      << "; ties by higher Jaccard, then input order)\n\n"
      << "| k | d | Jaccard | document a | words | document b | words | "
         "text of a |\n"
      << "|---:|---:|---:|---|---:|---|---:|---|\n";
  for (int k = 0; k < kNumK; ++k) {
    std::vector<std::pair<ClosePair, double>> ex;
    for (const auto& e : neg.examples) {
      if (e.first.distance[k] <= kExampleMaxD) ex.push_back(e);
    }
    std::stable_sort(ex.begin(), ex.end(), [&](const auto& x, const auto& y) {
      if (x.first.distance[k] != y.first.distance[k]) {
        return x.first.distance[k] < y.first.distance[k];
      }
      return x.second > y.second;
    });
    if (ex.size() > kExamplesPerK) ex.resize(kExamplesPerK);
    for (const auto& [p, j] : ex) {
      out << "| " << k + kMinK << " | " << int{p.distance[k]} << " | "
          << fmt("%.2f", j) << " | " << docs[p.a].id << " | " << docs[p.a].words
          << " | " << docs[p.b].id << " | " << docs[p.b].words << " | "
          << excerpt(docs[p.a].text, 70) << " |\n";
    }
  }

  // 3. Cost.
  out << "\n## 3. Index cost\n\n"
      << "`HammingTables::suggested_blocks(d, n)` and the resulting "
         "`num_tables()` = C(blocks, d): each table is one sort of the n "
         "fingerprints. \"key bits\" is the narrowest table key, "
         "(blocks - d) * floor(64 / blocks).\n\n"
      << "| d | n = 1e5: blocks | tables | key bits | n = 1e6: blocks | "
         "tables | key bits | n = 1e7: blocks | tables | key bits |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (int d = 0; d <= kMaxD; ++d) {
    out << "| " << d << " |";
    for (size_t n : {size_t{100000}, size_t{1000000}, size_t{10000000}}) {
      const int blocks = neardup::HammingTables::suggested_blocks(d, n);
      auto tables = neardup::HammingTables::create(d, blocks);
      if (!tables.ok()) {
        std::cerr << "neardup_simhash_study: " << tables.status().to_string()
                  << "\n";
        return kExitRuntime;
      }
      out << " " << blocks << " | " << tables->num_tables() << " | "
          << (blocks - d) * (64 / blocks) << " |";
    }
    out << "\n";
  }

  std::cout << out.str();
  std::cout.flush();
  log("done");
  return std::cout ? 0 : kExitRuntime;
}
