#include "sanbao/http/retry.h"

#include <date/date.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sanbao {
inline namespace v1 {
namespace {

using std::chrono::milliseconds;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// Non-negative decimal seconds ("120", "2.5") in whole milliseconds, rounded
// up. Caps absurd values instead of overflowing.
std::optional<milliseconds> ParseDeltaSeconds(std::string_view s) {
  std::string_view whole = s;
  std::string_view fraction;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    fraction = s.substr(dot + 1);
    if (!IsDigits(fraction)) return std::nullopt;
  }
  if (!IsDigits(whole)) return std::nullopt;
  constexpr std::int64_t kMaxSeconds = std::int64_t{1} << 40;
  std::int64_t seconds = 0;
  for (char c : whole) {
    seconds = std::min(kMaxSeconds, seconds * 10 + (c - '0'));
  }
  std::int64_t millis = 0;
  bool remainder = false;
  for (std::size_t i = 0; i < fraction.size(); ++i) {
    if (i < 3) {
      millis = millis * 10 + (fraction[i] - '0');
    } else if (fraction[i] != '0') {
      remainder = true;
    }
  }
  for (std::size_t i = fraction.size(); i < 3; ++i) millis *= 10;
  if (remainder) ++millis;
  return milliseconds(seconds * 1000 + millis);
}

// RFC 9110 §5.6.7 (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7):
// "A recipient that parses a timestamp value in an HTTP field MUST accept all
// three HTTP-date formats", and "Recipients of timestamp values are
// encouraged to be robust in parsing timestamps unless otherwise restricted
// by the field definition". The formats are read with date::parse
// (https://howardhinnant.github.io/date/date.html, the parse flags of C++20
// [time.parse], https://eel.is/c++draft/time.parse), which is a little more
// lenient than the grammar: %a and %b are "case-insensitive", "Leading
// zeroes are permitted but not required", and "A white space character
// matches zero or more white space characters". A day name that does not
// match the date is rejected, as is any text left over.
using DateFields = date::fields<std::chrono::seconds>;

// Reads all of `text` with `format`; false when it does not match or leaves
// characters over. GCC 12 warns that the seconds date.h reads (`long double S`)
// may be used uninitialised: after a failed read they are converted before the
// failure is checked, and the result is then discarded.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
bool ParseAll(std::string_view text, char const* format, DateFields& fields) {
  std::istringstream in{std::string(text)};
  in >> date::parse(format, fields);
  return !in.fail() && in.peek() == std::istringstream::traits_type::eof();
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// The instant `fields` names. The time of day may be 23:59:60, a leap
// second: "time-of-day = hour ":" minute ":" second ; 00:00:00 - 23:59:60
// (leap second)" (RFC 9110 §5.6.7); date::parse reads it into the fields but
// would refuse it as a time point.
std::optional<Instant> ToInstant(date::year_month_day ymd,
                                 DateFields const& fields) {
  using namespace std::chrono_literals;
  auto const& tod = fields.tod;
  if (!ymd.ok() || !fields.has_tod || tod.is_negative() || tod.hours() > 23h ||
      tod.minutes() > 59min || tod.seconds() > 60s) {
    return std::nullopt;
  }
  return Instant(date::sys_days(ymd).time_since_epoch() + tod.to_duration());
}

std::optional<Instant> ParseHttpDate(std::string_view s, Instant now) {
  DateFields fields;
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  if (ParseAll(s, "%a, %d %b %Y %T GMT", fields)) {
    return ToInstant(fields.ymd, fields);
  }
  // asctime-date: Sun Nov  6 08:49:37 1994
  if (ParseAll(s, "%a %b %d %T %Y", fields)) {
    return ToInstant(fields.ymd, fields);
  }
  // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT. "Recipients of a timestamp
  // value in rfc850-date format, which uses a two-digit year, MUST interpret
  // a timestamp that appears to be more than 50 years in the future as
  // representing the most recent year in the past that had the same last two
  // digits." date::parse puts %y in 1969-2068, so the century is chosen here
  // and the day name checked against the date in that century.
  auto comma = s.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  DateFields day_name;
  if (!ParseAll(s.substr(0, comma), "%A", day_name) ||
      !ParseAll(s.substr(comma + 1), " %d-%b-%y %T GMT", fields)) {
    return std::nullopt;
  }
  int yy = static_cast<int>(fields.ymd.year()) % 100;
  int current_year = static_cast<int>(
      date::year_month_day(std::chrono::floor<date::days>(now)).year());
  int year = current_year / 100 * 100 + yy;
  if (year > current_year + 50) year -= 100;
  date::year_month_day ymd{date::year(year), fields.ymd.month(),
                           fields.ymd.day()};
  if (!ymd.ok() || date::weekday(date::sys_days(ymd)) != day_name.wd) {
    return std::nullopt;
  }
  return ToInstant(ymd, fields);
}

std::optional<std::int64_t> ParseWholeSeconds(std::string_view s) {
  s = Trim(s);
  if (!IsDigits(s) || s.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

constexpr std::int64_t kEpochThreshold = 1'000'000'000;

bool IsRetryableTransportError(std::string const& reason) {
  return reason == "HTTP_TIMEOUT" || reason == "HTTP_CONNECTION_LOST" ||
         reason == "HTTP_NOT_SENT";
}

std::string UrlForLog(std::string const& url) { return RedactForLog(url); }

class RetryingTransport final : public HttpTransport {
 public:
  RetryingTransport(std::shared_ptr<HttpTransport> inner, RetryPolicy policy,
                    RetryEnvironment env)
      : inner_(std::move(inner)),
        policy_(std::move(policy)),
        env_(std::move(env)) {
    policy_.max_attempts = std::max(1, policy_.max_attempts);
    RetryEnvironment defaults = DefaultRetryEnvironment();
    if (!env_.now) env_.now = defaults.now;
    if (!env_.sleep) env_.sleep = defaults.sleep;
    if (!env_.uniform01) env_.uniform01 = defaults.uniform01;
  }

  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    return std::move(SendAll(std::span(&request, 1)).front());
  }

  // Rounds: every request still pending goes out together (concurrently
  // where the inner transport can), then the round sleeps the longest delay
  // any of its retries asked for. One request alone behaves exactly as the
  // classic loop.
  std::vector<StatusOr<HttpResponse>> SendAll(
      std::span<HttpRequest const> requests) override {
    std::vector<StatusOr<HttpResponse>> results(requests.size());
    if (!inner_) {
      for (auto& r : results) {
        r = FailedPreconditionError(
            "the retrying transport has no inner transport",
            "HTTP_NO_TRANSPORT");
      }
      return results;
    }
    std::vector<std::optional<milliseconds>> hints(requests.size());
    std::vector<std::size_t> pending(requests.size());
    for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
    std::vector<HttpRequest> resend;
    for (int attempt = 1; !pending.empty(); ++attempt) {
      auto started = std::chrono::steady_clock::now();
      auto round =
          attempt == 1 ? inner_->SendAll(requests) : inner_->SendAll(resend);
      auto duration = std::chrono::duration_cast<milliseconds>(
          std::chrono::steady_clock::now() - started);
      std::vector<std::size_t> again;
      milliseconds wait{0};
      for (std::size_t k = 0; k < pending.size(); ++k) {
        auto i = pending[k];
        auto delay = Judge(requests[i], attempt, duration, round[k], hints[i]);
        if (delay) {
          again.push_back(i);
          wait = std::max(wait, *delay);
        } else {
          results[i] = std::move(round[k]);
        }
      }
      pending = std::move(again);
      if (pending.empty()) break;
      resend.clear();
      for (auto i : pending) resend.push_back(requests[i]);
      env_.sleep(wait);
    }
    return results;
  }

 private:
  // The delay before `request` is sent again after `result` (its attempt
  // `attempt`), or nothing when `result` is final; a final result gets its
  // X-Sanbao-Attempts header or its attempts count here.
  std::optional<milliseconds> Judge(HttpRequest const& request, int attempt,
                                    milliseconds duration,
                                    StatusOr<HttpResponse>& result,
                                    std::optional<milliseconds>& last_hint) {
    bool const idempotent =
        IsIdempotentMethod(request.method) || HasIdempotencyKey(request);
    bool const last = attempt >= policy_.max_attempts;
    std::optional<milliseconds> delay;
    if (result.ok()) {
      HttpResponse& response = *result;
      std::string stop_note;
      bool retry = !last && IsRetryableStatus(response.status) &&
                   (idempotent || response.status == 429);
      if (retry) {
        std::optional<milliseconds> hint =
            ServerRetryDelay(response, env_.now());
        if (hint) last_hint = hint;
        if (hint && *hint > policy_.max_server_delay) {
          stop_note = " stop=server_delay_over_cap hint_ms=" +
                      std::to_string(hint->count());
        } else {
          delay = hint ? *hint : Backoff(attempt);
        }
      }
      Log(request, attempt, duration,
          "status=" + std::to_string(response.status), delay, stop_note);
      if (!delay) {
        SetHeader(response.headers, kAttemptsHeader, std::to_string(attempt));
      }
      return delay;
    }
    Status const& status = result.status();
    bool retry = !last && IsRetryableTransportError(status.reason()) &&
                 (idempotent || status.reason() == "HTTP_NOT_SENT");
    if (retry) delay = Backoff(attempt);
    Log(request, attempt, duration, "error=" + status.reason(), delay, {});
    if (!delay) {
      ErrorInfo info = status.error_info();
      info.attempts = attempt;
      if (last_hint && !info.retry_after) info.retry_after = last_hint;
      result = Status(status.code(), status.message(), std::move(info));
    }
    return delay;
  }

  bool HasIdempotencyKey(HttpRequest const& request) const {
    return std::any_of(policy_.idempotency_headers.begin(),
                       policy_.idempotency_headers.end(),
                       [&](std::string const& name) {
                         auto v = FindHeader(request.headers, name);
                         return v.has_value() && !v->empty();
                       });
  }

  bool IsRetryableStatus(int status) const {
    return std::find(policy_.retryable_statuses.begin(),
                     policy_.retryable_statuses.end(),
                     status) != policy_.retryable_statuses.end();
  }

  milliseconds Backoff(int attempt) const {
    return BackoffDelay(policy_, attempt, env_.uniform01());
  }

  void Log(HttpRequest const& request, int attempt, milliseconds duration,
           std::string const& outcome, std::optional<milliseconds> delay,
           std::string const& note) const {
    if (!policy_.log) return;
    std::string line = "http-retry method=" + request.method +
                       " url=" + UrlForLog(request.url) + " " + outcome +
                       " duration_ms=" + std::to_string(duration.count()) +
                       " attempt=" + std::to_string(attempt) + "/" +
                       std::to_string(policy_.max_attempts);
    line += delay ? " next_delay_ms=" + std::to_string(delay->count())
                  : std::string(" final");
    line += note;
    policy_.log(line);
  }

  std::shared_ptr<HttpTransport> inner_;
  RetryPolicy policy_;
  RetryEnvironment env_;
};

}  // namespace

RetryEnvironment DefaultRetryEnvironment() {
  struct Random {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto random = std::make_shared<Random>();
  RetryEnvironment env;
  env.now = [] {
    return std::chrono::floor<std::chrono::seconds>(
        std::chrono::system_clock::now());
  };
  env.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
  env.uniform01 = [random] {
    std::lock_guard lock(random->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(random->engine);
  };
  return env;
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            Instant now) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    return ParseDeltaSeconds(value);
  }
  std::optional<Instant> date = ParseHttpDate(value, now);
  if (!date) return std::nullopt;
  if (*date <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(*date - now);
}

std::optional<milliseconds> ServerRetryDelay(HttpResponse const& response,
                                             Instant now) {
  if (auto retry_after = FindHeader(response.headers, "Retry-After")) {
    if (auto delay = ParseRetryAfter(*retry_after, now)) return delay;
  }
  bool exhausted = response.status == 429;
  for (std::string_view name :
       {"RateLimit-Remaining", "X-RateLimit-Remaining"}) {
    if (auto remaining = FindHeader(response.headers, name)) {
      if (auto n = ParseWholeSeconds(*remaining); n && *n == 0)
        exhausted = true;
    }
  }
  if (!exhausted) return std::nullopt;
  for (std::string_view name : {"RateLimit-Reset", "X-RateLimit-Reset"}) {
    auto reset = FindHeader(response.headers, name);
    if (!reset) continue;
    auto value = ParseWholeSeconds(*reset);
    if (!value) continue;
    if (*value >= kEpochThreshold) {
      std::int64_t delta = *value - now.time_since_epoch().count();
      return milliseconds(std::max<std::int64_t>(0, delta) * 1000);
    }
    return milliseconds(*value * 1000);
  }
  return std::nullopt;
}

bool IsIdempotentMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" ||
         method == "TRACE" || method == "PUT" || method == "DELETE";
}

milliseconds BackoffDelay(RetryPolicy const& policy, int attempt,
                          double uniform01) {
  double ceiling = static_cast<double>(policy.initial_backoff.count()) *
                   std::pow(policy.multiplier, std::max(0, attempt - 1));
  double cap = std::max(0.0, static_cast<double>(policy.max_backoff.count()));
  if (!(ceiling < cap)) ceiling = cap;  // also catches inf and NaN
  if (!(ceiling > 0.0)) return milliseconds(0);
  double u = uniform01 >= 0.0 ? std::min(uniform01, 1.0) : 0.0;  // NaN: 0
  return milliseconds(static_cast<std::int64_t>(std::floor(u * ceiling)));
}

std::shared_ptr<HttpTransport> MakeRetryingTransport(
    std::shared_ptr<HttpTransport> inner, RetryPolicy policy,
    RetryEnvironment env) {
  return std::make_shared<RetryingTransport>(std::move(inner),
                                             std::move(policy), std::move(env));
}

}  // namespace v1
}  // namespace sanbao
