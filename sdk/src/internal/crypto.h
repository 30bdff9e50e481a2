#pragma once

// Cryptographic building blocks for webhook signatures and request digests.
// Std-only API; OpenSSL is a private detail of sanbao::core. Digests and MACs
// are raw bytes in a std::string; HexEncode/Base64Encode turn them into text.
//
// Private to this tree: not installed, reached through sanbao::core_internal
// (a BUILD_INTERFACE link) by the core, the eBay connector, its notification
// verifiers and sandbox, and the tests.

#include <string>
#include <string_view>

#include "sanbao/status.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

/// Standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(std::string_view bytes);
/// Strict standard base64: the length must be a multiple of four, padding
/// only at the end, no whitespace. Errors: kInvalidArgument, BASE64_INVALID.
StatusOr<std::string> Base64Decode(std::string_view text);

/// Lower-case hexadecimal.
std::string HexEncode(std::string_view bytes);

/// Raw digests. Each uses the implementation OpenSSL's default library
/// context offers on its first successful use (fetched once and kept, so a
/// provider loaded later is not seen); empty when none is available.
std::string Md5(std::string_view data);     ///< 16 bytes
std::string Sha1(std::string_view data);    ///< 20 bytes
std::string Sha256(std::string_view data);  ///< 32 bytes
/// HMAC-SHA256(key, data), 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

/// Compares in time that depends only on the lengths (CRYPTO_memcmp after a
/// length check). Use it for every signature or token comparison.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

enum class SignatureDigest { kSha1, kSha256 };

/// Verifies `signature` (DER for ECDSA, raw for RSA PKCS#1 v1.5) over the raw
/// `data` bytes with the PEM-encoded SubjectPublicKeyInfo `public_key_pem`.
/// OK when the signature is valid. Errors (kInvalidArgument):
/// CRYPTO_KEY_INVALID (the PEM does not parse), CRYPTO_SIGNATURE_MISMATCH
/// (well-formed key, signature does not verify).
Status VerifyPublicKeySignature(std::string_view public_key_pem,
                                SignatureDigest digest, std::string_view data,
                                std::string_view signature);

}  // namespace v1
}  // namespace sanbao
