// Text features: normalize_text(), tokenize() and Shingler::shingle(), on
// ASCII news text (the fast path) and on text in several scripts (full NFKC
// with case folding), swept over text sizes from 16 bytes to 64 KiB.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench_common.h"
#include "neardup/options.h"
#include "neardup/text.h"

namespace neardup::bench {
namespace {

enum class Script { kAscii, kMixed };

// Short news sentences in seven languages, with characters NFKC changes
// (full-width forms, a ligature) and default-ignorable ones (soft hyphen,
// zero-width space).
constexpr std::string_view kMixedSample =
    "Die Zentralbank ließ die Leitzinsen unverändert; Ökonomen hatten mit "
    "einer Erhöhung gerechnet. "
    "La Bourse de Paris a clôturé en légère hausse, portée par les valeurs "
    "bancaires et l'énergie. "
    "El Gobierno anunció un plan de inversión en energía solar para el "
    "próximo año. "
    "Центральный банк сохранил ключевую ставку без изменений, сообщили "
    "аналитики. "
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τις τιμές της ενέργειας. "
    "東京株式市場は続伸し、日経平均株価は年初来高値を更新した。"
    "中国人民银行宣布下调存款准备金率，以支持经济增长。"
    "ＲＥＵＴＥＲＳ ２０２６: ﬁnancial co\u00ADoperation and zero\u200Bwidth "
    "joins. ";

// Cuts `s` to at most `bytes` bytes, at a UTF-8 character boundary.
std::string cut_utf8(std::string_view s, size_t bytes) {
  size_t cut = std::min(bytes, s.size());
  while (cut > 0 && cut < s.size() &&
         (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(s.substr(0, cut));
}

// `bytes` bytes of text: Reuters texts with any non-ASCII byte dropped, or
// kMixedSample repeated.
std::string make_text(Script script, size_t bytes) {
  std::string source;
  if (script == Script::kAscii) {
    for (const std::string& text : reuters_texts()) {
      for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x80) source.push_back(c);
      }
      source.push_back('\n');
      if (source.size() >= bytes) break;
    }
  } else {
    while (source.size() < bytes) source += kMixedSample;
  }
  return cut_utf8(source, bytes);
}

void set_throughput(benchmark::State& state, size_t bytes, size_t items) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(items));
}

// Items: input bytes (so items/s reads as characters/s for ASCII).
void BM_NormalizeText(benchmark::State& state, Script script) {
  const std::string text =
      make_text(script, static_cast<size_t>(state.range(0)));
  std::string normalized;
  if (Status s = normalize_text(text, &normalized); !s.ok()) {
    state.SkipWithError(s.to_string().c_str());
    return;
  }
  // Verify: the sample has upper-case letters, so normalizing changes it.
  if (text.size() >= 64 && normalized == text) {
    state.SkipWithError("normalize_text left the text unchanged");
    return;
  }
  for (auto _ : state) {
    Status s = normalize_text(text, &normalized);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(normalized.data());
  }
  set_throughput(state, text.size(), text.size());
  state.counters["out_bytes"] = static_cast<double>(normalized.size());
}

// Items: tokens.
void BM_Tokenize(benchmark::State& state, Script script) {
  const std::string text =
      make_text(script, static_cast<size_t>(state.range(0)));
  std::string normalized;
  if (Status s = normalize_text(text, &normalized); !s.ok()) {
    state.SkipWithError(s.to_string().c_str());
    return;
  }
  std::vector<std::string_view> tokens;
  tokenize(normalized, &tokens);
  if (tokens.empty()) {
    state.SkipWithError("no tokens");
    return;
  }
  for (auto _ : state) {
    tokens.clear();
    tokenize(normalized, &tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  set_throughput(state, normalized.size(), tokens.size());
}

// The whole text stage (normalize, tokenize, line filter, hash) with the
// default TextOptions, as the pipeline runs it; items: shingles.
void BM_Shingle(benchmark::State& state, Script script) {
  const std::string text =
      make_text(script, static_cast<size_t>(state.range(0)));
  const TextOptions options;
  Shingler shingler(options);
  std::vector<uint64_t> shingles;

  // Verify: without the line filter, n tokens give n - k + 1 shingles (1 if
  // 0 < n < k); with it, at least one and no more than that.
  std::string normalized;
  if (Status s = normalize_text(text, &normalized); !s.ok()) {
    state.SkipWithError(s.to_string().c_str());
    return;
  }
  std::vector<std::string_view> tokens;
  tokenize(normalized, &tokens);
  const size_t whole_below = static_cast<size_t>(
      std::max(options.shingle_words, options.short_text_words));
  const size_t expected =
      tokens.empty() ? 0
                     : (tokens.size() >= whole_below
                            ? tokens.size() -
                                  static_cast<size_t>(options.shingle_words) + 1
                            : 1);
  TextOptions unfiltered = options;
  unfiltered.min_line_words = 0;
  Shingler unfiltered_shingler(unfiltered);
  if (Status s = unfiltered_shingler.shingle(text, &shingles);
      !s.ok() || shingles.size() != expected) {
    state.SkipWithError("shingle count differs from the token count");
    return;
  }
  shingles.clear();
  if (Status s = shingler.shingle(text, &shingles);
      !s.ok() || shingles.size() > expected ||
      shingles.empty() != (expected == 0)) {
    state.SkipWithError("the line filter gave an impossible shingle count");
    return;
  }

  for (auto _ : state) {
    shingles.clear();
    Status s = shingler.shingle(text, &shingles);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(shingles.data());
  }
  set_throughput(state, text.size(), shingles.size());
}

// The text stage over every Reuters text in turn. The benchmarks above
// repeat one text, whose token lengths the branch predictor learns; here it
// cannot, as in a real dump. Items: shingles.
void BM_ShingleReuters(benchmark::State& state) {
  const std::vector<std::string>& texts = reuters_texts();
  Shingler shingler{TextOptions{}};
  std::vector<uint64_t> shingles;
  size_t bytes = 0, count = 0;
  for (auto _ : state) {
    for (const std::string& text : texts) {
      shingles.clear();
      Status s = shingler.shingle(text, &shingles);
      if (!s.ok()) {
        state.SkipWithError(s.to_string().c_str());
        return;
      }
      bytes += text.size();
      count += shingles.size();
    }
    benchmark::DoNotOptimize(shingles.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(count));
}
BENCHMARK(BM_ShingleReuters)->Unit(benchmark::kMillisecond);

#define NEARDUP_TEXT_BENCH(fn, name, script) \
  BENCHMARK_CAPTURE(fn, name, script)        \
      ->ArgName("bytes")                     \
      ->RangeMultiplier(4)                   \
      ->Range(16, 64 << 10)

NEARDUP_TEXT_BENCH(BM_NormalizeText, ascii, Script::kAscii);
NEARDUP_TEXT_BENCH(BM_NormalizeText, mixed, Script::kMixed);
NEARDUP_TEXT_BENCH(BM_Tokenize, ascii, Script::kAscii);
NEARDUP_TEXT_BENCH(BM_Tokenize, mixed, Script::kMixed);
NEARDUP_TEXT_BENCH(BM_Shingle, ascii, Script::kAscii);
NEARDUP_TEXT_BENCH(BM_Shingle, mixed, Script::kMixed);

}  // namespace
}  // namespace neardup::bench
