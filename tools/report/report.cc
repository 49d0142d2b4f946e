#include "report/report.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <unordered_map>
#include <utility>

#include "eval/eval.h"
#include "parse/record_parser.h"
#include "pipeline/id_table.h"
#include "reader/jsonl_reader.h"
#include "report/html.h"
#include "write/byte_sink.h"

namespace neardup::report {

namespace {

constexpr uint32_t kNone = ~uint32_t{0};

using internal::id_hash;

// What the page needs of the run, one entry per document in input order.
struct Run {
  bool simhash = false;  // lines carry "distance", not "similarity"
  std::vector<uint64_t> id_hashes;
  std::vector<uint64_t> cluster_hash;  // until resolve_representatives()
  std::vector<uint32_t> rep;           // the representative's document
  std::vector<float> score;            // similarity or distance
  std::vector<uint32_t> size;          // cluster size, at representatives
  std::vector<uint32_t> truth;         // label group, or kNone
  std::vector<uint32_t> text_bytes;    // from the inputs
  uint64_t clusters = 0;
};

// The --stats file, as shown.
struct RunStats {
  bool present = false;
  std::vector<std::pair<std::string, std::string>> fields;  // scalars
  std::vector<std::pair<std::string, uint64_t>> rejects;    // by reason
  int bands = 0, rows = 0;
  double threshold = -1;  // jaccard_threshold or max_hamming_distance
};

// A group of (left, right) documents shown side by side.
struct Shown {
  std::string title;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
};

struct Page {
  std::vector<Shown> largest, sample, borderline, false_merges, misses;
};

Status bad_line(const std::string& path, uint64_t number,
                const std::string& why) {
  return Status::InvalidArgument(path + ":" + std::to_string(number) + ": " +
                                 why);
}

// id and cluster (strings or number tokens), representative, and
// similarity or distance of one clusters line.
Status read_cluster_line(simdjson::ondemand::document& doc, std::string* id,
                         std::string* cluster, bool* representative,
                         double* score, bool* simhash) {
  for (auto [key, out] : {std::pair{"id", id}, std::pair{"cluster", cluster}}) {
    simdjson::ondemand::value v;
    if (doc[key].get(v))
      return Status::InvalidArgument(std::string("no ") + key);
    std::string_view text;
    if (v.type() == simdjson::ondemand::json_type::string) {
      if (v.get_string().get(text))
        return Status::InvalidArgument("bad string");
    } else {
      text = v.raw_json_token();
    }
    out->assign(text);
  }
  if (doc["representative"].get_bool().get(*representative)) {
    return Status::InvalidArgument("no representative");
  }
  *simhash = false;
  if (doc["similarity"].get_double().get(*score) == simdjson::SUCCESS) {
    return Status::OK();
  }
  int64_t distance = 0;
  if (doc["distance"].get_int64().get(distance) == simdjson::SUCCESS) {
    *simhash = true;
    *score = static_cast<double>(distance);
    return Status::OK();
  }
  *score = *representative ? 1 : 0;  // story mode has no field for some
  return Status::OK();
}

struct TruthIndex {
  const eval::Labels* labels = nullptr;
  std::unordered_map<std::string, uint32_t> groups;
};

Status read_clusters(const std::string& path, TruthIndex* truth, Run* run) {
  simdjson::ondemand::parser parser;
  std::string id, cluster;
  return eval::for_each_line(path, [&](uint64_t number, std::string_view line,
                                       size_t readable) {
    simdjson::ondemand::document doc;
    if (parser.iterate(line.data(), line.size(), readable).get(doc)) {
      return bad_line(path, number, "not JSON");
    }
    bool representative = false, simhash = false;
    double score = 0;
    if (Status s = read_cluster_line(doc, &id, &cluster, &representative,
                                     &score, &simhash);
        !s.ok()) {
      return bad_line(path, number, s.message());
    }
    run->simhash = simhash;
    run->id_hashes.push_back(id_hash(id));
    run->cluster_hash.push_back(id_hash(cluster));
    run->score.push_back(static_cast<float>(score));
    run->clusters += representative;
    if (truth->labels != nullptr) {
      auto it = truth->labels->index.find(id);
      uint32_t group = kNone;
      if (it != truth->labels->index.end()) {
        const std::string& g = truth->labels->clusters[it->second];
        group =
            truth->groups.try_emplace(g, truth->groups.size()).first->second;
      }
      run->truth.push_back(group);
    }
    return Status::OK();
  });
}

// A member's cluster names its representative's id, which comes earlier in
// the input: the last document with that id before the member.
Status resolve_representatives(const std::string& path, Run* run) {
  const size_t n = run->id_hashes.size();
  std::vector<std::pair<uint64_t, uint32_t>> by_id(n);
  for (uint32_t doc = 0; doc < n; ++doc)
    by_id[doc] = {run->id_hashes[doc], doc};
  std::sort(by_id.begin(), by_id.end());
  run->rep.resize(n);
  run->size.assign(n, 0);
  for (uint32_t doc = 0; doc < n; ++doc) {
    auto it = std::upper_bound(by_id.begin(), by_id.end(),
                               std::pair{run->cluster_hash[doc], doc});
    if (it == by_id.begin() || (it - 1)->first != run->cluster_hash[doc]) {
      return Status::InvalidArgument(path + ":" + std::to_string(doc + 1) +
                                     ": its cluster names no earlier document");
    }
    run->rep[doc] = (it - 1)->second;
    ++run->size[run->rep[doc]];
  }
  std::vector<uint64_t>().swap(run->cluster_hash);
  return Status::OK();
}

std::string json_scalar(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(value));
    case simdjson::dom::element_type::DOUBLE: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.6g", double(value));
      return buf;
    }
    default:
      return simdjson::minify(value);
  }
}

Result<RunStats> read_stats(const std::string& path) {
  RunStats stats;
  if (path.empty()) return stats;
  simdjson::dom::parser parser;
  simdjson::padded_string bytes;
  if (simdjson::padded_string::load(path).get(bytes)) {
    return Status::IOError(path + ": cannot read the stats file");
  }
  simdjson::dom::object object;
  if (parser.parse(bytes).get_object().get(object)) {
    return Status::InvalidArgument(path + ": not a JSON object");
  }
  stats.present = true;
  for (auto [key, value] : object) {
    if (key == "rejected_by_reason" && value.is_object()) {
      for (auto [reason, count] : simdjson::dom::object(value)) {
        stats.rejects.emplace_back(std::string(reason),
                                   count.get_uint64().value_unsafe());
      }
      continue;
    }
    if (value.is_object() || value.is_array()) continue;
    stats.fields.emplace_back(std::string(key), json_scalar(value));
    if (key == "bands") stats.bands = static_cast<int>(int64_t(value));
    if (key == "rows") stats.rows = static_cast<int>(int64_t(value));
    if (key == "jaccard_threshold" || key == "max_hamming_distance") {
      stats.threshold = value.is_double() ? double(value)
                                          : static_cast<double>(int64_t(value));
    }
  }
  return stats;
}

// Up to `k` of `items`, chosen uniformly with a seeded generator (reservoir
// sampling), in their original order.
template <typename T>
std::vector<T> sample(const std::vector<T>& items, size_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> chosen;
  for (size_t i = 0; i < items.size(); ++i) {
    if (chosen.size() < k) {
      chosen.push_back(i);
    } else if (const size_t j = rng() % (i + 1); j < k) {
      chosen[j] = i;
    }
  }
  std::sort(chosen.begin(), chosen.end());
  std::vector<T> out;
  for (size_t i : chosen) out.push_back(items[i]);
  return out;
}

// Each of `reps` with up to `limit` of its members, in input order.
std::vector<Shown> clusters_of(const Run& run,
                               const std::vector<uint32_t>& reps, int limit) {
  std::vector<Shown> out(reps.size());
  std::unordered_map<uint32_t, size_t> where;
  for (size_t i = 0; i < reps.size(); ++i) {
    where[reps[i]] = i;
    out[i].title = "cluster of " + std::to_string(run.size[reps[i]]);
  }
  for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
    if (run.rep[doc] == doc) continue;
    auto it = where.find(run.rep[doc]);
    if (it == where.end()) continue;
    Shown& shown = out[it->second];
    if (shown.pairs.size() < static_cast<size_t>(limit)) {
      shown.pairs.emplace_back(run.rep[doc], doc);
    }
  }
  return out;
}

std::vector<uint32_t> largest_clusters(const Run& run,
                                       const std::vector<uint32_t>& multi,
                                       size_t k) {
  std::vector<uint32_t> reps = multi;
  const auto bigger = [&](uint32_t a, uint32_t b) {
    return run.size[a] != run.size[b] ? run.size[a] > run.size[b] : a < b;
  };
  k = std::min(k, reps.size());
  std::partial_sort(reps.begin(), reps.begin() + k, reps.end(), bigger);
  reps.resize(k);
  return reps;
}

// The members closest to the threshold: by |similarity - threshold|, or
// for SimHash the largest distances.
Shown borderline(const Run& run, double threshold, size_t k) {
  std::vector<std::pair<float, uint32_t>> members;
  for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
    if (run.rep[doc] == doc) continue;
    const double gap = run.simhash ? threshold - run.score[doc]
                                   : std::abs(run.score[doc] - threshold);
    members.emplace_back(static_cast<float>(gap), doc);
  }
  k = std::min(k, members.size());
  std::partial_sort(members.begin(), members.begin() + k, members.end());
  Shown shown{"closest to the threshold", {}};
  for (size_t i = 0; i < k; ++i) {
    shown.pairs.emplace_back(run.rep[members[i].second], members[i].second);
  }
  return shown;
}

// False merges: members labelled apart from their representative. Misses:
// documents labelled with the first of their group but in another cluster.
void truth_pairs(const Run& run, const ReportOptions& o, Page* page) {
  std::vector<std::pair<uint32_t, uint32_t>> merges, misses;
  std::unordered_map<uint32_t, uint32_t> first_of_group;
  for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
    const uint32_t group = run.truth[doc];
    const uint32_t rep = run.rep[doc];
    if (rep != doc && group != kNone && run.truth[rep] != kNone &&
        run.truth[rep] != group) {
      merges.emplace_back(rep, doc);
    }
    if (group == kNone) continue;
    auto [it, first] = first_of_group.try_emplace(group, doc);
    if (!first && run.rep[it->second] != rep)
      misses.emplace_back(it->second, doc);
  }
  const size_t k = static_cast<size_t>(o.truth_examples);
  page->false_merges.push_back({std::to_string(merges.size()) + " false merges",
                                sample(merges, k, o.seed)});
  page->misses.push_back(
      {std::to_string(misses.size()) + " misses", sample(misses, k, o.seed)});
}

Page select(const Run& run, const RunStats& stats, const ReportOptions& o) {
  std::vector<uint32_t> multi;  // representatives of clusters of 2 or more
  for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
    if (run.rep[doc] == doc && run.size[doc] >= 2) multi.push_back(doc);
  }
  Page page;
  const int limit = o.members_per_cluster;
  page.largest =
      clusters_of(run, largest_clusters(run, multi, o.largest_clusters), limit);
  page.sample = clusters_of(
      run, sample(multi, static_cast<size_t>(o.sampled_clusters), o.seed),
      limit);
  double threshold = stats.threshold;
  if (threshold < 0) threshold = run.simhash ? 5 : 0.5;
  page.borderline.push_back(
      borderline(run, threshold, static_cast<size_t>(o.borderline_members)));
  if (!run.truth.empty()) truth_pairs(run, o, &page);
  return page;
}

struct DocText {
  std::string id, text;
  bool cut = false;
};

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::string cut_utf8(std::string_view text, size_t max_bytes, bool* cut) {
  *cut = text.size() > max_bytes;
  if (!*cut) return std::string(text);
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end));
}

// The second pass: the inputs' documents in order, matched to the clusters
// lines by id; the texts of the `needed` ones, and every text's length.
Status read_texts(const ReportOptions& o, const std::vector<bool>& needed,
                  Run* run, std::unordered_map<uint32_t, DocText>* texts) {
  internal::JsonlReader reader(o.inputs, size_t{1} << 20, size_t{1} << 30);
  internal::RecordParser parser(o.text_field, o.id_field);
  internal::ParsedRecord record;
  internal::Chunk chunk;
  const size_t n = run->id_hashes.size();
  run->text_bytes.assign(n, 0);
  size_t next = 0;
  while (next < n) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (size_t i = 0; i < chunk.lines.size() && next < n; ++i) {
      const internal::LineSpan& span = chunk.lines[i];
      if (span.kind == internal::LineKind::kTooLong ||
          span.kind == internal::LineKind::kTruncated) {
        continue;
      }
      std::string_view line(chunk.data() + span.offset, span.length);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (blank(line)) continue;
      parser.parse(line, &record);
      if (!record.ok) continue;
      const std::string id =
          record.has_id ? record.id : std::to_string(chunk.first_line + i);
      if (id_hash(id) != run->id_hashes[next]) continue;  // rejected by dedup
      run->text_bytes[next] = static_cast<uint32_t>(
          std::min<size_t>(record.text.size(), UINT32_MAX));
      if (needed[next]) {
        DocText& doc = (*texts)[static_cast<uint32_t>(next)];
        doc.id = id;
        doc.text = cut_utf8(record.text, o.max_text_bytes, &doc.cut);
      }
      ++next;
    }
  }
  if (next != n) {
    return Status::InvalidArgument(
        "the inputs hold " + std::to_string(next) + " of the " +
        std::to_string(n) + " documents of " + o.clusters_path +
        ": give dedup's inputs, in its order, with its --text-field and "
        "--id-field");
  }
  return Status::OK();
}

constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
h3{font-size:14px;margin:12px 0 4px}
.kv{columns:4 220px;column-gap:28px;margin:0}.kv div{display:flex;justify-content:space-between;gap:8px;border-bottom:1px solid #eee;break-inside:avoid}
dt{color:#555}dd{margin:0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}figure{margin:0}
.chart text{font-size:11px;fill:#444}.chart .t{font-size:13px;fill:#111}
.axis{stroke:#888;fill:none}.bar{fill:#4a78b5}.bar.m{fill:#c8553d}
.curve{stroke:#4a78b5;stroke-width:2;fill:none}.mark{stroke:#c8553d;stroke-dasharray:4 3}
details{margin:10px 0;border:1px solid #ddd;border-radius:6px;padding:6px 10px}
summary{cursor:pointer;font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin:8px 0 14px}
.doc{border:1px solid #e4e4e4;border-radius:4px;min-width:0}
.h{background:#f4f4f6;padding:3px 8px;font-size:12px}
.x{white-space:pre-wrap;overflow-wrap:anywhere;padding:6px 8px;max-height:420px;overflow:auto;font-size:13px}
del{background:#fbd3cf;text-decoration:line-through}ins{background:#cdeccd;text-decoration:none}
.f{opacity:.45}.cut{color:#888}.note{color:#555}
)css";

BarChart size_chart(const Run& run) {
  std::vector<uint64_t> counts;
  for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
    if (run.rep[doc] != doc) continue;
    const size_t bucket =
        static_cast<size_t>(std::bit_width(run.size[doc] - 1u));
    if (counts.size() <= bucket) counts.resize(bucket + 1, 0);
    ++counts[bucket];
  }
  BarChart chart{"Cluster sizes", "documents in the cluster", {}, true, -1, ""};
  for (size_t b = 0; b < counts.size(); ++b) {
    const uint64_t low = b == 0 ? 1 : (uint64_t{1} << (b - 1)) + 1;
    const uint64_t high = uint64_t{1} << b;
    chart.bars.push_back(
        {low == high ? std::to_string(low)
                     : std::to_string(low) + "-" + std::to_string(high),
         static_cast<double>(counts[b])});
  }
  return chart;
}

BarChart score_chart(const Run& run, double threshold) {
  BarChart chart;
  chart.marker_label = "threshold";
  if (run.simhash) {
    chart.title = "Hamming distance of members to their representative";
    chart.x_label = "bits";
    const int top = std::max(static_cast<int>(threshold), 1);
    std::vector<double> counts(static_cast<size_t>(top) + 1, 0);
    for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
      if (run.rep[doc] == doc) continue;
      counts[std::min<size_t>(static_cast<size_t>(run.score[doc]), top)] += 1;
    }
    for (int d = 0; d <= top; ++d) {
      chart.bars.push_back({std::to_string(d), counts[d]});
    }
    chart.marker = top;
    return chart;
  }
  chart.title = "Similarity of members to their representative";
  chart.x_label = "Jaccard similarity (estimated)";
  constexpr int kBins = 20;
  std::vector<double> counts(kBins, 0);
  for (uint32_t doc = 0; doc < run.rep.size(); ++doc) {
    if (run.rep[doc] == doc) continue;
    counts[std::clamp(static_cast<int>(run.score[doc] * kBins), 0,
                      kBins - 1)] += 1;
  }
  for (int b = 0; b < kBins; ++b) {
    char label[16];
    std::snprintf(label, sizeof(label), "%.2f", b / double{kBins});
    chart.bars.push_back({label, counts[b]});
  }
  chart.marker = std::clamp(static_cast<int>(threshold * kBins), 0, kBins - 1);
  return chart;
}

BarChart length_chart(const Run& run) {
  std::vector<uint64_t> counts;
  for (uint32_t bytes : run.text_bytes) {
    const size_t bucket = static_cast<size_t>(std::bit_width(bytes));
    if (counts.size() <= bucket) counts.resize(bucket + 1, 0);
    ++counts[bucket];
  }
  BarChart chart{"Document lengths", "text bytes, from", {}, true, -1, ""};
  for (size_t b = 0; b < counts.size(); ++b) {
    const uint64_t low = b == 0 ? 0 : uint64_t{1} << (b - 1);
    std::string label = low >= (1 << 20)   ? std::to_string(low >> 20) + "M"
                        : low >= (1 << 10) ? std::to_string(low >> 10) + "K"
                                           : std::to_string(low);
    chart.bars.push_back({label, static_cast<double>(counts[b])});
  }
  return chart;
}

void append_run(const ReportOptions& o, const Run& run, const RunStats& stats,
                std::string* out) {
  *out += "<h1>neardup report</h1><p class=\"note\">Clusters: <code>";
  append_escaped(o.clusters_path, out);
  *out += "</code>; inputs: ";
  for (size_t i = 0; i < o.inputs.size(); ++i) {
    *out += i ? ", <code>" : "<code>";
    append_escaped(o.inputs[i], out);
    *out += "</code>";
  }
  const uint64_t docs = run.rep.size();
  *out += "</p><p>" + std::to_string(docs) + " documents in " +
          std::to_string(run.clusters) +
          " clusters: " + std::to_string(docs - run.clusters) +
          " duplicates.</p>";
  *out += "<h2>The run</h2>";
  if (!stats.present) {
    *out += "<p class=\"note\">No --stats file given.</p>";
    return;
  }
  *out += "<dl class=\"kv\">";
  for (const auto& [key, value] : stats.fields) {
    *out += "<div><dt>";
    append_escaped(key, out);
    *out += "</dt><dd>";
    append_escaped(value, out);
    *out += "</dd></div>";
  }
  *out += "</dl><h3>Rejected lines</h3><dl class=\"kv\">";
  for (const auto& [reason, count] : stats.rejects) {
    *out += "<div><dt>";
    append_escaped(reason, out);
    *out += "</dt><dd>" + std::to_string(count) + "</dd></div>";
  }
  *out += "</dl>";
}

std::string score_text(const Run& run, uint32_t doc) {
  char buf[48];
  if (run.simhash) {
    std::snprintf(buf, sizeof(buf), "distance %.0f", run.score[doc]);
  } else {
    std::snprintf(buf, sizeof(buf), "similarity %.4f", run.score[doc]);
  }
  return buf;
}

ShownDoc shown_doc(const std::unordered_map<uint32_t, DocText>& texts,
                   uint32_t doc, std::string heading) {
  const DocText& t = texts.at(doc);
  return {t.id, t.text, t.cut, std::move(heading)};
}

void append_group(const std::string& heading, const std::vector<Shown>& groups,
                  const Run& run, const ReportOptions& o,
                  const std::unordered_map<uint32_t, DocText>& texts,
                  const char* left_role, const char* right_role,
                  std::string* out, uint64_t* pairs_shown) {
  *out += "<h2>";
  append_escaped(heading, out);
  *out += "</h2>";
  if (groups.empty() || (groups.size() == 1 && groups[0].pairs.empty())) {
    *out += "<p class=\"note\">None.</p>";
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    const Shown& shown = groups[g];
    if (shown.pairs.empty()) continue;
    *out += g < 3 ? "<details open><summary>" : "<details><summary>";
    append_escaped(shown.title + ": " + texts.at(shown.pairs[0].first).id, out);
    *out += "</summary>";
    for (const auto& [left, right] : shown.pairs) {
      *out += pair_html(
          shown_doc(texts, left, left_role),
          shown_doc(texts, right,
                    std::string(right_role) + ", " + score_text(run, right)),
          o.min_line_words);
      ++*pairs_shown;
    }
    *out += "</details>";
  }
}

std::string render(const ReportOptions& o, const Run& run,
                   const RunStats& stats, const Page& page,
                   const std::unordered_map<uint32_t, DocText>& texts,
                   uint64_t* pairs_shown) {
  // No script runs and nothing loads: the policy holds even if a text were
  // ever left unescaped.
  std::string out =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; style-src 'unsafe-inline'\"><meta name=\"viewport\" "
      "content=\"width=device-width\"><title>neardup report</title><style>";
  out += kStyle;
  out += "</style></head><body>";
  append_run(o, run, stats, &out);
  double threshold = stats.threshold;
  if (threshold < 0) threshold = run.simhash ? 5 : 0.5;
  out += "<h2>Distributions</h2><div class=\"charts\">";
  if (stats.bands > 0 && stats.rows > 0 && stats.threshold > 0 &&
      stats.threshold < 1) {
    out += s_curve_svg(stats.bands, stats.rows, stats.threshold);
  }
  out += bar_chart_svg(size_chart(run));
  out += bar_chart_svg(score_chart(run, threshold));
  out += bar_chart_svg(length_chart(run));
  out +=
      "</div><p class=\"note\">Below, each member is shown beside its "
      "representative: words only the representative has are "
      "<del>struck</del>, words only the member has are <ins>marked</ins>, "
      "and lines the line filter leaves out of the fingerprint are "
      "<span class=\"f\">dimmed</span>.</p>";
  append_group("Largest clusters", page.largest, run, o, texts,
               "representative", "member", &out, pairs_shown);
  append_group("A random sample of clusters", page.sample, run, o, texts,
               "representative", "member", &out, pairs_shown);
  append_group("Members closest to the threshold", page.borderline, run, o,
               texts, "representative", "member", &out, pairs_shown);
  if (!run.truth.empty()) {
    append_group("False merges: labelled apart, clustered together",
                 page.false_merges, run, o, texts, "representative", "member",
                 &out, pairs_shown);
    append_group("Misses: labelled together, clustered apart", page.misses, run,
                 o, texts, "first of the label group", "in another cluster",
                 &out, pairs_shown);
  }
  out += "</body></html>\n";
  return out;
}

Status check_options(const ReportOptions& o) {
  if (o.clusters_path.empty() || o.inputs.empty() || o.output_path.empty()) {
    return Status::InvalidArgument(
        "a clusters file, the inputs and an output path are needed");
  }
  for (int v : {o.largest_clusters, o.sampled_clusters, o.borderline_members,
                o.members_per_cluster, o.truth_examples}) {
    if (v < 0 || v > 1000) {
      return Status::InvalidArgument("counts shown must be in [0, 1000]");
    }
  }
  if (o.max_text_bytes < 64) {
    return Status::InvalidArgument("max_text_bytes must be at least 64");
  }
  if (o.min_line_words < 0 || o.min_line_words > 1000) {
    return Status::InvalidArgument("min_line_words must be in [0, 1000]");
  }
  return Status::OK();
}

std::vector<bool> needed_documents(const Page& page, size_t n) {
  std::vector<bool> needed(n, false);
  for (const std::vector<Shown>* groups :
       {&page.largest, &page.sample, &page.borderline, &page.false_merges,
        &page.misses}) {
    for (const Shown& shown : *groups) {
      for (const auto& [left, right] : shown.pairs) {
        needed[left] = needed[right] = true;
      }
    }
  }
  return needed;
}

}  // namespace

Result<ReportSummary> write_report(const ReportOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  NEARDUP_RETURN_IF_ERROR(check_options(o));
  // The output is opened first: an unwritable path fails before the reading.
  Result<std::unique_ptr<internal::ByteSink>> sink =
      internal::open_sink(o.output_path, false);
  if (!sink.ok()) return sink.status();
  Result<RunStats> stats = read_stats(o.stats_path);
  if (!stats.ok()) return stats.status();
  eval::Labels labels;
  TruthIndex truth;
  if (!o.truth_path.empty()) {
    Result<eval::Labels> read = eval::read_truth(o.truth_path);
    if (!read.ok()) return read.status();
    labels = std::move(read).value();
    truth.labels = &labels;
  }
  Run run;
  NEARDUP_RETURN_IF_ERROR(read_clusters(o.clusters_path, &truth, &run));
  NEARDUP_RETURN_IF_ERROR(resolve_representatives(o.clusters_path, &run));
  const Page page = select(run, *stats, o);
  std::unordered_map<uint32_t, DocText> texts;
  NEARDUP_RETURN_IF_ERROR(
      read_texts(o, needed_documents(page, run.rep.size()), &run, &texts));
  ReportSummary summary;
  const std::string html =
      render(o, run, *stats, page, texts, &summary.pairs_shown);
  NEARDUP_RETURN_IF_ERROR((*sink)->append(html));
  NEARDUP_RETURN_IF_ERROR((*sink)->commit());
  summary.documents = run.rep.size();
  summary.clusters = run.clusters;
  summary.report_bytes = html.size();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return summary;
}

}  // namespace neardup::report
