#include "eval/eval.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string_view>
#include <utility>

#include "reader/jsonl_reader.h"
#include "write/byte_sink.h"

namespace neardup::eval {

namespace {

// Calls `line_fn(number, line, readable)` for every non-empty line of
// `path` (gzip and zstd decompressed; 1-based numbers; a trailing '\r'
// dropped), where `readable` bytes from line.data() may be read (simdjson's
// padding), stopping at the first error it returns.
template <typename Fn>
Status for_each_line(const std::string& path, Fn line_fn) {
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

// One JSONL line with string fields "id" and "cluster", and "kind" if
// `want_kind`; the first line decides whether all lines have a kind.
Status add_jsonl_label(simdjson::ondemand::parser* parser,
                       const std::string& where, std::string_view line,
                       size_t readable, bool want_kind, bool first,
                       bool* with_kind, Labels* labels) {
  simdjson::ondemand::document doc;
  std::string_view id, cluster, kind;
  if (parser->iterate(line.data(), line.size(), readable).get(doc) ||
      doc.find_field_unordered("id").get_string().get(id) ||
      doc.find_field_unordered("cluster").get_string().get(cluster)) {
    return Status::InvalidArgument(
        where + ": expected string fields \"id\" and \"cluster\"");
  }
  const bool has_kind =
      want_kind && !doc.find_field_unordered("kind").get_string().get(kind);
  if (first) *with_kind = has_kind;
  if (has_kind != *with_kind) {
    return Status::InvalidArgument(where + ": \"kind\" on some lines only");
  }
  return add_label(labels, std::string(id), std::string(cluster),
                   std::string(kind), has_kind, where);
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

double f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

}  // namespace

Result<Labels> read_clusters(const std::string& path) {
  Labels labels;
  simdjson::ondemand::parser parser;
  bool first = true, with_kind = false;
  Status status = for_each_line(
      path, [&](uint64_t number, std::string_view line, size_t readable) {
        Status s = add_jsonl_label(&parser, path + ":" + std::to_string(number),
                                   line, readable, /*want_kind=*/false, first,
                                   &with_kind, &labels);
        first = false;
        return s;
      });
  if (!status.ok()) return status;
  return labels;
}

Result<Labels> read_truth(const std::string& path) {
  Labels labels;
  simdjson::ondemand::parser parser;
  bool first = true, jsonl = false, with_kind = false;
  Status status = for_each_line(
      path, [&](uint64_t number, std::string_view line, size_t readable) {
        const std::string where = path + ":" + std::to_string(number);
        if (first) jsonl = line.front() == '{';
        Status s = jsonl
                       ? add_jsonl_label(&parser, where, line, readable,
                                         /*want_kind=*/true, first, &with_kind,
                                         &labels)
                       : add_tsv_label(where, line, first, &with_kind, &labels);
        first = false;
        return s;
      });
  if (!status.ok()) return status;
  return labels;
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
        size_t start = 0;
        while (true) {
          const size_t plus = kind.find('+', start);
          KindScores& part =
              scores.by_kind_part[kind.substr(start, plus - start)];
          ++part.documents;
          part.bcubed_recall += r;
          if (plus == std::string::npos) break;
          start = plus + 1;
        }
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
  out += ", \"pair_precision\": " + number(s.pair_precision);
  out += ", \"pair_recall\": " + number(s.pair_recall);
  out += ", \"pair_f1\": " + number(s.pair_f1);
  out += ", \"bcubed_precision\": " + number(s.bcubed_precision);
  out += ", \"bcubed_recall\": " + number(s.bcubed_recall);
  out += ", \"bcubed_f1\": " + number(s.bcubed_f1);
  out += ", \"adjusted_rand_index\": " + number(s.adjusted_rand_index);
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
             ", \"bcubed_recall\": " + number(k.bcubed_recall) + "}";
    }
    out += "}";
  }
  out += "}\n";
  return out;
}

Status write_json(const std::string& path, const Scores& scores) {
  Result<std::unique_ptr<internal::ByteSink>> sink =
      internal::open_sink(path, /*compress_by_extension=*/false);
  if (!sink.ok()) return sink.status();
  NEARDUP_RETURN_IF_ERROR((*sink)->append(scores_to_json(scores)));
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
  return out;
}

}  // namespace neardup::eval
