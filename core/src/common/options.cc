#include "neardup/options.h"

#include <cstdint>

namespace neardup {

namespace {

Status check_pointer(const std::string& name, const std::string& pointer) {
  // RFC 6901: "" is the whole document, anything else starts with '/'.
  if (pointer.empty() || pointer[0] != '/') {
    return Status::InvalidArgument(name + " must be a JSON pointer such as /" +
                                   "text, got '" + pointer + "'");
  }
  return Status::OK();
}

}  // namespace

Status validate(const DedupOptions& options) {
  NEARDUP_RETURN_IF_ERROR(check_pointer("text_field", options.text_field));
  NEARDUP_RETURN_IF_ERROR(check_pointer("id_field", options.id_field));
  if (options.text.shingle_words < 1 || options.text.shingle_words > 16) {
    return Status::InvalidArgument("shingle_words must be in [1, 16], got " +
                                   std::to_string(options.text.shingle_words));
  }
  if (options.text.short_text_words < 0 ||
      options.text.short_text_words > 1000) {
    return Status::InvalidArgument(
        "short_text_words must be in [0, 1000], got " +
        std::to_string(options.text.short_text_words));
  }
  if (options.text.min_line_words < 0 || options.text.min_line_words > 1000) {
    return Status::InvalidArgument("min_line_words must be in [0, 1000], got " +
                                   std::to_string(options.text.min_line_words));
  }
  if (options.max_hamming_distance < 0 || options.max_hamming_distance > 8) {
    return Status::InvalidArgument(
        "max_hamming_distance must be in [0, 8], got " +
        std::to_string(options.max_hamming_distance));
  }
  if (options.mode == Mode::kStory) {
    NEARDUP_RETURN_IF_ERROR(validate(options.story));
  }
  const MinHashOptions& m = options.minhash;
  if (!(m.threshold > 0 && m.threshold < 1)) {
    return Status::InvalidArgument("minhash threshold must be in (0, 1), got " +
                                   std::to_string(m.threshold));
  }
  if (m.signature_length < 16 || m.signature_length > 1024) {
    return Status::InvalidArgument(
        "minhash signature_length must be in [16, 1024], got " +
        std::to_string(m.signature_length));
  }
  if (m.bands != 0 || m.rows != 0) {
    if (m.bands < 1 || m.rows < 1 ||
        int64_t{m.bands} * m.rows > m.signature_length) {
      return Status::InvalidArgument(
          "minhash bands and rows must be >= 1 with bands * rows <= "
          "signature_length (" +
          std::to_string(m.signature_length) + "), got " +
          std::to_string(m.bands) + " x " + std::to_string(m.rows));
    }
  }
  if (!(m.false_positive_weight > 0) || !(m.false_negative_weight > 0)) {
    return Status::InvalidArgument("minhash LSH weights must be > 0");
  }
  if (!(m.bound_ratio >= 0 && m.bound_ratio <= 1)) {
    return Status::InvalidArgument(
        "minhash bound_ratio must be in [0, 1], got " +
        std::to_string(m.bound_ratio));
  }
  // The text stage keeps byte offsets in 32 bits.
  if (options.max_line_bytes < 64 ||
      options.max_line_bytes > (size_t{1} << 31)) {
    return Status::InvalidArgument(
        "max_line_bytes must be in [64, 2^31], got " +
        std::to_string(options.max_line_bytes));
  }
  if (options.threads < 0 || options.threads > 1024) {
    return Status::InvalidArgument("threads must be in [0, 1024], got " +
                                   std::to_string(options.threads));
  }
  if (options.memory_limit_bytes != 0 &&
      options.memory_limit_bytes < (uint64_t{1} << 20)) {
    return Status::InvalidArgument(
        "memory_limit_bytes must be 0 or at least 1 MiB, got " +
        std::to_string(options.memory_limit_bytes));
  }
  if (options.chunk_bytes < 64 || options.chunk_bytes > (size_t{1} << 30)) {
    return Status::InvalidArgument("chunk_bytes must be in [64, 2^30], got " +
                                   std::to_string(options.chunk_bytes));
  }
  return Status::OK();
}

}  // namespace neardup
