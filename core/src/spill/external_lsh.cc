#include "spill/external_lsh.h"

#include <algorithm>
#include <bit>

#include "common/radix_sort.h"
#include "index/lsh_bands.h"
#include "neardup/lsh.h"
#include "spill/external_sort.h"

namespace neardup::internal {

Result<std::unique_ptr<SketchFile>> SketchFile::Create(TempSpace* space,
                                                       size_t record_bytes) {
  Result<std::unique_ptr<TempFile>> file = TempFile::Create(space);
  if (!file.ok()) return file.status();
  return std::unique_ptr<SketchFile>(
      new SketchFile(std::move(file).value(), record_bytes));
}

Status SketchFile::append(std::span<const uint8_t> records) {
  return file_->append(records.data(), records.size());
}

ExternalLshBudget ExternalLshBudget::FromLimit(uint64_t limit_bytes) {
  // The steps run one after another; the band step holds its entries and
  // the pair sort's buffer, the join the pair merge, a block and windows.
  const auto share = [&](int divisor) {
    return static_cast<size_t>(limit_bytes / divisor);
  };
  ExternalLshBudget budget;
  budget.band_entries = share(4);
  budget.pairs = share(8);
  budget.block = share(4);
  budget.far_pairs = share(16);
  budget.window = share(16);
  return budget;
}

namespace {

// Records read at once by a sequential pass over the sketch file.
constexpr size_t kPassBytes = size_t{4} << 20;

uint64_t band_value(std::span<const uint8_t> record, int length, int band,
                    int rows) {
  const std::span<const uint8_t> checks = record.subspan(length);
  if (rows > 6) return band_key(record, checks, band, rows);
  uint64_t value = checks[2 * band] | uint64_t{checks[2 * band + 1]} << 8;
  const uint8_t* row = record.data() + static_cast<size_t>(band) * rows;
  for (int r = 0; r < rows; ++r) value = value << 8 | row[r];
  return value;
}

// Calls visit(doc, record) for each document, in order, reading the file
// in pieces of kPassBytes.
template <typename Visit>
Status for_each_record(const SketchFile& sketches, Visit visit) {
  const size_t record = sketches.record_bytes();
  const size_t per_read = std::max<size_t>(1, kPassBytes / record);
  std::vector<uint8_t> buffer(per_read * record);
  for (size_t first = 0; first < sketches.size(); first += per_read) {
    const size_t count = std::min(per_read, sketches.size() - first);
    NEARDUP_RETURN_IF_ERROR(
        sketches.read(static_cast<DocId>(first), count, buffer.data()));
    for (size_t i = 0; i < count; ++i) {
      visit(static_cast<DocId>(first + i),
            std::span<const uint8_t>(buffer.data() + i * record, record));
    }
  }
  return Status::OK();
}

// One group of bands [first, first + count): their entries from one read
// of the file, each band's sorted and cut into buckets whose pairs go to
// `pairs`.
Status group_bucket_pairs(
    const SketchFile& sketches, int length, const std::vector<bool>& empty,
    int first, int count, int rows, size_t budget, TempSpace* space,
    const std::function<void(std::vector<BandEntry>*)>& sort_entries,
    ExternalSorter<uint64_t>* pairs) {
  std::vector<std::unique_ptr<ExternalSorter<BandEntry>>> sorters;
  for (int i = 0; i < count; ++i) {
    sorters.push_back(std::make_unique<ExternalSorter<BandEntry>>(
        space, budget / count, /*unique=*/false, sort_entries));
  }
  Status added;
  NEARDUP_RETURN_IF_ERROR(for_each_record(
      sketches, [&](DocId doc, std::span<const uint8_t> record) {
        if (empty[doc] || !added.ok()) return;
        for (int i = 0; i < count && added.ok(); ++i) {
          BandEntry entry;
          entry.value = band_value(record, length, first + i, rows);
          entry.doc = doc;
          added = sorters[i]->add(entry);
        }
      }));
  NEARDUP_RETURN_IF_ERROR(added);
  std::vector<DocId> members;
  Status paired;
  const auto pair = [&](DocId a, DocId b) {
    if (paired.ok()) paired = pairs->add(uint64_t{a} << 32 | b);
  };
  for (auto& sorter : sorters) {
    NEARDUP_RETURN_IF_ERROR(sorter->finish());
    BandEntry entry;
    uint64_t value = 0;
    members.clear();
    while (sorter->next(&entry)) {
      if (!members.empty() && entry.value != value) {
        for_each_bucket_pair(members, pair);
        members.clear();
      }
      value = entry.value;
      members.push_back(entry.doc);
    }
    NEARDUP_RETURN_IF_ERROR(sorter->status());
    for_each_bucket_pair(members, pair);
    NEARDUP_RETURN_IF_ERROR(paired);
    sorter.reset();
  }
  return Status::OK();
}

// The block join: the distinct bucket pairs, in ascending order, checked
// for min_equal equal entries against the records on disk.
class PairCheck {
 public:
  PairCheck(const SketchFile& sketches, int length, int min_equal,
            const ExternalLshBudget& budget, ExternalLshResult* result)
      : sketches_(sketches),
        record_(sketches.record_bytes()),
        length_(length),
        min_equal_(min_equal),
        block_docs_(std::max<size_t>(1, budget.block / record_)),
        far_capacity_(std::max<size_t>(1024, budget.far_pairs / 8)),
        window_docs_(std::max<size_t>(1, budget.window / record_)),
        result_(result) {}

  Status add(uint64_t pair) {
    const auto a = static_cast<DocId>(pair >> 32);
    const auto b = static_cast<DocId>(pair);
    if (a >= block_end_) {
      NEARDUP_RETURN_IF_ERROR(check_far());
      NEARDUP_RETURN_IF_ERROR(load_block(a));
    }
    if (b < block_end_) {
      check(a, record_at(block_, block_begin_, a), b,
            record_at(block_, block_begin_, b));
      return Status::OK();
    }
    far_.push_back(uint64_t{b} << 32 | a);
    if (far_.size() >= far_capacity_) return check_far();
    return Status::OK();
  }

  // Checks the pairs left and sorts the kept ones.
  Status finish() {
    NEARDUP_RETURN_IF_ERROR(check_far());
    std::vector<size_t> order(kept_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (!std::is_sorted(kept_.begin(), kept_.end())) {
      std::sort(order.begin(), order.end(),
                [&](size_t x, size_t y) { return kept_[x] < kept_[y]; });
    }
    result_->pairs.resize(kept_.size());
    result_->equal.resize(kept_.size());
    for (size_t i = 0; i < order.size(); ++i) {
      result_->pairs[i] = kept_[order[i]];
      result_->equal[i] = kept_equal_[order[i]];
    }
    return Status::OK();
  }

 private:
  std::span<const uint8_t> record_at(const std::vector<uint8_t>& records,
                                     DocId begin, DocId doc) const {
    return {records.data() + size_t{doc - begin} * record_, record_};
  }

  Status load_block(DocId first) {
    block_begin_ = first;
    block_end_ = static_cast<DocId>(
        std::min<size_t>(sketches_.size(), size_t{first} + block_docs_));
    block_.resize(size_t{block_end_ - block_begin_} * record_);
    return sketches_.read(first, block_end_ - block_begin_, block_.data());
  }

  // The pairs whose second member is past the block, by second member: each
  // window of records read holds the second members of a run of them.
  Status check_far() {
    std::sort(far_.begin(), far_.end());
    size_t i = 0;
    while (i < far_.size()) {
      const auto begin = static_cast<DocId>(far_[i] >> 32);
      size_t j = i;
      while (j < far_.size() &&
             (far_[j] >> 32) < uint64_t{begin} + window_docs_) {
        ++j;
      }
      const auto end = static_cast<DocId>((far_[j - 1] >> 32) + 1);
      window_.resize(size_t{end - begin} * record_);
      NEARDUP_RETURN_IF_ERROR(
          sketches_.read(begin, end - begin, window_.data()));
      for (; i < j; ++i) {
        const auto a = static_cast<DocId>(far_[i]);
        const auto b = static_cast<DocId>(far_[i] >> 32);
        check(a, record_at(block_, block_begin_, a), b,
              record_at(window_, begin, b));
      }
    }
    far_.clear();
    return Status::OK();
  }

  void check(DocId a, std::span<const uint8_t> ra, DocId b,
             std::span<const uint8_t> rb) {
    const int equal = equal_entries(ra.first(length_), rb.first(length_));
    if (min_equal_ <= 0 || (min_equal_ <= length_ && equal >= min_equal_)) {
      kept_.push_back(uint64_t{a} << 32 | b);
      kept_equal_.push_back(static_cast<uint16_t>(equal));
    }
  }

  const SketchFile& sketches_;
  const size_t record_;
  const int length_, min_equal_;
  const size_t block_docs_, far_capacity_, window_docs_;
  ExternalLshResult* result_;
  DocId block_begin_ = 0, block_end_ = 0;
  std::vector<uint8_t> block_, window_;
  std::vector<uint64_t> far_;  // (b << 32 | a)
  std::vector<uint64_t> kept_;
  std::vector<uint16_t> kept_equal_;
};

}  // namespace

Status external_band_candidates(
    const SketchFile& sketches, int length, const std::vector<bool>& empty,
    int bands, int rows, int min_equal, const ExternalLshBudget& budget,
    TempSpace* space,
    const std::function<void(std::vector<BandEntry>*)>& sort_entries,
    ExternalLshResult* result) {
  size_t documents = 0;
  for (size_t doc = 0; doc < sketches.size(); ++doc) documents += !empty[doc];
  // As many bands per read of the file as fit in memory at once.
  const size_t band_bytes = std::max<size_t>(1, documents) * sizeof(BandEntry);
  const int group = static_cast<int>(std::clamp<size_t>(
      budget.band_entries / band_bytes, 1, static_cast<size_t>(bands)));
  ExternalSorter<uint64_t> pairs(space, budget.pairs, /*unique=*/true,
                                 [](std::vector<uint64_t>* v) {
                                   uint64_t largest = 0;
                                   for (uint64_t p : *v)
                                     largest = std::max(largest, p);
                                   sort_by_top_bits(v, std::bit_width(largest));
                                 });
  for (int first = 0; first < bands; first += group) {
    NEARDUP_RETURN_IF_ERROR(group_bucket_pairs(
        sketches, length, empty, first, std::min(group, bands - first), rows,
        budget.band_entries, space, sort_entries, &pairs));
    ++result->band_passes;
  }
  NEARDUP_RETURN_IF_ERROR(pairs.finish());
  PairCheck check(sketches, length, min_equal, budget, result);
  uint64_t pair = 0;
  while (pairs.next(&pair)) {
    ++result->bucket_pairs;
    NEARDUP_RETURN_IF_ERROR(check.add(pair));
  }
  NEARDUP_RETURN_IF_ERROR(pairs.status());
  return check.finish();
}

}  // namespace neardup::internal
