#include "sanbao/ebay/signing.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "internal/crypto.h"
#include "sanbao/ebay/connection.h"
#include "url.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

Status KeyError(std::string message) {
  return InvalidArgumentError(std::move(message), "EBAY_SIGNING_KEY_INVALID");
}

// EVP_DigestSign with no digest for Ed25519 (it hashes internally, RFC 8032),
// SHA-256 for RSA (RFC 9421 §3.3.1: RSASSA-PKCS1-v1_5 using SHA-256).
EVP_MD const* DigestFor(EVP_PKEY* key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
}

bool SupportedKey(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  return id == EVP_PKEY_ED25519 || id == EVP_PKEY_RSA;
}

}  // namespace

std::string ContentDigest(std::string_view body) {
  return "sha-256=:" + Base64Encode(Sha256(body)) + ":";
}

std::string SignatureInput(SignatureComponents const& c) {
  std::string out = "sig1=(";
  if (!c.content_digest.empty()) out += "\"content-digest\" ";
  out += "\"x-ebay-signature-key\" \"@method\" \"@path\" \"@authority\")";
  out += ";created=" + std::to_string(c.created);
  return out;
}

std::string SignatureBase(SignatureComponents const& c) {
  // RFC 9421 §2.5: each covered component in order, then the signature
  // parameters (the Signature-Input value without its label).
  std::string base;
  if (!c.content_digest.empty()) {
    base += "\"content-digest\": " + c.content_digest + "\n";
  }
  base += "\"x-ebay-signature-key\": " + c.signature_key + "\n";
  base += "\"@method\": " + c.method + "\n";
  base += "\"@path\": " + c.path + "\n";
  base += "\"@authority\": " + c.authority + "\n";
  std::string input = SignatureInput(c);
  base += "\"@signature-params\": " + input.substr(input.find('=') + 1);
  return base;
}

StatusOr<std::string> SignBase(std::string_view base,
                               std::string_view private_key_pem) {
  BioPtr bio(BIO_new_mem_buf(private_key_pem.data(),
                             static_cast<int>(private_key_pem.size())));
  if (!bio) return InternalError("out of memory", "EBAY_SIGNING_FAILED");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return KeyError("the signing key is not a PEM private key");
  if (!SupportedKey(key.get())) {
    return KeyError("the signing key must be Ed25519 or RSA");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(key.get()), nullptr,
                         key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<unsigned char const*>(base.data()),
                     base.size()) != 1) {
    return InternalError("could not sign the request", "EBAY_SIGNING_FAILED");
  }
  std::vector<unsigned char> signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size,
                     reinterpret_cast<unsigned char const*>(base.data()),
                     base.size()) != 1) {
    return InternalError("could not sign the request", "EBAY_SIGNING_FAILED");
  }
  return Base64Encode(
      std::string_view(reinterpret_cast<char const*>(signature.data()), size));
}

Status VerifyBase(std::string_view base, std::string_view signature_base64,
                  std::string_view public_key_pem) {
  BioPtr bio(BIO_new_mem_buf(public_key_pem.data(),
                             static_cast<int>(public_key_pem.size())));
  if (!bio) return InternalError("out of memory", "EBAY_SIGNING_FAILED");
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return KeyError("not a PEM public key");
  if (!SupportedKey(key.get())) {
    return KeyError("the key must be Ed25519 or RSA");
  }
  auto signature = Base64Decode(signature_base64);
  if (!signature || signature->empty()) {
    return Status(ErrorCode::kPermissionDenied, "the signature is not base64",
                  ErrorInfo{.reason = "EBAY_SIGNATURE_INVALID"});
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(key.get()),
                                   nullptr, key.get()) != 1) {
    return InternalError("could not verify", "EBAY_SIGNING_FAILED");
  }
  if (EVP_DigestVerify(
          ctx.get(), reinterpret_cast<unsigned char const*>(signature->data()),
          signature->size(),
          reinterpret_cast<unsigned char const*>(base.data()),
          base.size()) != 1) {
    return Status(ErrorCode::kPermissionDenied, "the signature does not verify",
                  ErrorInfo{.reason = "EBAY_SIGNATURE_INVALID"});
  }
  return Status();
}

Status SignRequest(HttpRequest& request, SigningKey const& key,
                   Instant created) {
  auto parts = internal::SplitUrl(request.url);
  if (!parts) {
    return InvalidArgumentError("cannot sign a request without an absolute URL",
                                "EBAY_SIGNING_FAILED", {{"url", request.url}});
  }
  SignatureComponents components{
      .content_digest =
          request.body.empty() ? std::string() : ContentDigest(request.body),
      .signature_key = key.signature_key_jwe,
      .method = request.method,
      .path = parts->path,
      .authority = parts->authority,
      .created = created.time_since_epoch().count(),
  };
  auto signature = SignBase(SignatureBase(components), key.private_key_pem);
  if (!signature) return std::move(signature).status();
  if (!components.content_digest.empty()) {
    SetHeader(request.headers, "Content-Digest", components.content_digest);
  }
  SetHeader(request.headers, "x-ebay-signature-key", key.signature_key_jwe);
  SetHeader(request.headers, "Signature-Input", SignatureInput(components));
  SetHeader(request.headers, "Signature", "sig1=:" + *signature + ":");
  return Status();
}

namespace {

class SigningTransport final : public HttpTransport {
 public:
  SigningTransport(std::shared_ptr<HttpTransport> inner, SigningKey key,
                   std::function<Instant()> now)
      : inner_(std::move(inner)), key_(std::move(key)), now_(std::move(now)) {}

  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    return std::move(SendAll(std::span(&request, 1)).front());
  }

  std::vector<StatusOr<HttpResponse>> SendAll(
      std::span<HttpRequest const> requests) override {
    std::vector<StatusOr<HttpResponse>> results(requests.size());
    std::vector<HttpRequest> signed_requests;
    std::vector<std::size_t> index;
    signed_requests.reserve(requests.size());
    Instant created = now_();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      HttpRequest request = requests[i];
      if (auto s = SignRequest(request, key_, created); !s.ok()) {
        results[i] = std::move(s);
        continue;
      }
      signed_requests.push_back(std::move(request));
      index.push_back(i);
    }
    if (signed_requests.empty()) return results;
    auto responses = inner_->SendAll(signed_requests);
    for (std::size_t k = 0; k < index.size(); ++k) {
      results[index[k]] = std::move(responses[k]);
    }
    return results;
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  SigningKey key_;
  std::function<Instant()> now_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeSigningTransport(
    std::shared_ptr<HttpTransport> inner, SigningKey const& key,
    std::function<Instant()> now) {
  if (!now) {
    now = [] {
      return std::chrono::floor<std::chrono::seconds>(
          std::chrono::system_clock::now());
    };
  }
  return std::make_shared<SigningTransport>(std::move(inner), key,
                                            std::move(now));
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
