#include "eval/eval.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string_view>
#include <utility>

#include "reader/byte_source.h"
#include "write/byte_sink.h"

namespace neardup::eval {

namespace {

// The whole file, decompressed if it is gzip or zstd, with simdjson's
// padding after it (not counted in the returned size).
Result<std::pair<std::string, size_t>> read_padded(const std::string& path) {
  Result<std::unique_ptr<internal::ByteSource>> source =
      internal::open_source(path, nullptr, nullptr);
  if (!source.ok()) return source.status();
  std::string data;
  size_t size = 0;
  while (true) {
    if (data.size() - size < (size_t{1} << 20)) {
      data.resize(size + (size_t{1} << 20) + data.size());
    }
    Result<size_t> got =
        (*source)->read(data.data() + size, data.size() - size);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    size += *got;
  }
  data.resize(size + simdjson::SIMDJSON_PADDING, ' ');
  return std::make_pair(std::move(data), size);
}

// Calls `line_fn(number, line)` for every non-empty line (1-based numbers),
// stopping at the first error it returns.
template <typename Fn>
Status for_each_line(std::string_view data, Fn line_fn) {
  size_t start = 0;
  uint64_t number = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string_view::npos) end = data.size();
    ++number;
    std::string_view line = data.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) NEARDUP_RETURN_IF_ERROR(line_fn(number, line));
    start = end + 1;
  }
  return Status::OK();
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

// JSONL with string fields id and `cluster_field`, and optionally kind.
Result<Labels> read_jsonl(const std::string& path, std::string_view data,
                          size_t padded_size, std::string_view cluster_field,
                          bool want_kind) {
  Labels labels;
  simdjson::ondemand::parser parser;
  bool with_kind = false;
  Status status = for_each_line(
      data, [&](uint64_t number, std::string_view line) -> Status {
        const std::string where = path + ":" + std::to_string(number);
        const size_t offset = static_cast<size_t>(line.data() - data.data());
        simdjson::ondemand::document doc;
        std::string_view id, cluster, kind;
        if (parser.iterate(line.data(), line.size(), padded_size - offset)
                .get(doc) ||
            doc.find_field_unordered("id").get_string().get(id) ||
            doc.find_field_unordered(cluster_field).get_string().get(cluster)) {
          return Status::InvalidArgument(
              where + ": expected string fields \"id\" and \"" +
              std::string(cluster_field) + "\"");
        }
        const bool has_kind =
            want_kind &&
            !doc.find_field_unordered("kind").get_string().get(kind);
        if (number == 1) with_kind = has_kind;
        if (has_kind != with_kind) {
          return Status::InvalidArgument(where +
                                         ": \"kind\" on some lines only");
        }
        return add_label(&labels, std::string(id), std::string(cluster),
                         std::string(kind), with_kind, where);
      });
  if (!status.ok()) return status;
  return labels;
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
  Result<std::pair<std::string, size_t>> data = read_padded(path);
  if (!data.ok()) return data.status();
  return read_jsonl(path, std::string_view(data->first).substr(0, data->second),
                    data->first.size(), "cluster", /*want_kind=*/false);
}

Result<Labels> read_truth(const std::string& path) {
  Result<std::pair<std::string, size_t>> data = read_padded(path);
  if (!data.ok()) return data.status();
  const std::string_view text =
      std::string_view(data->first).substr(0, data->second);
  if (!text.empty() && text.front() == '{') {
    return read_jsonl(path, text, data->first.size(), "cluster",
                      /*want_kind=*/true);
  }
  Labels labels;
  bool with_kind = false;
  Status status = for_each_line(
      text, [&](uint64_t number, std::string_view line) -> Status {
        const std::string where = path + ":" + std::to_string(number);
        std::vector<std::string_view> fields;
        size_t start = 0;
        while (true) {
          const size_t tab = line.find('\t', start);
          fields.push_back(line.substr(start, tab - start));
          if (tab == std::string_view::npos) break;
          start = tab + 1;
        }
        if (number == 1) {
          if (fields.size() < 2 || fields[0] != "id" || fields[1] != "group") {
            return Status::InvalidArgument(
                where + ": expected the header id<TAB>group[<TAB>kind]");
          }
          with_kind = fields.size() >= 3 && fields[2] == "kind";
          return Status::OK();
        }
        if (fields.size() < (with_kind ? 3u : 2u)) {
          return Status::InvalidArgument(where + ": too few fields");
        }
        return add_label(&labels, std::string(fields[0]),
                         std::string(fields[1]),
                         with_kind ? std::string(fields[2]) : std::string(),
                         with_kind, where);
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
