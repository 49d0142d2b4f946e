// Helpers shared by the tests: temporary directories, files, datasets.

#ifndef NEARDUP_TESTS_TEST_UTIL_H_
#define NEARDUP_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace neardup::testing {

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "neardup-test.XXXXXX")
            .string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// One line of a --clusters file.
struct ClusterLine {
  std::string id, cluster;
  bool representative = false;
  int distance = -1;       // SimHash runs
  double similarity = -1;  // MinHash runs
};

// Parses the fixed --clusters line layout; any deviation fails the test.
// (No std::regex: GCC 12 warns inside it under sanitizers.)
inline bool parse_cluster_line(std::string_view line, ClusterLine* out) {
  auto expect = [&line](std::string_view lit) {
    if (line.substr(0, lit.size()) != lit) return false;
    line.remove_prefix(lit.size());
    return true;
  };
  auto until_quote = [&line](std::string* v) {
    size_t end = line.find('"');
    if (end == std::string_view::npos) return false;
    *v = std::string(line.substr(0, end));
    line.remove_prefix(end);
    return true;
  };
  if (!expect(R"({"id": ")") || !until_quote(&out->id) ||
      !expect(R"(", "cluster": ")") || !until_quote(&out->cluster) ||
      !expect(R"(", "representative": )")) {
    return false;
  }
  if (expect("true")) {
    out->representative = true;
  } else if (expect("false")) {
    out->representative = false;
  } else {
    return false;
  }
  const bool minhash = expect(R"(, "similarity": )");
  if (!minhash && !expect(R"(, "distance": )")) return false;
  size_t digits = 0;
  while (digits < line.size() &&
         ((line[digits] >= '0' && line[digits] <= '9') ||
          (minhash && line[digits] == '.'))) {
    ++digits;
  }
  if (digits == 0 || line.substr(digits) != "}") return false;
  const std::string number(line.substr(0, digits));
  if (minhash) {
    out->similarity = std::stod(number);
  } else {
    out->distance = std::stoi(number);
  }
  return true;
}

// Words w<from> .. w<to - 1>, one token each, so that the Jaccard
// similarity of two texts' word sets is easy to count.
inline std::string words(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) {
    out += 'w';
    out += std::to_string(i);
    out += ' ';
  }
  return out;
}

// Every line of a clusters file, parsed; a line that does not parse fails
// the calling test.
inline std::vector<ClusterLine> read_clusters(const std::string& path) {
  std::vector<ClusterLine> out;
  for (const std::string& line : read_lines(path)) {
    ClusterLine parsed;
    EXPECT_TRUE(parse_cluster_line(line, &parsed)) << line;
    out.push_back(parsed);
  }
  return out;
}

// Bundled datasets live in the source tree.
inline std::string bundled(const std::string& relative) {
  return std::string(NEARDUP_SOURCE_DIR) + "/datasets/" + relative;
}

// The shared corpora: $NEARDUP_SHARED_DATASETS, else ../shared/datasets next
// to the checkout. Empty if absent.
inline std::string shared_datasets() {
  if (const char* env = std::getenv("NEARDUP_SHARED_DATASETS")) return env;
  const std::filesystem::path guess =
      std::filesystem::path(NEARDUP_SOURCE_DIR).parent_path() / "shared" /
      "datasets";
  return std::filesystem::exists(guess) ? guess.string() : std::string();
}

inline std::string gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string zstd_compress(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(
      ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

inline std::string zstd_decompress_file(const std::string& path) {
  const std::string in = read_file(path);
  std::string out;
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  std::vector<char> buf(1 << 20);
  while (ib.pos < ib.size) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    if (ZSTD_isError(ZSTD_decompressStream(ds, &ob, &ib))) break;
    out.append(buf.data(), ob.pos);
  }
  ZSTD_freeDStream(ds);
  return out;
}

}  // namespace neardup::testing

#endif  // NEARDUP_TESTS_TEST_UTIL_H_
