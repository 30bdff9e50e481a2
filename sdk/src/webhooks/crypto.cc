#include "sanbao/webhooks/crypto.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>

namespace sanbao {
inline namespace v1 {
namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The digest named `name` from the default library context, fetched on
// first use and kept: crypto(7), "Performance": "If you perform the same
// operation many times then it is recommended to use "Explicit fetching" to
// prefetch an algorithm once initially, and then pass this created object to
// any operations that are currently using "Implicit fetching"" (EVP_md5()
// and the like). A failed fetch (MD5 under a FIPS-only configuration, say)
// is not kept: the next call fetches again.
EVP_MD const* CachedDigest(std::atomic<EVP_MD*>& slot, char const* name) {
  if (auto* md = slot.load(std::memory_order_acquire)) return md;
  EVP_MD* fetched = EVP_MD_fetch(nullptr, name, nullptr);
  if (fetched == nullptr) return nullptr;
  EVP_MD* expected = nullptr;
  if (!slot.compare_exchange_strong(expected, fetched,
                                    std::memory_order_acq_rel)) {
    EVP_MD_free(fetched);  // another thread's fetch won
    return expected;
  }
  return fetched;
}

std::string Digest(EVP_MD const* md, std::string_view data) {
  if (md == nullptr) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) !=
      1) {
    return {};
  }
  return std::string(reinterpret_cast<char const*>(out.data()), length);
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  if (bytes.size() - i == 1) {
    unsigned v = byte(i) << 16;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out += "==";
  } else if (bytes.size() - i == 2) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  auto invalid = [&](std::string why) {
    return InvalidArgumentError("invalid base64: " + why, "BASE64_INVALID",
                                {{"length", std::to_string(text.size())}});
  };
  if (text.size() % 4 != 0) return invalid("length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return invalid("data after padding");
      v[k] = Base64Value(c);
      if (v[k] < 0) return invalid("unexpected character");
    }
    unsigned bits =
        static_cast<unsigned>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xff));
    // Canonical form: the bits dropped by the padding must be zero.
    if ((padding == 2 && (bits & 0xffff) != 0) ||
        (padding == 1 && (bits & 0xff) != 0)) {
      return invalid("non-zero padding bits");
    }
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Md5(std::string_view data) {
  static std::atomic<EVP_MD*> md{nullptr};
  return Digest(CachedDigest(md, "MD5"), data);
}
std::string Sha1(std::string_view data) {
  static std::atomic<EVP_MD*> md{nullptr};
  return Digest(CachedDigest(md, "SHA1"), data);
}
std::string Sha256(std::string_view data) {
  static std::atomic<EVP_MD*> md{nullptr};
  return Digest(CachedDigest(md, "SHA256"), data);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<unsigned char const*>(data.data()), data.size(),
           out.data(), &length) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<char const*>(out.data()), length);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status VerifyPublicKeySignature(std::string_view public_key_pem,
                                SignatureDigest digest, std::string_view data,
                                std::string_view signature) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(
      public_key_pem.data(), static_cast<int>(public_key_pem.size())));
  if (!bio) {
    return InternalError("cannot allocate a BIO", "CRYPTO_INTERNAL");
  }
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    return InvalidArgumentError("the public key is not a PEM public key",
                                "CRYPTO_KEY_INVALID");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) {
    return InternalError("cannot allocate a digest context", "CRYPTO_INTERNAL");
  }
  EVP_MD const* md =
      digest == SignatureDigest::kSha1 ? EVP_sha1() : EVP_sha256();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("the key cannot verify with this digest",
                                "CRYPTO_KEY_INVALID");
  }
  int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<unsigned char const*>(signature.data()),
      signature.size(), reinterpret_cast<unsigned char const*>(data.data()),
      data.size());
  if (ok != 1) {
    ERR_clear_error();
    return InvalidArgumentError("the signature does not verify",
                                "CRYPTO_SIGNATURE_MISMATCH");
  }
  return Status();
}

}  // namespace v1
}  // namespace sanbao
