#include "neardup/index.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/parallel.h"
#include "common/radix_sort.h"
#include "index/index_internal.h"
#include "index/index_run.h"
#include "write/atomic_file.h"
#include "write/byte_sink.h"

namespace neardup {

using internal::EntryColumns;
using internal::IndexLayout;
using internal::IndexRun;

namespace {

constexpr char kManifestMagic[8] = {'N', 'D', 'U', 'P', 'I', 'D', 'X', 0};
constexpr uint32_t kManifestVersion = 1;
constexpr const char* kManifestName = "MANIFEST";

// The delta's lookup: per table, an open-addressing map from table key to
// the first and last delta entry with that key, and a forward chain.
class DeltaTable {
 public:
  void add(uint64_t key, uint32_t entry) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    Slot& s = find(key);
    if (s.head == kNone) {
      s = {key, entry, entry};
      ++used_;
    } else {
      next_[s.tail] = entry;
      s.tail = entry;
    }
    if (next_.size() <= entry) next_.resize(entry + 1, kNone);
  }
  void lookup(uint64_t key, size_t cap, std::vector<uint32_t>* out) const {
    if (slots_.empty()) return;
    const Slot& s = const_cast<DeltaTable*>(this)->find(key);
    for (uint32_t e = s.head; e != kNone && cap > 0; e = next_[e], --cap) {
      out->push_back(e);
    }
  }
  size_t memory() const { return slots_.size() * 16 + next_.size() * 4; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    uint64_t key = 0;
    uint32_t head = kNone, tail = kNone;
  };
  Slot& find(uint64_t key) {
    const size_t mask = slots_.size() - 1;
    size_t i = (key ^ (key >> 29)) * 0x9e3779b97f4a7c15ULL >> 20 & mask;
    while (slots_[i].head != kNone && slots_[i].key != key) i = (i + 1) & mask;
    return slots_[i];
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(64, old.size() * 2), Slot());
    for (const Slot& s : old) {
      if (s.head != kNone) find(s.key) = s;
    }
  }
  std::vector<Slot> slots_;
  std::vector<uint32_t> next_;
  size_t used_ = 0;
};

std::string join(const std::string& dir, const std::string& name) {
  return dir + "/" + name;
}

}  // namespace

struct Index::Impl {
  IndexLayout layout;
  DedupOptions options;
  std::vector<std::shared_ptr<const IndexRun>> runs;
  std::vector<uint64_t> bases;     // first entry of each run
  std::vector<std::string> files;  // "" for runs not saved in `dir`
  EntryColumns delta;
  std::vector<DeltaTable> delta_tables;
  std::string dir;                    // where save() writes; "" if never saved
  std::vector<std::string> obsolete;  // files to remove after a compaction
  uint64_t manifest_bytes = 0;

  uint64_t run_entries() const {
    return runs.empty() ? 0 : bases.back() + runs.back()->size();
  }
  uint64_t size() const { return run_entries() + delta.size(); }

  Status check_sketch(std::span<const uint8_t> sketch) const;
  void add_to_delta(std::string_view key, uint32_t source,
                    std::span<const uint8_t> sketch, bool empty);
  Status freeze_delta();
  Status merge_unsaved(bool all);
  Status push_run(const EntryColumns& columns);
  void query(std::span<const uint8_t> sketch, bool empty, size_t limit,
             std::vector<IndexMatch>* matches) const;
  void query_runs(std::span<const uint8_t> sketch,
                  std::vector<IndexMatch>* matches) const;
  void query_delta(std::span<const uint8_t> sketch,
                   std::vector<IndexMatch>* matches) const;
  static void finish_matches(size_t limit, std::vector<IndexMatch>* matches);
  static constexpr size_t kQueryBlock = size_t{1} << 15;
  // query() of `n` sketches (packed, sketch_bytes each) by sort-merge.
  void query_block(const uint8_t* sketches, const uint8_t* empty, size_t n,
                   size_t limit, std::vector<IndexMatch>* matches) const;
  void sorted_query_keys(
      const uint8_t* sketches, const uint8_t* empty, size_t n, int table,
      std::vector<std::pair<uint64_t, uint32_t>>* keyed) const;
  void query_run_sorted(size_t r, const uint8_t* sketches, const uint8_t* empty,
                        size_t n, std::vector<IndexMatch>* matches) const;
  bool share_a_table(std::span<const uint8_t> a,
                     std::span<const uint8_t> b) const;
  std::span<const uint8_t> sketch_of(uint64_t entry) const;
  Status write_run(size_t r, const std::string& dir, std::string* file);
  Status write_manifest(const std::string& dir);
  Status save_to(const std::string& dir, bool fresh);
};

// ---- Adding ----

Status Index::Impl::check_sketch(std::span<const uint8_t> sketch) const {
  if (sketch.size() != static_cast<size_t>(layout.sketch_bytes)) {
    return Status::InvalidArgument("sketch of " +
                                   std::to_string(sketch.size()) +
                                   " bytes, the index holds sketches of " +
                                   std::to_string(layout.sketch_bytes));
  }
  return Status::OK();
}

void Index::Impl::add_to_delta(std::string_view key, uint32_t source,
                               std::span<const uint8_t> sketch, bool empty) {
  const auto entry = static_cast<uint32_t>(delta.size());
  delta.append(key, source, sketch, empty);
  if (empty) return;
  if (delta_tables.empty()) delta_tables.resize(layout.tables);
  for (int t = 0; t < layout.tables; ++t) {
    delta_tables[t].add(layout.table_key(sketch, t), entry);
  }
}

Status Index::Impl::push_run(const EntryColumns& columns) {
  Result<std::shared_ptr<IndexRun>> run =
      IndexRun::Build(layout, columns, options.threads);
  if (!run.ok()) return run.status();
  bases.push_back(run_entries());
  runs.push_back(std::move(run).value());
  files.emplace_back();
  return Status::OK();
}

// Freezes the delta into an unsaved run, then merges unsaved runs while the
// one before the last is at most twice the last's size, so that n entries
// make O(log n) runs and each entry is sorted O(log n) times.
Status Index::Impl::freeze_delta() {
  if (delta.size() == 0) return Status::OK();
  NEARDUP_RETURN_IF_ERROR(push_run(delta));
  delta.clear();
  delta_tables.clear();
  return merge_unsaved(false);
}

Status Index::Impl::merge_unsaved(bool all) {
  while (runs.size() >= 2 && files[runs.size() - 2].empty() &&
         (all || runs[runs.size() - 2]->size() <= 2 * runs.back()->size())) {
    EntryColumns merged;
    runs[runs.size() - 2]->append_to(&merged);
    runs.back()->append_to(&merged);
    for (int i = 0; i < 2; ++i) {
      runs.pop_back();
      bases.pop_back();
      files.pop_back();
    }
    NEARDUP_RETURN_IF_ERROR(push_run(merged));
  }
  return Status::OK();
}

namespace {

// Replaces `out` with the bytes of a sketch as the index stores them (check
// their length with check_sketch()): MinHash, the signature then its band
// checks; SimHash, the fingerprint's 8 bytes.
std::span<const uint8_t> bytes_of(const Sketch& s, std::vector<uint8_t>* out) {
  out->clear();
  if (s.algorithm == Algorithm::kSimHash) {
    const auto* p = reinterpret_cast<const uint8_t*>(&s.simhash);
    out->assign(p, p + 8);
  } else {
    out->assign(s.signature.begin(), s.signature.end());
    out->insert(out->end(), s.band_checks.begin(), s.band_checks.end());
  }
  return *out;
}

}  // namespace

Status Index::add(std::string_view key, std::string_view source,
                  const Sketch& sketch) {
  Impl& i = *impl_;
  if (sketch.algorithm != i.layout.algorithm) {
    return Status::InvalidArgument("add: sketch of another algorithm");
  }
  if (sketch.empty) {
    const std::vector<uint8_t> zeros(i.layout.sketch_bytes, 0);
    i.add_to_delta(key, i.delta.source_index(source), zeros, true);
  } else {
    std::vector<uint8_t> buffer;
    const std::span<const uint8_t> bytes = bytes_of(sketch, &buffer);
    NEARDUP_RETURN_IF_ERROR(i.check_sketch(bytes));
    i.add_to_delta(key, i.delta.source_index(source), bytes, false);
  }
  if (i.delta.size() >= kDeltaEntries) return i.freeze_delta();
  return Status::OK();
}

Status Index::add_batch(std::span<const std::string_view> keys,
                        std::string_view source,
                        std::span<const Sketch> sketches) {
  if (keys.size() != sketches.size()) {
    return Status::InvalidArgument(
        "add_batch: keys and sketches differ in size");
  }
  internal::EntryColumns columns;
  const uint32_t s = columns.source_index(source);
  const std::vector<uint8_t> zeros(impl_->layout.sketch_bytes, 0);
  std::vector<uint8_t> buffer;
  for (size_t i = 0; i < keys.size(); ++i) {
    const Sketch& sk = sketches[i];
    if (sk.algorithm != impl_->layout.algorithm) {
      return Status::InvalidArgument("add: sketch of another algorithm");
    }
    const std::span<const uint8_t> bytes =
        sk.empty ? zeros : bytes_of(sk, &buffer);
    NEARDUP_RETURN_IF_ERROR(impl_->check_sketch(bytes));
    columns.append(keys[i], s, bytes, sk.empty);
  }
  return internal::IndexAccess::add_columns(this, columns);
}

Status Index::add_rows(std::span<const std::string_view> keys,
                       std::string_view source, std::span<const uint8_t> rows,
                       std::span<const uint8_t> empty) {
  const size_t sb = impl_->layout.sketch_bytes;
  if (empty.size() != keys.size() || rows.size() != keys.size() * sb) {
    return Status::InvalidArgument("add_rows: " + std::to_string(keys.size()) +
                                   " keys, " + std::to_string(empty.size()) +
                                   " empty flags and " +
                                   std::to_string(rows.size()) + " bytes of " +
                                   std::to_string(sb) + "-byte sketches");
  }
  internal::EntryColumns columns;
  const uint32_t s = columns.source_index(source);
  const std::vector<uint8_t> zeros(sb, 0);
  for (size_t i = 0; i < keys.size(); ++i) {
    columns.append(
        keys[i], s,
        empty[i] ? std::span<const uint8_t>(zeros) : rows.subspan(i * sb, sb),
        empty[i] != 0);
  }
  return internal::IndexAccess::add_columns(this, columns);
}

Status Index::query_rows(std::span<const uint8_t> rows,
                         std::span<const uint8_t> empty,
                         std::vector<std::vector<IndexMatch>>* matches,
                         size_t limit) const {
  const size_t sb = impl_->layout.sketch_bytes;
  if (rows.size() != empty.size() * sb) {
    return Status::InvalidArgument(
        "query_rows: " + std::to_string(empty.size()) + " empty flags and " +
        std::to_string(rows.size()) + " bytes of " + std::to_string(sb) +
        "-byte sketches");
  }
  internal::IndexAccess::query_rows(
      *this, empty.size(), [&](size_t i) { return rows.subspan(i * sb, sb); },
      [&](size_t i) { return empty[i] != 0; }, limit, matches);
  return Status::OK();
}

size_t Index::sketch_bytes() const { return impl_->layout.sketch_bytes; }

Status internal::IndexAccess::add_columns(Index* index,
                                          const EntryColumns& columns) {
  Index::Impl& impl = *index->impl_;
  // A large batch goes straight into a run rather than through the delta.
  if (columns.size() >= Index::kDeltaEntries) {
    NEARDUP_RETURN_IF_ERROR(impl.freeze_delta());
    NEARDUP_RETURN_IF_ERROR(impl.push_run(columns));
    return impl.merge_unsaved(false);
  }
  std::vector<uint32_t> source_map;
  for (const std::string& name : columns.source_names) {
    source_map.push_back(impl.delta.source_index(name));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const size_t sb = impl.layout.sketch_bytes;
    impl.add_to_delta(columns.key(i), source_map[columns.source_of[i]],
                      {columns.sketches.data() + i * sb, sb},
                      columns.empty[i] != 0);
  }
  if (impl.delta.size() >= Index::kDeltaEntries) return impl.freeze_delta();
  return Status::OK();
}

// ---- Querying ----

std::span<const uint8_t> Index::Impl::sketch_of(uint64_t entry) const {
  if (entry >= run_entries()) {
    const size_t sb = layout.sketch_bytes;
    return {delta.sketches.data() + (entry - run_entries()) * sb, sb};
  }
  const size_t r =
      std::upper_bound(bases.begin(), bases.end(), entry) - bases.begin() - 1;
  return runs[r]->sketch(entry - bases[r]);
}

// An entry that a run's table may hold under the query's key.
struct Probe {
  const uint8_t* sketch;
  uint64_t entry;
};

void Index::Impl::query(std::span<const uint8_t> sketch, bool empty,
                        size_t limit, std::vector<IndexMatch>* matches) const {
  matches->clear();
  if (empty) return;
  query_runs(sketch, matches);
  std::vector<IndexMatch> in_delta;
  query_delta(sketch, &in_delta);
  matches->insert(matches->end(), in_delta.begin(), in_delta.end());
  finish_matches(limit, matches);
}

// The matches among the runs' entries, in entry order.
void Index::Impl::query_runs(std::span<const uint8_t> sketch,
                             std::vector<IndexMatch>* matches) const {
  std::vector<uint64_t> keys(layout.tables);
  for (int t = 0; t < layout.tables; ++t) keys[t] = layout.table_key(sketch, t);
  // An entry found by a probe is a candidate if it shares some table's key
  // with the query. Prefetch every probed sketch (both cache lines of a
  // 128-byte signature) before reading any, so the misses overlap.
  std::vector<std::pair<uint32_t, int>> found;
  std::vector<Probe> probes;
  for (size_t r = 0; r < runs.size(); ++r) {
    found.clear();
    runs[r]->probe_all(keys, &found);
    for (const auto& [e, table] : found) {
      const uint8_t* s = runs[r]->sketch(e).data();
      __builtin_prefetch(s);
      __builtin_prefetch(s + sketch.size() - 1);
      probes.push_back({s, bases[r] + e});
    }
  }
  std::sort(probes.begin(), probes.end(),
            [](const Probe& a, const Probe& b) { return a.entry < b.entry; });
  // Most probed entries are not similar enough: compare the sketches first
  // and check the table keys only of those that are.
  for (size_t i = 0; i < probes.size();) {
    size_t next = i + 1;
    while (next < probes.size() && probes[next].entry == probes[i].entry) {
      ++next;
    }
    IndexMatch m;
    m.entry = probes[i].entry;
    const std::span<const uint8_t> found_sketch(probes[i].sketch,
                                                sketch.size());
    // As query_run_sorted() decides: found, and sharing some table's key.
    if (layout.matches(sketch, found_sketch, &m.similarity, &m.distance) &&
        share_a_table(sketch, found_sketch)) {
      matches->push_back(m);
    }
    i = next;
  }
}

// The matches among the delta's entries, in entry order.
void Index::Impl::query_delta(std::span<const uint8_t> sketch,
                              std::vector<IndexMatch>* matches) const {
  matches->clear();
  if (delta_tables.empty()) return;
  std::vector<uint64_t> keys(layout.tables);
  for (int t = 0; t < layout.tables; ++t) keys[t] = layout.table_key(sketch, t);
  std::vector<uint32_t> in_delta;
  std::vector<uint64_t> candidates;
  for (size_t t = 0; t < delta_tables.size(); ++t) {
    in_delta.clear();
    delta_tables[t].lookup(keys[t], Index::kMaxBucketScan, &in_delta);
    for (uint32_t e : in_delta) candidates.push_back(run_entries() + e);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  for (uint64_t entry : candidates) {
    IndexMatch m;
    m.entry = entry;
    if (layout.matches(sketch, sketch_of(entry), &m.similarity, &m.distance)) {
      matches->push_back(m);
    }
  }
}

// Most similar first, ties in entry order, each entry once.
void Index::Impl::finish_matches(size_t limit,
                                 std::vector<IndexMatch>* matches) {
  std::sort(matches->begin(), matches->end(),
            [](const IndexMatch& a, const IndexMatch& b) {
              return a.distance != b.distance ? a.distance < b.distance
                                              : a.entry < b.entry;
            });
  matches->erase(std::unique(matches->begin(), matches->end(),
                             [](const IndexMatch& a, const IndexMatch& b) {
                               return a.entry == b.entry;
                             }),
                 matches->end());
  if (limit > 0 && matches->size() > limit) matches->resize(limit);
}

Status Index::query(const Sketch& sketch, std::vector<IndexMatch>* matches,
                    size_t limit) const {
  if (sketch.algorithm != impl_->layout.algorithm) {
    return Status::InvalidArgument("query: sketch of another algorithm");
  }
  std::vector<uint8_t> buffer;
  const std::span<const uint8_t> bytes = bytes_of(sketch, &buffer);
  if (!sketch.empty) NEARDUP_RETURN_IF_ERROR(impl_->check_sketch(bytes));
  impl_->query(bytes, sketch.empty, limit, matches);
  return Status::OK();
}

Status Index::query_batch(std::span<const Sketch> sketches,
                          std::vector<std::vector<IndexMatch>>* matches,
                          size_t limit) const {
  // Packed first: the rows are read from several threads.
  const size_t sb = impl_->layout.sketch_bytes;
  std::vector<uint8_t> rows(sketches.size() * sb, 0), buffer;
  for (size_t i = 0; i < sketches.size(); ++i) {
    const Sketch& s = sketches[i];
    if (s.algorithm != impl_->layout.algorithm ||
        (!s.empty && !impl_->check_sketch(bytes_of(s, &buffer)).ok())) {
      return Status::InvalidArgument("query_batch: sketch does not fit");
    }
    if (!s.empty)
      std::copy(buffer.begin(), buffer.end(), rows.begin() + i * sb);
  }
  internal::IndexAccess::query_rows(
      *this, sketches.size(),
      [&](size_t i) {
        return std::span<const uint8_t>(rows).subspan(i * sb, sb);
      },
      [&](size_t i) { return sketches[i].empty; }, limit, matches);
  return Status::OK();
}

void internal::IndexAccess::query_rows(
    const Index& index, size_t n,
    const std::function<std::span<const uint8_t>(size_t)>& sketch,
    const std::function<bool(size_t)>& empty, size_t limit,
    std::vector<std::vector<IndexMatch>>* matches) {
  matches->resize(n);
  const Index::Impl& impl = *index.impl_;
  const size_t sb = impl.layout.sketch_bytes;
  // Blocks as large as the cache allows (each block reads the index once),
  // but at least one per thread.
  const size_t threads = internal::thread_count(impl.options.threads);
  const size_t block = std::clamp<size_t>((n + threads - 1) / threads, 1024,
                                          Index::Impl::kQueryBlock);
  internal::parallel_ranges(
      n, block, impl.options.threads, [&](size_t begin, size_t end) {
        for (size_t b = begin; b < end; b += block) {
          const size_t count = std::min(end - b, block);
          std::vector<uint8_t> sketches(count * sb), empties(count);
          for (size_t i = 0; i < count; ++i) {
            empties[i] = empty(b + i);
            if (!empties[i]) {
              std::memcpy(sketches.data() + i * sb, sketch(b + i).data(), sb);
            }
          }
          impl.query_block(sketches.data(), empties.data(), count, limit,
                           matches->data() + b);
        }
      });
}

// Queries of one run, table by table: each table's query keys are sorted
// and merged with the run's sorted table, then the (entry, query) pairs
// found are sorted by entry, so that the run's sketches are read in order.
void Index::Impl::query_run_sorted(size_t r, const uint8_t* sketches,
                                   const uint8_t* empty, size_t n,
                                   std::vector<IndexMatch>* matches) const {
  const IndexRun& run = *runs[r];
  std::vector<uint64_t> pairs;
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  for (int t = 0; t < layout.tables; ++t) {
    sorted_query_keys(sketches, empty, n, t, &keyed);
    run.probe_sorted(t, keyed, &pairs);
  }
  // Into blocks of entries whose sketches fit in the cache, in entry order;
  // a pair found through several tables is compared once per table, and
  // its repeats are dropped at the end.
  const int shift =
      std::max(0, static_cast<int>(std::bit_width(run.size())) - 12);
  internal::partition_by_high_word(&pairs, shift);
  const size_t sb = layout.sketch_bytes;
  for (uint64_t pair : pairs) {
    const uint32_t e = static_cast<uint32_t>(pair >> 32);
    const uint32_t q = static_cast<uint32_t>(pair);
    const std::span<const uint8_t> query(sketches + q * sb, sb);
    IndexMatch m;
    m.entry = bases[r] + e;
    if (layout.matches(query, run.sketch(e), &m.similarity, &m.distance) &&
        share_a_table(query, run.sketch(e))) {
      matches[q].push_back(m);
    }
  }
}

// Table `table`'s keys of the non-empty queries, with their numbers, sorted.
void Index::Impl::sorted_query_keys(
    const uint8_t* sketches, const uint8_t* empty, size_t n, int table,
    std::vector<std::pair<uint64_t, uint32_t>>* keyed) const {
  const size_t sb = layout.sketch_bytes;
  keyed->clear();
  if (layout.algorithm == Algorithm::kMinHash) {
    // 32-bit band keys: (key, query) packs into one word for a radix sort.
    std::vector<uint64_t> packed;
    for (size_t q = 0; q < n; ++q) {
      if (empty[q]) continue;
      packed.push_back(layout.table_key({sketches + q * sb, sb}, table) | q);
    }
    internal::sort_by_top_bits(&packed, 64);
    for (uint64_t p : packed) {
      keyed->push_back({p & ~uint64_t{0xffffffff}, static_cast<uint32_t>(p)});
    }
    return;
  }
  for (size_t q = 0; q < n; ++q) {
    if (empty[q]) continue;
    keyed->push_back({layout.table_key({sketches + q * sb, sb}, table),
                      static_cast<uint32_t>(q)});
  }
  std::sort(keyed->begin(), keyed->end());
}

// True if `a` and `b` agree on some table's key: a candidate pair.
bool Index::Impl::share_a_table(std::span<const uint8_t> a,
                                std::span<const uint8_t> b) const {
  for (int t = 0; t < layout.tables; ++t) {
    if (layout.table_key(a, t) == layout.table_key(b, t)) return true;
  }
  return false;
}

void Index::Impl::query_block(const uint8_t* sketches, const uint8_t* empty,
                              size_t n, size_t limit,
                              std::vector<IndexMatch>* matches) const {
  const size_t sb = layout.sketch_bytes;
  for (size_t q = 0; q < n; ++q) matches[q].clear();
  for (size_t r = 0; r < runs.size(); ++r) {
    query_run_sorted(r, sketches, empty, n, matches);
  }
  std::vector<IndexMatch> in_delta;
  for (size_t q = 0; q < n; ++q) {
    if (empty[q]) continue;
    if (delta.size() > 0) {
      query_delta({sketches + q * sb, sb}, &in_delta);
      matches[q].insert(matches[q].end(), in_delta.begin(), in_delta.end());
    }
    finish_matches(limit, &matches[q]);
  }
}

Status Index::query_or_add(std::string_view key, std::string_view source,
                           const Sketch& sketch,
                           std::vector<IndexMatch>* matches, size_t limit) {
  NEARDUP_RETURN_IF_ERROR(query(sketch, matches, limit));
  if (!matches->empty()) return Status::OK();
  return add(key, source, sketch);
}

// ---- Reading entries ----

std::string_view Index::key(uint64_t entry) const {
  const Impl& i = *impl_;
  if (entry >= i.run_entries()) return i.delta.key(entry - i.run_entries());
  const size_t r = std::upper_bound(i.bases.begin(), i.bases.end(), entry) -
                   i.bases.begin() - 1;
  return i.runs[r]->key(entry - i.bases[r]);
}

std::string_view Index::source(uint64_t entry) const {
  const Impl& i = *impl_;
  if (entry >= i.run_entries()) {
    const size_t d = entry - i.run_entries();
    return i.delta.source_names[i.delta.source_of[d]];
  }
  const size_t r = std::upper_bound(i.bases.begin(), i.bases.end(), entry) -
                   i.bases.begin() - 1;
  return i.runs[r]->source(entry - i.bases[r]);
}

uint64_t Index::size() const { return impl_->size(); }

const DedupOptions& Index::options() const { return impl_->options; }

IndexInfo Index::info() const {
  const Impl& i = *impl_;
  IndexInfo info;
  info.entries = i.size();
  info.delta_entries = i.delta.size();
  info.options = i.options;
  info.tables = i.layout.tables;
  info.file_bytes = i.dir.empty() ? 0 : i.manifest_bytes;
  std::vector<std::pair<std::string, uint64_t>> sources;
  auto count = [&](const std::string& name, uint64_t n) {
    for (auto& s : sources) {
      if (s.first == name) {
        s.second += n;
        return;
      }
    }
    sources.push_back({name, n});
  };
  for (size_t r = 0; r < i.runs.size(); ++r) {
    const IndexRun& run = *i.runs[r];
    info.runs.push_back({i.files[r], run.size(), run.bytes().size()});
    info.empty_entries += run.empty_entries();
    info.memory_bytes += run.bytes().size();
    if (!i.files[r].empty()) info.file_bytes += run.bytes().size();
    for (const auto& [name, n] : run.sources()) count(name, n);
  }
  for (size_t d = 0; d < i.delta.size(); ++d) {
    info.empty_entries += i.delta.empty[d];
    count(i.delta.source_names[i.delta.source_of[d]], 1);
  }
  info.memory_bytes +=
      i.delta.sketches.size() + i.delta.keys.size() + i.delta.size() * 13;
  for (const auto& t : i.delta_tables) info.memory_bytes += t.memory();
  for (auto& [name, n] : sources) info.sources.push_back({name, n});
  return info;
}

// ---- Saving ----

namespace {

// Largest N among files named run-N.ndr in `dir` (0 if none).
uint64_t last_run_number(const std::string& dir) {
  uint64_t last = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      unsigned long long n = 0;
      char tail[8] = {};
      if (std::sscanf(e->d_name, "run-%llu.%4s", &n, tail) == 2 &&
          std::strcmp(tail, "ndr") == 0) {
        last = std::max<uint64_t>(last, n);
      }
    }
    ::closedir(d);
  }
  return last;
}

Status write_file(const std::string& path, std::span<const uint8_t> bytes) {
  Result<std::unique_ptr<internal::ByteSink>> sink =
      internal::open_sink(path, /*compress_by_extension=*/false);
  if (!sink.ok()) return sink.status();
  NEARDUP_RETURN_IF_ERROR((*sink)->append(std::string_view(
      reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  return (*sink)->commit();
}

template <typename T>
void put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

Status make_directory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) == 0 || errno == EEXIST) {
    struct stat st;
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::OK();
    }
    return Status::InvalidArgument(dir + ": exists and is not a directory");
  }
  return Status::IOError(
      dir + ": cannot create index directory: " + std::strerror(errno));
}

// Removes the run files of `dir` that `listed` (the new MANIFEST's) does not
// name: a save killed between writing a run and the MANIFEST leaves one, and
// no reader can be using it, since no MANIFEST ever listed it. Only one
// process saves to a directory at a time, so none is being written.
void remove_unlisted_runs(const std::string& dir,
                          const std::vector<std::string>& listed) {
  std::vector<std::string> unlisted;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      unsigned long long n = 0;
      char tail[8] = {};
      const std::string name = e->d_name;
      if (std::sscanf(name.c_str(), "run-%llu.%4s", &n, tail) == 2 &&
          std::strcmp(tail, "ndr") == 0 &&
          std::find(listed.begin(), listed.end(), name) == listed.end()) {
        unlisted.push_back(name);
      }
    }
    ::closedir(d);
  }
  for (const std::string& name : unlisted) ::unlink(join(dir, name).c_str());
}

}  // namespace

namespace {

// True if `a` and `b` name one directory ("idx", "./idx/", a symlink).
bool same_directory(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) {
    return a == b;
  }
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

Status Index::Impl::write_run(size_t r, const std::string& to,
                              std::string* file) {
  char name[32];
  std::snprintf(name, sizeof(name), "run-%06llu.ndr",
                static_cast<unsigned long long>(last_run_number(to) + 1));
  NEARDUP_RETURN_IF_ERROR(write_file(join(to, name), runs[r]->bytes()));
  *file = name;
  return Status::OK();
}

// MANIFEST: core/FORMAT.md section 10.2.
Status Index::Impl::write_manifest(const std::string& to) {
  std::string m(kManifestMagic, 8);
  put<uint32_t>(&m, kManifestVersion);
  const std::string block = layout.encode();
  put<uint32_t>(&m, static_cast<uint32_t>(block.size()));
  m += block;
  put<uint32_t>(&m, static_cast<uint32_t>(runs.size()));
  for (size_t r = 0; r < runs.size(); ++r) {
    put<uint32_t>(&m, static_cast<uint32_t>(files[r].size()));
    m += files[r];
    put<uint64_t>(&m, runs[r]->size());
    put<uint64_t>(&m, runs[r]->bytes().size());
    put<uint64_t>(&m, runs[r]->checksum());
  }
  put<uint64_t>(&m,
                internal::format_checksum(
                    {reinterpret_cast<const uint8_t*>(m.data()), m.size()}));
  NEARDUP_RETURN_IF_ERROR(
      write_file(join(to, kManifestName),
                 {reinterpret_cast<const uint8_t*>(m.data()), m.size()}));
  internal::sync_directory(to);
  manifest_bytes = m.size();
  return Status::OK();
}

// Writes the unsaved runs (every run if `fresh`), then the manifest. The
// new file names take effect only once the manifest is in place.
Status Index::Impl::save_to(const std::string& to, bool fresh) {
  NEARDUP_RETURN_IF_ERROR(freeze_delta());
  NEARDUP_RETURN_IF_ERROR(merge_unsaved(true));
  std::vector<std::string> names = files;
  for (size_t r = 0; r < runs.size(); ++r) {
    if (fresh || names[r].empty()) {
      NEARDUP_RETURN_IF_ERROR(write_run(r, to, &names[r]));
    }
  }
  std::swap(files, names);
  Status s = write_manifest(to);
  if (!s.ok()) {
    std::swap(files, names);
    return s;
  }
  dir = to;
  for (const std::string& f : obsolete) ::unlink(join(dir, f).c_str());
  obsolete.clear();
  remove_unlisted_runs(dir, files);
  return Status::OK();
}

Status Index::save() {
  if (impl_->dir.empty()) {
    return Status::FailedPrecondition("index was never saved; use save(path)");
  }
  return impl_->save_to(impl_->dir, false);
}

Status Index::save(const std::string& path) {
  if (same_directory(path, impl_->dir)) return save();
  NEARDUP_RETURN_IF_ERROR(make_directory(path));
  struct stat st;
  if (::stat(join(path, kManifestName).c_str(), &st) == 0) {
    return Status::InvalidArgument(path +
                                   ": already holds an index (open it to add)");
  }
  impl_->obsolete.clear();
  return impl_->save_to(path, true);
}

Status Index::compact() {
  Impl& i = *impl_;
  if (i.runs.size() + (i.delta.size() > 0) <= 1) return Status::OK();
  EntryColumns all;
  for (const auto& run : i.runs) run->append_to(&all);
  for (size_t d = 0; d < i.delta.size(); ++d) {
    const size_t sb = i.layout.sketch_bytes;
    all.append(i.delta.key(d),
               all.source_index(i.delta.source_names[i.delta.source_of[d]]),
               {i.delta.sketches.data() + d * sb, sb}, i.delta.empty[d] != 0);
  }
  Result<std::shared_ptr<IndexRun>> run =
      IndexRun::Build(i.layout, all, i.options.threads);
  if (!run.ok()) return run.status();
  for (const std::string& f : i.files) {
    if (!f.empty()) i.obsolete.push_back(f);
  }
  i.runs = {std::move(run).value()};
  i.bases = {0};
  i.files = {""};
  i.delta.clear();
  i.delta_tables.clear();
  return Status::OK();
}

// ---- Creating and opening ----

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::Create(const DedupOptions& options) {
  Result<IndexLayout> layout = IndexLayout::FromOptions(options);
  if (!layout.ok()) return layout.status();
  auto impl = std::make_unique<Impl>();
  impl->layout = std::move(layout).value();
  impl->options = impl->layout.to_options(options);
  return std::unique_ptr<Index>(new Index(std::move(impl)));
}

namespace {

struct ManifestRun {
  std::string file;
  uint64_t entries = 0, bytes = 0, checksum = 0;
};

Status read_manifest(const std::string& dir, std::string* layout_block,
                     std::vector<ManifestRun>* runs, uint64_t* size) {
  const std::string path = join(dir, kManifestName);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
      return Status::NotFound(dir + ": no index here (no " +
                              std::string(kManifestName) + ")");
    }
    return Status::IOError(path + ": cannot read: " + std::strerror(errno));
  }
  const std::string m((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  *size = m.size();
  const auto* p = reinterpret_cast<const uint8_t*>(m.data());
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(path + ": " + what);
  };
  if (m.size() < 28 || std::memcmp(p, kManifestMagic, 8) != 0) {
    return corrupt("not a neardup index manifest");
  }
  uint64_t stored;
  std::memcpy(&stored, p + m.size() - 8, 8);
  if (stored != internal::format_checksum({p, m.size() - 8})) {
    return corrupt("checksum mismatch (damaged or truncated)");
  }
  size_t pos = 8;
  auto get = [&](auto* v) {
    if (m.size() - 8 - pos < sizeof(*v)) return false;
    std::memcpy(v, p + pos, sizeof(*v));
    pos += sizeof(*v);
    return true;
  };
  uint32_t version = 0, block = 0, count = 0;
  if (!get(&version) || version != kManifestVersion) {
    return corrupt("manifest version " + std::to_string(version) +
                   ", this build reads " + std::to_string(kManifestVersion));
  }
  if (!get(&block) || block > m.size() - 8 - pos) return corrupt("truncated");
  *layout_block = m.substr(pos, block);
  pos += block;
  if (!get(&count)) return corrupt("truncated");
  for (uint32_t r = 0; r < count; ++r) {
    uint32_t len = 0;
    ManifestRun run;
    if (!get(&len) || len > 64 || len > m.size() - 8 - pos) {
      return corrupt("bad run entry");
    }
    run.file = m.substr(pos, len);
    pos += len;
    if (!get(&run.entries) || !get(&run.bytes) || !get(&run.checksum) ||
        run.file.find('/') != std::string::npos) {
      return corrupt("bad run entry");
    }
    runs->push_back(run);
  }
  if (pos != m.size() - 8) return corrupt("trailing bytes");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Index>> Index::Open(const std::string& path,
                                           const DedupOptions* expected) {
  std::string block;
  std::vector<ManifestRun> listed;
  auto impl = std::make_unique<Impl>();
  NEARDUP_RETURN_IF_ERROR(
      read_manifest(path, &block, &listed, &impl->manifest_bytes));
  Result<IndexLayout> layout =
      IndexLayout::Decode(block, join(path, kManifestName));
  if (!layout.ok()) return layout.status();
  impl->layout = std::move(layout).value();
  if (expected != nullptr) {
    Result<IndexLayout> wanted = IndexLayout::FromOptions(*expected);
    if (!wanted.ok()) return wanted.status();
    NEARDUP_RETURN_IF_ERROR(impl->layout.check_same(*wanted, path));
  }
  impl->options =
      impl->layout.to_options(expected ? *expected : DedupOptions());
  for (const ManifestRun& m : listed) {
    Result<std::shared_ptr<IndexRun>> run =
        IndexRun::Map(impl->layout, join(path, m.file), m.bytes, m.checksum);
    if (!run.ok()) return run.status();
    if ((*run)->size() != m.entries) {
      return Status::Corruption(join(path, m.file) +
                                ": entry count differs from the manifest's");
    }
    impl->bases.push_back(impl->run_entries());
    impl->runs.push_back(std::move(run).value());
    impl->files.push_back(m.file);
  }
  impl->dir = path;
  return std::unique_ptr<Index>(new Index(std::move(impl)));
}

}  // namespace neardup
