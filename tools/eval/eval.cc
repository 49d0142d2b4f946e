#include "eval/eval.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "reader/jsonl_reader.h"
#include "write/byte_sink.h"

namespace neardup::eval {

Status for_each_line(const std::string& path, const LineFn& line_fn) {
  internal::JsonlReader reader({path}, size_t{4} << 20, size_t{1} << 30);
  internal::Chunk chunk;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) return Status::OK();
    for (size_t i = 0; i < chunk.lines.size(); ++i) {
      const internal::LineSpan& span = chunk.lines[i];
      const uint64_t number = chunk.first_file_line + i + 1;
      if (span.kind == internal::LineKind::kTruncated) {
        return Status::Corruption(path + ": " + chunk.input_error);
      }
      if (span.kind == internal::LineKind::kTooLong) {
        return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                       ": line too long");
      }
      std::string_view line(chunk.data() + span.offset, span.length);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      const size_t readable =
          chunk.size() - span.offset + internal::kParsePadding;
      NEARDUP_RETURN_IF_ERROR(line_fn(number, line, readable));
    }
  }
}

namespace {

Status add_label(Labels* labels, std::string id, std::string cluster,
                 std::string kind, bool with_kind, const std::string& where) {
  if (!labels->index.emplace(id, labels->ids.size()).second) {
    return Status::InvalidArgument(where + ": id \"" + id + "\" appears twice");
  }
  labels->ids.push_back(std::move(id));
  labels->clusters.push_back(std::move(cluster));
  if (with_kind) labels->kinds.push_back(std::move(kind));
  return Status::OK();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

enum class Field { kFound, kAbsent, kWrongType, kBadJson };

// Copies the string, or the JSON token of the number, at `pointer` of `doc`
// into `out`; null counts as absent. Copies at once because the next
// at_pointer() rewinds the document, which reuses the parser's string buffer.
Field read_field(simdjson::ondemand::document& doc, const std::string& pointer,
                 std::string* out) {
  simdjson::ondemand::value value;
  const simdjson::error_code error = doc.at_pointer(pointer).get(value);
  if (error == simdjson::NO_SUCH_FIELD ||
      error == simdjson::INDEX_OUT_OF_BOUNDS) {
    return Field::kAbsent;
  }
  simdjson::ondemand::json_type type;
  if (error || value.type().get(type)) return Field::kBadJson;
  switch (type) {
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text)) return Field::kBadJson;
      out->assign(text);
      return Field::kFound;
    }
    case simdjson::ondemand::json_type::number:
      out->assign(trim(value.raw_json_token()));
      return Field::kFound;
    case simdjson::ondemand::json_type::null:
      return Field::kAbsent;
    default:
      return Field::kWrongType;
  }
}

// Where one JSONL label file keeps its fields.
struct JsonlFields {
  std::string id = "/id";
  std::string group = "/cluster";
  std::string kind;  // empty: no kinds
  bool require_kind = false;
};

// One JSONL line: the id and group, and the kind if `fields.kind` is set; the
// first line decides whether all lines have a kind.
Status add_jsonl_label(simdjson::ondemand::parser* parser,
                       const std::string& where, std::string_view line,
                       size_t readable, const JsonlFields& fields, bool first,
                       bool* with_kind, Labels* labels) {
  simdjson::ondemand::document doc;
  if (parser->iterate(line.data(), line.size(), readable).get(doc)) {
    return Status::InvalidArgument(where + ": not JSON");
  }
  std::string id, group, kind;
  for (const auto& [pointer, value] :
       {std::pair{&fields.id, &id}, std::pair{&fields.group, &group}}) {
    if (read_field(doc, *pointer, value) != Field::kFound) {
      return Status::InvalidArgument(
          where + ": expected a string or number at " + *pointer);
    }
  }
  bool has_kind = false;
  if (!fields.kind.empty()) {
    const Field found = read_field(doc, fields.kind, &kind);
    if (found == Field::kWrongType || found == Field::kBadJson) {
      return Status::InvalidArgument(
          where + ": expected a string or number at " + fields.kind);
    }
    has_kind = found == Field::kFound;
    if (!has_kind && fields.require_kind) {
      return Status::InvalidArgument(where + ": no kind at " + fields.kind);
    }
  }
  if (first) *with_kind = has_kind;
  if (has_kind != *with_kind) {
    return Status::InvalidArgument(where + ": a kind (" + fields.kind +
                                   ") on some lines only");
  }
  return add_label(labels, std::move(id), std::move(group), std::move(kind),
                   has_kind, where);
}

// One line of a truth TSV; the first is the header.
Status add_tsv_label(const std::string& where, std::string_view line,
                     bool first, bool* with_kind, Labels* labels) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (first) {
    if (fields.size() < 2 || fields[0] != "id" || fields[1] != "group") {
      return Status::InvalidArgument(
          where + ": expected the header id<TAB>group[<TAB>kind]");
    }
    *with_kind = fields.size() >= 3 && fields[2] == "kind";
    return Status::OK();
  }
  if (fields.size() < (*with_kind ? 3u : 2u)) {
    return Status::InvalidArgument(where + ": too few fields");
  }
  return add_label(labels, std::string(fields[0]), std::string(fields[1]),
                   *with_kind ? std::string(fields[2]) : std::string(),
                   *with_kind, where);
}

uint64_t pairs(uint64_t n) { return n * (n - 1) / 2; }

// Calls `fn` with each part of `kind` split at '+'.
template <typename Fn>
void for_each_kind_part(const std::string& kind, Fn fn) {
  size_t start = 0;
  while (true) {
    const size_t plus = kind.find('+', start);
    fn(kind.substr(start, plus - start));
    if (plus == std::string::npos) return;
    start = plus + 1;
  }
}

void add_copy(bool linked, CopyScores* c) {
  ++c->copies;
  c->linked += linked;
  c->linked_share =
      static_cast<double>(c->linked) / static_cast<double>(c->copies);
}

double f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

std::string copy_json(const CopyScores& c) {
  return "{\"copies\": " + std::to_string(c.copies) +
         ", \"linked\": " + std::to_string(c.linked) +
         ", \"linked_share\": " + json_number(c.linked_share) + "}";
}

}  // namespace

Result<Labels> read_clusters(const std::string& path) {
  Labels labels;
  simdjson::ondemand::parser parser;
  const JsonlFields fields;
  bool first = true, with_kind = false;
  Status status = for_each_line(
      path, [&](uint64_t number, std::string_view line, size_t readable) {
        Status s =
            add_jsonl_label(&parser, path + ":" + std::to_string(number), line,
                            readable, fields, first, &with_kind, &labels);
        first = false;
        return s;
      });
  if (!status.ok()) return status;
  return labels;
}

Result<Labels> read_truth(const std::string& path,
                          const TruthOptions& options) {
  for (const std::string* pointer :
       {&options.group_field, &options.kind_field}) {
    if (!pointer->empty() && pointer->front() != '/') {
      return Status::InvalidArgument("\"" + *pointer +
                                     "\" is not a JSON pointer (\"\" or "
                                     "starting with '/')");
    }
  }
  JsonlFields fields;
  fields.group = options.group_field;
  fields.kind = options.kind_field;
  fields.require_kind = options.require_kind;
  Labels labels;
  simdjson::ondemand::parser parser;
  bool first = true, jsonl = false, with_kind = false;
  Status status = for_each_line(
      path, [&](uint64_t number, std::string_view line, size_t readable) {
        const std::string where = path + ":" + std::to_string(number);
        if (first) jsonl = line.front() == '{';
        Status s = jsonl
                       ? add_jsonl_label(&parser, where, line, readable, fields,
                                         first, &with_kind, &labels)
                       : add_tsv_label(where, line, first, &with_kind, &labels);
        first = false;
        return s;
      });
  if (!status.ok()) return status;
  return labels;
}

std::vector<int64_t> find_originals(const Labels& truth) {
  const size_t n = truth.ids.size();
  // Group label -> its original; the id rule first, then the kind rule.
  std::unordered_map<std::string_view, int64_t> original;
  for (size_t d = 0; d < n; ++d) {
    original.emplace(truth.clusters[d], -1);
    if (truth.ids[d] == truth.clusters[d]) {
      original[truth.clusters[d]] = static_cast<int64_t>(d);
    }
  }
  if (!truth.kinds.empty()) {
    for (size_t d = 0; d < n; ++d) {
      int64_t& o = original[truth.clusters[d]];
      if (o < 0 && (truth.kinds[d] == "original" || truth.kinds[d] == "orig")) {
        o = static_cast<int64_t>(d);
      }
    }
  }
  std::vector<int64_t> out(n);
  for (size_t d = 0; d < n; ++d) out[d] = original[truth.clusters[d]];
  return out;
}

Result<Scores> evaluate(const Labels& predicted, const Labels& truth) {
  Scores scores;
  const size_t n = truth.ids.size();
  scores.documents = n;
  // Dense cluster numbers for both sides, over the truth's documents.
  std::vector<uint32_t> pred(n), real(n);
  {
    std::unordered_map<std::string_view, uint32_t> pred_ids, real_ids;
    for (size_t d = 0; d < n; ++d) {
      auto it = predicted.index.find(truth.ids[d]);
      if (it == predicted.index.end()) {
        return Status::InvalidArgument("id \"" + truth.ids[d] +
                                       "\" has no predicted cluster");
      }
      pred[d] = pred_ids
                    .emplace(predicted.clusters[it->second],
                             static_cast<uint32_t>(pred_ids.size()))
                    .first->second;
      real[d] = real_ids
                    .emplace(truth.clusters[d],
                             static_cast<uint32_t>(real_ids.size()))
                    .first->second;
    }
    scores.predicted_clusters = pred_ids.size();
    scores.true_clusters = real_ids.size();
  }
  for (const std::string& id : predicted.ids) {
    scores.predicted_only += truth.index.count(id) == 0;
  }
  std::vector<uint64_t> pred_size(scores.predicted_clusters, 0);
  std::vector<uint64_t> real_size(scores.true_clusters, 0);
  std::unordered_map<uint64_t, uint64_t> cell;  // (pred, real) -> documents
  for (size_t d = 0; d < n; ++d) {
    ++pred_size[pred[d]];
    ++real_size[real[d]];
    ++cell[uint64_t{pred[d]} << 32 | real[d]];
  }
  for (uint64_t s : pred_size) scores.predicted_pairs += pairs(s);
  for (uint64_t s : real_size) scores.true_pairs += pairs(s);
  for (const auto& [key, count] : cell) scores.common_pairs += pairs(count);

  if (scores.predicted_pairs > 0) {
    scores.pair_precision = static_cast<double>(scores.common_pairs) /
                            static_cast<double>(scores.predicted_pairs);
  }
  if (scores.true_pairs > 0) {
    scores.pair_recall = static_cast<double>(scores.common_pairs) /
                         static_cast<double>(scores.true_pairs);
  }
  scores.pair_f1 = f1(scores.pair_precision, scores.pair_recall);

  if (n > 0) {
    double precision = 0, recall = 0;
    for (size_t d = 0; d < n; ++d) {
      const auto both =
          static_cast<double>(cell[uint64_t{pred[d]} << 32 | real[d]]);
      precision += both / static_cast<double>(pred_size[pred[d]]);
      const double r = both / static_cast<double>(real_size[real[d]]);
      recall += r;
      if (!truth.kinds.empty()) {
        const std::string& kind = truth.kinds[d];
        KindScores& k = scores.by_kind[kind];
        ++k.documents;
        k.bcubed_recall += r;  // a sum until divided below
        for_each_kind_part(kind, [&](const std::string& part) {
          ++scores.by_kind_part[part].documents;
          scores.by_kind_part[part].bcubed_recall += r;
        });
      }
    }
    scores.bcubed_precision = precision / static_cast<double>(n);
    scores.bcubed_recall = recall / static_cast<double>(n);
    for (auto* kinds : {&scores.by_kind, &scores.by_kind_part}) {
      for (auto& [kind, k] : *kinds) {
        k.bcubed_recall /= static_cast<double>(k.documents);
      }
    }
  }
  scores.bcubed_f1 = f1(scores.bcubed_precision, scores.bcubed_recall);

  // Copies linked to their original.
  const std::vector<int64_t> originals = find_originals(truth);
  std::unordered_set<std::string_view> orphan_groups;
  for (size_t d = 0; d < n; ++d) {
    const int64_t o = originals[d];
    if (o < 0) {
      orphan_groups.insert(truth.clusters[d]);
      ++scores.documents_without_original;
      continue;
    }
    if (o == static_cast<int64_t>(d)) continue;
    const bool linked = pred[d] == pred[static_cast<size_t>(o)];
    add_copy(linked, &scores.copies);
    if (!truth.kinds.empty()) {
      add_copy(linked, &scores.copies_by_kind[truth.kinds[d]]);
      for_each_kind_part(truth.kinds[d], [&](const std::string& part) {
        add_copy(linked, &scores.copies_by_kind_part[part]);
      });
    }
  }
  scores.groups_without_original = orphan_groups.size();

  // Hubert & Arabie: (index - expected) / (max - expected) over pair counts.
  const double all = static_cast<double>(pairs(n));
  const double a = static_cast<double>(scores.predicted_pairs);
  const double b = static_cast<double>(scores.true_pairs);
  const double expected = all > 0 ? a * b / all : 0;
  const double max = (a + b) / 2;
  scores.adjusted_rand_index =
      max - expected != 0
          ? (static_cast<double>(scores.common_pairs) - expected) /
                (max - expected)
          : 1.0;
  return scores;
}

std::string scores_to_json(const Scores& s) {
  std::string out = "{\"documents\": " + std::to_string(s.documents);
  out += ", \"predicted_clusters\": " + std::to_string(s.predicted_clusters);
  out += ", \"true_clusters\": " + std::to_string(s.true_clusters);
  out += ", \"predicted_pairs\": " + std::to_string(s.predicted_pairs);
  out += ", \"true_pairs\": " + std::to_string(s.true_pairs);
  out += ", \"common_pairs\": " + std::to_string(s.common_pairs);
  out += ", \"pair_precision\": " + json_number(s.pair_precision);
  out += ", \"pair_recall\": " + json_number(s.pair_recall);
  out += ", \"pair_f1\": " + json_number(s.pair_f1);
  out += ", \"bcubed_precision\": " + json_number(s.bcubed_precision);
  out += ", \"bcubed_recall\": " + json_number(s.bcubed_recall);
  out += ", \"bcubed_f1\": " + json_number(s.bcubed_f1);
  out += ", \"adjusted_rand_index\": " + json_number(s.adjusted_rand_index);
  out += ", \"predicted_only\": " + std::to_string(s.predicted_only);
  for (const auto& [name, kinds] :
       {std::pair{"by_kind", &s.by_kind},
        std::pair{"by_kind_part", &s.by_kind_part}}) {
    out += ", \"";
    out += name;
    out += "\": {";
    bool first = true;
    for (const auto& [kind, k] : *kinds) {
      if (!first) out += ", ";
      first = false;
      internal::append_json_string(kind, &out);
      out += ": {\"documents\": " + std::to_string(k.documents) +
             ", \"bcubed_recall\": " + json_number(k.bcubed_recall) + "}";
    }
    out += "}";
  }
  out += ", \"copies_linked\": " + copy_json(s.copies);
  for (const auto& [name, kinds] :
       {std::pair{"copies_linked_by_kind", &s.copies_by_kind},
        std::pair{"copies_linked_by_kind_part", &s.copies_by_kind_part}}) {
    out += ", \"";
    out += name;
    out += "\": {";
    bool first = true;
    for (const auto& [kind, c] : *kinds) {
      if (!first) out += ", ";
      first = false;
      internal::append_json_string(kind, &out);
      out += ": " + copy_json(c);
    }
    out += "}";
  }
  out += ", \"groups_without_original\": " +
         std::to_string(s.groups_without_original);
  out += ", \"documents_without_original\": " +
         std::to_string(s.documents_without_original);
  out += "}\n";
  return out;
}

std::string json_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

Status write_json(const std::string& path, const Scores& scores) {
  return write_json(path, scores_to_json(scores));
}

Status write_json(const std::string& path, std::string_view json) {
  Result<std::unique_ptr<internal::ByteSink>> sink =
      internal::open_sink(path, /*compress_by_extension=*/false);
  if (!sink.ok()) return sink.status();
  NEARDUP_RETURN_IF_ERROR((*sink)->append(json));
  return (*sink)->commit();
}

std::string scores_to_text(const Scores& s) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof(buf),
                "documents %llu: %llu predicted clusters, %llu true clusters\n"
                "pairs: %llu predicted, %llu true, %llu in common\n"
                "pair      precision %.4f  recall %.4f  F1 %.4f\n"
                "B-cubed   precision %.4f  recall %.4f  F1 %.4f\n"
                "adjusted Rand index %.4f\n",
                static_cast<unsigned long long>(s.documents),
                static_cast<unsigned long long>(s.predicted_clusters),
                static_cast<unsigned long long>(s.true_clusters),
                static_cast<unsigned long long>(s.predicted_pairs),
                static_cast<unsigned long long>(s.true_pairs),
                static_cast<unsigned long long>(s.common_pairs),
                s.pair_precision, s.pair_recall, s.pair_f1, s.bcubed_precision,
                s.bcubed_recall, s.bcubed_f1, s.adjusted_rand_index);
  out += buf;
  if (s.predicted_only > 0) {
    out += std::to_string(s.predicted_only) +
           " predicted ids have no truth label and were left out\n";
  }
  if (!s.by_kind_part.empty()) {
    out +=
        "B-cubed recall by kind (each part of a combined kind; --json has "
        "every combination):\n";
  }
  for (const auto& [kind, k] : s.by_kind_part) {
    std::snprintf(buf, sizeof(buf), "  %-32s %8llu docs  %.4f\n", kind.c_str(),
                  static_cast<unsigned long long>(k.documents),
                  k.bcubed_recall);
    out += buf;
  }
  if (s.copies.copies > 0 || s.documents_without_original > 0) {
    out +=
        "copies linked to their original, by kind (share of the copies put "
        "in their\noriginal's predicted cluster; each part of a combined "
        "kind; --json has every\ncombination):\n";
    std::snprintf(buf, sizeof(buf), "  %-32s %8s  %s\n", "kind", "copies",
                  "linked");
    out += buf;
    for (const auto& [kind, c] : s.copies_by_kind_part) {
      std::snprintf(buf, sizeof(buf), "  %-32s %8llu  %.4f\n", kind.c_str(),
                    static_cast<unsigned long long>(c.copies), c.linked_share);
      out += buf;
    }
    std::snprintf(buf, sizeof(buf), "  %-32s %8llu  %.4f\n", "(all copies)",
                  static_cast<unsigned long long>(s.copies.copies),
                  s.copies.linked_share);
    out += buf;
  }
  if (s.groups_without_original > 0) {
    out += std::to_string(s.groups_without_original) + " groups (" +
           std::to_string(s.documents_without_original) +
           " documents) have no original (no member whose id is the group "
           "label or whose\nkind is original or orig); their documents are "
           "not counted as copies\n";
  }
  return out;
}

}  // namespace neardup::eval
