#include "eval/pair_labels.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace neardup::eval {

namespace {

constexpr size_t kNoColumn = std::numeric_limits<size_t>::max();

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

// Where the fields of a row are, as the header names them.
struct Columns {
  size_t id_a = kNoColumn, id_b = kNoColumn, label = kNoColumn;
  size_t corpus = kNoColumn;  // optional
  size_t needed = 0;          // fields a row must have
};

// Reads one labels file line by line: the header, then the rows.
class PairLabelsReader {
 public:
  PairLabelsReader(const std::string& path, std::string_view corpus)
      : path_(path), corpus_(corpus) {}

  Status add_line(uint64_t number, std::string_view line);
  Result<std::vector<LabelledPair>> finish();

 private:
  Status read_header(const std::string& where, std::string_view line);
  Status add_row(const std::string& where, uint64_t number,
                 std::string_view line);
  Status check_pair(const std::string& where, uint64_t number,
                    std::string_view corpus, const LabelledPair& pair);

  const std::string path_;
  const std::string corpus_;  // empty: every row
  bool header_read_ = false;
  Columns columns_;
  std::set<std::string, std::less<>> corpora_;  // seen; for the error message
  // "corpus \t id \t id" (ids in order) -> the line that labelled the pair.
  std::unordered_map<std::string, uint64_t> labelled_;
  std::vector<LabelledPair> pairs_;
};

Status PairLabelsReader::add_line(uint64_t number, std::string_view line) {
  const std::string where = path_ + ":" + std::to_string(number);
  if (header_read_) return add_row(where, number, line);
  header_read_ = true;
  return read_header(where, line);
}

Status PairLabelsReader::read_header(const std::string& where,
                                     std::string_view line) {
  const std::vector<std::string_view> names = split_tabs(line);
  const std::pair<std::string_view, size_t*> wanted[] = {
      {"id_a", &columns_.id_a},
      {"id_b", &columns_.id_b},
      {"label", &columns_.label},
      {"corpus", &columns_.corpus}};
  for (size_t i = 0; i < names.size(); ++i) {
    for (const auto& [name, column] : wanted) {
      if (names[i] != name) continue;
      if (*column != kNoColumn) {
        return Status::InvalidArgument(where + ": the header names \"" +
                                       std::string(name) + "\" twice");
      }
      *column = i;
    }
  }
  for (const auto& [name, column] : wanted) {
    if (*column == kNoColumn && name != "corpus") {
      return Status::InvalidArgument(
          where + ": the header has no \"" + std::string(name) +
          "\" column (id_a, id_b and label are required)");
    }
  }
  if (!corpus_.empty() && columns_.corpus == kNoColumn) {
    return Status::InvalidArgument(
        where + ": the header has no \"corpus\" column to select corpus \"" +
        corpus_ + "\" by");
  }
  columns_.needed =
      1 +
      std::max({columns_.id_a, columns_.id_b, columns_.label,
                columns_.corpus == kNoColumn ? size_t{0} : columns_.corpus});
  return Status::OK();
}

// Every row is checked, also those of other corpora: a bad file is reported
// whichever corpus is scored.
Status PairLabelsReader::add_row(const std::string& where, uint64_t number,
                                 std::string_view line) {
  const std::vector<std::string_view> fields = split_tabs(line);
  if (fields.size() < columns_.needed) {
    return Status::InvalidArgument(where + ": " +
                                   std::to_string(fields.size()) +
                                   " tab-separated fields, the header needs " +
                                   std::to_string(columns_.needed));
  }
  LabelledPair pair{std::string(fields[columns_.id_a]),
                    std::string(fields[columns_.id_b])};
  const std::string_view label = fields[columns_.label];
  if (label != "duplicate" && label != "distinct") {
    return Status::InvalidArgument(where + ": label \"" + std::string(label) +
                                   "\" is neither duplicate nor distinct");
  }
  pair.duplicate = label == "duplicate";
  const std::string_view corpus = columns_.corpus == kNoColumn
                                      ? std::string_view()
                                      : fields[columns_.corpus];
  NEARDUP_RETURN_IF_ERROR(check_pair(where, number, corpus, pair));
  if (!corpus_.empty()) {
    corpora_.emplace(corpus);
    if (corpus != corpus_) return Status::OK();
  }
  pairs_.push_back(std::move(pair));
  return Status::OK();
}

Status PairLabelsReader::check_pair(const std::string& where, uint64_t number,
                                    std::string_view corpus,
                                    const LabelledPair& pair) {
  if (pair.id_a.empty() || pair.id_b.empty()) {
    return Status::InvalidArgument(where + ": empty id");
  }
  if (pair.id_a == pair.id_b) {
    return Status::InvalidArgument(where + ": id \"" + pair.id_a +
                                   "\" is paired with itself");
  }
  const auto [first, second] = std::minmax(pair.id_a, pair.id_b);
  std::string key = std::string(corpus) + '\t' + first + '\t' + second;
  const auto [it, added] = labelled_.emplace(std::move(key), number);
  if (!added) {
    return Status::InvalidArgument(where + ": the pair " + pair.id_a + ", " +
                                   pair.id_b + " is labelled on line " +
                                   std::to_string(it->second) + " already");
  }
  return Status::OK();
}

Result<std::vector<LabelledPair>> PairLabelsReader::finish() {
  if (!header_read_) {
    return Status::InvalidArgument(
        path_ + ": empty; expected a header with id_a, id_b and label");
  }
  if (!corpus_.empty() && pairs_.empty()) {
    std::string seen;
    for (const std::string& corpus : corpora_) {
      seen += (seen.empty() ? "" : ", ") + corpus;
    }
    return Status::InvalidArgument(
        path_ + ": no row of corpus \"" + corpus_ +
        "\" (corpora: " + (seen.empty() ? "none" : seen) + ")");
  }
  return std::move(pairs_);
}

double share(uint64_t part, uint64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole)
                   : 1.0;
}

}  // namespace

Result<std::vector<LabelledPair>> read_pair_labels(const std::string& path,
                                                   std::string_view corpus) {
  PairLabelsReader reader(path, corpus);
  NEARDUP_RETURN_IF_ERROR(for_each_line(
      path, [&reader](uint64_t number, std::string_view line, size_t) {
        return reader.add_line(number, line);
      }));
  return reader.finish();
}

PairLabelScores score_pair_labels(const Labels& predicted,
                                  std::span<const LabelledPair> pairs) {
  PairLabelScores s;
  s.pairs = pairs.size();
  std::unordered_set<std::string_view> missing;
  for (const LabelledPair& pair : pairs) {
    const auto a = predicted.index.find(pair.id_a);
    const auto b = predicted.index.find(pair.id_b);
    if (a == predicted.index.end()) missing.insert(pair.id_a);
    if (b == predicted.index.end()) missing.insert(pair.id_b);
    if (a == predicted.index.end() || b == predicted.index.end()) {
      ++s.skipped_pairs;
      continue;
    }
    const bool together =
        predicted.clusters[a->second] == predicted.clusters[b->second];
    ++(pair.duplicate ? s.duplicates : s.distinct);
    s.co_clustered += together;
    s.co_clustered_duplicates += together && pair.duplicate;
  }
  s.missing_ids = missing.size();
  s.precision = share(s.co_clustered_duplicates, s.co_clustered);
  s.recall = share(s.co_clustered_duplicates, s.duplicates);
  return s;
}

Result<PairLabelScores> run_pair_labels(const std::string& path,
                                        std::string_view corpus,
                                        const Labels& predicted) {
  Result<std::vector<LabelledPair>> pairs = read_pair_labels(path, corpus);
  if (!pairs.ok()) return pairs.status();
  return score_pair_labels(predicted, *pairs);
}

std::string pair_labels_to_json(const PairLabelScores& s) {
  std::string out = "{\"pairs\": " + std::to_string(s.pairs);
  out += ", \"scored\": " + std::to_string(s.duplicates + s.distinct);
  out += ", \"duplicates\": " + std::to_string(s.duplicates);
  out += ", \"distinct\": " + std::to_string(s.distinct);
  out += ", \"co_clustered\": " + std::to_string(s.co_clustered);
  out += ", \"co_clustered_duplicates\": " +
         std::to_string(s.co_clustered_duplicates);
  out += ", \"precision\": " + json_number(s.precision);
  out += ", \"recall\": " + json_number(s.recall);
  out += ", \"skipped_pairs\": " + std::to_string(s.skipped_pairs);
  out += ", \"missing_ids\": " + std::to_string(s.missing_ids) + "}";
  return out;
}

std::string pair_labels_to_text(const PairLabelScores& s,
                                const std::string& path,
                                std::string_view corpus) {
  auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::string out = "labelled pairs of " + path;
  if (!corpus.empty()) out += ", corpus " + std::string(corpus);
  out += ": " + std::to_string(s.pairs) + "\n";
  char buf[640];
  std::snprintf(
      buf, sizeof(buf),
      "  scored (both ids in the clusters file)             %8llu  (%llu "
      "duplicate, %llu distinct)\n"
      "  co-clustered                                       %8llu  (%llu "
      "duplicate, %llu distinct)\n"
      "  precision (co-clustered duplicates / co-clustered) %8.4f\n"
      "  recall (co-clustered duplicates / duplicates)      %8.4f\n"
      "  skipped (an id not in the clusters file)           %8llu  (%llu ids "
      "not found)\n",
      ull(s.duplicates + s.distinct), ull(s.duplicates), ull(s.distinct),
      ull(s.co_clustered), ull(s.co_clustered_duplicates),
      ull(s.co_clustered - s.co_clustered_duplicates), s.precision, s.recall,
      ull(s.skipped_pairs), ull(s.missing_ids));
  return out + buf;
}

std::string add_pair_labels_to_report(std::string report,
                                      const PairLabelScores& scores) {
  // Replace the closing "}\n" by the new member.
  assert(report.size() >= 3 &&
         report.compare(report.size() - 2, 2, "}\n") == 0);
  report.resize(report.size() - 2);
  if (report.size() > 1) report += ", ";
  return report + "\"pair_labels\": " + pair_labels_to_json(scores) + "}\n";
}

}  // namespace neardup::eval
