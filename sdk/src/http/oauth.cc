#include "sanbao/http/oauth.h"

#include <boost/json.hpp>
#include <exception>
#include <utility>

#include "internal/crypto.h"
#include "sanbao/http/log.h"

namespace sanbao {
inline namespace v1 {
namespace {

// application/x-www-form-urlencoded (RFC 6749 Appendix B).
std::string FormEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UrlWithoutQuery(std::string const& url) {
  return url.substr(0, url.find_first_of("?#"));
}

std::optional<std::string> GetString(boost::json::object const& o,
                                     std::string_view key) {
  auto const* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// expires_in is a number in the RFC; some servers send it as a string.
std::optional<std::int64_t> GetSeconds(boost::json::object const& o,
                                       std::string_view key) {
  auto const* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(v->get_uint64(), 1ull << 40));
  }
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  if (v->is_string()) {
    std::int64_t n = 0;
    std::string_view s = v->get_string();
    if (s.empty() || s.size() > 12) return std::nullopt;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

struct OAuthErrorKind {
  std::string_view error;
  std::string_view reason;
  ErrorCode code;
};

// RFC 6749 §5.2 error codes.
constexpr OAuthErrorKind kOAuthErrors[] = {
    {"invalid_grant", "OAUTH_INVALID_GRANT", ErrorCode::kUnauthenticated},
    {"invalid_client", "OAUTH_INVALID_CLIENT", ErrorCode::kUnauthenticated},
    {"invalid_scope", "OAUTH_INVALID_SCOPE", ErrorCode::kPermissionDenied},
    {"invalid_request", "OAUTH_INVALID_REQUEST", ErrorCode::kInvalidArgument},
    {"unauthorized_client", "OAUTH_UNAUTHORIZED_CLIENT",
     ErrorCode::kPermissionDenied},
    {"unsupported_grant_type", "OAUTH_UNSUPPORTED_GRANT_TYPE",
     ErrorCode::kInvalidArgument},
};

Status OAuthError(HttpResponse const& response, std::string const& url) {
  std::map<std::string, std::string> metadata{{"url", UrlWithoutQuery(url)}};
  ErrorInfo info;
  info.reason = "OAUTH_ERROR";
  info.http_status = response.status;
  ErrorCode code = ErrorCodeFromHttpStatus(response.status);
  if (code == ErrorCode::kOk) code = ErrorCode::kUnknown;
  std::string message =
      "token endpoint answered HTTP " + std::to_string(response.status);
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response.body, ec);
  if (!ec && body.is_object()) {
    auto const& o = body.get_object();
    if (auto error = GetString(o, "error")) {
      metadata["oauth_error"] = EscapeForMessage(RedactForLog(*error), 100);
      message += ": " + metadata["oauth_error"];
      for (auto const& kind : kOAuthErrors) {
        if (kind.error == *error) {
          info.reason = std::string(kind.reason);
          code = kind.code;
        }
      }
    }
    if (auto description = GetString(o, "error_description")) {
      metadata["error_description"] =
          EscapeForMessage(RedactForLog(*description), 300);
      message += " (" + metadata["error_description"] + ")";
    }
  }
  if (auto request_id = FindHeader(response.headers, "X-EBAY-C-REQUEST-ID")) {
    info.request_id = std::string(*request_id);
  }
  info.metadata = std::move(metadata);
  info.domain = "oauth";
  return Status(code, std::move(message), std::move(info));
}

Status BadResponse(std::string message, std::string const& url, int status) {
  ErrorInfo info;
  info.reason = "OAUTH_BAD_RESPONSE";
  info.domain = "oauth";
  info.http_status = status;
  info.metadata = {{"url", UrlWithoutQuery(url)}};
  return Status(ErrorCode::kInternal, std::move(message), std::move(info));
}

struct FetcherState {
  std::shared_ptr<HttpTransport> transport;
  OAuthClientOptions options;
  std::function<Instant()> now;
  std::mutex mu;  // guards options.refresh_token (rotated by the server)
};

StatusOr<AccessToken> FetchToken(FetcherState& state) {
  OAuthClientOptions const& options = state.options;
  std::string refresh_token;
  {
    std::lock_guard lock(state.mu);
    refresh_token = options.refresh_token;
  }
  std::string scope;
  for (auto const& s : options.scopes) {
    if (!scope.empty()) scope += ' ';
    scope += s;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = options.token_url;
  request.body = refresh_token.empty()
                     ? "grant_type=client_credentials"
                     : "grant_type=refresh_token&refresh_token=" +
                           FormEncode(refresh_token);
  if (!scope.empty()) request.body += "&scope=" + FormEncode(scope);
  SetHeader(request.headers, "Content-Type",
            "application/x-www-form-urlencoded");
  SetHeader(request.headers, "Accept", "application/json");
  SetHeader(request.headers, "Authorization",
            "Basic " + Base64Encode(FormEncode(options.client_id) + ":" +
                                    FormEncode(options.client_secret)));

  Instant const sent_at = state.now();
  StatusOr<HttpResponse> result = state.transport->Send(request);
  if (!result.ok()) {
    return result.status().WithMetadata("operation", "oauth_token");
  }
  HttpResponse const& response = *result;
  if (response.status < 200 || response.status > 299) {
    return OAuthError(response, options.token_url);
  }
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response.body, ec);
  if (ec || !body.is_object()) {
    return BadResponse("token endpoint answered with no JSON object",
                       options.token_url, response.status);
  }
  auto const& o = body.get_object();
  std::optional<std::string> access_token = GetString(o, "access_token");
  if (!access_token || access_token->empty()) {
    return BadResponse("token endpoint answered without access_token",
                       options.token_url, response.status);
  }
  AccessToken token;
  token.value = std::move(*access_token);
  std::int64_t lifetime =
      GetSeconds(o, "expires_in").value_or(options.default_lifetime.count());
  token.expires_at =
      sent_at + std::chrono::seconds(std::max<std::int64_t>(0, lifetime));
  token.token_type = GetString(o, "token_type").value_or("");
  if (auto rotated = GetString(o, "refresh_token");
      rotated && !rotated->empty() && !refresh_token.empty()) {
    token.refresh_token = *rotated;
    std::lock_guard lock(state.mu);
    state.options.refresh_token = *rotated;
  }
  return token;
}

}  // namespace

TokenProvider::TokenProvider(TokenFetcher fetch, std::function<Instant()> now,
                             std::chrono::seconds refresh_margin)
    : fetch_(std::move(fetch)),
      now_(std::move(now)),
      refresh_margin_(refresh_margin) {
  if (!now_) {
    now_ = [] {
      return std::chrono::floor<std::chrono::seconds>(
          std::chrono::system_clock::now());
    };
  }
}

bool TokenProvider::Fresh(AccessToken const& token) const {
  return now_() + refresh_margin_ < token.expires_at;
}

StatusOr<AccessToken> TokenProvider::Token() { return Acquire(std::nullopt); }

StatusOr<AccessToken> TokenProvider::Refresh(std::string_view rejected) {
  return Acquire(rejected);
}

std::int64_t TokenProvider::fetch_count() const {
  std::lock_guard lock(mu_);
  return generation_;
}

StatusOr<AccessToken> TokenProvider::Acquire(
    std::optional<std::string_view> rejected) {
  std::unique_lock lock(mu_);
  if (fetching_) {
    // Someone is fetching: wait for that fetch and share its result.
    std::int64_t const generation = generation_;
    fetched_.wait(lock, [&] { return generation_ != generation; });
    return last_result_;
  }
  if (cached_ && Fresh(*cached_) &&
      (!rejected || cached_->value != *rejected)) {
    return *cached_;
  }
  fetching_ = true;
  lock.unlock();
  StatusOr<AccessToken> result =
      InternalError("no token fetcher", "OAUTH_NO_FETCHER");
  if (fetch_) {
    try {
      result = fetch_();
    } catch (std::exception const& e) {
      result = InternalError(std::string("token fetcher threw: ") + e.what(),
                             "OAUTH_FETCHER_THREW");
    } catch (...) {
      result = InternalError("token fetcher threw", "OAUTH_FETCHER_THREW");
    }
  }
  lock.lock();
  fetching_ = false;
  ++generation_;
  if (result.ok()) cached_ = *result;
  last_result_ = result;
  lock.unlock();
  fetched_.notify_all();
  return result;
}

TokenFetcher MakeOAuthTokenFetcher(std::shared_ptr<HttpTransport> transport,
                                   OAuthClientOptions options,
                                   std::function<Instant()> now) {
  if (!now) {
    now = [] {
      return std::chrono::floor<std::chrono::seconds>(
          std::chrono::system_clock::now());
    };
  }
  auto state = std::make_shared<FetcherState>();
  state->transport = std::move(transport);
  state->options = std::move(options);
  state->now = std::move(now);
  return [state]() -> StatusOr<AccessToken> {
    if (!state->transport) {
      return FailedPreconditionError("OAuth token fetcher has no transport",
                                     "HTTP_NO_TRANSPORT");
    }
    return FetchToken(*state);
  };
}

}  // namespace v1
}  // namespace sanbao
