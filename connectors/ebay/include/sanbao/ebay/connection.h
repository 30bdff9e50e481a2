#pragma once

// sanbao::ebay — the eBay connector: Post-Order API v2 returns and the Sell
// Fulfillment API's getOrder, behind sanbao::ReturnsConnection
// (docs/guides/ebay.md).
//
// Wire facts:
//   * Post-Order takes the OAuth user token with the `IAF` scheme; the
//     Fulfillment API takes the same token as `Bearer` ("Using OAuth with the
//     eBay traditional APIs",
//     https://developer.ebay.com/api-docs/static/oauth-trad-apis.html; the
//     npm client ebay-api 9.6.0, dist/auth/index.js,
//     https://github.com/hendt/ebay-api).
//   * Post-Order has no idempotency key (eBay Post-Order API: Issue Return
//     Refund,
//     https://developer.ebay.com/Devzone/post-order/post-order_v2_return-returnid_issue_refund__post.html):
//     IssueRefund reads the return before it sends, and after any answer it
//     did not get it reads again instead of resending blindly, so an unknown
//     outcome never becomes a second refund.
//   * EU/UK-domiciled sellers sign decide and issue_refund with RFC 9421 HTTP
//     message signatures (sanbao/ebay/signing.h).

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sanbao/connection.h"
#include "sanbao/http/http.h"
#include "sanbao/http/oauth.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

/// HTTP message signatures for EU/UK-domiciled sellers (eBay, "Digital
/// Signatures for APIs",
/// https://developer.ebay.com/develop/guides/digital-signatures-for-apis).
struct SigningKey {
  std::string private_key_pem{};    ///< Ed25519 (preferred) or RSA, PKCS#8
  std::string signature_key_jwe{};  ///< x-ebay-signature-key, from eBay
};

struct EbayOptions {
  std::string api_base = "https://api.ebay.com";  ///< or http://127.0.0.1:PORT
  std::string marketplace_id = "EBAY_US";         ///< X-EBAY-C-MARKETPLACE-ID
  /// Required, e.g. the curl transport wrapped by MakeRetryingTransport. The
  /// connector itself retries nothing but what is documented on IssueRefund
  /// and Decide, and one token refresh after a 401.
  std::shared_ptr<HttpTransport> transport{};
  /// Required: the seller's user access tokens (sanbao/http/oauth.h).
  std::shared_ptr<TokenProvider> user_tokens{};
  /// Set: decide and issue_refund are signed.
  std::optional<SigningKey> signing{};
  /// Default: the system clock. Used for the 18-month search window and the
  /// signature's `created` parameter.
  std::function<Instant()> now{};
  /// ListReturns' page size when the query gives none; 1..200.
  int page_size = 200;
  /// How many times a refund or decision whose outcome was unknown (timeout,
  /// lost connection, 5xx) is sent again after a fresh read showed it had
  /// not been applied. 0: never resend; report the error.
  int max_write_resends = 2;
};

/// The connection keeps no per-call state: one instance may serve several
/// threads when its transport, token provider and `now` are thread-safe (the
/// SDK's are).
///
/// Checks the options (transport and user_tokens set, api_base an http(s)
/// URL, page_size in 1..200, the signing key loadable) and makes the
/// connection. Errors: kInvalidArgument with reason EBAY_OPTIONS_INVALID
/// (metadata "field") or EBAY_SIGNING_KEY_INVALID.
StatusOr<std::unique_ptr<ReturnsConnection>> MakeEbayConnection(
    EbayOptions options);

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
