#include "pipeline/chunk_worker.h"

#include <algorithm>
#include <cassert>

#include "neardup/fingerprint.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "pipeline/id_table.h"

namespace neardup::internal {

namespace {

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

ChunkWorker::ChunkWorker(const DedupOptions& options, const IdfModel* model)
    : parser_(options.text_field, options.id_field),
      mode_(options.mode),
      algorithm_(options.algorithm) {
  if (mode_ == Mode::kStory) {
    if (model != nullptr) {
      fingerprinter_ =
          std::make_unique<StoryFingerprinter>(model, options.story);
    }
    return;
  }
  // run_dedup() validated the options.
  Result<std::unique_ptr<Sketcher>> sketcher = Sketcher::Create(options);
  assert(sketcher.ok());
  sketcher_ = std::move(sketcher).value();
}

void ChunkWorker::process(const Chunk& chunk, ChunkResult* out) {
  out->clear();
  out->input = chunk.input;
  out->seekable = chunk.seekable;
  uint64_t dropped_bytes = 0;  // of kTooLong lines, not kept in the chunk
  for (size_t i = 0; i < chunk.lines.size(); ++i) {
    const LineSpan& span = chunk.lines[i];
    const uint64_t file_line = chunk.first_file_line + i;
    auto reject = [&](RejectReason reason, std::string detail) {
      out->rejects.push_back(
          {file_line, span.length, reason, std::move(detail)});
    };
    if (span.kind == LineKind::kTooLong) {
      dropped_bytes += span.length + 1;
      reject(RejectReason::kTooLong, "line of " + std::to_string(span.length) +
                                         " bytes is over the limit");
      continue;
    }
    if (span.kind == LineKind::kTruncated) {
      reject(RejectReason::kTruncatedInput, chunk.input_error);
      continue;
    }
    std::string_view line(chunk.data() + span.offset, span.length);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF
    if (is_blank(line)) {
      reject(RejectReason::kEmptyLine, "");
      continue;
    }
    parser_.parse(line, &record_);
    if (!record_.ok) {
      reject(record_.reason, record_.detail);
      continue;
    }
    DocRecord doc;
    doc.line = chunk.first_line + i;
    doc.offset = chunk.stream_offset + dropped_bytes + span.offset;
    if (mode_ == Mode::kStory) {
      story_fingerprint_.clear();
      if (Status s =
              fingerprinter_->fingerprint(record_.text, &story_fingerprint_);
          !s.ok()) {
        reject(RejectReason::kInvalidUtf8, s.message());
        continue;
      }
      doc.empty = story_fingerprint_.empty();
      out->story_terms.insert(out->story_terms.end(),
                              story_fingerprint_.begin(),
                              story_fingerprint_.end());
      out->story_sizes.push_back(
          static_cast<uint32_t>(story_fingerprint_.size()));
      append_id(doc, out);
      continue;
    }
    // simdjson validated the line's UTF-8, and unescaping yields valid UTF-8.
    if (Status s = sketcher_->sketch(record_.text, &sketch_); !s.ok()) {
      reject(RejectReason::kInvalidUtf8, s.message());
      continue;
    }
    doc.empty = sketch_.empty;
    if (algorithm_ == Algorithm::kSimHash) {
      doc.fingerprint = sketch_.simhash;
    } else {
      out->signatures.insert(out->signatures.end(), sketch_.signature.begin(),
                             sketch_.signature.end());
      out->signatures.insert(out->signatures.end(), sketch_.band_checks.begin(),
                             sketch_.band_checks.end());
    }
    append_id(doc, out);
  }
}

void ChunkWorker::append_id(DocRecord doc, ChunkResult* out) const {
  if (record_.has_id) {
    out->ids += record_.id;
  } else {
    out->ids += std::to_string(doc.line);
  }
  const size_t begin = out->docs.empty() ? 0 : out->docs.back().id_end;
  doc.id_hash = id_hash(std::string_view(out->ids).substr(begin));
  doc.id_end = static_cast<uint32_t>(out->ids.size());
  out->docs.push_back(doc);
}

void remove_documents(const std::vector<size_t>& sorted, ChunkResult* out) {
  const size_t n = out->docs.size();
  const size_t sig = n == 0 ? 0 : out->signatures.size() / n;
  std::string ids;
  size_t kept = 0, next = 0, term = 0, kept_terms = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t id_begin = i == 0 ? 0 : out->docs[i - 1].id_end;
    const size_t terms = out->story_sizes.empty() ? 0 : out->story_sizes[i];
    const bool drop = next < sorted.size() && sorted[next] == i;
    if (drop) {
      ++next;
    } else {
      DocRecord doc = out->docs[i];
      ids.append(out->ids, id_begin, doc.id_end - id_begin);
      doc.id_end = static_cast<uint32_t>(ids.size());
      if (kept != i) {  // moved down over removed documents
        std::copy_n(out->signatures.begin() + i * sig, sig,
                    out->signatures.begin() + kept * sig);
        std::copy_n(out->story_terms.begin() + term, terms,
                    out->story_terms.begin() + kept_terms);
        if (!out->story_sizes.empty()) out->story_sizes[kept] = terms;
      }
      kept_terms += terms;
      out->docs[kept++] = doc;
    }
    term += terms;
  }
  out->docs.resize(kept);
  out->ids = std::move(ids);
  out->signatures.resize(kept * sig);
  out->story_terms.resize(kept_terms);
  if (!out->story_sizes.empty()) out->story_sizes.resize(kept);
}

void ChunkWorker::count_terms(const Chunk& chunk,
                              DocFrequencyCounter* counter) {
  for (const LineSpan& span : chunk.lines) {
    if (span.kind == LineKind::kTooLong || span.kind == LineKind::kTruncated) {
      continue;
    }
    std::string_view line(chunk.data() + span.offset, span.length);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) continue;
    parser_.parse(line, &record_);
    if (!record_.ok) continue;
    terms_.clear();
    if (!term_hasher_.hash_terms(record_.text, &terms_).ok()) continue;
    counter->add_document(terms_);
  }
}

bool ChunkWorker::shingle_set(std::string_view line, ShingleSet* out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  parser_.parse(line, &record_);
  if (!record_.ok || !sketcher_->shingle(record_.text).ok()) return false;
  out->assign(sketcher_->shingles(), &set_table_);
  return true;
}

}  // namespace neardup::internal
