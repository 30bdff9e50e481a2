#pragma once

// Retrying HTTP transport: full-jitter exponential backoff, server hints
// (Retry-After, rate-limit reset headers) first, and retries only where a
// retry cannot duplicate an effect. See docs/guides/http.md.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/http/http.h"
#include "sanbao/http/log.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// The header the retrying transport adds to every response it returns: the
/// number of attempts made ("1" when the first one was final). Errors carry
/// the same number in ErrorInfo::attempts.
inline constexpr std::string_view kAttemptsHeader = "X-Sanbao-Attempts";

struct RetryPolicy {
  /// Total tries, >= 1 (values below 1 are treated as 1).
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{20000};
  double multiplier = 2.0;
  /// Cap on Retry-After / rate-limit hints. A hint above it ends the retries:
  /// the response is returned at once instead of waiting.
  std::chrono::milliseconds max_server_delay{60000};
  std::vector<int> retryable_statuses{408, 429, 500, 502, 503, 504};
  /// A write (POST, PATCH, ...) carrying one of these headers may be retried
  /// like a read.
  std::vector<std::string> idempotency_headers{"Idempotency-Key"};
  /// One redacted line per attempt: method, URL, status or error reason,
  /// duration, attempt and the delay chosen before the next one. Optional.
  HttpLogSink log{};
};

/// Injected so tests never sleep. The functions are called from every thread
/// that sends through the transport, so they must be thread-safe when the
/// transport is shared.
struct RetryEnvironment {
  std::function<Instant()> now{};  ///< wall clock (HTTP-date Retry-After)
  std::function<void(std::chrono::milliseconds)> sleep{};
  std::function<double()> uniform01{};  ///< in [0, 1)
};

/// The system clock, std::this_thread::sleep_for and a PRNG seeded from
/// std::random_device behind a mutex (thread-safe).
RetryEnvironment DefaultRetryEnvironment();

/// Parses a Retry-After value (RFC 9110 §10.2.3): delta-seconds ("120"; a
/// decimal such as "2.5" is accepted too, as some servers send it) or an
/// HTTP-date in IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") or the
/// obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
/// ("Sun Nov  6 08:49:37 1994") forms, read leniently as RFC 9110 §5.6.7
/// encourages (day and month names in any case, any spacing between fields,
/// fewer digits) but with a day name that matches the date; an RFC 850 year
/// more than 50 years ahead is in the previous century. A date in the past
/// is a zero delay. nullopt for anything else.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         Instant now);

/// The delay a response asks for, before any cap:
///   1. `Retry-After` (ParseRetryAfter), on any status;
///   2. for 429 only, or when `RateLimit-Remaining`/`X-RateLimit-Remaining`
///      is 0: `RateLimit-Reset` or `X-RateLimit-Reset` as delta seconds, or
///      as Unix epoch seconds when the value is at least 1,000,000,000
///      (2001-09-09, far beyond any sensible delta: GitHub's form).
/// nullopt when the response gives no usable hint.
std::optional<std::chrono::milliseconds> ServerRetryDelay(
    HttpResponse const& response, Instant now);

/// RFC 9110 §9.2.2 idempotent methods: GET, HEAD, OPTIONS, TRACE, PUT,
/// DELETE (case-sensitive, as method names are).
bool IsIdempotentMethod(std::string_view method);

/// The full-jitter backoff before attempt `attempt + 1` (attempt >= 1):
/// uniform01 * min(max_backoff, initial_backoff * multiplier^(attempt-1)).
std::chrono::milliseconds BackoffDelay(RetryPolicy const& policy, int attempt,
                                       double uniform01);

/// Wraps `inner` with retries (thread-safe; holds no per-request state).
///
/// Reads (IsIdempotentMethod) retry on `retryable_statuses` and on the
/// transport errors HTTP_TIMEOUT, HTTP_CONNECTION_LOST and HTTP_NOT_SENT.
/// Writes retry only on HTTP_NOT_SENT, on 429 (when retryable), or on
/// anything a read retries on when they carry one of `idempotency_headers`.
///
/// Between attempts it sleeps for the server's hint (ServerRetryDelay) when
/// there is one, capped by max_server_delay (a larger hint returns the
/// response immediately), else for BackoffDelay — see the AWS Architecture
/// Blog, "Exponential Backoff And Jitter" (2015),
/// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
///
/// When it stops it returns the last response with kAttemptsHeader set, or
/// the last error with ErrorInfo::attempts set (and retry_after when a hint
/// was seen). Missing members of `env` fall back to DefaultRetryEnvironment.
std::shared_ptr<HttpTransport> MakeRetryingTransport(
    std::shared_ptr<HttpTransport> inner, RetryPolicy policy,
    RetryEnvironment env);

}  // namespace v1
}  // namespace sanbao
