// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Status and Result<T>: expected failures as values.
//
// Every public function that can fail for a reason outside the programmer's
// control (bad UTF-8, an oversized input, a malformed lexicon line, a missing
// model file) returns a Status or a Result<T>. Exceptions never cross the
// public API. The codes are a small fixed set; cli/ and server/ each map them
// to exit codes and HTTP statuses in one table.
//
// Result<T> mimics absl::StatusOr<T> and uses the std::expected vocabulary
// (value(), operator*, operator->, has_value()) so that moving to C++23 is
// mechanical.
//
// Thread safety: Status and Result<T> are values; distinct objects may be used
// from distinct threads.
//
// Example:
//   moderato::Result<Lexicon> LoadIt(std::string_view path) {
//     MODERATO_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
//     if (bytes.empty()) return moderato::InvalidArgumentError("empty lexicon");
//     return Lexicon::Parse(bytes);
//   }

#ifndef MODERATO_STATUS_H_
#define MODERATO_STATUS_H_

#include <cstdlib>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace moderato {

// The fixed set of error codes. Keep in sync with the tables in
// cli/exit_codes.cc (and, later, server/).
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,     // the caller's input is malformed (bad line, bad pattern)
  kNotFound = 2,            // a named file, model or record does not exist
  kResourceExhausted = 3,   // a budget was hit (bytes, patterns, depth)
  kFailedPrecondition = 4,  // the system is not in a state to do this (model not trained)
  kUnavailable = 5,         // a transient failure (I/O, database busy)
  kInternal = 6,            // a bug or a third-party library failure
  kDataLoss = 7,            // stored data is corrupt
  kAlreadyExists = 8,       // a record with this key exists (organisation name, appeal)
  kPermissionDenied = 9,    // the caller is known but may not do this (role, tenancy)
  kUnauthenticated = 10,    // the caller could not be identified (missing or revoked key)
};

// Returns "OK", "INVALID_ARGUMENT", ... for `code`.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status. Cheap: holds no allocation.
  Status() = default;
  Status(StatusCode code, std::string message);

  // Copyable and movable: a status is a small value.
  Status(const Status&) = default;
  Status& operator=(const Status&) = default;
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns "CODE: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "`context`: message". OK stays OK.
  Status WithContext(std::string_view context) const;

  // Explicitly ignores this status (for best-effort cleanup paths).
  void IgnoreError() const {}

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status UnavailableError(std::string message);
Status InternalError(std::string message);
Status DataLossError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnauthenticatedError(std::string message);

namespace internal {
[[noreturn]] void DieOnBadResultAccess(const Status& status);
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              std::string_view message);
}  // namespace internal

// Either a T or a non-OK Status. Accessing the value of an error aborts with
// the status message: check ok() first, or use MODERATO_ASSIGN_OR_RETURN.
template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit from a value or a (non-OK) status, as absl::StatusOr.
  Result(const T& value) : value_(value) {}             // NOLINT(google-explicit-constructor)
  Result(T&& value) : value_(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = InternalError("Result constructed from an OK status");
  }
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Status> && !std::is_same_v<std::decay_t<U>, Result<T>>)
      Result(U&& value)
      : value_(T(std::forward<U>(value))) {}  // NOLINT(google-explicit-constructor)

  Result(const Result&) = default;
  Result& operator=(const Result&) = default;
  Result(Result&&) noexcept = default;
  Result& operator=(Result&&) noexcept = default;

  bool ok() const { return value_.has_value(); }
  bool has_value() const { return ok(); }
  // Returns OK when a value is held.
  const Status& status() const { return status_; }

  T& value() & {
    if (!ok()) internal::DieOnBadResultAccess(status_);
    return *value_;
  }
  const T& value() const& {
    if (!ok()) internal::DieOnBadResultAccess(status_);
    return *value_;
  }
  T&& value() && {
    if (!ok()) internal::DieOnBadResultAccess(status_);
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Returns the value, or `fallback` on error.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace moderato

#define MODERATO_INTERNAL_CONCAT_(a, b) a##b
#define MODERATO_INTERNAL_CONCAT(a, b) MODERATO_INTERNAL_CONCAT_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define MODERATO_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::moderato::Status moderato_status_ = (expr);        \
    if (!moderato_status_.ok()) return moderato_status_; \
  } while (false)

// Evaluates `rexpr` (a Result<T>); on error returns its status, else moves the
// value into `lhs` (a declaration such as `std::string s` or an lvalue).
#define MODERATO_ASSIGN_OR_RETURN(lhs, rexpr)                                                   \
  MODERATO_INTERNAL_ASSIGN_OR_RETURN(MODERATO_INTERNAL_CONCAT(moderato_result_, __LINE__), lhs, \
                                     rexpr)
#define MODERATO_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                       \
  if (!tmp.ok()) return tmp.status();                       \
  lhs = std::move(tmp).value()

// Always-on check for programmer errors. Never reachable from user input.
#define MODERATO_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::moderato::internal::CheckFailed(__FILE__, __LINE__, #cond, ""))
#define MODERATO_CHECK_MSG(cond, msg) \
  ((cond) ? static_cast<void>(0)      \
          : ::moderato::internal::CheckFailed(__FILE__, __LINE__, #cond, (msg)))
#ifdef NDEBUG
#define MODERATO_DCHECK(cond) static_cast<void>(0)
#else
#define MODERATO_DCHECK(cond) MODERATO_CHECK(cond)
#endif

#endif  // MODERATO_STATUS_H_
