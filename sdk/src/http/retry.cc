#include "sanbao/http/retry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>
#include <span>
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

std::optional<int> ParseInt(std::string_view s) {
  if (!IsDigits(s) || s.size() > 9) return std::nullopt;
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<unsigned> MonthFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == name) return i + 1;
  }
  return std::nullopt;
}

bool IsDayName(std::string_view name, bool long_form) {
  static constexpr std::array<std::string_view, 7> kShort{
      "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 7> kLong{
      "Monday", "Tuesday",  "Wednesday", "Thursday",
      "Friday", "Saturday", "Sunday"};
  auto const& names = long_form ? kLong : kShort;
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "08:49:37"
std::optional<std::chrono::seconds> ParseTimeOfDay(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = ParseInt(s.substr(0, 2));
  auto m = ParseInt(s.substr(3, 2));
  auto sec = ParseInt(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return std::chrono::hours(*h) + std::chrono::minutes(*m) +
         std::chrono::seconds(*sec);
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    std::size_t end = pos;
    while (end < s.size() && s[end] != ' ') ++end;
    if (end > pos) parts.push_back(s.substr(pos, end - pos));
    pos = end;
  }
  return parts;
}

std::optional<Instant> MakeInstant(int year, unsigned month, int day,
                                   std::chrono::seconds time_of_day) {
  std::chrono::year_month_day date{
      std::chrono::year(year), std::chrono::month(month),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return Instant(std::chrono::sys_days(date).time_since_epoch() + time_of_day);
}

// RFC 9110 §5.6.7: IMF-fixdate, RFC 850 and asctime.
std::optional<Instant> ParseHttpDate(std::string_view s, Instant now) {
  auto parts = SplitSpaces(s);
  if (parts.size() == 6 && parts[0].size() == 4 && parts[0][3] == ',' &&
      IsDayName(parts[0].substr(0, 3), false) && parts[5] == "GMT") {
    // Sun, 06 Nov 1994 08:49:37 GMT
    auto day = parts[1].size() == 2 ? ParseInt(parts[1]) : std::nullopt;
    auto month = MonthFromName(parts[2]);
    auto year = parts[3].size() == 4 ? ParseInt(parts[3]) : std::nullopt;
    auto time = ParseTimeOfDay(parts[4]);
    if (!day || !month || !year || !time) return std::nullopt;
    return MakeInstant(*year, *month, *day, *time);
  }
  if (parts.size() == 4 && parts[0].size() > 1 && parts[0].back() == ',' &&
      IsDayName(parts[0].substr(0, parts[0].size() - 1), true) &&
      parts[3] == "GMT") {
    // Sunday, 06-Nov-94 08:49:37 GMT
    std::string_view date = parts[1];
    if (date.size() != 9 || date[2] != '-' || date[6] != '-') {
      return std::nullopt;
    }
    auto day = ParseInt(date.substr(0, 2));
    auto month = MonthFromName(date.substr(3, 3));
    auto yy = ParseInt(date.substr(7, 2));
    auto time = ParseTimeOfDay(parts[2]);
    if (!day || !month || !yy || !time) return std::nullopt;
    // A two-digit year more than 50 years in the future is in the past
    // century (RFC 9110 §5.6.7).
    int current_year = static_cast<int>(
        std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now))
            .year());
    int year = current_year / 100 * 100 + *yy;
    if (year > current_year + 50) year -= 100;
    return MakeInstant(year, *month, *day, *time);
  }
  if (parts.size() == 5 && IsDayName(parts[0], false)) {
    // Sun Nov  6 08:49:37 1994
    auto month = MonthFromName(parts[1]);
    auto day = parts[2].size() <= 2 ? ParseInt(parts[2]) : std::nullopt;
    auto time = ParseTimeOfDay(parts[3]);
    auto year = parts[4].size() == 4 ? ParseInt(parts[4]) : std::nullopt;
    if (!day || !month || !year || !time) return std::nullopt;
    return MakeInstant(*year, *month, *day, *time);
  }
  return std::nullopt;
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
