#include "dist/stages.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <utility>

#include "common/radix_sort.h"
#include "index/lsh_bands.h"
#include "neardup/cluster.h"
#include "neardup/fingerprint.h"
#include "neardup/hamming_index.h"
#include "neardup/lsh.h"
#include "pipeline/chunk_worker.h"
#include "pipeline/corpus.h"
#include "pipeline/decisions.h"
#include "pipeline/streaming_jaccard.h"
#include "reader/byte_source.h"
#include "reader/jsonl_reader.h"
#include "reader/line_reader.h"

namespace neardup::internal {

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";
// Bytes read past a planned cut to find the next line start.
constexpr size_t kScanBytes = size_t{1} << 16;

Status errno_status(const std::string& path, const char* what) {
  const int err = errno;
  if (err == ENOENT) return Status::NotFound(path + ": no such file");
  return Status::IOError(path + ": " + what + ": " + std::strerror(err));
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// The bytes [begin, end) of a plain file, as the reader's source, so that
// the reader cuts a partition's lines exactly as it cuts the whole file's.
class RangeSource final : public ByteSource {
 public:
  RangeSource(int fd, std::string path, uint64_t begin, uint64_t end)
      : fd_(fd), path_(std::move(path)), begin_(begin), at_(begin), end_(end) {}

  Result<size_t> read(char* dst, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, end_ - at_));
    if (n == 0) return size_t{0};
    Result<size_t> got = pread_full(fd_.get(), path_, dst, n, at_);
    if (!got.ok()) return got.status();
    if (*got < n) {
      return Status::IOError(path_ + ": shorter than when it was planned");
    }
    at_ += n;
    return n;
  }
  uint64_t raw_bytes_read() const override { return at_ - begin_; }
  bool seekable() const override { return true; }

 private:
  Fd fd_;
  std::string path_;
  uint64_t begin_, at_, end_;
};

Result<Compression> compression_of(const std::string& path) {
  Compression compression = Compression::kNone;
  Result<std::unique_ptr<ByteSource>> source =
      open_source(path, nullptr, &compression);
  if (!source.ok()) return source.status();
  return compression;
}

// Opens the partition's range of a plain input, or a whole compressed one.
SourceOpener partition_opener(const PartitionPlace& place) {
  return [place](const std::string& path,
                 uint64_t* size) -> Result<std::unique_ptr<ByteSource>> {
    Compression compression = Compression::kNone;
    Result<std::unique_ptr<ByteSource>> source =
        open_source(path, size, &compression);
    if (!source.ok() || compression != Compression::kNone) {
      if (source.ok() && place.begin != 0) {
        return Status::InvalidArgument(path +
                                       ": a compressed input is one partition");
      }
      return source;
    }
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return errno_status(path, "cannot open");
    return std::unique_ptr<ByteSource>(
        new RangeSource(fd.release(), path, place.begin, place.end));
  };
}

// Calls `visit(chunk)` for each chunk of the partition, with the chunk's
// line numbers and offsets made those of the whole run.
template <typename Visit>
Status for_each_chunk(const DedupOptions& options, const PartitionPlace& place,
                      Visit visit) {
  JsonlReader reader({place.path}, options.chunk_bytes, options.max_line_bytes,
                     partition_opener(place));
  Chunk chunk;
  while (true) {
    Result<bool> more = reader.next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) return Status::OK();
    chunk.first_line += place.first_line;
    chunk.first_file_line += place.first_file_line;
    chunk.stream_offset += place.begin;
    NEARDUP_RETURN_IF_ERROR(visit(chunk));
  }
}

Status check_copies(const DedupOptions& options) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  if (options.mode != Mode::kCopies) {
    return Status::InvalidArgument("story mode is not distributed");
  }
  return Status::OK();
}

// Moves a planned cut at `offset` to the next line start that does not
// begin with a byte order mark; `size` if there is none.
Result<uint64_t> next_cut(int fd, const std::string& path, uint64_t offset,
                          uint64_t size) {
  std::string buf(kScanBytes, '\0');
  bool at_line_start = false;
  while (offset < size) {
    if (at_line_start) {
      Result<size_t> got = pread_full(fd, path, buf.data(), 3, offset);
      if (!got.ok()) return got.status();
      if (*got < 3 || std::memcmp(buf.data(), kBom, 3) != 0) return offset;
      at_line_start = false;
    }
    Result<size_t> got = pread_full(fd, path, buf.data(), buf.size(), offset);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    const void* hit = std::memchr(buf.data(), '\n', *got);
    if (hit == nullptr) {
      offset += *got;
      continue;
    }
    offset += static_cast<const char*>(hit) - buf.data() + 1;
    at_line_start = true;
  }
  return size;
}

void append_result(const ChunkResult& result, const std::string& name,
                   bool simhash, size_t checks, PartitionSketch* out) {
  const uint64_t base = out->ids.size();
  out->ids += result.ids;
  for (const DocRecord& doc : result.docs) {
    out->id_ends.push_back(base + doc.id_end);
    out->empty.push_back(doc.empty ? 1 : 0);
    out->doc_lines.push_back(doc.line);
    out->offsets.push_back(doc.offset);
  }
  if (!simhash && !result.docs.empty()) {
    // ChunkResult holds sketch records; split them into the two columns.
    const size_t record = result.signatures.size() / result.docs.size();
    const size_t length = record - checks;
    for (size_t at = 0; at < result.signatures.size(); at += record) {
      const auto begin = result.signatures.begin() + at;
      out->signatures.insert(out->signatures.end(), begin, begin + length);
      out->band_checks.insert(out->band_checks.end(), begin + length,
                              begin + record);
    }
  }
  if (simhash) {
    for (const DocRecord& doc : result.docs) {
      out->fingerprints.push_back(doc.fingerprint);
    }
  }
  for (const Rejection& r : result.rejects) {
    const RejectedLine line = rejected_line(name, r);
    ++out->rejected_by_reason[static_cast<int>(r.reason)];
    format_rejection(name, line, &out->rejects);
  }
}

uint64_t mix64(uint64_t h) {  // murmur3's fmix64
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Sorts `v` ascending: LSD radix passes of 11 bits through a scratch copy,
// skipping the digits that are zero in every value (such as the high bits of
// a and b in a << 32 | b). On the band entries and pairs here it is about
// twice as fast as sort_by_top_bits() (one pass, then std::sort per block).
void sort_radix(std::vector<uint64_t>* v) {
  constexpr int kBits = 11;
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  if (v->size() < 4096) {
    std::sort(v->begin(), v->end());
    return;
  }
  uint64_t any = 0;
  for (uint64_t x : *v) any |= x;
  std::vector<uint64_t> scratch(v->size());
  std::vector<size_t> count(kMask + 1);
  for (int shift = 0; shift < 64; shift += kBits) {
    if (((any >> shift) & kMask) == 0) continue;
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t x : *v) ++count[(x >> shift) & kMask];
    size_t total = 0;
    for (size_t& c : count) total += std::exchange(c, total);
    for (uint64_t x : *v) scratch[count[(x >> shift) & kMask]++] = x;
    v->swap(scratch);
  }
}

// Appends the pairs of one bucket's documents (ascending) under
// band_candidates()'s cap.
void add_bucket_pairs(const std::vector<uint64_t>& members,
                      std::vector<uint64_t>* pairs) {
  auto add = [&](size_t i, size_t j) {
    pairs->push_back(members[i] << 32 | members[j]);
  };
  const size_t m = members.size();
  if (m <= kMaxAllPairsBucket) {
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = i + 1; j < m; ++j) add(i, j);
    }
    return;
  }
  for (size_t i = 1; i < m; ++i) {
    add(0, i);
    if (i > 1) add(i - 1, i);
  }
}

}  // namespace

Result<InputPlan> plan_input(const std::string& path,
                             uint64_t partition_bytes) {
  Result<Compression> compression = compression_of(path);
  if (!compression.ok()) return compression.status();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_status(path, "cannot open");
  const off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0) return errno_status(path, "cannot seek");
  InputPlan plan;
  plan.compressed = *compression != Compression::kNone;
  plan.size_bytes = static_cast<uint64_t>(size);
  plan.bounds.push_back(0);
  uint64_t at = 0;
  const uint64_t step = std::max<uint64_t>(partition_bytes, 1);
  while (!plan.compressed && plan.size_bytes - at > step) {
    Result<uint64_t> cut = next_cut(fd.get(), path, at + step, plan.size_bytes);
    if (!cut.ok()) return cut.status();
    if (*cut >= plan.size_bytes) break;
    plan.bounds.push_back(*cut);
    at = *cut;
  }
  plan.bounds.push_back(plan.size_bytes);
  return plan;
}

Result<uint64_t> count_lines(const PartitionPlace& place) {
  // Line counts do not depend on the line limit, and a small one keeps a
  // long line out of memory.
  DedupOptions options;
  options.chunk_bytes = size_t{4} << 20;
  options.max_line_bytes = size_t{1} << 20;
  uint64_t lines = 0;
  Status s = for_each_chunk(options, place, [&lines](const Chunk& chunk) {
    lines += chunk.lines.size();
    return Status::OK();
  });
  if (!s.ok()) return s;
  return lines;
}

Result<PartitionSketch> sketch_partition(const DedupOptions& options,
                                         const PartitionPlace& place) {
  NEARDUP_RETURN_IF_ERROR(check_copies(options));
  ChunkWorker worker(options);
  ChunkResult result;
  PartitionSketch out;
  const bool simhash = options.algorithm == Algorithm::kSimHash;
  const size_t checks =
      simhash ? 0
              : static_cast<size_t>(sketch_record_bytes(options.minhash) -
                                    options.minhash.signature_length);
  Status s = for_each_chunk(options, place, [&](const Chunk& chunk) {
    worker.process(chunk, &result);
    out.lines += chunk.lines.size();
    append_result(result, place.name, simhash, checks, &out);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

// The pipeline's bounds (pipeline/decisions.h), with the bands and the
// bounded clustering's join bound.
MinHashBounds minhash_bounds(const DedupOptions& options) {
  const MinHashOptions& m = options.minhash;
  const int length = m.signature_length;
  const double t = m.threshold;
  const EqualEntryBounds e = equal_entry_bounds(m, length);
  MinHashBounds b;
  b.length = length;
  b.keep = e.keep;
  b.sure = e.sure;
  b.need = e.need;
  const LshParams lsh = choose_lsh_params(m);
  b.bands = lsh.bands;
  b.rows = lsh.rows;
  b.join = min_equal_entries(m.bound_ratio * t, length);
  return b;
}

bool keep_pair(const MinHashBounds& bounds, int equal) {
  // band_candidates()'s filter.
  return bounds.keep <= 0 ||
         (bounds.keep <= bounds.length && equal >= bounds.keep);
}

void band_entries(std::span<const uint8_t> signatures, int length,
                  std::span<const uint8_t> band_checks,
                  std::span<const uint8_t> empty, int bands, int rows,
                  std::vector<uint64_t>* keys, std::vector<uint32_t>* docs) {
  const size_t check_bytes = static_cast<size_t>(kBandCheckBytes) * bands;
  for (size_t i = 0; i < empty.size(); ++i) {
    if (empty[i] != 0) continue;
    const std::span<const uint8_t> sig =
        signatures.subspan(i * static_cast<size_t>(length), length);
    const std::span<const uint8_t> checks =
        band_checks.subspan(i * check_bytes, check_bytes);
    for (int band = 0; band < bands; ++band) {
      keys->push_back(band_key(sig, checks, band, rows));
      docs->push_back(static_cast<uint32_t>(i));
    }
  }
}

std::vector<uint64_t> bucket_pairs(std::span<const uint64_t> keys,
                                   std::span<const uint32_t> docs) {
  // Entries sorted by (key, doc): each bucket in DocId order, as
  // band_candidates() sees it. Keys are seeded per band, so a key names its
  // band too.
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return keys[a] != keys[b] ? keys[a] < keys[b] : docs[a] < docs[b];
  });
  std::vector<uint64_t> pairs, keyed;
  size_t start = 0;
  while (start < order.size()) {
    const uint64_t key = keys[order[start]];
    keyed.clear();
    for (; start < order.size() && keys[order[start]] == key; ++start) {
      keyed.push_back(docs[order[start]]);
    }
    add_bucket_pairs(keyed, &pairs);
  }
  sort_radix(&pairs);
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

std::vector<int64_t> bucket_order(std::span<const int64_t> buckets,
                                  size_t num_buckets) {
  std::vector<int64_t> next(num_buckets + 1, 0);
  for (int64_t b : buckets) ++next[b + 1];
  for (size_t b = 0; b < num_buckets; ++b) next[b + 1] += next[b];
  std::vector<int64_t> order(buckets.size());
  for (size_t i = 0; i < buckets.size(); ++i) {
    order[next[buckets[i]]++] = static_cast<int64_t>(i);
  }
  return order;
}

void equal_rows(std::span<const uint8_t> a, std::span<const uint8_t> b,
                int length, std::vector<uint16_t>* equal) {
  const size_t n = length > 0 ? a.size() / length : 0;
  equal->resize(n);
  for (size_t i = 0; i < n; ++i) {
    (*equal)[i] = static_cast<uint16_t>(equal_entries(
        a.subspan(i * length, length), b.subspan(i * length, length)));
  }
}

Status equal_rows_indexed(std::span<const uint8_t> a,
                          std::span<const int64_t> a_rows,
                          std::span<const uint8_t> b,
                          std::span<const int64_t> b_rows, int length,
                          std::vector<uint16_t>* equal) {
  if (length <= 0 || a_rows.size() != b_rows.size()) {
    return Status::InvalidArgument("equal_rows_indexed: mismatched rows");
  }
  const auto na = static_cast<int64_t>(a.size() / length);
  const auto nb = static_cast<int64_t>(b.size() / length);
  equal->resize(a_rows.size());
  for (size_t i = 0; i < a_rows.size(); ++i) {
    if (a_rows[i] < 0 || a_rows[i] >= na || b_rows[i] < 0 || b_rows[i] >= nb) {
      return Status::InvalidArgument("equal_rows_indexed: row out of range");
    }
    (*equal)[i] = static_cast<uint16_t>(
        equal_entries(a.subspan(a_rows[i] * length, length),
                      b.subspan(b_rows[i] * length, length)));
  }
  return Status::OK();
}

namespace {

Status changed_error(const PartitionPlace& place) {
  return Status::IOError(place.name +
                         ": changed between the first pass and exact "
                         "verification");
}

// Calls fn(line) for the partition's lines `lines` (partition-relative
// line numbers, ascending), read again through the partition's chunks.
Status for_each_line(const DedupOptions& options, const PartitionPlace& place,
                     std::span<const uint64_t> lines,
                     const std::function<Status(std::string_view)>& fn) {
  size_t next = 0;
  const Status s = for_each_chunk(options, place, [&](const Chunk& chunk) {
    const uint64_t first = chunk.first_line - place.first_line;
    for (; next < lines.size() && lines[next] < first + chunk.lines.size();
         ++next) {
      const LineSpan& span = chunk.lines[lines[next] - first];
      NEARDUP_RETURN_IF_ERROR(fn({chunk.data() + span.offset, span.length}));
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (next != lines.size()) return changed_error(place);
  return Status::OK();
}

void append_set(std::span<const uint64_t> values, ShingleSets* out) {
  out->values.insert(out->values.end(), values.begin(), values.end());
  out->ends.push_back(out->values.size());
}

}  // namespace

Result<ShingleSets> read_shingle_sets(const DedupOptions& options,
                                      const PartitionPlace& place,
                                      std::span<const uint64_t> lines,
                                      std::span<const uint64_t> offsets) {
  NEARDUP_RETURN_IF_ERROR(check_copies(options));
  ShingleSets out;
  if (lines.empty()) return out;
  Result<Compression> compression = compression_of(place.path);
  if (!compression.ok()) return compression.status();
  ChunkWorker worker(options);
  ShingleSet set;
  if (*compression == Compression::kNone) {
    LineReader reader({place.path}, options.max_line_bytes);
    NEARDUP_RETURN_IF_ERROR(reader.open());
    std::string line;
    for (uint64_t offset : offsets) {
      NEARDUP_RETURN_IF_ERROR(reader.read_line(0, offset, &line));
      if (!worker.shingle_set(line, &set)) return changed_error(place);
      append_set(set.values(), &out);
    }
    return out;
  }
  NEARDUP_RETURN_IF_ERROR(
      for_each_line(options, place, lines, [&](std::string_view line) {
        if (!worker.shingle_set(line, &set)) return changed_error(place);
        append_set(set.values(), &out);
        return Status::OK();
      }));
  return out;
}

std::vector<uint8_t> exact_accept(const ShingleSets& a, const ShingleSets& b,
                                  double threshold) {
  std::vector<uint8_t> accept(a.ends.size());
  ShingleTable table;
  for (size_t i = 0; i < a.ends.size(); ++i) {
    const uint64_t a_begin = i == 0 ? 0 : a.ends[i - 1];
    const uint64_t b_begin = i == 0 ? 0 : b.ends[i - 1];
    const size_t a_size = a.ends[i] - a_begin, b_size = b.ends[i] - b_begin;
    table.reset(b_size);
    for (size_t k = 0; k < b_size; ++k) table.insert(b.values[b_begin + k]);
    uint32_t common = 0;
    for (size_t k = 0; k < a_size; ++k) {
      common += table.contains(a.values[a_begin + k]);
    }
    const auto all = static_cast<uint32_t>(a_size + b_size - common);
    // find_minhash_pairs()'s test, with its types.
    accept[i] = !(all == 0 || common < threshold * all);
  }
  return accept;
}

StarForest star_forest(std::span<const uint32_t> a,
                       std::span<const uint32_t> b) {
  std::vector<uint32_t> ids(a.begin(), a.end());
  ids.insert(ids.end(), b.begin(), b.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto index = [&ids](uint32_t id) {
    return static_cast<DocId>(std::lower_bound(ids.begin(), ids.end(), id) -
                              ids.begin());
  };
  // Indexes keep the DocId order, so each root is its component's smallest.
  UnionFind sets(ids.size());
  for (size_t i = 0; i < a.size(); ++i) sets.unite(index(a[i]), index(b[i]));
  StarForest out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const DocId root = sets.find(static_cast<DocId>(i));
    if (root == i) continue;
    out.nodes.push_back(ids[i]);
    out.roots.push_back(ids[root]);
  }
  return out;
}

namespace {

// The pipeline's clustering (pipeline/decisions.h) over documents 0..n-1
// with `sketches` packed in that order.
std::vector<DocId> cluster_positions(const DedupOptions& options,
                                     const MinHashBounds& bounds, size_t n,
                                     std::span<const uint8_t> sketches,
                                     std::span<const DocPair> pairs) {
  const size_t width = options.algorithm == Algorithm::kSimHash
                           ? 8
                           : static_cast<size_t>(bounds.length);
  return cluster_documents(options, n, pairs, [&](DocId doc) {
    return sketches.subspan(doc * width, width);
  });
}

}  // namespace

void cluster_components(
    const DedupOptions& options, const MinHashBounds& bounds,
    std::span<const uint32_t> docs, std::span<const uint8_t> sketches,
    std::span<const uint32_t> pair_a, std::span<const uint32_t> pair_b,
    std::vector<uint32_t>* rep, std::vector<uint32_t>* measure) {
  // Positions keep the DocId order (bounded_clusters() visits leaders and
  // neighbours in that order), so clusters map back one to one.
  auto position = [&docs](uint32_t id) {
    return static_cast<DocId>(std::lower_bound(docs.begin(), docs.end(), id) -
                              docs.begin());
  };
  std::vector<DocPair> pairs(pair_a.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    pairs[i] = {position(pair_a[i]), position(pair_b[i]), 0};
  }
  *rep = cluster_positions(options, bounds, docs.size(), sketches, pairs);
  measure->resize(docs.size());
  const bool simhash = options.algorithm == Algorithm::kSimHash;
  const auto* prints = reinterpret_cast<const uint64_t*>(sketches.data());
  const size_t length = bounds.length;
  for (size_t i = 0; i < docs.size(); ++i) {
    const DocId r = (*rep)[i];
    (*measure)[i] = simhash
                        ? hamming_distance(prints[i], prints[r])
                        : equal_entries(sketches.subspan(i * length, length),
                                        sketches.subspan(r * length, length));
  }
}

std::string format_clusters(std::string_view ids,
                            std::span<const uint64_t> id_ends, bool simhash,
                            int signature_length,
                            const ClusterUpdates& updates) {
  std::string out;
  auto id_of = [](std::string_view blob, std::span<const uint64_t> ends,
                  size_t i) {
    const uint64_t begin = i == 0 ? 0 : ends[i - 1];
    return blob.substr(begin, ends[i] - begin);
  };
  size_t next = 0;
  for (size_t doc = 0; doc < id_ends.size(); ++doc) {
    ClusterLine line;
    line.id = line.cluster = id_of(ids, id_ends, doc);
    line.representative = true;
    line.simhash = simhash;
    if (next < updates.members.size() && updates.members[next] == doc) {
      if (updates.rep_is_self[next] == 0) {
        line.cluster = id_of(updates.rep_ids, updates.rep_id_ends, next);
        line.representative = false;
        line.distance = static_cast<int>(updates.measure[next]);
        if (!simhash) {
          line.similarity = bbit_jaccard(line.distance, signature_length);
        }
      }
      ++next;
    }
    append_cluster_fields(line, &out);
    out += "}\n";
  }
  return out;
}

Result<std::string> partition_lines(const DedupOptions& options,
                                    const PartitionPlace& place,
                                    std::span<const uint64_t> lines) {
  std::string out;
  NEARDUP_RETURN_IF_ERROR(
      for_each_line(options, place, lines, [&](std::string_view line) {
        out.append(line);
        out.push_back('\n');
        return Status::OK();
      }));
  return out;
}

FingerprintBucket group_equal_fingerprints(std::span<const uint64_t> prints,
                                           std::span<const uint32_t> docs) {
  std::vector<std::pair<Fingerprint, DocId>> sorted(prints.size());
  for (size_t i = 0; i < prints.size(); ++i) sorted[i] = {prints[i], docs[i]};
  std::sort(sorted.begin(), sorted.end());
  FingerprintGroups groups;
  std::vector<DocPair> pairs;
  group_fingerprints(sorted, &groups, &pairs);
  FingerprintBucket out;
  for (const DocPair& p : pairs) {
    out.pair_a.push_back(p.a);
    out.pair_b.push_back(p.b);
  }
  out.unique = std::move(groups.unique);
  out.first_doc = std::move(groups.first_doc);
  out.count = std::move(groups.count);
  return out;
}

int simhash_blocks(int max_distance, uint64_t documents) {
  return HammingTables::suggested_blocks(max_distance, documents);
}

Status table_entries(int max_distance, int blocks,
                     std::span<const uint64_t> prints,
                     std::vector<uint16_t>* tables,
                     std::vector<uint64_t>* shuffle_keys) {
  Result<HammingTables> t = HammingTables::create(max_distance, blocks);
  if (!t.ok()) return t.status();
  for (uint64_t print : prints) {
    for (int table = 0; table < t->num_tables(); ++table) {
      tables->push_back(static_cast<uint16_t>(table));
      shuffle_keys->push_back(
          mix64((print & t->key_mask(table)) ^
                (uint64_t(table + 1) * 0x9e3779b97f4a7c15ULL)));
    }
  }
  return Status::OK();
}

Status table_pairs(int max_distance, int blocks,
                   std::span<const uint16_t> tables,
                   std::span<const uint64_t> prints,
                   std::span<const uint32_t> first_docs,
                   std::vector<uint32_t>* pair_a,
                   std::vector<uint32_t>* pair_b) {
  Result<HammingTables> t = HammingTables::create(max_distance, blocks);
  if (!t.ok()) return t.status();
  std::vector<size_t> order(tables.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return tables[x] != tables[y] ? tables[x] < tables[y]
                                  : prints[x] < prints[y];
  });
  std::vector<Fingerprint> run;
  std::vector<DocId> run_docs;
  std::vector<DocPair> found;
  size_t start = 0;
  while (start < order.size()) {
    const uint16_t table = tables[order[start]];
    run.clear();
    run_docs.clear();
    size_t end = start;
    for (; end < order.size() && tables[order[end]] == table; ++end) {
      run.push_back(prints[order[end]]);
      run_docs.push_back(first_docs[order[end]]);
    }
    found.clear();
    PairSearchStats stats;
    t->find_pairs(table, run, &found, &stats);
    for (const DocPair& p : found) {
      pair_a->push_back(std::min(run_docs[p.a], run_docs[p.b]));
      pair_b->push_back(std::max(run_docs[p.a], run_docs[p.b]));
    }
    start = end;
  }
  return Status::OK();
}

}  // namespace neardup::internal
