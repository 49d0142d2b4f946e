// Story fingerprints: TF-IDF top terms (neardup/story.h).

#include <algorithm>
#include <cmath>
#include <string>

#include "neardup/story.h"
#include "story/term_table.h"

namespace neardup {

namespace {

TextOptions term_text_options() {
  TextOptions options;
  options.shingle_words = 1;
  // Short lines (titles, datelines) are among the most salient text.
  options.min_line_words = 0;
  options.short_text_words = 0;  // terms are single tokens, whatever the size
  return options;
}

// Largest df that is not a stop word: df > fraction * num_docs is one, and
// for an integer df that is df > floor(fraction * num_docs); never below
// the floor min_stop_df.
uint64_t max_kept_df(const StoryOptions& options, uint64_t num_docs) {
  return std::max<uint64_t>(
      options.min_stop_df,
      static_cast<uint64_t>(
          std::floor(options.max_df_fraction * static_cast<double>(num_docs))));
}

}  // namespace

Status validate(const StoryOptions& options) {
  if (options.terms_per_doc < 1 || options.terms_per_doc > 256) {
    return Status::InvalidArgument("terms_per_doc must be in [1, 256], got " +
                                   std::to_string(options.terms_per_doc));
  }
  if (!(options.max_df_fraction > 0 && options.max_df_fraction <= 1)) {
    return Status::InvalidArgument("max_df_fraction must be in (0, 1], got " +
                                   std::to_string(options.max_df_fraction));
  }
  if (options.min_df > (uint32_t{1} << 31)) {
    return Status::InvalidArgument("min_df must be <= 2^31, got " +
                                   std::to_string(options.min_df));
  }
  if (!(options.min_similarity > 0 && options.min_similarity <= 1)) {
    return Status::InvalidArgument("min_similarity must be in (0, 1], got " +
                                   std::to_string(options.min_similarity));
  }
  if (!(options.edge_similarity > 0 &&
        options.edge_similarity <= options.min_similarity)) {
    return Status::InvalidArgument(
        "edge_similarity must be in (0, min_similarity], got " +
        std::to_string(options.edge_similarity));
  }
  if (options.max_posting < 2) {
    return Status::InvalidArgument("max_posting must be >= 2, got " +
                                   std::to_string(options.max_posting));
  }
  if (options.max_edges_per_doc < 1) {
    return Status::InvalidArgument("max_edges_per_doc must be >= 1");
  }
  if (options.block_docs < 1) {
    return Status::InvalidArgument("block_docs must be >= 1");
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// TermHasher

TermHasher::TermHasher() : shingler_(term_text_options()) {}

Status TermHasher::hash_terms(std::string_view text,
                              std::vector<uint64_t>* out) {
  return shingler_.shingle(text, out);
}

// ---------------------------------------------------------------------------
// Weights

double story_term_weight(uint32_t tf, uint32_t df, uint64_t num_docs,
                         const StoryOptions& options) {
  if (tf == 0 || df < options.min_df || df > max_kept_df(options, num_docs)) {
    return 0;
  }
  const double idf = std::log(static_cast<double>(num_docs + 1) /
                              static_cast<double>(uint64_t{df} + 1));
  return (1 + std::log(static_cast<double>(tf))) * (idf * idf);
}

struct StoryFingerprinter::Scratch {
  // story_term_weight() in two factors, tabulated for small tf and df (0 for
  // a df outside [min_df, max_df]); larger values are computed.
  static constexpr uint32_t kTfTable = 64;
  static constexpr uint32_t kDfTable = 4096;
  double tf_weight[kTfTable];
  std::vector<double> idf_weight;  // by df, size min(kDfTable, max_df + 1)
  internal::TermCounts counts;
  struct Weighted {
    double weight;
    uint64_t term;
  };
  std::vector<Weighted> weighted;
};

StoryFingerprinter::StoryFingerprinter(const IdfModel* model,
                                       const StoryOptions& options)
    : model_(model), options_(options), scratch_(std::make_unique<Scratch>()) {
  const uint64_t num_docs = model_->num_docs();
  scratch_->tf_weight[0] = 0;
  for (uint32_t tf = 1; tf < Scratch::kTfTable; ++tf) {
    scratch_->tf_weight[tf] = 1 + std::log(static_cast<double>(tf));
  }
  const uint64_t max_df = max_kept_df(options_, num_docs);
  const size_t table =
      static_cast<size_t>(std::min<uint64_t>(Scratch::kDfTable, max_df + 1));
  scratch_->idf_weight.resize(table);
  for (size_t df = 0; df < table; ++df) {
    scratch_->idf_weight[df] =
        story_term_weight(1, static_cast<uint32_t>(df), num_docs, options_);
  }
}

StoryFingerprinter::~StoryFingerprinter() = default;

Status StoryFingerprinter::fingerprint(std::string_view text,
                                       std::vector<StoryTerm>* out) {
  terms_.clear();
  NEARDUP_RETURN_IF_ERROR(hasher_.hash_terms(text, &terms_));
  fingerprint_terms(terms_, out);
  return Status::OK();
}

void StoryFingerprinter::fingerprint_terms(std::span<const uint64_t> terms,
                                           std::vector<StoryTerm>* out) {
  Scratch& scratch = *scratch_;
  scratch.counts.count(terms);
  const std::span<const uint64_t> distinct = scratch.counts.terms();
  const std::span<const uint32_t> tfs = scratch.counts.counts();
  const uint64_t num_docs = model_->num_docs();
  const uint64_t max_df = max_kept_df(options_, num_docs);
  const size_t table = scratch.idf_weight.size();
  // The k heaviest terms (weight descending, then hash ascending: a strict
  // total order, so the set is unique) are kept in a heap whose top is the
  // lightest kept; most terms lose one predictable comparison with it.
  auto heavier = [](const Scratch::Weighted& a, const Scratch::Weighted& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
  };
  const size_t k = static_cast<size_t>(options_.terms_per_doc);
  std::vector<Scratch::Weighted>& heap = scratch.weighted;
  heap.clear();
  constexpr size_t kAhead = 8;  // see DocFrequencyCounter::add_document()
  for (size_t i = 0; i < distinct.size(); ++i) {
    if (i + kAhead < distinct.size()) model_->prefetch(distinct[i + kAhead]);
    const uint32_t df = model_->df(distinct[i]);
    // The same products as story_term_weight(), so the same bits.
    const double idf_weight =
        df < table    ? scratch.idf_weight[df]
        : df > max_df ? 0
                      : story_term_weight(1, df, num_docs, options_);
    if (idf_weight == 0) continue;
    const uint32_t tf = tfs[i];
    const double tf_weight = tf < Scratch::kTfTable
                                 ? scratch.tf_weight[tf]
                                 : 1 + std::log(static_cast<double>(tf));
    const Scratch::Weighted w{tf_weight * idf_weight, distinct[i]};
    if (heap.size() < k) {
      heap.push_back(w);
      std::push_heap(heap.begin(), heap.end(), heavier);
    } else if (heavier(w, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), heavier);
      heap.back() = w;
      std::push_heap(heap.begin(), heap.end(), heavier);
    }
  }
  double norm_sq = 0;
  for (const auto& w : scratch.weighted) norm_sq += w.weight * w.weight;
  if (!(norm_sq > 0)) return;
  const double inv_norm = 1 / std::sqrt(norm_sq);
  std::sort(scratch.weighted.begin(), scratch.weighted.end(),
            [](const auto& a, const auto& b) { return a.term < b.term; });
  for (const auto& w : scratch.weighted) {
    out->push_back({w.term, static_cast<float>(w.weight * inv_norm)});
  }
}

double story_cosine(std::span<const StoryTerm> a,
                    std::span<const StoryTerm> b) {
  double dot = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].term < b[j].term) {
      ++i;
    } else if (b[j].term < a[i].term) {
      ++j;
    } else {
      dot += static_cast<double>(a[i].weight) * b[j].weight;
      ++i, ++j;
    }
  }
  return dot;
}

}  // namespace neardup
