#include "index/index_run.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <optional>

#include "common/parallel.h"
#include "common/radix_sort.h"
#include "neardup/hamming_index.h"
#include "neardup/lsh.h"

static_assert(std::endian::native == std::endian::little,
              "the index format is little-endian and read in place");

namespace neardup::internal {
namespace {

constexpr char kRunMagic[8] = {'N', 'D', 'U', 'P', 'R', 'U', 'N', 0};
constexpr uint32_t kRunVersion = 1;
constexpr uint32_t kFingerprintFormat = 3;  // core/FORMAT.md
constexpr size_t kLayoutBytes = 64;

size_t pad8(size_t n) { return (n + 7) & ~size_t{7}; }

// Appends little-endian fields to a byte buffer, each section 8-aligned.
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(*out) {}
  template <typename T>
  void put(T v) {
    const size_t at = out_.size();
    out_.resize(at + sizeof(T));
    std::memcpy(out_.data() + at, &v, sizeof(T));
  }
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void align() { out_.resize(pad8(out_.size()), 0); }
  size_t size() const { return out_.size(); }

 private:
  std::vector<uint8_t>& out_;
};

uint64_t read_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t read_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Runs of set bits of `mask`, from the highest, as (low bit, width).
std::vector<std::pair<int, int>> bit_runs(uint64_t mask) {
  std::vector<std::pair<int, int>> runs;
  int bit = 63;
  while (bit >= 0) {
    if (!((mask >> bit) & 1)) {
      --bit;
      continue;
    }
    int low = bit;
    while (low > 0 && ((mask >> (low - 1)) & 1)) --low;
    runs.push_back({low, bit - low + 1});
    bit = low - 1;
  }
  return runs;
}

}  // namespace

// Reads fields with bounds checks: any read past the end is Corruption.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const std::string& name)
      : data_(data), size_(size), name_(name) {}
  template <typename T>
  bool get(T* v) {
    if (size_ - pos_ < sizeof(T)) return false;
    std::memcpy(v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  // A view of the next n bytes (aligned to 8 afterwards if asked).
  const uint8_t* take(uint64_t n) {
    if (n > size_ - pos_) return nullptr;
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  bool align() {
    const size_t next = pad8(pos_);
    if (next > size_) return false;
    pos_ = next;
    return true;
  }
  size_t pos() const { return pos_; }
  Status corrupt(const std::string& what) const {
    return Status::Corruption(name_ + ": " + what);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const std::string& name_;
};

uint64_t format_checksum(std::span<const uint8_t> bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

// ---- IndexLayout ----

Result<IndexLayout> IndexLayout::FromOptions(const DedupOptions& options) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  if (options.mode != Mode::kCopies) {
    return Status::InvalidArgument("an index holds copies-mode sketches");
  }
  IndexLayout l;
  l.algorithm = options.algorithm;
  l.shingle_words = options.text.shingle_words;
  l.min_line_words = options.text.min_line_words;
  l.short_text_words = options.text.short_text_words;
  if (l.algorithm == Algorithm::kMinHash) {
    const LshParams lsh = choose_lsh_params(options.minhash);
    l.signature_length = options.minhash.signature_length;
    l.bands = lsh.bands;
    l.rows = lsh.rows;
    l.threshold = options.minhash.threshold;
  } else {
    l.max_hamming_distance = options.max_hamming_distance;
    // Fewest tables (one per block); each key keeps 64 * k / (k + 1) bits.
    l.simhash_blocks = options.max_hamming_distance + 1;
  }
  NEARDUP_RETURN_IF_ERROR(l.derive());
  return l;
}

Status IndexLayout::derive() {
  key_segments.clear();
  if (algorithm == Algorithm::kMinHash) {
    sketch_bytes = signature_length + kBandCheckBytes * bands;
    tables = bands;
    need_equal = min_equal_entries(threshold, signature_length);
    return Status::OK();
  }
  sketch_bytes = 8;
  Result<HammingTables> hamming =
      HammingTables::create(max_hamming_distance, simhash_blocks);
  if (!hamming.ok()) return hamming.status();
  tables = hamming->num_tables();
  for (int t = 0; t < tables; ++t) {
    key_segments.push_back(bit_runs(hamming->key_mask(t)));
  }
  return Status::OK();
}

DedupOptions IndexLayout::to_options(const DedupOptions& base) const {
  DedupOptions o;
  o.threads = base.threads;
  o.chunk_bytes = base.chunk_bytes;
  o.text_field = base.text_field;
  o.id_field = base.id_field;
  o.max_line_bytes = base.max_line_bytes;
  o.algorithm = algorithm;
  o.text.shingle_words = shingle_words;
  o.text.min_line_words = min_line_words;
  o.text.short_text_words = short_text_words;
  if (algorithm == Algorithm::kMinHash) {
    o.minhash.signature_length = signature_length;
    o.minhash.bands = bands;
    o.minhash.rows = rows;
    o.minhash.threshold = threshold;
  } else {
    o.max_hamming_distance = max_hamming_distance;
  }
  return o;
}

std::string IndexLayout::encode() const {
  std::vector<uint8_t> out;
  Writer w(&out);
  w.put<uint32_t>(kFingerprintFormat);
  w.put<uint32_t>(static_cast<uint32_t>(algorithm));
  w.put<uint32_t>(shingle_words);
  w.put<uint32_t>(min_line_words);
  w.put<uint32_t>(short_text_words);
  w.put<uint32_t>(signature_length);
  w.put<uint32_t>(bands);
  w.put<uint32_t>(rows);
  w.put<double>(threshold);
  w.put<uint32_t>(max_hamming_distance);
  w.put<uint32_t>(simhash_blocks);
  w.put<uint64_t>(kBandSeed);
  w.put<uint64_t>(0);
  return std::string(out.begin(), out.end());
}

Result<IndexLayout> IndexLayout::Decode(std::string_view bytes,
                                        const std::string& path) {
  Reader r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path);
  uint32_t format, algorithm, v[6], distance, blocks;
  uint64_t seed, reserved;
  IndexLayout l;
  if (bytes.size() != kLayoutBytes || !r.get(&format) || !r.get(&algorithm) ||
      !r.get(&v[0]) || !r.get(&v[1]) || !r.get(&v[2]) || !r.get(&v[3]) ||
      !r.get(&v[4]) || !r.get(&v[5]) || !r.get(&l.threshold) ||
      !r.get(&distance) || !r.get(&blocks) || !r.get(&seed) ||
      !r.get(&reserved)) {
    return r.corrupt("options block is not 64 bytes");
  }
  if (format != kFingerprintFormat || seed != kBandSeed) {
    return r.corrupt("fingerprint format " + std::to_string(format) +
                     ", this build reads " +
                     std::to_string(kFingerprintFormat));
  }
  if (algorithm > 1) return r.corrupt("unknown algorithm");
  l.algorithm = static_cast<Algorithm>(algorithm);
  // The other algorithm's fields are 0 (FORMAT.md 10.1). Options carry no
  // such fields, so an index that set them would not open with its own
  // options(), nor reopen after a save.
  if (l.algorithm == Algorithm::kMinHash
          ? distance != 0 || blocks != 0
          : v[3] != 0 || v[4] != 0 || v[5] != 0 || l.threshold != 0) {
    return r.corrupt("options of the other algorithm are set");
  }
  l.shingle_words = static_cast<int>(v[0]);
  l.min_line_words = static_cast<int>(v[1]);
  l.short_text_words = static_cast<int>(v[2]);
  l.signature_length = static_cast<int>(v[3]);
  l.bands = static_cast<int>(v[4]);
  l.rows = static_cast<int>(v[5]);
  l.max_hamming_distance = static_cast<int>(distance);
  l.simhash_blocks = static_cast<int>(blocks);
  DedupOptions check = l.to_options(DedupOptions());
  if (!validate(check).ok() ||
      (l.algorithm == Algorithm::kSimHash &&
       (l.simhash_blocks <= l.max_hamming_distance || l.simhash_blocks > 16))) {
    return r.corrupt("options out of range");
  }
  NEARDUP_RETURN_IF_ERROR(l.derive());
  return l;
}

Status IndexLayout::check_same(const IndexLayout& wanted,
                               const std::string& path) const {
  auto differs = [&](const char* field, auto saved,
                     auto asked) -> std::optional<Status> {
    if (saved == asked) return std::nullopt;
    return Status::InvalidArgument(path + ": the index was built with " +
                                   field + " = " + std::to_string(saved) +
                                   ", this run uses " + std::to_string(asked));
  };
  std::optional<Status> s;
  if ((s = differs("algorithm (0 minhash, 1 simhash)",
                   static_cast<int>(algorithm),
                   static_cast<int>(wanted.algorithm))) ||
      (s = differs("shingle_words", shingle_words, wanted.shingle_words)) ||
      (s = differs("min_line_words", min_line_words, wanted.min_line_words)) ||
      (s = differs("short_text_words", short_text_words,
                   wanted.short_text_words)) ||
      (s = differs("signature_length", signature_length,
                   wanted.signature_length)) ||
      (s = differs("threshold", threshold, wanted.threshold)) ||
      (s = differs("bands", bands, wanted.bands)) ||
      (s = differs("rows", rows, wanted.rows)) ||
      (s = differs("max_hamming_distance", max_hamming_distance,
                   wanted.max_hamming_distance))) {
    return *s;
  }
  return Status::OK();
}

uint64_t IndexLayout::table_key(std::span<const uint8_t> sketch,
                                int table) const {
  if (algorithm == Algorithm::kMinHash) {
    // The low 32 bits hold entry numbers while runs are sorted.
    return band_key(sketch, sketch.subspan(signature_length), table, rows) >>
           32 << 32;
  }
  const uint64_t fp = read_u64(sketch.data());
  uint64_t key = 0;
  int bits = 0;
  for (const auto& [low, width] : key_segments[table]) {
    const uint64_t part =
        width == 64 ? fp : (fp >> low) & ((uint64_t{1} << width) - 1);
    key = width == 64 ? part : (key << width) | part;
    bits += width;
  }
  return bits >= 64 ? key : key << (64 - bits);
}

bool IndexLayout::matches(std::span<const uint8_t> a,
                          std::span<const uint8_t> b, double* similarity,
                          int* distance) const {
  if (algorithm == Algorithm::kMinHash) {
    const auto length = static_cast<size_t>(signature_length);
    const int equal = equal_entries(a.first(length), b.first(length));
    *distance = signature_length - equal;
    if (equal < need_equal) return false;
    *similarity = bbit_jaccard(equal, signature_length);
    return true;
  }
  *distance = std::popcount(read_u64(a.data()) ^ read_u64(b.data()));
  if (*distance > max_hamming_distance) return false;
  *similarity = 1.0 - *distance / 64.0;
  return true;
}

// ---- EntryColumns ----

uint32_t EntryColumns::source_index(std::string_view name) {
  // Entries come in long stretches from one source: check the last first.
  for (size_t i = source_names.size(); i-- > 0;) {
    if (source_names[i] == name) return static_cast<uint32_t>(i);
  }
  source_names.emplace_back(name);
  return static_cast<uint32_t>(source_names.size() - 1);
}

void EntryColumns::append(std::string_view key, uint32_t source,
                          std::span<const uint8_t> sketch, bool is_empty) {
  sketches.insert(sketches.end(), sketch.begin(), sketch.end());
  empty.push_back(is_empty ? 1 : 0);
  keys.append(key);
  key_ends.push_back(keys.size());
  source_of.push_back(source);
}

// ---- IndexRun: building ----

namespace {

// Table `table`'s non-empty entries sorted by (key, entry), with the keys.
struct SortedTable {
  std::vector<uint32_t> entries;
  std::vector<uint64_t> keys;
};

SortedTable sort_table(const IndexLayout& layout, const EntryColumns& c,
                       const std::vector<uint32_t>& indexed, int table) {
  const size_t sb = layout.sketch_bytes;
  auto key_of = [&](uint32_t entry) {
    return layout.table_key({c.sketches.data() + entry * sb, sb}, table);
  };
  SortedTable out;
  out.entries.resize(indexed.size());
  out.keys.resize(indexed.size());
  if (layout.algorithm == Algorithm::kMinHash) {
    // Band keys are 32 bits: (key, entry) packs into one word.
    std::vector<uint64_t> packed(indexed.size());
    for (size_t i = 0; i < indexed.size(); ++i) {
      packed[i] = key_of(indexed[i]) | indexed[i];
    }
    sort_by_top_bits(&packed, 64);
    for (size_t i = 0; i < packed.size(); ++i) {
      out.entries[i] = static_cast<uint32_t>(packed[i]);
      out.keys[i] = packed[i] & ~uint64_t{0xffffffff};
    }
    return out;
  }
  std::vector<std::pair<uint64_t, uint32_t>> keyed(indexed.size());
  for (size_t i = 0; i < indexed.size(); ++i) {
    keyed[i] = {key_of(indexed[i]), indexed[i]};
  }
  std::sort(keyed.begin(), keyed.end());
  for (size_t i = 0; i < keyed.size(); ++i) {
    out.keys[i] = keyed[i].first;
    out.entries[i] = keyed[i].second;
  }
  return out;
}

// directory[v] = first position whose key's top `bits` bits are >= v.
std::vector<uint32_t> build_directory(const std::vector<uint64_t>& keys,
                                      int bits) {
  std::vector<uint32_t> dir((size_t{1} << bits) + 1);
  size_t p = 0;
  for (size_t v = 0; v < dir.size(); ++v) {
    while (p < keys.size() && (bits == 0 ? 0 : keys[p] >> (64 - bits)) < v) {
      ++p;
    }
    dir[v] = static_cast<uint32_t>(p);
  }
  return dir;
}

// The 8 key bits after the directory's `bits`: a lookup compares these,
// in order, before it reads any sketch.
uint8_t key_remainder(uint64_t key, int bits) {
  return static_cast<uint8_t>(key >> (56 - bits));
}

// One directory slot per ~32 indexed entries.
int directory_bits(size_t indexed) {
  int bits = 0;
  while (bits < 26 && (size_t{32} << (bits + 1)) <= indexed) ++bits;
  return bits;
}

// Bits of a packed entry number: enough for every entry of the run.
int entry_bits(size_t entries) {
  return std::max(1, static_cast<int>(std::bit_width(entries)));
}

// Bytes of `count` packed `bits`-bit values, plus a zero word so that every
// value can be read with one 8-byte load.
size_t packed_bytes(size_t count, int bits) {
  return (count * bits + 63) / 64 * 8 + 8;
}

// Appends `values` as `bits`-bit fields, value i at bits [i * bits, (i + 1)
// * bits) of a little-endian bit stream, padded as packed_bytes() says.
void write_packed(const std::vector<uint32_t>& values, int bits, Writer* w) {
  std::vector<uint64_t> words(packed_bytes(values.size(), bits) / 8, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t bit = i * static_cast<uint64_t>(bits);
    words[bit / 64] |= uint64_t{values[i]} << (bit % 64);
    if (bit % 64 + bits > 64) {
      words[bit / 64 + 1] |= uint64_t{values[i]} >> (64 - bit % 64);
    }
  }
  w->bytes(words.data(), words.size() * 8);
}

void write_sources(const EntryColumns& c, Writer* w) {
  for (const std::string& name : c.source_names) {
    w->put<uint32_t>(static_cast<uint32_t>(name.size()));
    w->bytes(name.data(), name.size());
  }
  w->align();
  for (size_t i = 0; i < c.size(); ++i) {
    if (i > 0 && c.source_of[i] == c.source_of[i - 1]) continue;
    w->put<uint64_t>(i);
    w->put<uint64_t>(c.source_of[i]);
  }
}

size_t count_ranges(const EntryColumns& c) {
  size_t ranges = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    ranges += i == 0 || c.source_of[i] != c.source_of[i - 1];
  }
  return ranges;
}

}  // namespace

namespace {

// One table of a run being built: directory, sorted entries, remainders.
struct BuiltTable {
  std::vector<uint32_t> directory, entries;
  std::vector<uint8_t> remainders;
};

// Sorts every table of `c`'s entries, on `threads` threads.
std::vector<BuiltTable> build_tables(const IndexLayout& layout,
                                     const EntryColumns& c,
                                     const std::vector<uint32_t>& indexed,
                                     int bits, int threads) {
  std::vector<BuiltTable> tables(layout.tables);
  parallel_ranges(layout.tables, 1, threads, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      SortedTable sorted = sort_table(layout, c, indexed, static_cast<int>(t));
      tables[t].directory = build_directory(sorted.keys, bits);
      tables[t].remainders.resize(sorted.keys.size());
      for (size_t p = 0; p < sorted.keys.size(); ++p) {
        tables[t].remainders[p] = key_remainder(sorted.keys[p], bits);
      }
      tables[t].entries = std::move(sorted.entries);
    }
  });
  return tables;
}

// Sections 1 to 7 of the run file.
void write_header_and_columns(const IndexLayout& layout, const EntryColumns& c,
                              size_t indexed, int bits, Writer* w) {
  w->bytes(kRunMagic, 8);
  w->put<uint32_t>(kRunVersion);
  w->put<uint32_t>(kLayoutBytes);
  const std::string layout_block = layout.encode();
  w->bytes(layout_block.data(), layout_block.size());
  w->put<uint64_t>(c.size());
  w->put<uint64_t>(indexed);
  w->put<uint32_t>(layout.tables);
  w->put<uint32_t>(bits);
  w->put<uint32_t>(entry_bits(c.size()));
  w->put<uint32_t>(0);
  w->put<uint32_t>(static_cast<uint32_t>(c.source_names.size()));
  w->put<uint32_t>(static_cast<uint32_t>(count_ranges(c)));
  w->put<uint64_t>(c.keys.size());
  write_sources(c, w);
  for (uint64_t end : c.key_ends) w->put<uint32_t>(static_cast<uint32_t>(end));
  w->align();
  w->bytes(c.keys.data(), c.keys.size());
  w->align();
  std::vector<uint64_t> empty_bits((c.size() + 63) / 64, 0);
  for (size_t i = 0; i < c.size(); ++i) {
    empty_bits[i / 64] |= uint64_t{c.empty[i]} << (i % 64);
  }
  w->bytes(empty_bits.data(), empty_bits.size() * 8);
  w->bytes(c.sketches.data(), c.sketches.size());
  w->align();
}

}  // namespace

Result<std::shared_ptr<IndexRun>> IndexRun::Build(const IndexLayout& layout,
                                                  const EntryColumns& c,
                                                  int threads) {
  if (c.keys.size() > UINT32_MAX) {
    return Status::InvalidArgument(
        "over 4 GiB of keys in one index run; save in smaller parts");
  }
  if (c.size() >= UINT32_MAX) {
    return Status::InvalidArgument("over 2^32 - 1 entries in one index run");
  }
  std::vector<uint32_t> indexed;
  for (size_t i = 0; i < c.size(); ++i) {
    if (!c.empty[i]) indexed.push_back(static_cast<uint32_t>(i));
  }
  const int bits = directory_bits(indexed.size());
  std::vector<BuiltTable> tables =
      build_tables(layout, c, indexed, bits, threads);
  std::shared_ptr<IndexRun> run(new IndexRun());
  Writer w(&run->owned_);
  write_header_and_columns(layout, c, indexed.size(), bits, &w);
  for (BuiltTable& table : tables) {
    w.bytes(table.directory.data(), table.directory.size() * 4);
    write_packed(table.entries, entry_bits(c.size()), &w);
    w.bytes(table.remainders.data(), table.remainders.size());
    w.align();
    table = BuiltTable();
  }
  run->checksum_ = format_checksum(run->owned_);
  w.put<uint64_t>(run->checksum_);
  run->data_ = run->owned_.data();
  run->size_ = run->owned_.size();
  NEARDUP_RETURN_IF_ERROR(run->parse(layout, "index run"));
  return run;
}

// ---- IndexRun: reading ----

Result<std::shared_ptr<IndexRun>> IndexRun::Map(const IndexLayout& layout,
                                                const std::string& path,
                                                uint64_t bytes,
                                                uint64_t checksum) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string msg = path + ": cannot open index run: " + std::strerror(err);
    if (err == ENOENT) return Status::Corruption(msg + " (listed in MANIFEST)");
    return Status::IOError(msg);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IOError(path + ": cannot stat: " + std::strerror(errno));
  }
  if (static_cast<uint64_t>(st.st_size) != bytes || bytes < 24) {
    ::close(fd);
    return Status::Corruption(path + ": " + std::to_string(st.st_size) +
                              " bytes, the manifest says " +
                              std::to_string(bytes) + " (truncated?)");
  }
  void* p = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) {
    return Status::IOError(path + ": cannot map: " + std::strerror(errno));
  }
  std::shared_ptr<IndexRun> run(new IndexRun());
  run->mapped_ = true;
  run->data_ = static_cast<const uint8_t*>(p);
  run->size_ = bytes;
  const uint64_t stored = read_u64(run->data_ + bytes - 8);
  run->checksum_ = format_checksum({run->data_, bytes - 8});
  if (run->checksum_ != stored || stored != checksum) {
    return Status::Corruption(path + ": checksum mismatch (damaged file)");
  }
  NEARDUP_RETURN_IF_ERROR(run->parse(layout, path));
  return run;
}

IndexRun::~IndexRun() {
  if (mapped_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

// The run header's counts (core/FORMAT.md section 10.3, item 2).
struct RunHeader {
  uint64_t entries = 0, indexed = 0, keys_bytes = 0;
  uint32_t tables = 0, bits = 0, ebits = 0, reserved = 0, sources = 0,
           ranges = 0;
};

Status IndexRun::parse(const IndexLayout& layout, const std::string& name) {
  layout_ = &layout;
  sketch_bytes_ = layout.sketch_bytes;
  Reader r(data_, size_ - 8, name);
  RunHeader h;
  NEARDUP_RETURN_IF_ERROR(parse_header(layout, &r, &h));
  NEARDUP_RETURN_IF_ERROR(parse_columns(h, &r));
  NEARDUP_RETURN_IF_ERROR(check_columns(h, r));
  NEARDUP_RETURN_IF_ERROR(parse_tables(h, &r));
  if (r.pos() != size_ - 8) return r.corrupt("trailing bytes");
  return Status::OK();
}

Status IndexRun::parse_header(const IndexLayout& layout, Reader* r,
                              RunHeader* h) {
  const uint8_t* magic = r->take(8);
  uint32_t version = 0, layout_bytes = 0;
  if (magic == nullptr || std::memcmp(magic, kRunMagic, 8) != 0) {
    return r->corrupt("not a neardup index run");
  }
  if (!r->get(&version) || version != kRunVersion) {
    return r->corrupt("index run version " + std::to_string(version) +
                      ", this build reads " + std::to_string(kRunVersion));
  }
  if (!r->get(&layout_bytes) || layout_bytes != kLayoutBytes) {
    return r->corrupt("bad options block size");
  }
  const uint8_t* block = r->take(kLayoutBytes);
  if (block == nullptr || std::string_view(reinterpret_cast<const char*>(block),
                                           kLayoutBytes) != layout.encode()) {
    return r->corrupt("options differ from the index manifest's");
  }
  if (!r->get(&h->entries) || !r->get(&h->indexed) || !r->get(&h->tables) ||
      !r->get(&h->bits) || !r->get(&h->ebits) || !r->get(&h->reserved) ||
      !r->get(&h->sources) || !r->get(&h->ranges) || !r->get(&h->keys_bytes) ||
      h->ebits != static_cast<uint32_t>(entry_bits(h->entries)) ||
      h->reserved != 0 || h->tables != static_cast<uint32_t>(layout.tables) ||
      h->bits > 26 || h->indexed > h->entries || h->entries >= UINT32_MAX ||
      h->ranges > h->entries ||
      (h->entries > 0 && (h->ranges == 0 || h->sources == 0))) {
    return r->corrupt("bad run header");
  }
  entries_ = h->entries;
  indexed_ = h->indexed;
  directory_bits_ = static_cast<int>(h->bits);
  entry_bits_ = static_cast<int>(h->ebits);
  return Status::OK();
}

// Sections 3 to 7: sources, ranges, keys, empty bits, sketches.
Status IndexRun::parse_columns(const RunHeader& h, Reader* r) {
  source_names_.clear();
  for (uint32_t s = 0; s < h.sources; ++s) {
    uint32_t len = 0;
    const uint8_t* p = r->get(&len) ? r->take(len) : nullptr;
    if (p == nullptr) return r->corrupt("bad source table");
    source_names_.emplace_back(reinterpret_cast<const char*>(p), len);
  }
  if (!r->align()) return r->corrupt("truncated");
  num_ranges_ = h.ranges;
  ranges_ = r->take(uint64_t{h.ranges} * 16);
  key_ends_ = r->take(h.entries * 4);
  const bool ok = ranges_ && key_ends_ && r->align();
  keys_ = ok ? reinterpret_cast<const char*>(r->take(h.keys_bytes)) : nullptr;
  if (keys_ == nullptr || !r->align()) return r->corrupt("truncated keys");
  empty_bits_ =
      reinterpret_cast<const uint64_t*>(r->take((h.entries + 63) / 64 * 8));
  sketches_ = r->take(h.entries * sketch_bytes_);
  if (empty_bits_ == nullptr || sketches_ == nullptr || !r->align()) {
    return r->corrupt("truncated sketches");
  }
  return Status::OK();
}

// Everything a lookup follows is checked, so damage cannot crash it.
Status IndexRun::check_columns(const RunHeader& h, const Reader& r) const {
  uint64_t prev_end = 0, first = 0;
  for (size_t i = 0; i < h.entries; ++i) {
    const uint32_t end = read_u32(key_ends_ + 4 * i);
    if (end < prev_end || end > h.keys_bytes) {
      return r.corrupt("bad key ends");
    }
    prev_end = end;
  }
  for (size_t i = 0; i < h.ranges; ++i) {
    const uint64_t f = read_u64(ranges_ + 16 * i);
    const uint64_t s = read_u64(ranges_ + 16 * i + 8);
    if ((i == 0 ? f != 0 : f <= first) || f >= h.entries || s >= h.sources) {
      return r.corrupt("bad source ranges");
    }
    first = f;
  }
  uint64_t empties = 0;
  for (size_t i = 0; i < h.entries; ++i) empties += empty(i);
  if (h.entries - empties != h.indexed) return r.corrupt("bad empty count");
  return Status::OK();
}

// Section 8: per table, the directory, the sorted entries, the remainders.
Status IndexRun::parse_tables(const RunHeader& h, Reader* r) {
  const size_t dir_size = (size_t{1} << h.bits) + 1;
  directories_.assign(h.tables, nullptr);
  permutations_.assign(h.tables, nullptr);
  remainders_.assign(h.tables, nullptr);
  for (uint32_t t = 0; t < h.tables; ++t) {
    const uint8_t* dir = r->take(dir_size * 4);
    const uint8_t* perm =
        dir ? r->take(packed_bytes(h.indexed, entry_bits_)) : nullptr;
    const uint8_t* rem = perm ? r->take(h.indexed) : nullptr;
    if (rem == nullptr || !r->align()) return r->corrupt("truncated tables");
    directories_[t] = reinterpret_cast<const uint32_t*>(dir);
    permutations_[t] = perm;
    remainders_[t] = rem;
    for (size_t v = 0; v < dir_size; ++v) {
      if (directories_[t][v] > h.indexed ||
          (v > 0 && directories_[t][v] < directories_[t][v - 1])) {
        return r->corrupt("bad table directory");
      }
    }
    for (size_t p = 0; p < h.indexed; ++p) {
      const uint32_t e = entry_at(t, p);
      if (e >= h.entries || empty(e)) return r->corrupt("bad table entry");
    }
  }
  return Status::OK();
}

std::string_view IndexRun::key(size_t i) const {
  const uint32_t begin = i == 0 ? 0 : read_u32(key_ends_ + 4 * (i - 1));
  const uint32_t end = read_u32(key_ends_ + 4 * i);
  return {keys_ + begin, end - begin};
}

std::string_view IndexRun::source(size_t i) const {
  // The last range starting at or before i.
  size_t lo = 0, hi = num_ranges_;
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    if (read_u64(ranges_ + 16 * mid) <= i) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return source_names_[read_u64(ranges_ + 16 * lo + 8)];
}

std::vector<std::pair<std::string, uint64_t>> IndexRun::sources() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (std::string_view name : source_names_)
    out.push_back({std::string(name), 0});
  for (size_t i = 0; i < num_ranges_; ++i) {
    const uint64_t first = read_u64(ranges_ + 16 * i);
    const uint64_t next =
        i + 1 < num_ranges_ ? read_u64(ranges_ + 16 * (i + 1)) : entries_;
    out[read_u64(ranges_ + 16 * i + 8)].second += next - first;
  }
  return out;
}

void IndexRun::probe_all(std::span<const uint64_t> keys,
                         std::vector<std::pair<uint32_t, int>>* out) const {
  if (indexed_ == 0) return;
  const int tables = static_cast<int>(keys.size());
  // Prefetch each table's directory slot, then what it points to, before
  // probing any table, so that the tables' cache misses overlap.
  for (int t = 0; t < tables; ++t) {
    __builtin_prefetch(directories_[t] + slot(keys[t]));
  }
  for (int t = 0; t < tables; ++t) {
    const uint32_t begin = directories_[t][slot(keys[t])];
    __builtin_prefetch(remainders_[t] + begin);
    __builtin_prefetch(permutations_[t] + begin * entry_bits_ / 8);
  }
  std::vector<uint32_t> found;
  for (int t = 0; t < tables; ++t) {
    found.clear();
    probe(t, keys[t], &found);
    for (uint32_t e : found) out->push_back({e, t});
  }
}

void IndexRun::probe_sorted(
    int table, std::span<const std::pair<uint64_t, uint32_t>> sorted,
    std::vector<uint64_t>* out) const {
  if (indexed_ == 0) return;
  const uint32_t* dir = directories_[table];
  std::vector<uint32_t> found;
  for (size_t i = 0; i < sorted.size();) {
    if (i + kPrefetchAhead < sorted.size()) {
      const uint32_t ahead = dir[slot(sorted[i + kPrefetchAhead].first)];
      __builtin_prefetch(remainders_[table] + ahead);
      __builtin_prefetch(permutations_[table] + ahead * entry_bits_ / 8);
    }
    const uint64_t key = sorted[i].first;
    found.clear();
    probe(table, key, &found);
    for (; i < sorted.size() && sorted[i].first == key; ++i) {
      for (uint32_t e : found) {
        out->push_back(uint64_t{e} << 32 | sorted[i].second);
      }
    }
  }
}

void IndexRun::probe(int table, uint64_t key,
                     std::vector<uint32_t>* out) const {
  if (indexed_ == 0) return;
  const uint32_t* dir = directories_[table];
  const uint8_t* rem = remainders_[table];
  const uint64_t top = slot(key);
  const uint8_t want = key_remainder(key, directory_bits_);
  size_t p = dir[top];
  const size_t end = dir[top + 1];
  while (p < end && rem[p] < want) ++p;
  size_t last = p;
  while (last < end && rem[last] == want) ++last;
  if (last - p > kProbeScan) {
    // A big bucket (or many keys sharing the remainder): find the key's
    // first entry by binary search, reading sketches.
    auto key_at = [&](size_t q) {
      return layout_->table_key(sketch(entry_at(table, q)), table);
    };
    size_t hi = last;
    while (p < hi) {
      const size_t mid = p + (hi - p) / 2;
      if (key_at(mid) < key) {
        p = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (size_t n = 0; p < last && n < kMaxBucketScan && key_at(p) == key;
         ++p, ++n) {
      out->push_back(entry_at(table, p));
    }
    return;
  }
  for (; p < last; ++p) out->push_back(entry_at(table, p));
}

void IndexRun::append_to(EntryColumns* c) const {
  std::vector<uint32_t> source_map;
  for (std::string_view name : source_names_) {
    source_map.push_back(c->source_index(name));
  }
  size_t range = 0;
  for (size_t i = 0; i < entries_; ++i) {
    while (range + 1 < num_ranges_ &&
           read_u64(ranges_ + 16 * (range + 1)) <= i) {
      ++range;
    }
    c->append(key(i), source_map[read_u64(ranges_ + 16 * range + 8)], sketch(i),
              empty(i));
  }
}

}  // namespace neardup::internal
