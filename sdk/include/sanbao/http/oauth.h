#pragma once

// OAuth 2.0 access tokens: a thread-safe cache that refreshes once for all
// threads, and a fetcher for the refresh_token / client_credentials grants.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/http/http.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

struct AccessToken {
  std::string value{};
  Instant expires_at{};
  /// As the server named it ("Bearer", eBay: "User Access Token"); may be
  /// empty.
  std::string token_type{};
  /// A new refresh token when the server rotated it (RFC 6749 §6), else
  /// empty. MakeOAuthTokenFetcher uses it for the next refresh by itself;
  /// callers that persist refresh tokens should store it.
  std::string refresh_token{};
};

using TokenFetcher = std::function<StatusOr<AccessToken>()>;

/// Caches one access token. Thread-safe; share via std::shared_ptr. At most
/// one fetch runs at a time: threads that need a token while a fetch is
/// running wait for it and all receive its result (token or error). A failed
/// fetch is not cached; the next call tries again.
class TokenProvider {
 public:
  TokenProvider(
      TokenFetcher fetch, std::function<Instant()> now,
      std::chrono::seconds refresh_margin = std::chrono::seconds(300));

  TokenProvider(TokenProvider const&) = delete;
  TokenProvider& operator=(TokenProvider const&) = delete;

  /// The cached token while now() + refresh_margin < expires_at; else
  /// fetches a new one.
  StatusOr<AccessToken> Token();

  /// After a 401 with token `rejected`: fetches a new token unless the cached
  /// one is already different from `rejected` (another thread refreshed) and
  /// still fresh, in which case that one is returned.
  StatusOr<AccessToken> Refresh(std::string_view rejected);

  /// How many fetches have run (for diagnostics and tests).
  std::int64_t fetch_count() const;

 private:
  StatusOr<AccessToken> Acquire(std::optional<std::string_view> rejected);
  bool Fresh(AccessToken const& token) const;

  TokenFetcher fetch_;
  std::function<Instant()> now_;
  std::chrono::seconds refresh_margin_;

  mutable std::mutex mu_;
  std::condition_variable fetched_;
  bool fetching_ = false;
  std::int64_t generation_ = 0;
  std::optional<AccessToken> cached_;
  StatusOr<AccessToken> last_result_;
};

/// A transport that sends every request through `inner` with
/// `Authorization: <scheme> <token>` from `tokens` (any Authorization the
/// request carries is replaced), and sends the requests answered 401 once
/// more with a refreshed token. A 401 means the request never reached the
/// API's business logic (RFC 6750 §3.1, invalid_token; RFC 9110 §15.5.2), so
/// this is safe for a POST too. A second 401 is returned as it is; a token
/// that cannot be had is every pending request's error. Decorators compose:
/// a signing transport goes inside this one, so a resend is signed again.
std::shared_ptr<HttpTransport> MakeTokenTransport(
    std::shared_ptr<HttpTransport> inner, std::shared_ptr<TokenProvider> tokens,
    std::string scheme = "Bearer");

struct OAuthClientOptions {
  std::string token_url{};  ///< https://api.ebay.com/identity/v1/oauth2/token
  std::string client_id{};
  std::string client_secret{};
  std::string refresh_token{};  ///< empty: client_credentials grant
  std::vector<std::string> scopes{};
  /// Used when the response has no expires_in (RFC 6749 §5.1 makes it
  /// RECOMMENDED only).
  std::chrono::seconds default_lifetime{3600};
};

/// Fetches tokens from `options.token_url` with the RFC 6749 §6
/// refresh_token grant (or §4.4 client_credentials when refresh_token is
/// empty): POST, client authentication by HTTP Basic (client_id:client_secret,
/// §2.3.1), form body with grant_type, refresh_token and the space-separated
/// scope. The JSON answer {access_token, expires_in, token_type,
/// refresh_token?} becomes an AccessToken expiring at now() + expires_in. A
/// rotated refresh token is used for later fetches.
///
/// Errors: an OAuth error body {error, error_description} (RFC 6749 §5.2)
/// becomes reason OAUTH_INVALID_GRANT, OAUTH_INVALID_CLIENT,
/// OAUTH_INVALID_SCOPE, OAUTH_INVALID_REQUEST, OAUTH_UNAUTHORIZED_CLIENT,
/// OAUTH_UNSUPPORTED_GRANT_TYPE or OAUTH_ERROR, with metadata "oauth_error",
/// "error_description" (redacted) and http_status; a 2xx without a usable
/// token is OAUTH_BAD_RESPONSE; transport errors are returned as they are.
/// Secrets never appear in a Status.
TokenFetcher MakeOAuthTokenFetcher(std::shared_ptr<HttpTransport> transport,
                                   OAuthClientOptions options,
                                   std::function<Instant()> now);

}  // namespace v1
}  // namespace sanbao
