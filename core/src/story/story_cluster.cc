// Story clustering: pair similarities from an inverted index, then average
// linkage (neardup/story.h).

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <utility>

#include "neardup/story.h"
#include "story/term_table.h"

namespace neardup {

DocId StoryFingerprints::append(std::span<const StoryTerm> fingerprint) {
  assert(std::adjacent_find(fingerprint.begin(), fingerprint.end(),
                            [](const StoryTerm& a, const StoryTerm& b) {
                              return a.term >= b.term;
                            }) == fingerprint.end() &&
         "fingerprint terms must be sorted and distinct");
  const DocId doc = static_cast<DocId>(size());
  for (const StoryTerm& t : fingerprint) {
    terms_.push_back(t.term);
    weights_.push_back(t.weight);
  }
  offsets_.push_back(terms_.size());
  return doc;
}

double StoryFingerprints::cosine(DocId a, DocId b) const {
  const uint64_t* ta = terms_.data() + offsets_[a];
  const uint64_t* ta_end = terms_.data() + offsets_[a + 1];
  const uint64_t* tb = terms_.data() + offsets_[b];
  const uint64_t* tb_end = terms_.data() + offsets_[b + 1];
  const float* wa = weights_.data() + offsets_[a];
  const float* wb = weights_.data() + offsets_[b];
  double dot = 0;
  while (ta < ta_end && tb < tb_end) {
    if (*ta < *tb) {
      ++ta, ++wa;
    } else if (*tb < *ta) {
      ++tb, ++wb;
    } else {
      dot += static_cast<double>(*wa++) * *wb++;
      ++ta, ++tb;
    }
  }
  return dot;
}

namespace {

// One posting: a document whose fingerprint has a term of this bucket, 32 more
// bits of that term (the bucket is the top bits), and its weight there.
struct Posting {
  DocId doc;
  uint32_t tag;
  float weight;
};

uint32_t tag_of(uint64_t term) { return static_cast<uint32_t>(term); }

struct Edge {
  DocId a, b;  // a < b
  float similarity;
};

// Per-task scratch: the last document that found each document (so the
// accumulator needs no clearing) and the partial dot products.
struct ProbeScratch {
  // One cache access per posting: the stamp and the score side by side.
  struct Cell {
    DocId seen_by;  // the probing document that last reset `score`
    float score;
  };
  std::vector<Cell> cells;
  std::vector<DocId> candidates;
};

class ScratchPool {
 public:
  explicit ScratchPool(size_t num_docs) : num_docs_(num_docs) {}
  std::unique_ptr<ProbeScratch> acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        std::unique_ptr<ProbeScratch> s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    auto s = std::make_unique<ProbeScratch>();
    s->cells.assign(num_docs_, {~DocId{0}, 0.0f});
    return s;
  }
  void release(std::unique_ptr<ProbeScratch> s) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(s));
  }

 private:
  size_t num_docs_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ProbeScratch>> free_;
};

// Average linkage (UPGMA; Sokal & Michener 1958) over a sparse graph: the
// similarity of two clusters is the sum of their edges' similarities over the
// product of their sizes (missing pairs count as 0). Merges the most similar
// pair while it is >= `threshold`, in the total order (similarity
// descending, then (smaller handle, larger handle) ascending), so the merge
// order, and the result, depend only on the graph.
//
// Each cluster keeps a list of (neighbor handle, sum of edge similarities).
// Lists are rebuilt lazily: entries may name a handle merged since, and are
// resolved with find() (adding up entries that now name the same cluster)
// when the list is next needed; every edge is in exactly one list on each
// side, so the sums are exact. The heap holds, per cluster, only its best
// link in the total order. The best pair overall is the best link of both
// its clusters, so it is in the heap; an entry that went stale (its other
// side merged) makes its cluster recompute its best link when popped.
// A merge thus costs O(degree) and one push, not a push per neighbor.
class AverageLinkage {
 public:
  explicit AverageLinkage(size_t n)
      : size_(n, 1),
        version_(n, 0),
        parent_(n),
        own_(n),
        has_own_(n, 0),
        acc_(n, 0),
        acc_stamp_(n, 0) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }

  // Sets the graph: `edges` calls `fn(a, b, similarity)` for every edge,
  // twice, in the same order each time (first to count, then to fill). The
  // initial lists live in one array; only merged clusters get lists of
  // their own.
  template <typename ForEachEdge>
  void set_edges(size_t n, ForEachEdge edges) {
    begin_.assign(n + 1, 0);
    edges([&](DocId a, DocId b, float) { ++begin_[a + 1], ++begin_[b + 1]; });
    for (size_t v = 0; v < n; ++v) begin_[v + 1] += begin_[v];
    initial_.resize(begin_[n]);
    std::vector<uint64_t> cursor(begin_.begin(), begin_.end() - 1);
    edges([&](DocId a, DocId b, float similarity) {
      initial_[cursor[a]++] = {b, similarity};
      initial_[cursor[b]++] = {a, similarity};
    });
  }

  void run(double threshold) {
    for (DocId v = 0; v < parent_.size(); ++v) push_best(v);
    std::make_heap(heap_.begin(), heap_.end(), Candidate::lower);
    heaped_ = true;
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), Candidate::lower);
      const Candidate c = heap_.back();
      heap_.pop_back();
      if (c.average < threshold) break;
      // The entry belongs to `c.owner`; it is current if neither side has
      // merged since it was pushed.
      const DocId owner = c.owner == 0 ? c.a : c.b;
      if (parent_[owner] != owner || version_[owner] != c.version_owner) {
        continue;  // the owner merged and pushed a new best link then
      }
      const DocId other = c.owner == 0 ? c.b : c.a;
      if (parent_[other] != other || version_[other] != c.version_other) {
        rebuild(owner);  // the other side changed: a new best link
        push_best(owner);
        continue;
      }
      merge(c.a, c.b);
    }
  }

  // The cluster handle of `doc`.
  DocId find(DocId doc) {
    while (parent_[doc] != doc) {
      parent_[doc] = parent_[parent_[doc]];
      doc = parent_[doc];
    }
    return doc;
  }

 private:
  struct Link {
    DocId other;  // a handle, possibly merged since (resolve with find())
    double sum;   // of the similarities of the edges between the clusters
  };
  struct Candidate {
    double average;
    DocId a, b;  // a < b
    uint32_t version_owner, version_other;
    uint8_t owner;  // 0: a's best link, 1: b's
    // Heap order: highest average first, then smaller handles.
    static bool lower(const Candidate& x, const Candidate& y) {
      if (x.average != y.average) return x.average < y.average;
      if (x.a != y.a) return x.a > y.a;
      if (x.b != y.b) return x.b > y.b;
      return x.owner > y.owner;
    }
  };

  double average(DocId a, DocId b, double sum) const {
    return sum /
           (static_cast<double>(size_[a]) * static_cast<double>(size_[b]));
  }

  // Pushes the best link of cluster `v` (whose list is resolved), if any.
  void push_best(DocId v) {
    const Link* best = nullptr;
    double best_average = 0;
    for (const Link& l : links(v)) {
      const double avg = average(v, l.other, l.sum);
      if (best == nullptr || avg > best_average ||
          (avg == best_average && l.other < best->other)) {
        best = &l;
        best_average = avg;
      }
    }
    if (best == nullptr) return;
    const DocId w = best->other;
    Candidate c{best_average,   std::min(v, w),
                std::max(v, w), version_[v],
                version_[w],    static_cast<uint8_t>(v < w ? 0 : 1)};
    heap_.push_back(c);
    if (heaped_) std::push_heap(heap_.begin(), heap_.end(), Candidate::lower);
  }

  // Replaces the list of `keep` by the resolved union of the lists of
  // `keep` and `drop` (drop == keep: just resolves), without links inside.
  void resolve(DocId keep, DocId drop) {
    if (++stamp_ == 0) {  // wrapped after 2^32 calls: forget all stamps
      std::fill(acc_stamp_.begin(), acc_stamp_.end(), 0);
      stamp_ = 1;
    }
    merged_.clear();
    for (const DocId side : {keep, drop}) {
      for (const Link& l : links(side)) {
        const DocId other = find(l.other);
        if (other == keep) continue;  // inside the cluster
        if (acc_stamp_[other] != stamp_) {
          acc_stamp_[other] = stamp_;
          acc_[other] = 0;
          merged_.push_back({other, 0});
        }
        acc_[other] += l.sum;
      }
      if (drop == keep) break;
    }
    for (Link& l : merged_) l.sum = acc_[l.other];
    own_[keep].swap(merged_);
    has_own_[keep] = 1;
  }

  void rebuild(DocId v) { resolve(v, v); }

  void merge(DocId x, DocId y) {
    // The longer list stays in place; ties keep the smaller handle.
    const bool x_keeps = links(x).size() != links(y).size()
                             ? links(x).size() > links(y).size()
                             : x < y;
    const DocId keep = x_keeps ? x : y;
    const DocId drop = x_keeps ? y : x;
    parent_[drop] = keep;
    size_[keep] += size_[drop];
    ++version_[keep];
    resolve(keep, drop);
    own_[drop] = {};
    has_own_[drop] = 1;  // empty
    push_best(keep);
  }

  std::vector<uint32_t> size_;
  std::vector<uint32_t> version_;
  std::vector<DocId> parent_;
  std::span<const Link> links(DocId v) const {
    if (has_own_[v]) return own_[v];
    return {initial_.data() + begin_[v], initial_.data() + begin_[v + 1]};
  }

  std::vector<Link> initial_;  // the edges, grouped by document
  std::vector<uint64_t> begin_;
  std::vector<std::vector<Link>> own_;  // lists of merged clusters
  std::vector<uint8_t> has_own_;
  std::vector<Candidate> heap_;
  bool heaped_ = false;
  // Scratch of resolve(): sums per resolved neighbor, valid where stamped.
  std::vector<double> acc_;
  std::vector<uint32_t> acc_stamp_;
  uint32_t stamp_ = 0;
  std::vector<Link> merged_;
};

}  // namespace

Result<std::vector<StoryAssignment>> cluster_stories(
    const StoryFingerprints& fingerprints, const StoryOptions& options,
    const StoryParallelFor& parallel_for, StoryClusterStats* stats) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  StoryClusterStats local_stats;
  auto clock_start = std::chrono::steady_clock::now();
  auto lap = [&clock_start] {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - clock_start).count();
    clock_start = now;
    return s;
  };
  const size_t n = fingerprints.size();
  const double edge_threshold = options.edge_similarity;

  // 1. Every term of every fingerprint is indexed, so a candidate's score
  // below is its whole dot product (over the terms not skipped). The
  // All-Pairs prefix filter (Bayardo, Ma & Srikant 2007, section 4) indexes
  // fewer terms, but at the edge thresholds that suit stories (0.1-0.2) its
  // prefix is nearly the whole fingerprint, and its suffix bound then sends
  // most candidates to a merge: tried, and slower.
  uint64_t num_postings = 0;
  for (DocId doc = 0; doc < n; ++doc) {
    num_postings += fingerprints.terms(doc).size();
  }
  local_stats.indexed_terms = num_postings;
  if (num_postings >= (uint64_t{1} << 31)) {
    // Postings are addressed with 32 bits.
    return Status::InvalidArgument(
        "cluster_stories: more than 2^31 fingerprint terms; lower "
        "terms_per_doc or split the run");
  }

  // 2. The inverted index: postings grouped by bucket (the top bits of the
  // term) with a counting sort, so each bucket lists its documents in
  // increasing order. About one bucket per two postings keeps most buckets
  // to a single term.
  const int shift = internal::slot_shift_for(num_postings / 4 + 1);
  const size_t num_buckets = size_t{1} << (64 - shift);
  std::vector<uint32_t> bucket_begin(num_buckets + 1, 0);
  for (DocId doc = 0; doc < n; ++doc) {
    for (const uint64_t term : fingerprints.terms(doc)) {
      ++bucket_begin[(term >> shift) + 1];
    }
  }
  for (size_t b = 0; b < num_buckets; ++b) {
    bucket_begin[b + 1] += bucket_begin[b];
  }
  std::vector<Posting> postings(num_postings);
  {
    std::vector<uint32_t> cursor(bucket_begin.begin(), bucket_begin.end() - 1);
    for (DocId doc = 0; doc < n; ++doc) {
      const std::span<const uint64_t> terms = fingerprints.terms(doc);
      const std::span<const float> weights = fingerprints.weights(doc);
      for (size_t i = 0; i < terms.size(); ++i) {
        postings[cursor[terms[i] >> shift]++] = {doc, tag_of(terms[i]),
                                                 weights[i]};
      }
    }
  }
  // Terms with more than max_posting postings, as sorted (bucket, tag).
  std::vector<std::pair<uint64_t, uint32_t>> skipped;
  {
    std::vector<uint32_t> tags;
    for (size_t b = 0; b < num_buckets; ++b) {
      const uint32_t size = bucket_begin[b + 1] - bucket_begin[b];
      if (size <= options.max_posting) continue;
      tags.clear();
      for (uint32_t p = bucket_begin[b]; p < bucket_begin[b + 1]; ++p) {
        tags.push_back(postings[p].tag);
      }
      std::sort(tags.begin(), tags.end());
      for (size_t i = 0; i < tags.size();) {
        size_t j = i;
        while (j < tags.size() && tags[j] == tags[i]) ++j;
        if (j - i > options.max_posting) skipped.emplace_back(b, tags[i]);
        i = j;
      }
    }
  }
  local_stats.skipped_postings = skipped.size();
  auto is_skipped = [&](uint64_t term) {
    const uint64_t b = term >> shift;
    return bucket_begin[b + 1] - bucket_begin[b] > options.max_posting &&
           std::binary_search(skipped.begin(), skipped.end(),
                              std::make_pair(b, tag_of(term)));
  };
  // Skipped terms are stop words of this run: similarities are cosines of
  // the fingerprints without them, renormalized (1 / norm per document).
  std::vector<float> inv_norm(n, 0);
  for (DocId doc = 0; doc < n; ++doc) {
    const std::span<const uint64_t> terms = fingerprints.terms(doc);
    const std::span<const float> weights = fingerprints.weights(doc);
    double norm_sq = 0;
    for (size_t i = 0; i < terms.size(); ++i) {
      if (skipped.empty() || !is_skipped(terms[i])) {
        norm_sq += static_cast<double>(weights[i]) * weights[i];
      }
    }
    inv_norm[doc] =
        norm_sq > 0 ? static_cast<float>(1 / std::sqrt(norm_sq)) : 0.0f;
  }
  auto similarity = [&](DocId a, DocId b) {
    const std::span<const uint64_t> ta = fingerprints.terms(a);
    const std::span<const uint64_t> tb = fingerprints.terms(b);
    const std::span<const float> wa = fingerprints.weights(a);
    const std::span<const float> wb = fingerprints.weights(b);
    double dot = 0;
    for (size_t i = 0, j = 0; i < ta.size() && j < tb.size();) {
      if (ta[i] < tb[j]) {
        ++i;
      } else if (tb[j] < ta[i]) {
        ++j;
      } else {
        if (skipped.empty() || !is_skipped(ta[i])) {
          dot += static_cast<double>(wa[i]) * wb[j];
        }
        ++i, ++j;
      }
    }
    return dot * inv_norm[a] * inv_norm[b];
  };

  local_stats.index_seconds = lap();

  // 3. Candidate pairs and their similarity. Document i probes with its
  // terms the fingerprints of documents j < i, summing w_i * w_j per j in
  // float (at most terms_per_doc products of weights <= 1: error < 1e-5):
  // the dot product over the unskipped terms. Two terms that agree in their
  // bucket and tag (2^-(bucket bits + 32) per pair of terms: about 10^-4 for
  // any collision among 10^7 distinct terms) would add a wrong product.
  // Each pair is considered once, by its larger document. Tasks write their
  // own edge lists, joined in task order.
  const size_t block = options.block_docs;
  const size_t max_edges = options.max_edges_per_doc;
  const size_t num_tasks = (n + block - 1) / block;
  std::vector<std::vector<Edge>> task_edges(num_tasks);
  std::vector<uint64_t> task_candidates(num_tasks, 0);
  ScratchPool pool(n);
  auto probe_task = [&](size_t task) {
    std::unique_ptr<ProbeScratch> scratch = pool.acquire();
    std::vector<Edge>& edges = task_edges[task];
    ProbeScratch::Cell* cells = scratch->cells.data();
    uint64_t candidates = 0;
    const size_t end = std::min(n, (task + 1) * block);
    for (DocId doc = static_cast<DocId>(task * block); doc < end; ++doc) {
      scratch->candidates.clear();
      const std::span<const uint64_t> terms = fingerprints.terms(doc);
      const std::span<const float> weights = fingerprints.weights(doc);
      for (size_t t = 0; t < terms.size(); ++t) {
        const uint64_t term = terms[t];
        const uint64_t b = term >> shift;
        const uint32_t tag = tag_of(term);
        uint32_t p = bucket_begin[b];
        const uint32_t p_end = bucket_begin[b + 1];
        if (p_end - p > options.max_posting &&
            std::binary_search(skipped.begin(), skipped.end(),
                               std::make_pair(b, tag))) {
          continue;
        }
        const float w = weights[t];
        for (; p < p_end && postings[p].doc < doc; ++p) {
          if (postings[p].tag != tag) continue;
          ProbeScratch::Cell& cell = cells[postings[p].doc];
          if (cell.seen_by != doc) {
            cell.seen_by = doc;
            cell.score = 0;
            scratch->candidates.push_back(postings[p].doc);
          }
          cell.score += w * postings[p].weight;
        }
      }
      candidates += scratch->candidates.size();
      const double doc_inv_norm = inv_norm[doc];
      const size_t first = edges.size();
      for (const DocId other : scratch->candidates) {
        const double cosine =
            cells[other].score * doc_inv_norm * inv_norm[other];
        if (cosine >= edge_threshold) {
          edges.push_back({other, doc, static_cast<float>(cosine)});
        }
      }
      // Only the strongest max_edges_per_doc edges to earlier documents
      // (ties: the earlier document) stay; the order of the candidates does
      // not matter.
      if (edges.size() - first > max_edges) {
        auto stronger = [](const Edge& x, const Edge& y) {
          return x.similarity != y.similarity ? x.similarity > y.similarity
                                              : x.a < y.a;
        };
        std::nth_element(edges.begin() + first,
                         edges.begin() + first + max_edges, edges.end(),
                         stronger);
        edges.resize(first + max_edges);
      }
    }
    task_candidates[task] = candidates;
    pool.release(std::move(scratch));
  };
  if (parallel_for) {
    parallel_for(num_tasks, probe_task);
  } else {
    for (size_t task = 0; task < num_tasks; ++task) probe_task(task);
  }
  postings = {};

  local_stats.score_seconds = lap();

  // 4. Average linkage over the edges.
  AverageLinkage linkage(n);
  for (size_t task = 0; task < num_tasks; ++task) {
    local_stats.candidate_pairs += task_candidates[task];
    local_stats.similar_pairs += task_edges[task].size();
  }
  linkage.set_edges(n, [&task_edges](auto&& fn) {
    for (const auto& edges : task_edges) {
      for (const Edge& e : edges) fn(e.a, e.b, e.similarity);
    }
  });
  linkage.run(options.min_similarity);

  // 5. Representatives: the member with the largest sum of similarities to
  // the other members of its cluster (over the edges; ties: smaller DocId).
  std::vector<DocId> handle(n);
  for (DocId doc = 0; doc < n; ++doc) handle[doc] = linkage.find(doc);
  std::vector<double> centrality(n, 0);
  for (const auto& edges : task_edges) {
    for (const Edge& e : edges) {
      if (handle[e.a] == handle[e.b]) {
        centrality[e.a] += e.similarity;
        centrality[e.b] += e.similarity;
      }
    }
  }
  task_edges = {};
  std::vector<DocId> best(n, ~DocId{0});  // per handle
  for (DocId doc = 0; doc < n; ++doc) {
    DocId& b = best[handle[doc]];
    if (b == ~DocId{0} || centrality[doc] > centrality[b]) b = doc;
  }
  std::vector<StoryAssignment> result(n);
  std::vector<uint64_t> cluster_size(n, 0);
  for (DocId doc = 0; doc < n; ++doc) {
    StoryAssignment& a = result[doc];
    a.representative = best[handle[doc]];
    a.similarity = a.representative == doc
                       ? 1.0f
                       : static_cast<float>(similarity(a.representative, doc));
    if (++cluster_size[a.representative] == 1) ++local_stats.clusters;
    local_stats.largest_cluster =
        std::max(local_stats.largest_cluster, cluster_size[a.representative]);
  }
  local_stats.linkage_seconds = lap();
  if (stats != nullptr) *stats = local_stats;
  return result;
}

}  // namespace neardup
