#include "eval/oracle.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <unordered_map>
#include <utility>

#include "neardup/text.h"
#include "parse/record_parser.h"
#include "reader/jsonl_reader.h"

namespace neardup::eval {

namespace {

// Thresholds are shaved by this relative amount wherever a filter rounds
// t * size: a filter that is slightly too loose costs a few candidates, one
// that is too tight (t * 10 evaluating to 7.000000001, ceil 8) loses pairs.
// The result is still exact: verification compares jaccard() >= t.
constexpr double kSlack = 1e-9;

// Smallest overlap a set of `size` elements needs with any set to reach
// Jaccard t: |x ∩ y| >= t |x ∪ y| >= t |x|. At least 1 (disjoint sets have
// Jaccard 0 < t).
uint64_t min_overlap(uint64_t size, double t) {
  const double need = std::ceil(static_cast<double>(size) * t * (1 - kSlack));
  return std::max<uint64_t>(1, static_cast<uint64_t>(need));
}

// The elements found in two or more sets, sorted, with their document
// frequency: only these can be shared, so only these are indexed.
class SharedElements {
 public:
  explicit SharedElements(std::span<const std::vector<uint64_t>> sets) {
    std::vector<uint64_t> all = sorted_elements(sets);
    for (size_t i = 0; i < all.size();) {
      size_t j = i + 1;
      while (j < all.size() && all[j] == all[i]) ++j;
      if (j - i >= 2) entries_.push_back({all[i], j - i});
      i = j;
    }
    all = {};
    // A directory of the top bits finds an element in one or two probes
    // (the hashes are about uniform); one to two elements per slot.
    bits_ = std::clamp<int>(std::bit_width(entries_.size() / 2), 1, 30);
    dir_.assign((size_t{1} << bits_) + 1, 0);
    for (const Entry& e : entries_) ++dir_[(e.hash >> (64 - bits_)) + 1];
    for (size_t s = 1; s < dir_.size(); ++s) dir_[s] += dir_[s - 1];
  }

  size_t size() const { return entries_.size(); }

  // Appends `frequency << 32 | position` for each element of `set` that is
  // shared. Three passes, each issuing its loads ahead (the directory, then
  // the entries): element lookups are cache misses, and a lookup loop with
  // a data-dependent branch would take them one at a time.
  void keys_of(std::span<const uint64_t> set, std::vector<uint64_t>* keys) {
    slots_.resize(set.size());
    for (size_t i = 0; i < set.size(); ++i) {
      slots_[i] = set[i] >> (64 - bits_);
      __builtin_prefetch(dir_.data() + slots_[i]);
    }
    for (size_t i = 0; i < set.size(); ++i) {
      const uint64_t lo = dir_[slots_[i]], hi = dir_[slots_[i] + 1];
      slots_[i] = hi << 32 | lo;
      __builtin_prefetch(entries_.data() + lo);
    }
    for (size_t i = 0; i < set.size(); ++i) {
      const auto hi = static_cast<uint32_t>(slots_[i] >> 32);
      for (auto p = static_cast<uint32_t>(slots_[i]); p < hi; ++p) {
        if (entries_[p].hash == set[i]) {
          keys->push_back(entries_[p].frequency << 32 | p);
          break;
        }
      }
    }
  }

 private:
  struct Entry {
    uint64_t hash;
    uint64_t frequency;
  };

  // All elements of all sets, sorted: one counting pass on the top 12 bits
  // scatters them into buckets that fit in cache (the hashes are about
  // uniform), then std::sort sorts each bucket.
  static std::vector<uint64_t> sorted_elements(
      std::span<const std::vector<uint64_t>> sets) {
    constexpr int kBits = 12;
    std::vector<size_t> start((size_t{1} << kBits) + 1, 0);
    for (const std::vector<uint64_t>& set : sets) {
      for (uint64_t h : set) ++start[(h >> (64 - kBits)) + 1];
    }
    for (size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    std::vector<uint64_t> out(start.back());
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (const std::vector<uint64_t>& set : sets) {
      for (uint64_t h : set) out[next[h >> (64 - kBits)]++] = h;
    }
    for (size_t b = 0; b + 1 < start.size(); ++b) {
      std::sort(out.begin() + static_cast<ptrdiff_t>(start[b]),
                out.begin() + static_cast<ptrdiff_t>(start[b + 1]));
    }
    return out;
  }

  std::vector<Entry> entries_;
  int bits_ = 1;
  std::vector<uint32_t> dir_;
  std::vector<uint64_t> slots_;  // scratch of keys_of()
};

// |a ∩ b| if it is at least `need`, else some value below `need` (the merge
// stops once the rest cannot make up the difference).
uint64_t overlap_at_least(std::span<const uint64_t> a,
                          std::span<const uint64_t> b, uint64_t need) {
  size_t i = 0, j = 0;
  uint64_t common = 0;
  while (i < a.size() && j < b.size()) {
    if (common + std::min(a.size() - i, b.size() - j) < need) return common;
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
}

double ratio(uint64_t common, size_t a_size, size_t b_size) {
  const uint64_t all = a_size + b_size - common;
  return all == 0 ? 0.0
                  : static_cast<double>(common) / static_cast<double>(all);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  return ratio(overlap_at_least(a, b, 0), a.size(), b.size());
}

Result<std::vector<JaccardPair>> all_pairs_jaccard(
    std::span<const std::vector<uint64_t>> sets, double threshold) {
  if (!(threshold > 0 && threshold <= 1)) {
    return Status::InvalidArgument("the Jaccard threshold must be in (0, 1]");
  }
  if (sets.size() >= std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("too many sets (2^32 or more)");
  }
  for (size_t s = 0; s < sets.size(); ++s) {
    if (std::adjacent_find(sets[s].begin(), sets[s].end(),
                           std::greater_equal<uint64_t>()) != sets[s].end()) {
      return Status::InvalidArgument("set " + std::to_string(s) +
                                     " is not sorted without repeats");
    }
  }

  SharedElements shared(sets);
  if (shared.size() >= std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("too many shared elements (2^32 or more)");
  }

  // Processing order: non-empty sets by size, smallest first (ties by
  // index). `rank` numbers them in this order.
  std::vector<uint32_t> order;
  for (size_t s = 0; s < sets.size(); ++s) {
    if (!sets[s].empty()) order.push_back(static_cast<uint32_t>(s));
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return sets[x].size() < sets[y].size();
  });
  const size_t ranks = order.size();
  std::vector<uint32_t> size_of_rank(ranks);
  for (size_t r = 0; r < ranks; ++r) {
    size_of_rank[r] = static_cast<uint32_t>(sets[order[r]].size());
  }

  // The prefix of each set: its first |x| - ceil(t|x|) + 1 elements in the
  // global order (document frequency, then position in `shared`). Elements
  // of frequency 1 sort first and match nothing, so only the shared ones are
  // kept: their token (position in `shared`) and their position in the set's
  // order, for the positional filter.
  struct Entry {
    uint32_t token;     // in a prefix; the rank, in a posting list
    uint32_t position;  // 0-based, in the set's global order
  };
  std::vector<size_t> prefix_begin(ranks + 1, 0);
  std::vector<Entry> prefixes;
  std::vector<uint32_t> list_size(shared.size() + 1, 0);
  {
    std::vector<uint64_t> keys;
    for (size_t r = 0; r < ranks; ++r) {
      const std::vector<uint64_t>& x = sets[order[r]];
      keys.clear();
      shared.keys_of(x, &keys);
      const size_t unique = x.size() - keys.size();
      const size_t prefix = x.size() - min_overlap(x.size(), threshold) + 1;
      const size_t take =
          std::min(keys.size(), prefix > unique ? prefix - unique : size_t{0});
      std::partial_sort(keys.begin(),
                        keys.begin() + static_cast<ptrdiff_t>(take),
                        keys.end());
      for (size_t k = 0; k < take; ++k) {
        const auto token = static_cast<uint32_t>(keys[k]);
        prefixes.push_back({token, static_cast<uint32_t>(unique + k)});
        ++list_size[token];
      }
      prefix_begin[r + 1] = prefixes.size();
    }
  }

  // Inverted index of the prefixes: posting lists of (rank, position),
  // ascending by rank (so set sizes ascend too). A list's `front` is where it
  // starts once the size filter has dropped the sets too small for every
  // later probe.
  struct List {
    size_t front, end;
  };
  std::vector<List> lists(shared.size());
  for (size_t token = 0, at = 0; token < shared.size(); ++token) {
    lists[token] = {at, at};
    at += list_size[token];
  }
  list_size = {};
  std::vector<Entry> postings(prefixes.size());
  for (size_t r = 0; r < ranks; ++r) {
    for (size_t k = prefix_begin[r]; k < prefix_begin[r + 1]; ++k) {
      postings[lists[prefixes[k].token].end++] = {static_cast<uint32_t>(r),
                                                  prefixes[k].position};
    }
  }

  // |x ∩ y| / (|x| + |y| - |x ∩ y|) >= t  <=>  |x ∩ y| >= t (|x| + |y|) /
  // (1 + t): the overlap a pair needs.
  const double need_factor = threshold / (1 + threshold) * (1 - kSlack);
  auto need = [need_factor](size_t x_size, size_t y_size) {
    return static_cast<uint64_t>(
        std::ceil(static_cast<double>(x_size + y_size) * need_factor));
  };

  // Probe each set's prefix against the prefixes of the sets before it in
  // the order, then verify the candidates. `overlap` counts, per candidate,
  // the elements found in common so far; since the common elements ahead of
  // a match are all in both prefixes, the count is exact, and the
  // positional filter (Xiao, Wang, Lin & Yu, WWW 2008) drops a candidate
  // once count + 1 + the elements left after the match in the shorter
  // remainder cannot reach the overlap needed.
  constexpr uint32_t kPruned = std::numeric_limits<uint32_t>::max();
  std::vector<JaccardPair> out;
  std::vector<uint32_t> overlap(ranks, 0);
  std::vector<uint32_t> candidates;
  uint32_t min_rank = 0;  // the smallest set large enough for the size filter
  for (size_t r = 0; r < ranks; ++r) {
    const std::vector<uint64_t>& x = sets[order[r]];
    // Size filter: Jaccard(x, y) <= |y| / |x| for |y| <= |x|. Sizes ascend
    // with the rank, so the sets too small are the ranks below `min_rank`.
    const double min_size =
        static_cast<double>(x.size()) * threshold * (1 - kSlack);
    while (static_cast<double>(size_of_rank[min_rank]) < min_size) ++min_rank;
    // Each list is a cache miss or two: load them all ahead.
    const std::span<const Entry> prefix(prefixes.data() + prefix_begin[r],
                                        prefix_begin[r + 1] - prefix_begin[r]);
    for (const Entry& e : prefix) __builtin_prefetch(lists.data() + e.token);
    for (const Entry& e : prefix) {
      __builtin_prefetch(postings.data() + lists[e.token].front);
    }
    for (const Entry& e : prefix) {
      List& list = lists[e.token];
      while (list.front < list.end && postings[list.front].token < min_rank) {
        ++list.front;
      }
      const size_t x_rest = x.size() - e.position - 1;
      for (size_t p = list.front; p < list.end && postings[p].token < r; ++p) {
        const uint32_t s = postings[p].token;
        uint32_t& count = overlap[s];
        if (count == kPruned) continue;
        if (count == 0) candidates.push_back(s);
        const size_t y_size = size_of_rank[s];
        const size_t y_rest = y_size - postings[p].position - 1;
        if (count + 1 + std::min(x_rest, y_rest) < need(x.size(), y_size)) {
          count = kPruned;
        } else {
          ++count;
        }
      }
    }
    for (uint32_t s : candidates) {
      const bool pruned = overlap[s] == kPruned;
      overlap[s] = 0;
      if (pruned) continue;
      const std::vector<uint64_t>& y = sets[order[s]];
      const uint64_t common = overlap_at_least(x, y, need(x.size(), y.size()));
      const double j = ratio(common, x.size(), y.size());
      if (j >= threshold) {
        out.push_back(
            {std::min(order[r], order[s]), std::max(order[r], order[s]), j});
      }
    }
    candidates.clear();
  }
  std::sort(out.begin(), out.end(),
            [](const JaccardPair& p, const JaccardPair& q) {
              return p.a != q.a ? p.a < q.a : p.b < q.b;
            });
  return out;
}

Result<OracleDocs> read_oracle_docs(const std::string& path,
                                    const OracleOptions& options) {
  if (options.text.shingle_words < 1 || options.text.shingle_words > 16 ||
      options.text.min_line_words < 0 || options.text.min_line_words > 1000 ||
      options.text.short_text_words < 0 ||
      options.text.short_text_words > 1000) {
    return Status::InvalidArgument(
        "shingle words must be in [1, 16] and min line words in [0, 1000]");
  }
  OracleDocs docs;
  internal::JsonlReader reader({path}, size_t{4} << 20, size_t{64} << 20);
  internal::RecordParser parser(options.text_field, options.id_field);
  internal::ParsedRecord record;
  Shingler shingler(options.text);
  std::vector<uint64_t> shingles;
  internal::Chunk chunk;
  const uint64_t limit = options.max_records == 0
                             ? std::numeric_limits<uint64_t>::max()
                             : options.max_records;
  while (docs.records < limit) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (size_t i = 0; i < chunk.lines.size() && docs.records < limit; ++i) {
      const internal::LineSpan& span = chunk.lines[i];
      if (span.kind == internal::LineKind::kTooLong ||
          span.kind == internal::LineKind::kTruncated) {
        ++docs.rejected_lines;
        continue;
      }
      // As dedup's chunk worker: drop a CR, then parse (blank lines and
      // other non-objects are rejected by the parser).
      std::string_view line(chunk.data() + span.offset, span.length);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      parser.parse(line, &record);
      shingles.clear();
      if (!record.ok || !shingler.shingle(record.text, &shingles).ok()) {
        ++docs.rejected_lines;
        continue;
      }
      ++docs.records;
      if (shingles.empty()) {
        ++docs.without_shingles;
        continue;
      }
      std::sort(shingles.begin(), shingles.end());
      shingles.erase(std::unique(shingles.begin(), shingles.end()),
                     shingles.end());
      docs.shingles.emplace_back(shingles.begin(), shingles.end());
      docs.ids.push_back(record.has_id ? record.id
                                       : std::to_string(chunk.first_line + i));
    }
  }
  return docs;
}

Result<OracleScores> score_oracle(const OracleDocs& docs,
                                  std::span<const JaccardPair> pairs,
                                  const Labels& predicted, double threshold,
                                  std::vector<ListedPair>* listed) {
  OracleScores s;
  s.threshold = threshold;
  s.records = docs.records;
  s.documents = docs.ids.size();
  s.without_shingles = docs.without_shingles;
  s.rejected_lines = docs.rejected_lines;

  // Dense predicted cluster numbers of the sampled documents.
  const size_t n = docs.ids.size();
  std::vector<uint32_t> cluster(n);
  {
    std::unordered_map<std::string_view, uint32_t> numbers;
    for (size_t d = 0; d < n; ++d) {
      auto it = predicted.index.find(docs.ids[d]);
      if (it == predicted.index.end()) {
        return Status::InvalidArgument("id \"" + docs.ids[d] +
                                       "\" has no predicted cluster");
      }
      cluster[d] = numbers
                       .emplace(predicted.clusters[it->second],
                                static_cast<uint32_t>(numbers.size()))
                       .first->second;
    }
  }

  s.oracle_pairs = pairs.size();
  for (const JaccardPair& p : pairs) {
    s.oracle_pairs_co_clustered += cluster[p.a] == cluster[p.b];
  }
  if (s.oracle_pairs > 0) {
    s.lsh_recall = static_cast<double>(s.oracle_pairs_co_clustered) /
                   static_cast<double>(s.oracle_pairs);
  }

  // Bins of 0.1 up to t; the last one ends at t.
  const auto bins = static_cast<size_t>(
      std::max(1.0, std::ceil(threshold * 10 * (1 - kSlack))));
  for (size_t b = 0; b < bins; ++b) {
    s.below_threshold.push_back(
        {static_cast<double>(b) / 10, std::min(threshold, (b + 1.0) / 10), 0});
  }
  // Every pair inside each predicted cluster, over the sample.
  std::vector<uint32_t> by_cluster(n);
  for (size_t d = 0; d < n; ++d) by_cluster[d] = static_cast<uint32_t>(d);
  std::stable_sort(
      by_cluster.begin(), by_cluster.end(),
      [&](uint32_t x, uint32_t y) { return cluster[x] < cluster[y]; });
  for (size_t begin = 0; begin < n;) {
    size_t end = begin + 1;
    while (end < n && cluster[by_cluster[end]] == cluster[by_cluster[begin]]) {
      ++end;
    }
    s.largest_cluster = std::max<uint64_t>(s.largest_cluster, end - begin);
    for (size_t i = begin; i < end; ++i) {
      for (size_t k = i + 1; k < end; ++k) {
        const double j =
            jaccard(docs.shingles[by_cluster[i]], docs.shingles[by_cluster[k]]);
        if (listed != nullptr) {
          listed->push_back({by_cluster[i], by_cluster[k], j, true});
        }
        ++s.co_clustered_pairs;
        s.co_clustered_at_threshold += j >= threshold;
        s.co_clustered_at_half_threshold += j >= threshold / 2;
        if (j < threshold) {
          ++s.below_threshold[std::min(bins - 1, static_cast<size_t>(j * 10))]
                .pairs;
        }
      }
    }
    begin = end;
  }
  if (listed != nullptr) {
    for (const JaccardPair& p : pairs) {
      if (cluster[p.a] != cluster[p.b]) {
        listed->push_back({p.a, p.b, p.jaccard, false});
      }
    }
  }
  if (s.co_clustered_pairs > 0) {
    s.precision = static_cast<double>(s.co_clustered_at_threshold) /
                  static_cast<double>(s.co_clustered_pairs);
    s.precision_at_half_threshold =
        static_cast<double>(s.co_clustered_at_half_threshold) /
        static_cast<double>(s.co_clustered_pairs);
  }
  if (s.co_clustered_at_threshold != s.oracle_pairs_co_clustered) {
    return Status::Internal(
        "the oracle's pairs disagree with the co-clustered pairs' Jaccard");
  }
  return s;
}

namespace {

// The TSV of run_oracle()'s `pairs_path`.
Status write_listed_pairs(const std::string& path, const OracleDocs& docs,
                          const Labels& predicted,
                          std::span<const ListedPair> listed) {
  std::string out = "id_a\tid_b\tjaccard\tco_clustered\tcluster_a\tcluster_b\n";
  char buf[32];
  for (const ListedPair& p : listed) {
    std::snprintf(buf, sizeof(buf), "\t%.4f\t%d\t", p.jaccard,
                  p.co_clustered ? 1 : 0);
    out += docs.ids[p.a];
    out += '\t';
    out += docs.ids[p.b];
    out += buf;
    out += predicted.clusters[predicted.index.at(docs.ids[p.a])];
    out += '\t';
    out += predicted.clusters[predicted.index.at(docs.ids[p.b])];
    out += '\n';
  }
  return write_json(path, out);
}

}  // namespace

Result<OracleScores> run_oracle(const std::string& path,
                                const OracleOptions& options, double threshold,
                                const Labels& predicted,
                                const std::string& pairs_path) {
  auto start = std::chrono::steady_clock::now();
  Result<OracleDocs> docs = read_oracle_docs(path, options);
  if (!docs.ok()) return docs.status();
  const double read_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  Result<std::vector<JaccardPair>> pairs =
      all_pairs_jaccard(docs->shingles, threshold);
  if (!pairs.ok()) return pairs.status();
  const double join_seconds = seconds_since(start);
  std::vector<ListedPair> listed;
  Result<OracleScores> scores =
      score_oracle(*docs, *pairs, predicted, threshold,
                   pairs_path.empty() ? nullptr : &listed);
  if (!scores.ok()) return scores;
  if (!pairs_path.empty()) {
    NEARDUP_RETURN_IF_ERROR(
        write_listed_pairs(pairs_path, *docs, predicted, listed));
  }
  scores->read_seconds = read_seconds;
  scores->join_seconds = join_seconds;
  return scores;
}

std::string oracle_to_json(const OracleScores& s) {
  std::string out = "{\"threshold\": " + json_number(s.threshold);
  out += ", \"records\": " + std::to_string(s.records);
  out += ", \"documents\": " + std::to_string(s.documents);
  out += ", \"without_shingles\": " + std::to_string(s.without_shingles);
  out += ", \"rejected_lines\": " + std::to_string(s.rejected_lines);
  out += ", \"oracle_pairs\": " + std::to_string(s.oracle_pairs);
  out += ", \"oracle_pairs_co_clustered\": " +
         std::to_string(s.oracle_pairs_co_clustered);
  out += ", \"lsh_recall\": " + json_number(s.lsh_recall);
  out += ", \"co_clustered_pairs\": " + std::to_string(s.co_clustered_pairs);
  out += ", \"co_clustered_at_threshold\": " +
         std::to_string(s.co_clustered_at_threshold);
  out += ", \"precision\": " + json_number(s.precision);
  out += ", \"co_clustered_at_half_threshold\": " +
         std::to_string(s.co_clustered_at_half_threshold);
  out += ", \"precision_at_half_threshold\": " +
         json_number(s.precision_at_half_threshold);
  out += ", \"largest_cluster\": " + std::to_string(s.largest_cluster);
  out += ", \"below_threshold\": [";
  for (size_t b = 0; b < s.below_threshold.size(); ++b) {
    const OracleScores::Bin& bin = s.below_threshold[b];
    if (b > 0) out += ", ";
    out += "{\"from\": " + json_number(bin.from) +
           ", \"to\": " + json_number(bin.to) +
           ", \"pairs\": " + std::to_string(bin.pairs) + "}";
  }
  out += "], \"read_seconds\": " + json_number(s.read_seconds);
  out += ", \"join_seconds\": " + json_number(s.join_seconds) + "}";
  return out;
}

std::string oracle_to_text(const OracleScores& s, const std::string& path) {
  char buf[512];
  std::string out;
  auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::snprintf(buf, sizeof(buf),
                "exact Jaccard oracle, threshold t = %.2f: %llu documents of "
                "%s\n(%llu records read, %llu without shingles left out, "
                "%llu lines rejected)\n",
                s.threshold, ull(s.documents), path.c_str(), ull(s.records),
                ull(s.without_shingles), ull(s.rejected_lines));
  out += buf;
  std::snprintf(
      buf, sizeof(buf),
      "  oracle pairs (exact Jaccard >= %.2f)           %10llu\n"
      "  LSH recall (oracle pairs in one cluster)       %10.4f  (%llu)\n"
      "  co-clustered pairs (sampled documents)         %10llu\n"
      "  precision (co-clustered, Jaccard >= %.2f)      %10.4f  (%llu)\n"
      "  precision at t/2 (co-clustered, Jaccard >= %.2f) %8.4f  (%llu)\n"
      "  largest cluster (sampled documents)            %10llu\n",
      s.threshold, ull(s.oracle_pairs), s.lsh_recall,
      ull(s.oracle_pairs_co_clustered), ull(s.co_clustered_pairs), s.threshold,
      s.precision, ull(s.co_clustered_at_threshold), s.threshold / 2,
      s.precision_at_half_threshold, ull(s.co_clustered_at_half_threshold),
      ull(s.largest_cluster));
  out += buf;
  if (s.co_clustered_pairs > s.co_clustered_at_threshold) {
    out += "  co-clustered pairs below t, by exact Jaccard:\n";
    for (const OracleScores::Bin& bin : s.below_threshold) {
      std::snprintf(buf, sizeof(buf), "    [%.2f, %.2f)  %10llu\n", bin.from,
                    bin.to, ull(bin.pairs));
      out += buf;
    }
  }
  if (s.read_seconds > 0 || s.join_seconds > 0) {
    std::snprintf(buf, sizeof(buf),
                  "  (read and shingled in %.2f s, joined in %.2f s)\n",
                  s.read_seconds, s.join_seconds);
    out += buf;
  }
  return out;
}

std::string report_to_json(const Scores* scores, const OracleScores* oracle) {
  std::string out = scores != nullptr ? scores_to_json(*scores) : "{}\n";
  if (oracle == nullptr) return out;
  // Replace the closing "}\n" by the oracle's member.
  out.resize(out.size() - 2);
  if (scores != nullptr) out += ", ";
  out += "\"oracle\": " + oracle_to_json(*oracle) + "}\n";
  return out;
}

}  // namespace neardup::eval
