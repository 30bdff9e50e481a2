#pragma once

// HTTP message signatures as eBay requires them for EU/UK-domiciled sellers
// (eBay, "Digital Signatures for APIs",
// https://developer.ebay.com/develop/guides/digital-signatures-for-apis;
// README.md of
// https://github.com/eBay/digital-signature-verification-ebay-api): RFC 9530
// Content-Digest and an RFC 9421 signature over
//   ("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority")
// with Ed25519 or RSASSA-PKCS1-v1_5 SHA-256.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sanbao/http/http.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

struct SigningKey;

/// `sha-256=:<base64 SHA-256 of body>:` (RFC 9530 §2).
std::string ContentDigest(std::string_view body);

/// The covered components of one request.
struct SignatureComponents {
  std::string content_digest{};  ///< empty: the request has no body
  std::string signature_key{};   ///< x-ebay-signature-key
  std::string method{};          ///< "POST"
  std::string path{};            ///< "/post-order/v2/return/1/decide"
  std::string authority{};       ///< "api.ebay.com", "127.0.0.1:8080"
  std::int64_t created = 0;      ///< Unix seconds
};

/// `sig1=("content-digest" "x-ebay-signature-key" "@method" "@path"
/// "@authority");created=N` (without "content-digest" when the request has
/// no body), the Signature-Input value.
std::string SignatureInput(SignatureComponents const& components);

/// The signature base of RFC 9421 §2.5: one line per covered component
/// (`"name": value`), then `"@signature-params": <inner list>`, joined by
/// LF with no trailing newline.
std::string SignatureBase(SignatureComponents const& components);

/// Signs `base` with the PKCS#8 PEM key (Ed25519, or RSA with PKCS#1 v1.5
/// and SHA-256); base64. Errors: EBAY_SIGNING_KEY_INVALID (kInvalidArgument),
/// EBAY_SIGNING_FAILED (kInternal).
StatusOr<std::string> SignBase(std::string_view base,
                               std::string_view private_key_pem);

/// Verifies a base64 signature over `base` with a PEM public key (SPKI).
/// Errors: EBAY_SIGNATURE_INVALID (kPermissionDenied),
/// EBAY_SIGNING_KEY_INVALID.
Status VerifyBase(std::string_view base, std::string_view signature_base64,
                  std::string_view public_key_pem);

/// Adds Content-Digest (when the body is not empty), x-ebay-signature-key,
/// Signature-Input and Signature to `request` (an absolute URL), signed at
/// `created`.
Status SignRequest(HttpRequest& request, SigningKey const& key,
                   Instant created);

/// A transport that signs every request with `key` at now() (SignRequest)
/// and sends it through `inner`. A request that cannot be signed is not
/// sent: its result is the signing error. Place it inside the token
/// transport (MakeTokenTransport), so that a request resent after a token
/// refresh is signed again.
std::shared_ptr<HttpTransport> MakeSigningTransport(
    std::shared_ptr<HttpTransport> inner, SigningKey const& key,
    std::function<Instant()> now);

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
