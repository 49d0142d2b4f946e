// File: neardup/status.h
//
// `Status` carries the outcome of an operation that can fail; `Result<T>`
// carries either a value or a non-OK `Status`. The public API never throws:
// every fallible call returns one of these.
//
// Example:
//   neardup::Result<neardup::DedupStats> stats = neardup::run_dedup(...);
//   if (!stats.ok()) std::cerr << stats.status().to_string() << "\n";

#ifndef NEARDUP_STATUS_H_
#define NEARDUP_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace neardup {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad options or arguments from the caller
  kNotFound,            // a named input file does not exist
  kIOError,             // reading or writing a file failed
  kCorruption,          // malformed input data (bad JSON, truncated stream)
  kFailedPrecondition,  // called in the wrong state
  kInternal,            // a bug in neardup
};

// Returns a stable lower-case name such as "invalid_argument".
std::string_view status_code_name(StatusCode code);

// A default-constructed `Status` is OK. Copyable and cheap when OK.
// Thread-compatible: const methods may be called concurrently.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(StatusCode::kNotFound, std::move(msg));
  }
  static Status IOError(std::string msg) {
    return Status(StatusCode::kIOError, std::move(msg));
  }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg) {
    return Status(StatusCode::kFailedPrecondition, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(StatusCode::kInternal, std::move(msg));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK", or "<code name>: <message>".
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds a `T` or a non-OK `Status`. Accessing `value()` of a failed result is a
// programmer error (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace neardup

// Returns early from the enclosing function when `expr` is not OK.
#define NEARDUP_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::neardup::Status neardup_status_ = (expr);        \
    if (!neardup_status_.ok()) return neardup_status_; \
  } while (0)

#endif  // NEARDUP_STATUS_H_
