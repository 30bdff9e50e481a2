#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sanbao {
inline namespace v1 {

/// Canonical error codes (the gRPC / absl vocabulary). The numeric values are
/// stable and part of the ABI.
enum class ErrorCode {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

/// "INVALID_ARGUMENT", "NOT_FOUND", ...
std::string_view ErrorCodeName(ErrorCode code) noexcept;
/// The HTTP status a server would answer with for `code` (400, 404, 429, ...).
int HttpStatusFor(ErrorCode code) noexcept;
/// The canonical code for an HTTP status (401 -> kUnauthenticated, 429 ->
/// kResourceExhausted, 503 -> kUnavailable, ...). 2xx maps to kOk.
ErrorCode ErrorCodeFromHttpStatus(int http_status) noexcept;

std::ostream& operator<<(std::ostream& os, ErrorCode code);

/// Machine-readable details of an error. `reason` is a stable UPPER_SNAKE
/// string ("RETURN_WINDOW_CLOSED") that programs may branch on; the message
/// is for people and may change between releases.
struct ErrorInfo {
  std::string reason{};
  std::string domain = "sanbao";
  std::map<std::string, std::string> metadata{};
  int http_status = 0;
  std::string request_id{};
  std::optional<std::chrono::milliseconds> retry_after{};
  int attempts = 0;

  friend bool operator==(ErrorInfo const&, ErrorInfo const&) = default;
};

/// The result of an operation that returns no value. Cheap to copy; an OK
/// status allocates nothing.
class [[nodiscard]] Status {
 public:
  /// An OK status.
  Status() noexcept = default;
  /// An error status. `code` must not be kOk; if it is, the result is an
  /// OK status and `message` and `info` are dropped.
  Status(ErrorCode code, std::string message, ErrorInfo info = {});

  bool ok() const noexcept { return impl_ == nullptr; }
  ErrorCode code() const noexcept;
  std::string const& message() const noexcept;
  ErrorInfo const& error_info() const noexcept;
  /// Shorthand for error_info().reason.
  std::string const& reason() const noexcept;

  /// Returns a copy with `key=value` added to the metadata.
  Status WithMetadata(std::string key, std::string value) const;

  /// "INVALID_ARGUMENT: message [reason=MONEY_BAD_AMOUNT field=amount]".
  std::string ToString() const;

  friend bool operator==(Status const& a, Status const& b) noexcept;
  friend bool operator!=(Status const& a, Status const& b) noexcept {
    return !(a == b);
  }

 private:
  struct Impl;
  std::shared_ptr<Impl const> impl_;
};

std::ostream& operator<<(std::ostream& os, Status const& status);

// Factories for the common cases: message for people, reason for programs.
Status InvalidArgumentError(std::string message, std::string reason,
                            std::map<std::string, std::string> metadata = {});
Status NotFoundError(std::string message, std::string reason,
                     std::map<std::string, std::string> metadata = {});
Status OutOfRangeError(std::string message, std::string reason,
                       std::map<std::string, std::string> metadata = {});
Status FailedPreconditionError(
    std::string message, std::string reason,
    std::map<std::string, std::string> metadata = {});
Status InternalError(std::string message, std::string reason,
                     std::map<std::string, std::string> metadata = {});
Status UnavailableError(std::string message, std::string reason,
                        std::map<std::string, std::string> metadata = {});
/// What an interface's default body answers when an implementation does not
/// offer the operation (a marketplace without refunds, a store without an
/// inbox): kUnimplemented, reason "UNIMPLEMENTED", metadata "operation".
Status UnimplementedError(std::string operation);

/// Thrown only by StatusOr<T>::value() on an error, as a convenience for code
/// that prefers exceptions. Nothing else in the SDK throws for runtime errors.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(Status status);
  Status const& status() const noexcept { return status_; }

 private:
  Status status_;
};

}  // namespace v1
}  // namespace sanbao
