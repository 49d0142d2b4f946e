// Compressed copies of fuzz inputs, for the identities that read the same
// lines from plain, gzip and zstd files.

#ifndef NEARDUP_TESTS_FUZZ_FUZZ_CODECS_H_
#define NEARDUP_TESTS_FUZZ_FUZZ_CODECS_H_

#include <zlib.h>
#include <zstd.h>

#include <string>
#include <string_view>

#include "fuzz_util.h"

namespace neardup::fuzz {

inline std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    identity_failed("deflateInit2");
  }
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  NEARDUP_FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n =
      ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  NEARDUP_FUZZ_CHECK(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

}  // namespace neardup::fuzz

#endif  // NEARDUP_TESTS_FUZZ_FUZZ_CODECS_H_
