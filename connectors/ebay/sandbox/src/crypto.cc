#include "crypto.h"

#include <openssl/evp.h>

#include <vector>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace sandbox_internal {
namespace {

std::string Digest(EVP_MD const* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<char const*>(out), len);
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(),
                          reinterpret_cast<unsigned char const*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<char const*>(out.data()),
                     static_cast<std::size_t>(n));
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(3 * (text.size() / 4) + 1);
  int n = EVP_DecodeBlock(out.data(),
                          reinterpret_cast<unsigned char const*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() > 1 && text[text.size() - 2] == '=') --len;
  return std::string(reinterpret_cast<char const*>(out.data()), len);
}

std::string Md5(std::string_view data) { return Digest(EVP_md5(), data); }

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }

}  // namespace sandbox_internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
