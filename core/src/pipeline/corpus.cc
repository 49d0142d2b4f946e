#include "pipeline/corpus.h"

#include <algorithm>
#include <cstdio>

#include "neardup/fingerprint.h"
#include "neardup/lsh.h"
#include "spill/temp_file.h"

namespace neardup::internal {

Status Corpus::append(const ChunkResult& result) {
  if (signature_length > 0 && !result.docs.empty()) {
    ChunkPlace place{static_cast<DocId>(size()), result.input,
                     result.seekable ? result.docs[0].offset : kNoPlace};
    // A chunk over 4 GiB (a huge --chunk-bytes) has no 32-bit offsets.
    if (result.docs.back().offset - result.docs[0].offset > UINT32_MAX) {
      place.base = kNoPlace;
    }
    chunk_places.push_back(place);
    for (const DocRecord& doc : result.docs) {
      line_offsets.push_back(
          place.base == kNoPlace
              ? 0
              : static_cast<uint32_t>(doc.offset - place.base));
    }
  }
  std::vector<uint32_t> id_ends;
  id_ends.reserve(result.docs.size());
  for (const DocRecord& doc : result.docs) {
    if (doc.line != next_line) {
      line_jumps.emplace_back(static_cast<DocId>(size() + id_ends.size()),
                              doc.line);
    }
    next_line = doc.line + 1;
    if (signature_length == 0 && !story)
      fingerprints.push_back(doc.fingerprint);
    id_ends.push_back(doc.id_end);
    empty.push_back(doc.empty);
  }
  ids.append(result.ids, id_ends);
  size_t term = 0;
  for (uint32_t n : result.story_sizes) {
    story_fingerprints.append(std::span(result.story_terms).subspan(term, n));
    term += n;
  }
  if (sketch_file) return sketch_file->append(result.signatures);
  const size_t record = static_cast<size_t>(signatures.length());
  for (size_t at = 0; at < result.signatures.size(); at += record) {
    std::span<uint8_t> sig = signatures.append();
    std::copy_n(result.signatures.begin() + at, record, sig.begin());
  }
  return Status::OK();
}

Status Corpus::spill_sketches(TempSpace* space, int bands, int rows) {
  Result<std::unique_ptr<SketchFile>> file =
      SketchFile::Create(space, signature_length, bands, rows);
  if (!file.ok()) return file.status();
  for (DocId doc = 0; doc < signatures.size(); ++doc) {
    NEARDUP_RETURN_IF_ERROR((*file)->append(signatures[doc]));
  }
  signatures = SignatureTable(signatures.length());
  release_free_memory();
  sketch_file = std::move(file).value();
  return Status::OK();
}

std::span<const uint8_t> Corpus::signature(DocId doc) const {
  if (!sketch_file) {
    return signatures[doc].first(static_cast<size_t>(signature_length));
  }
  SignatureCache& c = cache_;
  for (int i = 0; i < 2; ++i) {
    if (c.doc[i] == doc) {
      c.next = 1 - i;
      return c.signature[i];
    }
  }
  const int slot = c.next;
  c.next = 1 - slot;
  c.signature[slot].assign(static_cast<size_t>(signature_length), 0);
  c.doc[slot] = ~DocId{0};
  const Status read =
      sketch_file->read_signatures(doc, 1, c.signature[slot].data());
  if (read.ok()) {
    c.doc[slot] = doc;
  } else if (c.failure.ok()) {
    c.failure = read;
  }
  return c.signature[slot];
}

uint64_t Corpus::column_bytes() const {
  return ids.bytes() + empty.capacity() / 8 + line_offsets.bytes() +
         chunk_places.capacity() * sizeof(ChunkPlace) +
         line_jumps.capacity() * sizeof(line_jumps[0]);
}

bool Corpus::line_place(DocId doc, uint32_t* input, uint64_t* offset) const {
  auto after = std::upper_bound(
      chunk_places.begin(), chunk_places.end(), doc,
      [](DocId d, const ChunkPlace& place) { return d < place.first_doc; });
  if (after == chunk_places.begin()) return false;
  const ChunkPlace& place = *(after - 1);
  if (place.base == kNoPlace) return false;
  *input = place.input;
  *offset = place.base + line_offsets[doc];
  return true;
}

uint64_t group_fingerprints(
    std::span<const std::pair<Fingerprint, DocId>> sorted,
    FingerprintGroups* groups, std::vector<DocPair>* pairs) {
  // Sized exactly: these columns are a large part of the peak memory.
  size_t distinct = sorted.empty() ? 0 : 1;
  for (size_t i = 1; i < sorted.size(); ++i) {
    distinct += sorted[i].first != sorted[i - 1].first;
  }
  groups->unique.reserve(groups->unique.size() + distinct);
  groups->first_doc.reserve(groups->first_doc.size() + distinct);
  groups->count.reserve(groups->count.size() + distinct);
  uint64_t equal_pairs = 0;
  size_t start = 0;
  while (start < sorted.size()) {
    size_t end = start + 1;
    while (end < sorted.size() && sorted[end].first == sorted[start].first) {
      ++end;
    }
    // Sorted by (fingerprint, doc): the first entry is the earliest document.
    const DocId first = sorted[start].second;
    for (size_t i = start + 1; i < end; ++i) {
      pairs->push_back({first, sorted[i].second, 0});
    }
    const uint64_t m = end - start;
    equal_pairs += m * (m - 1) / 2;
    groups->unique.push_back(sorted[start].first);
    groups->first_doc.push_back(first);
    groups->count.push_back(static_cast<uint32_t>(m));
    start = end;
  }
  return equal_pairs;
}

namespace {

void append_similarity(double similarity, std::string* out) {
  // Four decimals: a MinHash estimate's own error is about 0.04.
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", similarity);
  *out += buf;
}

void append_verdict(const IndexVerdicts& verdicts, DocId doc, bool simhash,
                    std::string* out) {
  const char* measure = simhash ? "distance" : "similarity";
  if (!verdicts.matched(doc)) {
    *out += ", \"match\": null, \"match_source\": null, \"match_";
    *out += measure;
    *out += "\": null";
    return;
  }
  const IndexMatch& m = verdicts.best[doc];
  *out += ", \"match\": ";
  append_json_string(verdicts.index->key(m.entry), out);
  *out += ", \"match_source\": ";
  append_json_string(verdicts.index->source(m.entry), out);
  *out += ", \"match_";
  *out += measure;
  *out += "\": ";
  if (simhash) {
    *out += std::to_string(m.distance);
  } else {
    append_similarity(m.similarity, out);
  }
}

}  // namespace

Status write_pairs(const Corpus& corpus, std::vector<DocPair> pairs,
                   ByteSink* sink) {
  std::sort(pairs.begin(), pairs.end(), [](const DocPair& x, const DocPair& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  std::string batch;
  for (const DocPair& p : pairs) {
    batch += "{\"a\": ";
    append_json_string(corpus.id(p.a), &batch);
    batch += ", \"b\": ";
    append_json_string(corpus.id(p.b), &batch);
    if (corpus.signature_length > 0) {
      batch += ", \"similarity\": ";
      append_similarity(
          bbit_jaccard(corpus.signature_length - static_cast<int>(p.distance),
                       corpus.signature_length),
          &batch);
    } else {
      batch += ", \"distance\": " + std::to_string(p.distance);
    }
    batch += "}\n";
    if (batch.size() >= (size_t{1} << 20)) {
      NEARDUP_RETURN_IF_ERROR(sink->append(batch));
      batch.clear();
    }
  }
  return sink->append(batch);
}

void append_cluster_fields(const ClusterLine& line, std::string* out) {
  *out += "{\"id\": ";
  append_json_string(line.id, out);
  *out += ", \"cluster\": ";
  append_json_string(line.cluster, out);
  *out += line.representative ? ", \"representative\": true"
                              : ", \"representative\": false";
  if (line.simhash) {
    *out += ", \"distance\": ";
    *out += std::to_string(line.distance);
  } else {
    *out += ", \"similarity\": ";
    append_similarity(line.similarity, out);
  }
}

Status write_clusters(const Corpus& corpus, std::span<const DocId> rep,
                      const IndexVerdicts* verdicts, ByteSink* sink) {
  std::string batch;
  for (DocId doc = 0; doc < corpus.size(); ++doc) {
    const DocId r = rep[doc];
    ClusterLine line;
    line.id = corpus.id(doc);
    line.cluster = corpus.id(r);
    line.representative = r == doc;
    line.simhash = !corpus.story && corpus.signature_length == 0;
    if (line.simhash) {
      line.distance =
          hamming_distance(corpus.fingerprints[doc], corpus.fingerprints[r]);
    } else if (r != doc) {
      line.similarity = corpus.story
                            ? corpus.story_similarity[doc]
                            : bbit_jaccard(equal_entries(corpus.signature(doc),
                                                         corpus.signature(r)),
                                           corpus.signature_length);
    }
    append_cluster_fields(line, &batch);
    if (verdicts != nullptr) {
      append_verdict(*verdicts, doc, corpus.signature_length == 0, &batch);
    }
    batch += "}\n";
    if (batch.size() >= (size_t{1} << 20)) {
      NEARDUP_RETURN_IF_ERROR(sink->append(batch));
      batch.clear();
    }
  }
  return sink->append(batch);
}

RejectedLine rejected_line(std::string_view input, const Rejection& r) {
  RejectedLine line;
  line.input = input;
  line.line = r.file_line + 1;
  line.bytes = r.bytes;
  line.reason = r.reason;
  line.detail = r.detail;
  return line;
}

void format_rejection(std::string_view input, const RejectedLine& line,
                      std::string* out) {
  *out += "{\"input\": ";
  append_json_string(input, out);
  *out += ", \"line\": " + std::to_string(line.line);
  *out += ", \"bytes\": " + std::to_string(line.bytes);
  *out += ", \"reason\": ";
  append_json_string(reject_reason_name(line.reason), out);
  *out += ", \"detail\": ";
  append_json_string(line.detail, out);
  *out += "}\n";
}

}  // namespace neardup::internal
