#include "internal/crypto.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <string>

namespace sanbao {
inline namespace v1 {
namespace {

// Base64 goes through OpenSSL in chunks whose sizes fit its int lengths: a
// multiple of 3 input bytes encodes without padding, and a multiple of 4
// characters decodes to whole groups, so only the last chunk can be padded.
constexpr std::size_t kEncodeChunk = std::size_t{3} << 20;
constexpr std::size_t kDecodeChunk = std::size_t{4} << 20;

bool IsBase64AlphabetChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '/';
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

// EVP_EncodeBlock(3): "For every 3 bytes of input provided 4 bytes of output
// data will be produced. If n is not divisible by 3 then the block is encoded
// as a final block of data and the output is padded such that it is always
// divisible by 4. Additionally a NUL terminator character will be added."
// It returns the length without the NUL.
// https://www.openssl.org/docs/man3.0/man3/EVP_EncodeBlock.html
std::string Base64Encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');  // and the NUL
  std::size_t written = 0;
  for (std::size_t pos = 0; pos < bytes.size(); pos += kEncodeChunk) {
    std::size_t n = std::min(kEncodeChunk, bytes.size() - pos);
    written += static_cast<std::size_t>(EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(out.data() + written),
        reinterpret_cast<unsigned char const*>(bytes.data() + pos),
        static_cast<int>(n)));
  }
  out.resize(written);
  return out;
}

// EVP_DecodeBlock(3) is more lenient than this decoder: "Any leading
// whitespace will be trimmed as will any trailing whitespace, newlines,
// carriage returns or EOF characters. After such trimming the length of the
// data in f must be divisible by 4. For every 4 input bytes exactly 3 output
// bytes will be produced. The output will be padded with 0 bits if necessary
// to ensure that the output is always 3 bytes for every 4 input bytes."
// https://www.openssl.org/docs/man3.0/man3/EVP_DecodeBlock.html
// Its length counts the padding, and it does not reject a '=' inside the
// data either (OpenSSL 3.0 decodes it as zero bits). So the text is checked
// here first (alphabet characters, then at most two '=' at the very end) and
// the bytes the padding stands for are dropped from its result.
StatusOr<std::string> Base64Decode(std::string_view text) {
  auto invalid = [&](std::string why) {
    return InvalidArgumentError("invalid base64: " + why, "BASE64_INVALID",
                                {{"length", std::to_string(text.size())}});
  };
  if (text.size() % 4 != 0) return invalid("length is not a multiple of 4");
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() &&
         text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  std::string_view data = text.substr(0, text.size() - padding);
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (IsBase64AlphabetChar(data[i])) continue;
    if (data[i] == '=' &&
        data.find_first_not_of('=', i) != std::string_view::npos) {
      return invalid("data after padding");
    }
    return invalid("unexpected character");
  }
  std::string out(text.size() / 4 * 3, '\0');
  for (std::size_t pos = 0; pos < text.size(); pos += kDecodeChunk) {
    std::size_t n = std::min(kDecodeChunk, text.size() - pos);
    int length = EVP_DecodeBlock(
        reinterpret_cast<unsigned char*>(out.data() + pos / 4 * 3),
        reinterpret_cast<unsigned char const*>(text.data() + pos),
        static_cast<int>(n));
    if (length < 0 || static_cast<std::size_t>(length) != n / 4 * 3) {
      return invalid("unexpected character");
    }
  }
  // Canonical form: the bits the padding drops must be zero, and those are
  // exactly the bytes EVP_DecodeBlock produced for the padding.
  for (std::size_t k = 0; k < padding; ++k) {
    if (out[out.size() - 1 - k] != '\0')
      return invalid("non-zero padding bits");
  }
  out.resize(out.size() - padding);
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
