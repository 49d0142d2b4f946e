// Fuzzes text normalization, tokenization and shingling.
//
// Input: byte 0 picks the shingle width and byte 1 the line filter; the rest
// is the text. Identities: normalize_text(), which sends only the non-ASCII
// runs through utf8proc, equals NFKC with case folding of the whole text, and
// fails exactly when the whole text is not valid UTF-8; without the line
// filter, the shingles equal hashes recomputed from tokenize() as FORMAT.md
// specifies them.

#include <utf8proc.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "neardup/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace neardup;
  if (size < 2) return 0;
  neardup::TextOptions options;
  options.shingle_words = 1 + data[0] % 16;
  options.min_line_words = data[1] < 128 ? 0 : data[1] % 16;
  options.short_text_words = data[0] / 16;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2,
                              size - 2);

  std::string normalized;
  const Status status = normalize_text(text, &normalized);
  utf8proc_uint8_t* whole = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
      static_cast<utf8proc_ssize_t>(text.size()), &whole,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                     UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                     UTF8PROC_IGNORE));
  NEARDUP_FUZZ_CHECK(status.ok() == (n >= 0));
  if (n >= 0) {
    NEARDUP_FUZZ_CHECK(normalized ==
                       std::string_view(reinterpret_cast<const char*>(whole),
                                        static_cast<size_t>(n)));
  }
  std::free(whole);

  Shingler shingler(options);
  std::vector<uint64_t> shingles = {42};  // appended to, never cleared
  const Status shingled = shingler.shingle(text, &shingles);
  NEARDUP_FUZZ_CHECK(shingled.ok() == status.ok());
  NEARDUP_FUZZ_CHECK(shingles[0] == 42);
  if (!status.ok()) {
    NEARDUP_FUZZ_CHECK(shingles.size() == 1);
    return 0;
  }
  if (options.min_line_words != 0) return 0;

  std::vector<std::string_view> tokens;
  tokenize(normalized, &tokens);
  std::vector<uint64_t> token_hashes;
  for (std::string_view token : tokens) {
    NEARDUP_FUZZ_CHECK(!token.empty());
    token_hashes.push_back(
        XXH3_64bits_withSeed(token.data(), token.size(), kTokenSeed));
  }
  const size_t k = static_cast<size_t>(options.shingle_words);
  const size_t count = tokens.size();
  const size_t width =
      count < std::max(k, static_cast<size_t>(options.short_text_words)) ? count
                                                                         : k;
  std::vector<uint64_t> expected = {42};
  for (size_t i = 0; width > 0 && i + width <= count; ++i) {
    // Token hashes as little-endian words; this machine is little-endian.
    expected.push_back(XXH3_64bits_withSeed(
        &token_hashes[i], width * sizeof(uint64_t), kShingleSeed));
  }
  NEARDUP_FUZZ_CHECK(shingles == expected);
  return 0;
}
