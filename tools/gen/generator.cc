#include "gen/generator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <utility>

#include "write/byte_sink.h"

#ifndef NEARDUP_GEN_DEFAULT_SOURCE
#error "NEARDUP_GEN_DEFAULT_SOURCE must name the bundled corpus (CMake)"
#endif

namespace neardup::gen {

namespace {

// Independent random streams derived from the seed.
constexpr uint64_t kSitesStream = 1;
constexpr uint64_t kScheduleStream = 2;
constexpr uint64_t kArticleStream = 3;
constexpr uint64_t kContentStream = 4;

// Passages are at most half the shortest article, so that an article always
// joins at least two of them and, after the source wraps around, two articles
// share at most about one passage (see ArticleStream).
constexpr uint64_t kPassageDivisor = 2;
// The sources must hold this many longest articles of distinct text.
constexpr uint64_t kMinSourceArticles = 4;

std::string format_double(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", x);
  return buf;
}

Status check_rate(const char* option, double rate) {
  if (!(rate >= 0 && rate <= 1)) {
    return Status::InvalidArgument(
        std::string(option) + " must be in [0, 1], got " + format_double(rate));
  }
  return Status::OK();
}

std::string format_id(const std::string& prefix, uint64_t index) {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%08llu",
                static_cast<unsigned long long>(index));
  return prefix + digits;
}

}  // namespace

std::string default_source() { return NEARDUP_GEN_DEFAULT_SOURCE; }

double max_dup_rate(uint32_t max_copies) {
  const double mean = (1.0 + max_copies) / 2;
  return mean / (mean + 1);
}

Status validate(const GenOptions& o) {
  if ((o.docs == 0) == (o.bytes == 0)) {
    return Status::InvalidArgument(
        "give exactly one positive size: --docs N or --bytes SIZE");
  }
  if (o.text_field.empty() || o.text_field[0] != '/') {
    return Status::InvalidArgument(
        "--text-field must be a JSON pointer such as /text, got '" +
        o.text_field + "'");
  }
  if (o.max_copies < 1 || o.max_copies > 100) {
    return Status::InvalidArgument("--max-copies must be in [1, 100], got " +
                                   std::to_string(o.max_copies));
  }
  const double max_rate = max_dup_rate(o.max_copies);
  if (!(o.dup_rate >= 0 && o.dup_rate <= max_rate)) {
    return Status::InvalidArgument(
        "--dup-rate must be in [0, " + format_double(max_rate) +
        "] with --max-copies " + std::to_string(o.max_copies) + ", got " +
        format_double(o.dup_rate) +
        " (a higher rate needs more copies per original)");
  }
  if (o.min_article_bytes < 256 || o.max_article_bytes > 1000000 ||
      o.min_article_bytes > o.max_article_bytes) {
    return Status::InvalidArgument(
        "article sizes must satisfy 256 <= --min-article-bytes <= "
        "--max-article-bytes <= 1000000, got " +
        std::to_string(o.min_article_bytes) + " and " +
        std::to_string(o.max_article_bytes));
  }
  if (o.sites < 2 || o.sites > kMaxSites) {
    return Status::InvalidArgument("--sites must be in [2, " +
                                   std::to_string(kMaxSites) + "], got " +
                                   std::to_string(o.sites));
  }
  if (o.copy_window < 1) {
    return Status::InvalidArgument("--window must be at least 1");
  }
  if (o.id_prefix.size() > 64 ||
      std::any_of(o.id_prefix.begin(), o.id_prefix.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    return Status::InvalidArgument(
        "--id-prefix must be at most 64 bytes without control characters");
  }
  NEARDUP_RETURN_IF_ERROR(
      check_rate("--boilerplate-rate", o.rates.boilerplate));
  NEARDUP_RETURN_IF_ERROR(check_rate("--edit-rate", o.rates.edit));
  NEARDUP_RETURN_IF_ERROR(check_rate("--truncate-rate", o.rates.truncate));
  NEARDUP_RETURN_IF_ERROR(check_rate("--reorder-rate", o.rates.reorder));
  NEARDUP_RETURN_IF_ERROR(check_rate("--unicode-rate", o.rates.unicode));
  NEARDUP_RETURN_IF_ERROR(check_rate("--case-rate", o.rates.case_and_space));
  return Status::OK();
}

Result<uint64_t> parse_size(std::string_view text) {
  const std::string original(text);
  auto bad = [&original]() {
    return Status::InvalidArgument(
        "not a size: '" + original +
        "' (digits with an optional K, M, G, T or KiB, MiB, GiB, TiB)");
  };
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (~uint64_t{0} - digit) / 10) return bad();
    value = value * 10 + digit;
  }
  if (i == 0) return bad();
  std::string suffix;
  for (char c : text.substr(i)) {
    suffix.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  }
  if (!suffix.empty() && suffix.back() == 'B') suffix.pop_back();
  uint64_t unit = 1;
  if (!suffix.empty()) {
    const bool binary = suffix.size() == 2 && suffix[1] == 'I';
    if (suffix.size() != 1 && !binary) return bad();
    const std::string_view prefixes = "KMGT";
    const size_t power = prefixes.find(suffix[0]);
    if (power == std::string_view::npos) return bad();
    for (size_t p = 0; p <= power; ++p) unit *= binary ? 1024 : 1000;
  }
  if (value > ~uint64_t{0} / unit) return bad();
  return value * unit;
}

Result<std::unique_ptr<Generator>> Generator::create(
    const GenOptions& options) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  const std::vector<std::string> paths =
      options.sources.empty() ? std::vector<std::string>{default_source()}
                              : options.sources;
  Result<std::unique_ptr<SourceText>> text = SourceText::load(
      paths, options.text_field, options.min_article_bytes / kPassageDivisor);
  if (!text.ok()) return text.status();
  const uint64_t need = kMinSourceArticles * options.max_article_bytes;
  if ((*text)->stats().text_bytes < need) {
    std::string names;
    for (const std::string& path : paths) names += " " + path;
    return Status::FailedPrecondition(
        "the sources hold " + std::to_string((*text)->stats().text_bytes) +
        " bytes of usable text (texts of " + std::to_string(kMinSourceWords) +
        "+ words, duplicates left out), at least " + std::to_string(need) +
        " needed:" + names);
  }
  return std::unique_ptr<Generator>(
      new Generator(options, std::move(text).value()));
}

Generator::Generator(const GenOptions& options,
                     std::unique_ptr<SourceText> text)
    : options_(options),
      text_(std::move(text)),
      articles_(text_.get(), mix_seed(options.seed, kArticleStream)),
      sites_(mix_seed(options.seed, kSitesStream), options.sites),
      schedule_(mix_seed(options.seed, kScheduleStream)),
      content_(mix_seed(options.seed, kContentStream)) {
  // An original gets copies with probability q, (1 + max_copies) / 2 of
  // them on average; copies / documents = dup_rate needs
  // q * mean = dup_rate / (1 - dup_rate).
  const double mean = (1.0 + options_.max_copies) / 2;
  const double d = options_.dup_rate;
  copied_ = Probability(d >= 1 ? 1.0 : d / (1 - d) / mean);
  const TransformRates& r = options_.rates;
  const double rates[kTransformCount] = {r.boilerplate, r.edit,
                                         r.truncate,    r.reorder,
                                         r.unicode,     r.case_and_space};
  for (int bit = 0; bit < kTransformCount; ++bit) {
    rates_[bit] = Probability(rates[bit]);
  }
  stats_.source = text_->stats();
  if (options_.text_model == TextModel::kNgram) {
    ngram_ = std::make_unique<NgramText>(*text_);
  }
}

uint64_t Generator::remaining_after(uint64_t index) const {
  if (options_.docs != 0) return options_.docs - index - 1;
  const uint64_t average =
      stats_.docs > 0
          ? std::max<uint64_t>(1, stats_.bytes / stats_.docs)
          : (options_.min_article_bytes + options_.max_article_bytes) / 2 + 600;
  const uint64_t left =
      options_.bytes > stats_.bytes ? options_.bytes - stats_.bytes : 0;
  return left / average;
}

bool Generator::next(Document* doc) {
  const uint64_t index = stats_.docs;
  if (options_.docs != 0 ? index >= options_.docs
                         : stats_.bytes >= options_.bytes) {
    return false;
  }
  doc->index = index;
  doc->id = format_id(options_.id_prefix, index);
  if (!due_.empty() && due_.top().due <= index) {
    const uint32_t slot = due_.top().slot;
    due_.pop();
    make_copy(content_, slot, doc);
  } else {
    make_original(content_, doc);
  }
  finish(doc);
  return true;
}

void Generator::make_original(Rng& rng, Document* doc) {
  doc->is_copy = false;
  doc->transforms = 0;
  doc->group_index = doc->index;
  doc->group = doc->id;
  doc->site = static_cast<uint32_t>(rng.below(sites_.size()));
  if (ngram_ != nullptr) {
    ngram_->next(rng, options_.min_article_bytes, options_.max_article_bytes,
                 &doc->body);
  } else {
    articles_.next(rng, options_.min_article_bytes, options_.max_article_bytes,
                   &doc->body);
  }
  Page page = sites_.page(doc->site, rng, nullptr);
  doc->header = std::move(page.header);
  doc->footer = std::move(page.footer);
  stats_.source_wraps = articles_.wraps();

  if (copied_.never() || !schedule_.chance(copied_)) return;
  const uint64_t remaining = remaining_after(doc->index);
  if (remaining == 0) return;
  const auto copies =
      static_cast<uint32_t>(schedule_.between(1, options_.max_copies));
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(pending_.size());
    pending_.emplace_back();
  }
  pending_[slot] = Pending{doc->index,  doc->site, copies,
                           doc->header, doc->body, doc->footer};
  stats_.peak_pending = std::max(stats_.peak_pending, ++live_pending_);
  // Copies spread over the next copy_window documents, squeezed into what
  // is left near the end of the dump.
  const uint64_t window = std::min(options_.copy_window, remaining);
  for (uint32_t c = 0; c < copies; ++c) {
    due_.push({doc->index + schedule_.between(1, window), scheduled_++, slot});
  }
}

void Generator::make_copy(Rng& rng, uint32_t slot, Document* doc) {
  Pending& original = pending_[slot];
  doc->is_copy = true;
  doc->group_index = original.index;
  doc->group = format_id(options_.id_prefix, original.index);
  doc->body = original.body;

  uint32_t drawn = 0;
  uint64_t total = 0;
  for (int bit = 0; bit < kTransformCount; ++bit) {
    if (rng.chance(rates_[bit])) drawn |= 1u << bit;
    total += rates_[bit].threshold();
  }
  if (drawn == 0 && total > 0) {
    // At least one, in proportion to the rates.
    uint64_t r = rng.below(total);
    for (int bit = 0; bit < kTransformCount; ++bit) {
      if (r < rates_[bit].threshold()) {
        drawn = 1u << bit;
        break;
      }
      r -= rates_[bit].threshold();
    }
  }

  // Body transformations in this order: what is cut or moved is cut or moved
  // before words change.
  uint32_t applied = 0;
  auto apply = [&](uint32_t bit, bool (*transform)(Rng&, std::string*)) {
    if ((drawn & bit) != 0 && transform(rng, &doc->body)) applied |= bit;
  };
  apply(kTruncate, truncate_article);
  apply(kReorder, reorder_paragraphs);
  apply(kEdit, edit_words);
  apply(kCase, change_case);
  apply(kUnicode, unicode_variants);
  bool new_page = (drawn & kBoilerplate) != 0;
  if (applied == 0 && !new_page && drawn != 0) {
    // What was drawn could not change this body (one paragraph to reorder):
    // fall back to a transformation that always applies, if enabled.
    if (!rates_[std::countr_zero(uint32_t{kEdit})].never() &&
        edit_words(rng, &doc->body)) {
      applied |= kEdit;
    } else if (!rates_[std::countr_zero(uint32_t{kUnicode})].never() &&
               unicode_variants(rng, &doc->body)) {
      applied |= kUnicode;
    } else {
      new_page = true;
    }
  }
  if (new_page) {
    // Another site than the original's.
    uint32_t site = static_cast<uint32_t>(rng.below(sites_.size() - 1));
    if (site >= original.site) ++site;
    doc->site = site;
    const bool credit = rng.chance(0.3);
    Page page =
        sites_.page(site, rng, credit ? &sites_.name(original.site) : nullptr);
    doc->header = std::move(page.header);
    doc->footer = std::move(page.footer);
    applied |= kBoilerplate;
  } else {
    // Re-posted on the original's own site: the same page chrome.
    doc->site = original.site;
    doc->header = original.header;
    doc->footer = original.footer;
  }
  doc->transforms = applied;

  if (--original.copies_left == 0) {
    original = Pending{};  // frees the text
    free_slots_.push_back(slot);
    --live_pending_;
  }
}

void Generator::finish(Document* doc) {
  doc->kind = kind_name(doc->is_copy, doc->transforms);
  std::string& line = doc->line;
  line.clear();
  line.reserve(doc->header.size() + doc->body.size() + doc->footer.size() +
               doc->id.size() + 64);
  line += "{\"id\": \"";
  internal::append_json_escaped(doc->id, &line);
  line += "\", \"text\": \"";
  internal::append_json_escaped(doc->header, &line);
  internal::append_json_escaped(doc->body, &line);
  internal::append_json_escaped(doc->footer, &line);
  line += "\"}\n";
  ++stats_.docs;
  ++(doc->is_copy ? stats_.copies : stats_.originals);
  stats_.bytes += doc->line.size();
}

Result<GenStats> write_dump(const GenOptions& options,
                            const std::string& output_path,
                            const std::string& truth_path) {
  NEARDUP_RETURN_IF_ERROR(validate(options));
  if (output_path.empty()) {
    return Status::InvalidArgument("no output path");
  }
  if (truth_path == output_path) {
    return Status::InvalidArgument("the truth file and the output are both " +
                                   output_path);
  }
  // Outputs first, so that an unwritable path fails before the sources are
  // read; without commit() their temporary files are removed.
  Result<std::unique_ptr<internal::ByteSink>> out =
      internal::open_sink(output_path, true);
  if (!out.ok()) return out.status();
  std::unique_ptr<internal::ByteSink> truth;
  if (!truth_path.empty()) {
    Result<std::unique_ptr<internal::ByteSink>> opened =
        internal::open_sink(truth_path, true);
    if (!opened.ok()) return opened.status();
    truth = std::move(opened).value();
    NEARDUP_RETURN_IF_ERROR(truth->append("id\tgroup\tkind\n"));
  }
  Result<std::unique_ptr<Generator>> generator = Generator::create(options);
  if (!generator.ok()) return generator.status();

  Document doc;
  std::string truth_line;
  while ((*generator)->next(&doc)) {
    NEARDUP_RETURN_IF_ERROR((*out)->append(doc.line));
    if (truth) {
      truth_line.clear();
      truth_line += doc.id;
      truth_line += '\t';
      truth_line += doc.group;
      truth_line += '\t';
      truth_line += doc.kind;
      truth_line += '\n';
      NEARDUP_RETURN_IF_ERROR(truth->append(truth_line));
    }
  }
  NEARDUP_RETURN_IF_ERROR((*out)->commit());
  if (truth) NEARDUP_RETURN_IF_ERROR(truth->commit());
  return (*generator)->stats();
}

}  // namespace neardup::gen
