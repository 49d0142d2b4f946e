// Document-frequency counting and the IdfModel file (neardup/story.h).

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>

#include "neardup/story.h"
#include "story/term_table.h"
#include "write/atomic_file.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {

namespace {

constexpr char kMagic[8] = {'N', 'D', 'I', 'D', 'F', 'M', 'O', 'D'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 40;
constexpr size_t kRecordBytes = 12;
constexpr size_t kChecksumBytes = 8;

void put_u32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= uint32_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}
uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------
// DocFrequencyCounter

// Slots hold (term, count, last document); count 0 marks an empty slot. A
// document counts once per term because the slot remembers the last
// document that counted it, so no per-document set is needed. The table
// doubles at load 1/2, so a probe visits about 1.5 slots on average (Knuth,
// TAOCP vol. 3, section 6.4, linear probing).
struct DocFrequencyCounter::Impl {
  // 16 bytes, so four slots share a cache line. Counts and document numbers
  // saturate at 2^32 - 1 (see finish()); a counter sees fewer documents.
  struct Slot {
    uint64_t term = 0;
    uint32_t count = 0;
    uint32_t last_doc = ~uint32_t{0};
  };
  std::vector<Slot> slots = std::vector<Slot>(16);
  int shift = 60;
  size_t used = 0;

  // Adds `count` documents to `term`; with `doc` != ~0, only if `doc` has not
  // counted it yet.
  void add(uint64_t term, uint32_t count, uint32_t doc) {
    const size_t mask = slots.size() - 1;
    size_t s = static_cast<size_t>(term >> shift);
    while (true) {
      Slot& slot = slots[s];
      if (slot.count == 0) {
        slot.term = term;
        slot.count = count;
        slot.last_doc = doc;
        if (++used * 2 > slots.size()) grow();
        return;
      }
      if (slot.term == term) {
        if (doc == ~uint32_t{0} || slot.last_doc != doc) {
          // Saturating: a count near 2^32 is a stop word anyway.
          slot.count = static_cast<uint32_t>(
              std::min<uint64_t>(uint64_t{slot.count} + count, ~uint32_t{0}));
          slot.last_doc = doc;
        }
        return;
      }
      s = (s + 1) & mask;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots);
    slots.assign(old.size() * 2, Slot{});
    --shift;
    used = 0;
    for (const Slot& slot : old) {
      if (slot.count != 0) add(slot.term, slot.count, slot.last_doc);
    }
  }
};

DocFrequencyCounter::DocFrequencyCounter() : impl_(std::make_unique<Impl>()) {}
DocFrequencyCounter::~DocFrequencyCounter() = default;
DocFrequencyCounter::DocFrequencyCounter(DocFrequencyCounter&&) noexcept =
    default;
DocFrequencyCounter& DocFrequencyCounter::operator=(
    DocFrequencyCounter&&) noexcept = default;

void DocFrequencyCounter::add_document(std::span<const uint64_t> terms) {
  // Document numbers wrap after 2^32 - 1 documents per counter; a wrapped
  // number equal to a term's last one could miss one count, 2^-32 of them.
  const uint32_t doc = static_cast<uint32_t>(num_docs_++ % 0xffffffffULL);
  // A table of a large vocabulary is mostly cache misses: touching the slots
  // of the next terms early keeps several misses in flight.
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i + kAhead < terms.size()) {
      __builtin_prefetch(
          &impl_
               ->slots[static_cast<size_t>(terms[i + kAhead] >> impl_->shift)]);
    }
    impl_->add(terms[i], 1, doc);
  }
}

void DocFrequencyCounter::merge(const DocFrequencyCounter& other) {
  num_docs_ += other.num_docs_;
  for (const Impl::Slot& slot : other.impl_->slots) {
    if (slot.count != 0) impl_->add(slot.term, slot.count, ~uint32_t{0});
  }
}

size_t DocFrequencyCounter::num_terms() const { return impl_->used; }

IdfModel DocFrequencyCounter::finish(uint32_t min_df_kept) const {
  std::vector<std::pair<uint64_t, uint32_t>> counts;
  for (const Impl::Slot& slot : impl_->slots) {
    if (slot.count != 0 && slot.count >= min_df_kept) {
      counts.emplace_back(slot.term, slot.count);
    }
  }
  return IdfModel::from_counts(num_docs_, std::move(counts), min_df_kept);
}

// ---------------------------------------------------------------------------
// IdfModel

IdfModel::IdfModel() { build_table(); }
IdfModel::~IdfModel() = default;
IdfModel::IdfModel(IdfModel&&) noexcept = default;
IdfModel& IdfModel::operator=(IdfModel&&) noexcept = default;

IdfModel IdfModel::from_counts(
    uint64_t num_docs, std::vector<std::pair<uint64_t, uint32_t>> counts,
    uint32_t min_df_kept) {
  // Sorting makes the model (and its file) independent of the order in which
  // the counts were gathered.
  std::sort(counts.begin(), counts.end());
  IdfModel model;
  model.num_docs_ = num_docs;
  model.min_df_kept_ = min_df_kept;
  model.terms_.reserve(counts.size());
  model.dfs_.reserve(counts.size());
  for (const auto& [term, df] : counts) {
    if (df < min_df_kept || df == 0) continue;
    model.terms_.push_back(term);
    model.dfs_.push_back(df);
  }
  model.build_table();
  return model;
}

void IdfModel::build_table() {
  slot_shift_ = internal::slot_shift_for(terms_.size());
  slots_.assign(size_t{1} << (64 - slot_shift_), Slot{});
  const size_t mask = slots_.size() - 1;
  for (size_t i = 0; i < terms_.size(); ++i) {
    size_t s = static_cast<size_t>(terms_[i] >> slot_shift_);
    while (slots_[s].df != 0) s = (s + 1) & mask;
    slots_[s] = {terms_[i], dfs_[i]};
  }
}

uint32_t IdfModel::df(uint64_t term) const {
  const size_t mask = slots_.size() - 1;
  size_t s = static_cast<size_t>(term >> slot_shift_);
  while (true) {
    const Slot& slot = slots_[s];
    if (slot.df == 0 || slot.term == term) return slot.df;
    s = (s + 1) & mask;
  }
}

Status IdfModel::save(const std::string& path) const {
  std::string bytes;
  bytes.reserve(kHeaderBytes + kRecordBytes * terms_.size() + kChecksumBytes);
  bytes.append(kMagic, sizeof(kMagic));
  put_u32(&bytes, kVersion);
  put_u32(&bytes, min_df_kept_);
  put_u64(&bytes, num_docs_);
  put_u64(&bytes, terms_.size());
  put_u64(&bytes, kTokenSeed);
  for (size_t i = 0; i < terms_.size(); ++i) {
    put_u64(&bytes, terms_[i]);
    put_u32(&bytes, dfs_[i]);
  }
  put_u64(&bytes,
          XXH3_64bits_withSeed(bytes.data(), bytes.size(), kIdfModelSeed));
  // An unnamed file renamed over the target when complete: a reader never
  // sees a half-written model, and a killed save leaves nothing behind.
  Result<std::unique_ptr<internal::AtomicFile>> file =
      internal::AtomicFile::create(path);
  if (!file.ok()) return file.status();
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t put = ::write((*file)->fd(), data, left);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) {
      return Status::IOError(path + ": write failed: " + std::strerror(errno));
    }
    data += put;
    left -= static_cast<size_t>(put);
  }
  return (*file)->commit();
}

Result<IdfModel> IdfModel::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(path + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path + ": cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IOError(path + ": read failed");
  auto corrupt = [&path](const std::string& why) {
    return Status::Corruption(path + ": not an IDF model (" + why + ")");
  };
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    return corrupt("too short: " + std::to_string(bytes.size()) + " bytes");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("bad magic");
  }
  const char* p = bytes.data();
  const uint32_t version = get_u32(p + 8);
  if (version != kVersion) {
    return corrupt("unsupported version " + std::to_string(version));
  }
  const uint32_t min_df_kept = get_u32(p + 12);
  const uint64_t num_docs = get_u64(p + 16);
  const uint64_t num_terms = get_u64(p + 24);
  const uint64_t seed = get_u64(p + 32);
  if (num_terms >
          (bytes.size() - kHeaderBytes - kChecksumBytes) / kRecordBytes ||
      bytes.size() !=
          kHeaderBytes + kRecordBytes * num_terms + kChecksumBytes) {
    return corrupt("size " + std::to_string(bytes.size()) + " does not match " +
                   std::to_string(num_terms) + " terms");
  }
  const size_t body = bytes.size() - kChecksumBytes;
  if (XXH3_64bits_withSeed(p, body, kIdfModelSeed) != get_u64(p + body)) {
    return corrupt("checksum mismatch");
  }
  if (seed != kTokenSeed) return corrupt("other term hash seed");
  IdfModel model;
  model.num_docs_ = num_docs;
  model.min_df_kept_ = min_df_kept;
  model.terms_.resize(num_terms);
  model.dfs_.resize(num_terms);
  for (size_t i = 0; i < num_terms; ++i) {
    const char* record = p + kHeaderBytes + kRecordBytes * i;
    model.terms_[i] = get_u64(record);
    model.dfs_[i] = get_u32(record + 8);
    if (i > 0 && model.terms_[i] <= model.terms_[i - 1]) {
      return corrupt("terms not strictly increasing at record " +
                     std::to_string(i));
    }
    if (model.dfs_[i] == 0 || model.dfs_[i] > num_docs) {
      return corrupt("df out of range at record " + std::to_string(i));
    }
  }
  model.build_table();
  return model;
}

}  // namespace neardup
