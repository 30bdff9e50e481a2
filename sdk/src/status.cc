#include "sanbao/status.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <utility>

#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

struct Status::Impl {
  ErrorCode code;
  std::string message;
  ErrorInfo info;
};

namespace {

std::string const& EmptyString() {
  static auto const* const kEmpty = new std::string();
  return *kEmpty;
}

ErrorInfo const& EmptyInfo() {
  static auto const* const kEmpty = new ErrorInfo{.domain = ""};
  return *kEmpty;
}

Status Make(ErrorCode code, std::string message, std::string reason,
            std::map<std::string, std::string> metadata) {
  return Status(code, std::move(message),
                ErrorInfo{.reason = std::move(reason),
                          .metadata = std::move(metadata),
                          .http_status = HttpStatusFor(code)});
}

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk:
      return "OK";
    case ErrorCode::kCancelled:
      return "CANCELLED";
    case ErrorCode::kUnknown:
      return "UNKNOWN";
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case ErrorCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case ErrorCode::kInternal:
      return "INTERNAL";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kDataLoss:
      return "DATA_LOSS";
    case ErrorCode::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

// The mapping follows google.rpc.Code's documented HTTP equivalents
// (https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto).
int HttpStatusFor(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kCancelled:
      return 499;
    case ErrorCode::kUnknown:
      return 500;
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kFailedPrecondition:
      return 400;
    case ErrorCode::kAborted:
      return 409;
    case ErrorCode::kOutOfRange:
      return 400;
    case ErrorCode::kUnimplemented:
      return 501;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDataLoss:
      return 500;
    case ErrorCode::kUnauthenticated:
      return 401;
  }
  return 500;
}

ErrorCode ErrorCodeFromHttpStatus(int http_status) noexcept {
  if (http_status >= 200 && http_status < 300) return ErrorCode::kOk;
  switch (http_status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 408:
      return ErrorCode::kDeadlineExceeded;
    case 409:
      return ErrorCode::kAborted;
    case 412:
      return ErrorCode::kFailedPrecondition;
    case 416:
      return ErrorCode::kOutOfRange;
    case 429:
      return ErrorCode::kResourceExhausted;
    case 499:
      return ErrorCode::kCancelled;
    case 501:
      return ErrorCode::kUnimplemented;
    case 502:
    case 503:
      return ErrorCode::kUnavailable;
    case 504:
      return ErrorCode::kDeadlineExceeded;
    default:
      break;
  }
  if (http_status >= 500 && http_status < 600) return ErrorCode::kInternal;
  if (http_status >= 400 && http_status < 500) {
    return ErrorCode::kFailedPrecondition;
  }
  return ErrorCode::kUnknown;
}

std::ostream& operator<<(std::ostream& os, ErrorCode code) {
  return os << ErrorCodeName(code);
}

Status::Status(ErrorCode code, std::string message, ErrorInfo info) {
  if (code == ErrorCode::kOk) return;
  impl_ = std::make_shared<Impl const>(
      Impl{code, std::move(message), std::move(info)});
}

ErrorCode Status::code() const noexcept {
  return impl_ ? impl_->code : ErrorCode::kOk;
}

std::string const& Status::message() const noexcept {
  return impl_ ? impl_->message : EmptyString();
}

ErrorInfo const& Status::error_info() const noexcept {
  return impl_ ? impl_->info : EmptyInfo();
}

std::string const& Status::reason() const noexcept {
  return error_info().reason;
}

Status Status::WithMetadata(std::string key, std::string value) const {
  if (!impl_) return *this;
  ErrorInfo info = impl_->info;
  info.metadata[std::move(key)] = std::move(value);
  return Status(impl_->code, impl_->message, std::move(info));
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::ostringstream os;
  os << ErrorCodeName(code()) << ": " << message();
  auto const& info = error_info();
  if (!info.reason.empty() || !info.metadata.empty()) {
    os << " [";
    char const* sep = "";
    if (!info.reason.empty()) {
      os << "reason=" << info.reason;
      sep = " ";
    }
    for (auto const& [k, v] : info.metadata) {
      os << sep << k << '=' << v;
      sep = " ";
    }
    os << ']';
  }
  return std::move(os).str();
}

bool operator==(Status const& a, Status const& b) noexcept {
  if (a.impl_ == b.impl_) return true;
  if (!a.impl_ || !b.impl_) return false;
  return a.impl_->code == b.impl_->code &&
         a.impl_->message == b.impl_->message && a.impl_->info == b.impl_->info;
}

namespace {

// The code point of the UTF-8 sequence at `text[i]` and its length, or a
// length of 0 when the bytes there are not UTF-8 (overlong forms,
// surrogates and values past U+10FFFF included).
std::pair<char32_t, std::size_t> DecodeUtf8(std::string_view text,
                                            std::size_t i) {
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(text[i + k]);
  };
  unsigned char b = byte(0);
  std::size_t n = b < 0x80           ? 1
                  : (b >> 5) == 0x6  ? 2
                  : (b >> 4) == 0xE  ? 3
                  : (b >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > text.size()) return {0, 0};
  char32_t c = n == 1   ? b
               : n == 2 ? (b & 0x1F)
               : n == 3 ? (b & 0x0F)
                        : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return {0, 0};
    c = (c << 6) | (byte(k) & 0x3F);
  }
  constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    return {0, 0};
  }
  return {c, n};
}

bool Invisible(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0xFEFF;
}

enum class Mode { kQuoted, kEscaped, kPrintable };

std::string Escape(std::string_view text, std::size_t limit, Mode mode) {
  bool const quotes = mode == Mode::kQuoted;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(std::min(text.size(), limit) + 2);
  if (quotes) out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    auto [c, n] = DecodeUtf8(text, i);
    std::size_t step = n == 0 ? 1 : n;
    if (i + step > limit) break;
    auto b = static_cast<unsigned char>(text[i]);
    if (n == 0 || (n == 1 && (b < 0x20 || b == 0x7F))) {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else if (n > 1 && Invisible(c)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(c));
      out += buf;
    } else if ((b == '\\' && mode != Mode::kPrintable) ||
               (quotes && b == '"')) {
      out += '\\';
      out += static_cast<char>(b);
    } else {
      out.append(text.substr(i, n));
    }
    i += step;
  }
  if (i < text.size()) out += "...";
  if (quotes) out += '"';
  return out;
}

}  // namespace

std::string QuoteForMessage(std::string_view text, std::size_t limit) {
  return Escape(text, limit, Mode::kQuoted);
}

std::string EscapeForMessage(std::string_view text, std::size_t limit) {
  return Escape(text, limit, Mode::kEscaped);
}

std::string PrintableText(std::string_view text) {
  return Escape(text, text.size(), Mode::kPrintable);
}

std::ostream& operator<<(std::ostream& os, Status const& status) {
  return os << status.ToString();
}

Status InvalidArgumentError(std::string message, std::string reason,
                            std::map<std::string, std::string> metadata) {
  return Make(ErrorCode::kInvalidArgument, std::move(message),
              std::move(reason), std::move(metadata));
}
Status NotFoundError(std::string message, std::string reason,
                     std::map<std::string, std::string> metadata) {
  return Make(ErrorCode::kNotFound, std::move(message), std::move(reason),
              std::move(metadata));
}
Status OutOfRangeError(std::string message, std::string reason,
                       std::map<std::string, std::string> metadata) {
  return Make(ErrorCode::kOutOfRange, std::move(message), std::move(reason),
              std::move(metadata));
}
Status FailedPreconditionError(std::string message, std::string reason,
                               std::map<std::string, std::string> metadata) {
  return Make(ErrorCode::kFailedPrecondition, std::move(message),
              std::move(reason), std::move(metadata));
}
Status InternalError(std::string message, std::string reason,
                     std::map<std::string, std::string> metadata) {
  return Make(ErrorCode::kInternal, std::move(message), std::move(reason),
              std::move(metadata));
}
Status UnimplementedError(std::string operation) {
  auto message = operation + " is not offered by this implementation";
  return Make(ErrorCode::kUnimplemented, std::move(message), "UNIMPLEMENTED",
              {{"operation", std::move(operation)}});
}
Status UnavailableError(std::string message, std::string reason,
                        std::map<std::string, std::string> metadata) {
  return Make(ErrorCode::kUnavailable, std::move(message), std::move(reason),
              std::move(metadata));
}

StatusError::StatusError(Status status)
    : std::runtime_error(status.ToString()), status_(std::move(status)) {}

namespace internal {

Status OkStatusInStatusOr() {
  return InternalError("StatusOr constructed from an OK Status",
                       "STATUS_OR_OK_STATUS");
}

void ThrowStatusError(Status const& status) { throw StatusError(status); }

}  // namespace internal

}  // namespace v1
}  // namespace sanbao
