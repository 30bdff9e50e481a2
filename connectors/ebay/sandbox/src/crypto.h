#pragma once

// Digests and Base64 for the sandbox (OpenSSL stays in crypto.cc).

#include <optional>
#include <string>
#include <string_view>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace sandbox_internal {

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);
/// Raw 16-byte MD5 digest.
std::string Md5(std::string_view data);
/// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);

}  // namespace sandbox_internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
