// Helpers shared by the benchmarks: the bundled corpus, a temporary
// directory, and the peak resident set size. Header-only, so that each
// benchmark stays one executable built from its own .cc.

#ifndef NEARDUP_BENCH_BENCH_COMMON_H_
#define NEARDUP_BENCH_BENCH_COMMON_H_

#include <stdlib.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/status.h"
#include "parse/record_parser.h"
#include "reader/byte_source.h"
#include "reader/jsonl_reader.h"

#ifndef NEARDUP_SOURCE_DIR
#error \
    "NEARDUP_SOURCE_DIR must name the source tree (set by bench/CMakeLists.txt)"
#endif

namespace neardup::bench {

// Benchmarks are programs, not library stages: missing data ends them.
[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "benchmark setup failed: %s\n", what.c_str());
  std::exit(1);
}

// The bundled Reuters-21578 corpus, JSONL compressed with zstd
// (datasets/reuters21578/README.md).
inline std::string reuters_path() {
  return std::string(NEARDUP_SOURCE_DIR) +
         "/datasets/reuters21578/reuters21578.jsonl.zst";
}

// Returns all bytes of `path`, decompressed if it is gzip or zstd (detected
// from its first bytes by internal::open_source()).
inline std::string read_decompressed(const std::string& path) {
  Result<std::unique_ptr<internal::ByteSource>> source =
      internal::open_source(path, nullptr, nullptr);
  if (!source.ok()) die(source.status().to_string());
  std::string data;
  size_t size = 0;
  while (true) {
    data.resize(size + (size_t{1} << 20));
    Result<size_t> got =
        (*source)->read(data.data() + size, data.size() - size);
    if (!got.ok()) die(path + ": " + got.status().to_string());
    if (*got == 0) break;
    size += *got;
  }
  data.resize(size);
  return data;
}

// The decompressed Reuters JSONL (about 23 MB), read once per process.
inline const std::string& reuters_jsonl() {
  static const std::string* const data =
      new std::string(read_decompressed(reuters_path()));
  return *data;
}

// The lines of `data`, without their '\n'. A last line without '\n' counts.
inline std::vector<std::string_view> split_lines(std::string_view data) {
  std::vector<std::string_view> lines;
  size_t begin = 0;
  while (begin < data.size()) {
    size_t end = data.find('\n', begin);
    if (end == std::string_view::npos) end = data.size();
    lines.push_back(data.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

// The "text" field of every Reuters record, in file order, read afresh.
inline std::vector<std::string> read_reuters_texts() {
  // RecordParser needs kParsePadding readable bytes after each line.
  std::string padded = read_decompressed(reuters_path());
  const size_t size = padded.size();
  padded.append(internal::kParsePadding, ' ');
  internal::RecordParser parser("/text", "/id");
  internal::ParsedRecord record;
  std::vector<std::string> texts;
  for (std::string_view line :
       split_lines(std::string_view(padded).substr(0, size))) {
    parser.parse(line, &record);
    if (!record.ok) die(reuters_path() + ": bad record: " + record.detail);
    texts.emplace_back(record.text);
  }
  return texts;
}

// read_reuters_texts(), read once per process and kept.
inline const std::vector<std::string>& reuters_texts() {
  static const std::vector<std::string>* const texts =
      new std::vector<std::string>(read_reuters_texts());
  return *texts;
}

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// destroyed.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
        "/neardup-bench.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      die("cannot create a temporary directory from " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  std::string path_;
};

// Resets this process's peak resident set size to the current one (Linux
// 4.0+, /proc/self/clear_refs). Returns false where that is not possible;
// peak_rss_bytes() is then the peak since the process started.
inline bool reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f == nullptr) return false;
  const bool written = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && written;
}

// The peak resident set size in bytes since the last reset_peak_rss()
// (VmHWM), or getrusage()'s since-start figure if /proc is not readable.
inline uint64_t peak_rss_bytes() {
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned long long kib = 0;
    bool found = false;
    while (std::fgets(line, sizeof(line), f) != nullptr) {
      if (std::sscanf(line, "VmHWM: %llu kB", &kib) == 1) {
        found = true;
        break;
      }
    }
    std::fclose(f);
    if (found) return uint64_t{kib} * 1024;
  }
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
}

}  // namespace neardup::bench

#endif  // NEARDUP_BENCH_BENCH_COMMON_H_
