#include <cstdio>
#include <string>

#include "neardup/pipeline.h"
#include "write/byte_sink.h"

namespace neardup {

std::string_view version() { return "0.1.0"; }

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kEmptyLine:
      return "empty_line";
    case RejectReason::kTooLong:
      return "too_long";
    case RejectReason::kInvalidUtf8:
      return "invalid_utf8";
    case RejectReason::kBadJson:
      return "bad_json";
    case RejectReason::kMissingField:
      return "missing_field";
    case RejectReason::kNotString:
      return "not_string";
    case RejectReason::kBadId:
      return "bad_id";
    case RejectReason::kTruncatedInput:
      return "truncated_input";
    case RejectReason::kDuplicateId:
      return "duplicate_id";
  }
  return "unknown";
}

std::string_view algorithm_name(Algorithm algorithm) {
  return algorithm == Algorithm::kSimHash ? "simhash" : "minhash";
}

std::string_view mode_name(Mode mode) {
  return mode == Mode::kStory ? "story" : "copies";
}

std::string_view clustering_name(Clustering clustering) {
  switch (clustering) {
    case Clustering::kBounded:
      return "bounded";
    case Clustering::kConnectedComponents:
      return "components";
    case Clustering::kRepresentative:
      return "representative";
  }
  return "unknown";
}

std::string_view verification_name(Verification verification) {
  switch (verification) {
    case Verification::kBorderline:
      return "borderline";
    case Verification::kEstimate:
      return "estimate";
    case Verification::kExact:
      return "exact";
  }
  return "unknown";
}

std::string stats_to_json(const DedupStats& s) {
  auto number = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.6g", v);
    return std::string(buf);
  };
  auto field = [](std::string* out, const char* name, const std::string& v,
                  bool last = false) {
    *out += "  \"";
    *out += name;
    *out += "\": ";
    *out += v;
    *out += last ? "\n" : ",\n";
  };
  auto u = [](uint64_t v) { return std::to_string(v); };
  auto quoted = [](std::string_view v) {
    std::string q;
    internal::append_json_string(v, &q);
    return q;
  };

  std::string out = "{\n";
  field(&out, "version", quoted(version()));
  field(&out, "inputs", u(s.inputs));
  field(&out, "input_bytes", u(s.input_bytes));
  field(&out, "uncompressed_bytes", u(s.uncompressed_bytes));
  field(&out, "lines_read", u(s.lines_read));
  field(&out, "documents", u(s.documents));
  field(&out, "lines_rejected", u(s.lines_rejected));
  std::string reasons = "{";
  for (int r = 0; r < kNumRejectReasons; ++r) {
    if (r > 0) reasons += ", ";
    reasons += quoted(reject_reason_name(static_cast<RejectReason>(r)));
    reasons += ": ";
    reasons += u(s.rejected_by_reason[r]);
  }
  reasons += "}";
  field(&out, "rejected_by_reason", reasons);
  field(&out, "empty_documents", u(s.empty_documents));
  field(&out, "duplicate_ids", u(s.duplicate_ids));
  field(&out, "distinct_fingerprints", u(s.distinct_fingerprints));
  field(&out, "candidate_pairs", u(s.candidate_pairs));
  field(&out, "verified_pairs", u(s.verified_pairs));
  field(&out, "clusters", u(s.clusters));
  field(&out, "duplicates", u(s.duplicates));
  field(&out, "largest_cluster", u(s.largest_cluster));
  field(&out, "threads", u(static_cast<uint64_t>(s.threads)));
  field(&out, "mode", quoted(mode_name(s.mode)));
  // Story mode's options are DedupOptions::story; its pair counts are the
  // pairs sharing a salient term and those kept as similarity edges.
  if (s.mode == Mode::kStory) {
  } else if (s.algorithm == Algorithm::kSimHash) {
    field(&out, "algorithm", quoted(algorithm_name(s.algorithm)));
    field(&out, "clustering", quoted(clustering_name(s.clustering)));
    field(&out, "shingle_words", u(static_cast<uint64_t>(s.shingle_words)));
    field(&out, "max_hamming_distance",
          u(static_cast<uint64_t>(s.max_hamming_distance)));
    field(&out, "table_blocks", u(static_cast<uint64_t>(s.table_blocks)));
    field(&out, "tables", u(static_cast<uint64_t>(s.tables)));
  } else {
    field(&out, "algorithm", quoted(algorithm_name(s.algorithm)));
    field(&out, "clustering", quoted(clustering_name(s.clustering)));
    field(&out, "shingle_words", u(static_cast<uint64_t>(s.shingle_words)));
    field(&out, "jaccard_threshold", number(s.jaccard_threshold));
    field(&out, "signature_length",
          u(static_cast<uint64_t>(s.signature_length)));
    field(&out, "bands", u(static_cast<uint64_t>(s.bands)));
    field(&out, "rows", u(static_cast<uint64_t>(s.rows)));
    field(&out, "false_positive_area", number(s.false_positive_area));
    field(&out, "false_negative_area", number(s.false_negative_area));
    field(&out, "verification", quoted(verification_name(s.verification)));
    field(&out, "exact_pairs", u(s.exact_pairs));
    field(&out, "exact_documents", u(s.exact_documents));
    if (s.clustering == Clustering::kBounded) {
      field(&out, "bound_ratio", number(s.bound_ratio));
    }
    field(&out, "memory_limit_bytes", u(s.memory_limit_bytes));
    field(&out, "spilled", s.spilled ? "true" : "false");
    field(&out, "temp_peak_bytes", u(s.temp_peak_bytes));
    field(&out, "temp_written_bytes", u(s.temp_written_bytes));
    field(&out, "external_band_sorts", u(s.external_band_sorts));
  }
  if (s.index_entries > 0 || s.index_matches > 0 || s.added_to_index > 0) {
    field(&out, "index_entries", u(s.index_entries));
    field(&out, "index_matches", u(s.index_matches));
    field(&out, "kept_documents", u(s.kept_documents));
    field(&out, "added_to_index", u(s.added_to_index));
  }
  field(&out, "seconds",
        "{\"read_fingerprint\": " + number(s.read_fingerprint_seconds) +
            ", \"index\": " + number(s.index_seconds) +
            ", \"match\": " + number(s.match_seconds) +
            ", \"cluster\": " + number(s.cluster_seconds) +
            ", \"write\": " + number(s.write_seconds) +
            ", \"total\": " + number(s.total_seconds) + "}");
  const double secs = s.total_seconds > 0 ? s.total_seconds : 1e-9;
  field(&out, "docs_per_second",
        number(static_cast<double>(s.documents) / secs));
  field(&out, "mb_per_second",
        number(static_cast<double>(s.uncompressed_bytes) / 1e6 / secs));
  field(&out, "peak_rss_bytes", u(s.peak_rss_bytes), /*last=*/true);
  out += "}\n";
  return out;
}

}  // namespace neardup
