#pragma once

#include <chrono>
#include <cstddef>
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

/// `text` in double quotes for a message a person reads, whatever it holds:
/// printable text as is (UTF-8 included), `"` and `\` escaped with `\`,
/// control characters and bytes that are not UTF-8 as `\xNN`, and the
/// invisible C1 controls and Unicode direction marks (U+0080-U+009F,
/// U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF) as `\u{NNNN}`; cut
/// after `limit` bytes with "...". Every message that quotes input (a value
/// of a request, a remote answer) goes through it or EscapeForMessage, so
/// that nothing quoted can move the cursor, clear a terminal or fake a line.
std::string QuoteForMessage(std::string_view text, std::size_t limit = 64);
/// QuoteForMessage without the quotes (and `"` unescaped), for longer text
/// quoted whole: a remote error message, a line of a log.
std::string EscapeForMessage(std::string_view text, std::size_t limit = 512);
/// `text` whole, with only what a terminal would act on escaped as above
/// (control characters, newlines included, C1 controls, direction marks,
/// bytes that are not UTF-8); backslashes and quotes stay. For printing a
/// message or a line whose quoted parts were escaped already.
std::string PrintableText(std::string_view text);

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
