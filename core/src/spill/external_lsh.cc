#include "spill/external_lsh.h"

#include <algorithm>
#include <bit>
#include <mutex>

// Inlined: band values of long bands hash a few bytes each.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/parallel.h"
#include "common/radix_sort.h"
#include "index/lsh_bands.h"
#include "neardup/lsh.h"
#include "spill/external_sort.h"

namespace neardup::internal {

Result<std::unique_ptr<SketchFile>> SketchFile::Create(TempSpace* space,
                                                       int length, int bands,
                                                       int rows,
                                                       size_t block_docs) {
  Result<std::unique_ptr<TempFile>> signatures = TempFile::Create(space);
  if (!signatures.ok()) return signatures.status();
  Result<std::unique_ptr<TempFile>> band_file = TempFile::Create(space);
  if (!band_file.ok()) return band_file.status();
  return std::unique_ptr<SketchFile>(new SketchFile(
      std::move(signatures).value(), std::move(band_file).value(), length,
      bands, rows, std::max<size_t>(1, block_docs)));
}

SketchFile::SketchFile(std::unique_ptr<TempFile> signatures,
                       std::unique_ptr<TempFile> bands, int length,
                       int bands_count, int rows, size_t block_docs)
    : signatures_(std::move(signatures)),
      bands_(std::move(bands)),
      length_(length),
      bands_count_(bands_count),
      rows_(rows),
      block_docs_max_(block_docs) {}

Status SketchFile::append(std::span<const uint8_t> records) {
  const size_t length = static_cast<size_t>(length_);
  const size_t record = length + kBandCheckBytes * bands_count_;
  const size_t per_band = band_bytes();
  if (block_.empty()) block_.resize(block_docs_max_ * per_band * bands_count_);
  for (size_t at = 0; at + record <= records.size(); at += record) {
    const uint8_t* r = records.data() + at;
    NEARDUP_RETURN_IF_ERROR(signatures_->append(r, length));
    // Byte loops: memcpy calls of a few bytes would cost more than the
    // copies, and this runs in pass 1's serial collector.
    const uint8_t* row = r;
    const uint8_t* check = r + length;
    uint8_t* out = block_.data() + block_docs_ * per_band;
    for (int band = 0; band < bands_count_; ++band) {
      for (int k = 0; k < rows_; ++k) out[k] = row[k];
      out[rows_] = check[0];
      out[rows_ + 1] = check[1];
      row += rows_;
      check += kBandCheckBytes;
      out += block_docs_max_ * per_band;
    }
    ++docs_;
    if (++block_docs_ == block_docs_max_) {
      NEARDUP_RETURN_IF_ERROR(write_block());
    }
  }
  return Status::OK();
}

// A block's bands follow each other without gaps: a partial last block
// is as long as its documents.
Status SketchFile::write_block() {
  const size_t slice = block_docs_ * band_bytes();
  for (int band = 0; band < bands_count_; ++band) {
    NEARDUP_RETURN_IF_ERROR(bands_->append(
        block_.data() + band * block_docs_max_ * band_bytes(), slice));
  }
  block_docs_ = 0;
  return Status::OK();
}

Status SketchFile::flush() {
  if (block_docs_ > 0) NEARDUP_RETURN_IF_ERROR(write_block());
  std::vector<uint8_t>().swap(block_);
  NEARDUP_RETURN_IF_ERROR(signatures_->flush());
  return bands_->flush();
}

Result<size_t> SketchFile::read_band(size_t block, int band,
                                     std::vector<uint8_t>* out) const {
  const size_t docs =
      std::min(block_docs_max_, docs_ - block * block_docs_max_);
  const uint64_t start =
      uint64_t{block} * block_docs_max_ * band_bytes() * bands_count_ +
      uint64_t{docs} * band_bytes() * band;
  out->resize(docs * band_bytes());
  NEARDUP_RETURN_IF_ERROR(bands_->read(start, out->data(), out->size()));
  return docs;
}

ExternalLshBudget ExternalLshBudget::FromLimit(uint64_t limit_bytes) {
  // The steps run one after another: the band step holds its entries
  // (and their sorts' scratch) and the pair batches; the join the pair
  // merge, a block, the waiting pairs, a window and the kept pairs' sort.
  const auto share = [&](int divisor) {
    return static_cast<size_t>(limit_bytes / divisor);
  };
  ExternalLshBudget budget;
  budget.band_entries = share(4) * 3;
  budget.pairs = share(8);
  // Each time the waiting pairs fill their buffer, their windows cover
  // most documents after the block (at 50M, 2.3 TB of signatures went
  // through the windows when the block had twice this share and the
  // waiting pairs a third of theirs): their buffer gets the larger share.
  budget.block = share(8);
  budget.far_pairs = share(16) * 3;
  budget.window = share(16);
  return budget;
}

namespace {

// A band's value from its bytes (rows, then the check): the bytes
// themselves while they fit in 64 bits, else band_key() of them.
uint64_t band_value(const uint8_t* bytes, int band, int rows) {
  const uint64_t check = bytes[rows] | uint64_t{bytes[rows + 1]} << 8;
  if (rows > 6) {
    return XXH3_64bits_withSeed(bytes, static_cast<size_t>(rows),
                                kBandSeed + band + (check << 32));
  }
  uint64_t value = check;
  for (int r = 0; r < rows; ++r) value = value << 8 | bytes[r];
  return value;
}

// Sorts entries by (value, doc). REQUIRES: `v` in ascending doc order, as
// a pass over the file adds them: a stable LSD radix sort by value (11-bit
// digits, those where all entries agree skipped) then keeps the docs in
// order. `scratch` is resized to v->size().
void sort_entries(int value_bits, std::vector<BandEntry>* v,
                  std::vector<BandEntry>* scratch) {
  constexpr int kDigitBits = 11;
  constexpr size_t kRadix = size_t{1} << kDigitBits;
  const int passes = (value_bits + kDigitBits - 1) / kDigitBits;
  const size_t n = v->size();
  std::vector<size_t> counts(static_cast<size_t>(passes) * kRadix, 0);
  for (const BandEntry& e : *v) {
    for (int p = 0; p < passes; ++p) {
      ++counts[p * kRadix + ((e.value >> (p * kDigitBits)) & (kRadix - 1))];
    }
  }
  scratch->resize(n);
  BandEntry* from = v->data();
  BandEntry* to = scratch->data();
  for (int p = 0; p < passes && n > 0; ++p) {
    size_t* count = counts.data() + p * kRadix;
    const int shift = p * kDigitBits;
    if (count[(from[0].value >> shift) & (kRadix - 1)] == n) continue;
    size_t sum = 0;
    for (size_t d = 0; d < kRadix; ++d) {
      const size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; ++i) {
      to[count[(from[i].value >> shift) & (kRadix - 1)]++] = from[i];
    }
    std::swap(from, to);
  }
  if (from != v->data()) v->swap(*scratch);
}

// Calls visit(value, doc) for each document of `band` not marked `empty`,
// in document order, from one read of the band's bytes (a slice of each
// block).
template <typename Visit>
Status for_each_band_value(const SketchFile& sketches,
                           const std::vector<bool>& empty, int band,
                           Visit visit) {
  const int rows = sketches.rows();
  const size_t per_band = sketches.band_bytes();
  std::vector<uint8_t> bytes;
  for (size_t block = 0; block < sketches.blocks(); ++block) {
    Result<size_t> docs = sketches.read_band(block, band, &bytes);
    if (!docs.ok()) return docs.status();
    const DocId base = static_cast<DocId>(block * sketches.block_docs());
    for (size_t d = 0; d < *docs; ++d) {
      if (empty[base + d]) continue;
      visit(band_value(bytes.data() + d * per_band, band, rows),
            static_cast<DocId>(base + d));
    }
  }
  return Status::OK();
}

// The buckets' pairs of the bands, sorted on the bands' threads in batches
// and handed to one sorter as runs, so that no thread sorts while holding
// the lock.
class PairSink {
 public:
  PairSink(ExternalSorter<uint64_t>* pairs, size_t batch_pairs)
      : pairs_(pairs), batch_pairs_(std::max(kMinBatch, batch_pairs)) {}
  size_t batch_pairs() const { return batch_pairs_; }
  // Sorts `batch` and adds it as a run; empties it.
  Status add(std::vector<uint64_t>* batch) {
    uint64_t largest = 0;
    for (uint64_t p : *batch) largest = std::max(largest, p);
    sort_by_top_bits(batch, std::bit_width(largest));
    std::lock_guard<std::mutex> lock(mu_);
    if (failure_.ok()) failure_ = pairs_->add_run(batch);
    batch->clear();
    return failure_;
  }

 private:
  // Each batch is a run, an open file until merged: not too small.
  static constexpr size_t kMinBatch = size_t{1} << 13;
  std::mutex mu_;
  ExternalSorter<uint64_t>* pairs_;
  const size_t batch_pairs_;
  Status failure_;
};

// Cuts one band's (value, document) entries, given in ascending order,
// into buckets, and sends the buckets' pairs to a PairSink in batches.
class BucketCutter {
 public:
  explicit BucketCutter(PairSink* sink) : sink_(sink) {}
  void add(uint64_t value, DocId doc) {
    if (!members_.empty() && value != value_) end_bucket();
    value_ = value;
    members_.push_back(doc);
  }
  // Sends the last bucket's pairs and the batch.
  Status finish() {
    end_bucket();
    NEARDUP_RETURN_IF_ERROR(sent_);
    return sink_->add(&batch_);
  }

 private:
  void end_bucket() {
    for_each_bucket_pair(
        std::span<const DocId>(members_), [this](DocId a, DocId b) {
          batch_.push_back(uint64_t{a} << 32 | b);
          if (batch_.size() >= sink_->batch_pairs() && sent_.ok()) {
            sent_ = sink_->add(&batch_);
          }
        });
    members_.clear();
  }

  PairSink* sink_;
  std::vector<uint64_t> batch_;
  std::vector<DocId> members_;
  uint64_t value_ = 0;
  Status sent_;
};

// Sorts one band's entries externally (runs on disk past the sorter's
// budget) and cuts them into buckets.
Status band_pairs_by_runs(const SketchFile& sketches,
                          const std::vector<bool>& empty, int band,
                          ExternalSorter<BandEntry>* sorter, PairSink* sink) {
  Status added;
  NEARDUP_RETURN_IF_ERROR(for_each_band_value(
      sketches, empty, band, [&](uint64_t value, DocId doc) {
        if (added.ok()) added = sorter->add(BandEntry{value, doc});
      }));
  NEARDUP_RETURN_IF_ERROR(added);
  NEARDUP_RETURN_IF_ERROR(sorter->finish());
  BucketCutter cutter(sink);
  BandEntry entry;
  while (sorter->next(&entry)) cutter.add(entry.value, entry.doc);
  NEARDUP_RETURN_IF_ERROR(sorter->status());
  return cutter.finish();
}

// Band values of at most 40 bits (rows <= 3, the default) are sorted
// without disk in a few reads of the band's bytes: a value's bits above
// the 32nd pick its partition (at most 256), and within a partition the
// low 32 bits and the document make one 8-byte word, half a BandEntry.
// Each read collects the words of a run of partitions that fits the
// memory share.
constexpr int kPartitionedValueBits = 40;
constexpr size_t kMaxBandPasses = 4;

// The reads of one band: partition p's documents are counts[p]; read i
// collects partitions [firsts[i], firsts[i + 1]).
struct BandPasses {
  std::vector<size_t> counts;
  std::vector<size_t> firsts;
};

// Plans the reads so that each one's words, and the scratch of its largest
// partition's sort, fit in `share` bytes. False when that takes more than
// kMaxBandPasses reads or a partition alone does not fit.
bool plan_band_passes(size_t share, BandPasses* plan) {
  const size_t word = sizeof(uint64_t);
  plan->firsts.assign(1, 0);
  size_t words = 0, largest = 0;
  for (size_t p = 0; p < plan->counts.size(); ++p) {
    const size_t count = plan->counts[p];
    if (2 * count * word > share) return false;
    if ((words + count + std::max(largest, count)) * word > share) {
      plan->firsts.push_back(p);
      words = largest = 0;
    }
    words += count;
    largest = std::max(largest, count);
  }
  plan->firsts.push_back(plan->counts.size());
  return plan->firsts.size() - 1 <= kMaxBandPasses;
}

// Sorts one band's entries in memory by the plan's reads and cuts them
// into buckets. The words of a partition arrive in document order, so
// sorting them by value keeps equal values' documents ascending.
Status band_pairs_by_passes(const SketchFile& sketches,
                            const std::vector<bool>& empty, int band,
                            const BandPasses& plan, PairSink* sink) {
  BucketCutter cutter(sink);
  std::vector<std::vector<uint64_t>> words;
  std::vector<uint64_t> scratch;
  for (size_t pass = 0; pass + 1 < plan.firsts.size(); ++pass) {
    const size_t first = plan.firsts[pass], end = plan.firsts[pass + 1];
    words.assign(end - first, {});
    for (size_t p = first; p < end; ++p) {
      words[p - first].reserve(plan.counts[p]);
    }
    NEARDUP_RETURN_IF_ERROR(for_each_band_value(
        sketches, empty, band, [&](uint64_t value, DocId doc) {
          const size_t p = static_cast<size_t>(value >> 32);
          if (p >= first && p < end) {
            words[p - first].push_back(value << 32 | doc);
          }
        }));
    for (size_t p = first; p < end; ++p) {
      std::vector<uint64_t>& part = words[p - first];
      sort_by_high_word_stable(&part, &scratch);
      for (uint64_t w : part) {
        cutter.add(uint64_t{p} << 32 | w >> 32, static_cast<DocId>(w));
      }
      std::vector<uint64_t>().swap(part);
    }
  }
  return cutter.finish();
}

// One band's pairs: by in-memory passes when its values are short enough
// and its partitions fit `share` bytes, else by an external sort within
// it. Sets `*runs` when the sort wrote runs to disk.
Status band_bucket_pairs(const SketchFile& sketches,
                         const std::vector<bool>& empty, int band,
                         int value_bits, size_t share, TempSpace* space,
                         PairSink* sink, bool* runs) {
  *runs = false;
  const size_t docs = sketches.size();
  if (value_bits <= kPartitionedValueBits &&
      docs * sizeof(uint64_t) <= kMaxBandPasses * share) {
    BandPasses plan;
    plan.counts.assign(size_t{1} << (kPartitionedValueBits - 32), 0);
    NEARDUP_RETURN_IF_ERROR(for_each_band_value(
        sketches, empty, band,
        [&](uint64_t value, DocId) { ++plan.counts[value >> 32]; }));
    if (plan_band_passes(share, &plan)) {
      return band_pairs_by_passes(sketches, empty, band, plan, sink);
    }
  }
  // Half of the share for the sorter's buffer, half for its scratch.
  ExternalSorter<BandEntry> sorter(space, share / 2, /*unique=*/false,
                                   [value_bits](std::vector<BandEntry>* v) {
                                     std::vector<BandEntry> scratch;
                                     sort_entries(value_bits, v, &scratch);
                                   });
  const Status s = band_pairs_by_runs(sketches, empty, band, &sorter, sink);
  *runs = sorter.runs_written() > 0;
  return s;
}

// Every band, on up to `threads` threads, each band on one, with its share
// of `budget`; its buckets' pairs go to `sink`. Counts in `external_sorts`
// the bands sorted in runs.
Status all_bucket_pairs(const SketchFile& sketches,
                        const std::vector<bool>& empty, size_t budget,
                        int threads, TempSpace* space, PairSink* sink,
                        uint64_t* external_sorts) {
  const int rows = sketches.rows();
  const int value_bits = rows > 6 ? 64 : 8 * rows + 16;
  const size_t share = budget / static_cast<size_t>(threads);
  std::mutex mu;
  Status failure;
  parallel_ranges(static_cast<size_t>(sketches.bands()), 1, threads,
                  [&](size_t begin, size_t end) {
                    for (size_t band = begin; band < end; ++band) {
                      bool runs = false;
                      const Status s = band_bucket_pairs(
                          sketches, empty, static_cast<int>(band), value_bits,
                          share, space, sink, &runs);
                      std::lock_guard<std::mutex> lock(mu);
                      *external_sorts += runs;
                      if (failure.ok()) failure = s;
                    }
                  });
  return failure;
}

// A pair kept by the join and its equal entries: 10 bytes, as the kept
// pairs are most of what the join holds.
struct __attribute__((packed)) KeptPair {
  uint64_t pair;
  uint16_t equal;
  bool operator<(const KeptPair& o) const { return pair < o.pair; }
  bool operator==(const KeptPair& o) const { return pair == o.pair; }
};

// The pairs the join keeps, from any thread, sorted externally within the
// pair sort's share (its own buffer is freed by then), so that only the
// result takes 10 bytes a pair.
class KeptPairs {
 public:
  KeptPairs(TempSpace* space, size_t budget)
      : sorter_(space, budget, /*unique=*/false) {}
  // Adds a batch. Thread-safe.
  Status add(const std::vector<KeptPair>& batch) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const KeptPair& k : batch) {
      if (failure_.ok()) failure_ = sorter_.add(k);
    }
    count_ += batch.size();
    return failure_;
  }
  // Writes the pairs, ascending, and their equal entries to `result`.
  Status finish(ExternalLshResult* result) {
    NEARDUP_RETURN_IF_ERROR(failure_);
    NEARDUP_RETURN_IF_ERROR(sorter_.finish());
    result->pairs.resize(count_);
    result->equal.resize(count_);
    KeptPair k;
    for (size_t i = 0; i < count_ && sorter_.next(&k); ++i) {
      result->pairs[i] = k.pair;
      result->equal[i] = k.equal;
    }
    return sorter_.status();
  }

 private:
  std::mutex mu_;
  ExternalSorter<KeptPair> sorter_;
  size_t count_ = 0;
  Status failure_;
};

// The block join of one range of first members, on one thread: the
// distinct bucket pairs, in ascending order, checked for min_equal equal
// entries against the records on disk. A block of first members is read
// at once; pairs whose second member is in it are checked in batches, the
// others wait, grouped by window of second members, until the block ends
// or they fill their buffer.
class PairCheck {
 public:
  PairCheck(const SketchFile& sketches, int min_equal,
            const ExternalLshBudget& budget, KeptPairs* kept)
      : sketches_(sketches),
        record_(static_cast<size_t>(sketches.signature_length())),
        length_(sketches.signature_length()),
        min_equal_(min_equal),
        block_docs_(std::max<size_t>(1, budget.block / record_)),
        far_capacity_(std::max<size_t>(kBatch, budget.far_pairs / 8)),
        window_shift_(
            std::bit_width(std::max<size_t>(1, budget.window / record_)) - 1),
        kept_(kept) {}

  Status add(uint64_t pair) {
    if (static_cast<DocId>(pair >> 32) >= block_end_) {
      NEARDUP_RETURN_IF_ERROR(check_far());
      NEARDUP_RETURN_IF_ERROR(load_block(static_cast<DocId>(pair >> 32)));
    }
    if (static_cast<DocId>(pair) < block_end_) {
      near_.push_back(pair);
      if (near_.size() >= kBatch) check_near();
      return Status::OK();
    }
    far_.push_back(pair << 32 | pair >> 32);  // (b << 32 | a)
    if (far_.size() >= far_capacity_) return check_far();
    return Status::OK();
  }

  // Checks the pairs left.
  Status finish() {
    NEARDUP_RETURN_IF_ERROR(check_far());
    return failure_;
  }

 private:
  // Pairs per batch of checks.
  static constexpr size_t kBatch = size_t{1} << 16;
  // How far ahead (in pairs) the records are fetched into the cache.
  static constexpr size_t kPrefetch = 8;

  const uint8_t* block_record(DocId doc) const {
    return block_.data() + size_t{doc - block_begin_} * record_;
  }

  Status load_block(DocId first) {
    block_begin_ = first;
    block_end_ = static_cast<DocId>(
        std::min<size_t>(sketches_.size(), size_t{first} + block_docs_));
    block_.resize(size_t{block_end_ - block_begin_} * record_);
    return sketches_.read_signatures(first, block_end_ - block_begin_,
                                     block_.data());
  }

  // Checks `n` pairs: record(i, &a, &b) gives the i-th pair's records,
  // first member first.
  template <typename Records>
  void check_all(size_t n, Records record) {
    kept_batch_.clear();
    for (size_t i = 0; i < n; ++i) {
      if (i + kPrefetch < n) {
        const uint8_t *a, *b;
        record(i + kPrefetch, &a, &b);
        for (int at = 0; at < length_; at += 64) {
          __builtin_prefetch(a + at);
          __builtin_prefetch(b + at);
        }
      }
      const uint8_t *a, *b;
      const uint64_t pair = record(i, &a, &b);
      const int equal = equal_entries({a, static_cast<size_t>(length_)},
                                      {b, static_cast<size_t>(length_)});
      if (min_equal_ <= 0 || (min_equal_ <= length_ && equal >= min_equal_)) {
        kept_batch_.push_back({pair, static_cast<uint16_t>(equal)});
      }
    }
    if (failure_.ok()) failure_ = kept_->add(kept_batch_);
  }

  void check_near() {
    check_all(near_.size(),
              [this](size_t i, const uint8_t** a, const uint8_t** b) {
                *a = block_record(static_cast<DocId>(near_[i] >> 32));
                *b = block_record(static_cast<DocId>(near_[i]));
                return near_[i];
              });
    near_.clear();
  }

  // The waiting pairs, grouped by window of 2^window_shift_ second members
  // (no full sort): one read of each window's span of records.
  Status check_far() {
    check_near();
    partition_by_high_word(&far_, window_shift_);
    size_t i = 0;
    while (i < far_.size()) {
      const uint64_t window = far_[i] >> 32 >> window_shift_;
      size_t j = i;
      DocId lo = ~DocId{0}, hi = 0;
      for (; j < far_.size() && (far_[j] >> 32 >> window_shift_) == window;
           ++j) {
        lo = std::min(lo, static_cast<DocId>(far_[j] >> 32));
        hi = std::max(hi, static_cast<DocId>(far_[j] >> 32));
      }
      window_.resize(size_t{hi - lo + 1} * record_);
      NEARDUP_RETURN_IF_ERROR(
          sketches_.read_signatures(lo, hi - lo + 1, window_.data()));
      check_all(j - i, [&](size_t k, const uint8_t** a, const uint8_t** b) {
        const uint64_t f = far_[i + k];
        *a = block_record(static_cast<DocId>(f));
        *b =
            window_.data() + size_t{static_cast<DocId>(f >> 32) - lo} * record_;
        return f << 32 | f >> 32;
      });
      i = j;
    }
    far_.clear();
    return Status::OK();
  }

  const SketchFile& sketches_;
  const size_t record_;
  const int length_, min_equal_;
  const size_t block_docs_, far_capacity_;
  const int window_shift_;
  KeptPairs* kept_;
  std::vector<KeptPair> kept_batch_;
  Status failure_;  // of adding to kept_
  DocId block_begin_ = 0, block_end_ = 0;
  std::vector<uint8_t> block_, window_;
  std::vector<uint64_t> near_;  // (a << 32 | b)
  std::vector<uint64_t> far_;   // (b << 32 | a)
};

}  // namespace

Status external_band_candidates(const SketchFile& sketches,
                                const std::vector<bool>& empty, int min_equal,
                                const ExternalLshBudget& budget, int threads,
                                TempSpace* space, ExternalLshResult* result) {
  threads = thread_count(threads);
  // The band step's pair batches share the pair sort's budget; the sorter
  // itself only merges their runs.
  ExternalSorter<uint64_t> pairs(space, budget.pairs, /*unique=*/true);
  PairSink sink(&pairs,
                budget.pairs / sizeof(uint64_t) / static_cast<size_t>(threads));
  NEARDUP_RETURN_IF_ERROR(all_bucket_pairs(sketches, empty, budget.band_entries,
                                           threads, space, &sink,
                                           &result->external_band_sorts));
  NEARDUP_RETURN_IF_ERROR(pairs.finish());
  // The bands' words were freed into the threads' heaps: return them, or
  // they stay resident through the join.
  release_free_memory();
  // The join in parts of the first members' range, each merged from the
  // runs and checked on one thread within its share of the budget; more
  // parts than threads, as earlier documents have more later partners.
  const size_t parts = threads == 1 ? 1 : 4 * static_cast<size_t>(threads);
  const size_t docs = sketches.size();
  ExternalLshBudget share = budget;
  share.block /= static_cast<size_t>(threads);
  share.far_pairs /= static_cast<size_t>(threads);
  share.window /= static_cast<size_t>(threads);
  KeptPairs kept(space, budget.pairs);
  std::mutex mu;
  Status failure;
  parallel_ranges(parts, 1, threads, [&](size_t begin, size_t end) {
    for (size_t part = begin; part < end; ++part) {
      const uint64_t lo = uint64_t{part * docs / parts} << 32;
      const uint64_t hi = uint64_t{(part + 1) * docs / parts} << 32;
      auto merge =
          pairs.range(lo, hi, budget.pairs / static_cast<size_t>(threads));
      PairCheck check(sketches, min_equal, share, &kept);
      uint64_t pair = 0, distinct = 0;
      Status s;
      while (s.ok() && merge.next(&pair)) {
        ++distinct;
        s = check.add(pair);
      }
      if (s.ok()) s = merge.status();
      if (s.ok()) s = check.finish();
      std::lock_guard<std::mutex> lock(mu);
      result->bucket_pairs += distinct;
      if (failure.ok()) failure = s;
    }
  });
  NEARDUP_RETURN_IF_ERROR(failure);
  return kept.finish(result);
}

}  // namespace neardup::internal
