// HTTP message signatures (RFC 9421) and Content-Digest (RFC 9530) as eBay
// requires them for EU/UK-domiciled sellers.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "ebay_test_support.h"
#include "sanbao/ebay/connection.h"
#include "sanbao/ebay/signing.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

// The Ed25519 test key of RFC 9421 Appendix B.1.4 ("test-key-ed25519"),
// which eBay/digital-signature-verification-ebay-api README.md also
// publishes as its test key.
constexpr char kEd25519Private[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kEd25519Public[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n"
    "-----END PUBLIC KEY-----\n";

// The test JWE of the README as it stands (eBay/digital-signature-
// verification-ebay-api@19545f9 README.md, "Public Key (as JWE)", Ed25519).
constexpr char kReadmeJwe[] =
    "eyJ6aXAiOiJERUYiLCJlbmMiOiJBMjU2R0NNIiwidGFnIjoiSXh2dVRMb0FLS0hlS0Zoa3Bx"
    "Q05CUSIsImFsZyI6IkEyNTZHQ01LVyIsIml2IjoiaFd3YjNoczk2QzEyOTNucCJ9.2o02pR9"
    "SoTF4g_5qRXZm6tF4H52TarilIAKxoVUqjd8.3qaF0KJN-rFHHm_P.AMUAe9PPduew09mANI"
    "Z-O_68CCuv6EIx096rm9WyLZnYz5N1WFDQ3jP0RBkbaOtQZHImMSPXIHVaB96RWshLuJsUgC"
    "KmTAwkPVCZv3zhLxZVxMXtPUuJ-ppVmPIv0NzznWCOU5Kvb9Xux7ZtnlvLXgwOFEix-BaWNo"
    "mUAazbsrUCbrp514GIea3butbyxXLNi6R9TJUNh8V2uan-optT1MMyS7eMQnVGL5rYBULk.9"
    "K5ucUqAu0DqkkhgubsHHw";

// The JWE of the README's curl example at eBay/digital-signature-
// verification-ebay-api@60faf13 (2022-08-10), the version whose Signature
// value tests/fixtures/marketplaces/ebay/eu_digital_signature_vector.json
// copies.
constexpr char kReadme2022Jwe[] =
    "eyJ6aXAiOiJERUYiLCJlbmMiOiJBMjU2R0NNIiwidGFnIjoiSGdLcjNSSWFlZll0Mkd4blBU"
    "UTEwUSIsImFsZyI6IkEyNTZHQ01LVyIsIml2IjoiQTVOQXFYUXlITkNIT01GVSJ9.z3JcS0v"
    "vxrYboqpySAq_Znww-3V6AllxmJP5JEMkuLY.K1f4MVMEc8ylbfSS.fASwJyMCk2tXZsNWk1"
    "3IcuVgSWTOcynSdAoJrK4WApZANlxAP9J0qr0Jz_4aFldFDSZ5tfuxLGqzJmWU7CiZWwNjk2"
    "XoVy8q5ogMrFNFwFXP4SrX1XORhNLZPTyS5DEqLDPYn2NX944xendEwfcxxXsTSeNCUnmSyf"
    "itiscUC04GYOfn0UWQ2buSWx7Yod0IR2GtTGUsM9o3J-riuNDKhw.rRsWM1Sl_2stTnZLJkW"
    "VmQ";

std::string Field(boost::json::value const& v, char const* key) {
  return std::string(v.at(key).as_string());
}

TEST(EbaySigning, ContentDigestMatchesTheDocumentedVector) {
  auto vector = testing::LoadFixture("eu_digital_signature_vector.json");
  EXPECT_EQ(ContentDigest(Field(vector, "body")),
            Field(vector, "Content-Digest"));
  EXPECT_EQ(ContentDigest(R"({"hello": "world"})"),
            "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
}

TEST(EbaySigning, SignatureBaseIsBuiltAsRfc9421Section25) {
  SignatureComponents c{
      .content_digest =
          "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
      .signature_key = "jwe-value",
      .method = "POST",
      .path = "/post-order/v2/return/5000012345/decide",
      .authority = "api.ebay.com",
      .created = 1740000000};
  EXPECT_EQ(SignatureBase(c),
            "\"content-digest\": "
            "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n"
            "\"x-ebay-signature-key\": jwe-value\n"
            "\"@method\": POST\n"
            "\"@path\": /post-order/v2/return/5000012345/decide\n"
            "\"@authority\": api.ebay.com\n"
            "\"@signature-params\": (\"content-digest\" "
            "\"x-ebay-signature-key\" \"@method\" \"@path\" "
            "\"@authority\");created=1740000000");
  EXPECT_EQ(SignatureInput(c),
            "sig1=(\"content-digest\" \"x-ebay-signature-key\" \"@method\" "
            "\"@path\" \"@authority\");created=1740000000");
  c.content_digest.clear();
  EXPECT_EQ(SignatureInput(c),
            "sig1=(\"x-ebay-signature-key\" \"@method\" \"@path\" "
            "\"@authority\");created=1740000000");
}

// Ed25519 is deterministic (RFC 8032), so the README's examples can be
// reproduced byte for byte: POST /verifysignature to localhost:8080, body
// {"hello": "world"}.
TEST(EbaySigning, ReproducesTheReadmeSignatures) {
  auto vector = testing::LoadFixture("eu_digital_signature_vector.json");
  SignatureComponents fixture{.content_digest = Field(vector, "Content-Digest"),
                              .signature_key = kReadme2022Jwe,
                              .method = "POST",
                              .path = "/verifysignature",
                              .authority = "localhost:8080",
                              .created = 1659651955};
  EXPECT_EQ("sig1=" + SignatureInput(fixture).substr(5),
            Field(vector, "Signature-Input"));
  auto signature = SignBase(SignatureBase(fixture), kEd25519Private);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ("sig1=:" + *signature + ":", Field(vector, "Signature"));
  EXPECT_TRUE(
      VerifyBase(SignatureBase(fixture), *signature, kEd25519Public).ok());

  SignatureComponents current = fixture;
  current.signature_key = kReadmeJwe;
  current.created = 1658440308;
  auto readme = SignBase(SignatureBase(current), kEd25519Private);
  ASSERT_TRUE(readme.ok());
  EXPECT_EQ(*readme,
            "ZMUpAejnqrt6POSx02ltx3cT9YODV2r+Cem/BKOagDSfztKOtCsjP/MxZqmY+"
            "FVJ3/8E4BL76T9Fjty8oJnsAw==");
}

TEST(EbaySigning, SignedRequestVerifiesAndFailsWhenTheBodyChanges) {
  HttpRequest request{.method = "POST",
                      .url =
                          "https://API.ebay.com:443/post-order/v2/return/"
                          "5000012346/issue_refund?x=1",
                      .body = R"({"refundDetail":{}})"};
  SigningKey key{.private_key_pem = kEd25519Private,
                 .signature_key_jwe = "jwe-value"};
  ASSERT_TRUE(
      SignRequest(request, key, Instant(std::chrono::seconds(1740000000)))
          .ok());
  EXPECT_EQ(FindHeader(request.headers, "Content-Digest").value(),
            ContentDigest(request.body));
  EXPECT_EQ(FindHeader(request.headers, "x-ebay-signature-key").value(),
            "jwe-value");
  auto signature_header =
      std::string(FindHeader(request.headers, "Signature").value());
  ASSERT_TRUE(signature_header.starts_with("sig1=:"));
  auto signature = signature_header.substr(6, signature_header.size() - 7);

  SignatureComponents c{.content_digest = ContentDigest(request.body),
                        .signature_key = "jwe-value",
                        .method = "POST",
                        .path = "/post-order/v2/return/5000012346/issue_refund",
                        .authority = "api.ebay.com",
                        .created = 1740000000};
  EXPECT_EQ(FindHeader(request.headers, "Signature-Input").value(),
            SignatureInput(c));
  EXPECT_TRUE(VerifyBase(SignatureBase(c), signature, kEd25519Public).ok());

  c.content_digest = ContentDigest(R"({"refundDetail":{"x":1}})");
  auto tampered = VerifyBase(SignatureBase(c), signature, kEd25519Public);
  EXPECT_EQ(tampered.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(tampered.reason(), "EBAY_SIGNATURE_INVALID");
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return text;
}

// A fresh RSA key per run: the README's RSA test key is RSASSA-PSS (RFC 9421
// B.1.2), which eBay's PKCS#1 v1.5 scheme does not use.
std::pair<std::string, std::string> FreshRsaKey() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  EVP_PKEY_free(key);
  return {BioText(priv), BioText(pub)};
}

TEST(EbaySigning, TheSigningTransportSignsEachRequestItSends) {
  auto inner = std::make_shared<testing::ScriptedTransport>();
  inner->ThenRespond(testing::JsonResponse(200, "{}"));
  inner->ThenRespond(testing::JsonResponse(200, "{}"));
  SigningKey key{.private_key_pem = kEd25519Private,
                 .signature_key_jwe = "jwe-value"};
  Instant at(std::chrono::seconds(1740000000));
  auto transport = MakeSigningTransport(inner, key, [at] { return at; });
  std::vector<HttpRequest> requests{
      {.method = "POST",
       .url = "https://api.ebay.com/post-order/v2/return/1/decide",
       .body = R"({"decision":"APPROVE"})"},
      {.method = "POST", .url = "not a url", .body = "{}"},
      {.method = "POST",
       .url = "https://api.ebay.com/post-order/v2/return/2/issue_refund",
       .body = R"({"refundDetail":{}})"},
  };
  auto results = transport->SendAll(requests);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].status().reason(), "EBAY_SIGNING_FAILED");
  EXPECT_TRUE(results[2].ok());
  // The unsignable request never left.
  ASSERT_EQ(inner->requests.size(), 2u);
  for (auto const& sent : inner->requests) {
    auto header = std::string(FindHeader(sent.headers, "Signature").value());
    auto parts = internal::SplitUrl(sent.url).value();
    SignatureComponents c{.content_digest = ContentDigest(sent.body),
                          .signature_key = "jwe-value",
                          .method = "POST",
                          .path = parts.path,
                          .authority = parts.authority,
                          .created = 1740000000};
    EXPECT_TRUE(VerifyBase(SignatureBase(c),
                           header.substr(6, header.size() - 7), kEd25519Public)
                    .ok())
        << sent.url;
  }
  // The caller's requests are left as they were.
  EXPECT_FALSE(FindHeader(requests[0].headers, "Signature").has_value());
}

TEST(EbaySigning, RsaPkcs1Sha256SignsAndVerifies) {
  auto [priv, pub] = FreshRsaKey();
  ASSERT_FALSE(priv.empty());
  auto signature = SignBase("base", priv);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_TRUE(VerifyBase("base", *signature, pub).ok());
  EXPECT_FALSE(VerifyBase("base2", *signature, pub).ok());
  // PKCS#1 v1.5 is deterministic: the same base signs the same.
  EXPECT_EQ(SignBase("base", priv).value(), *signature);
}

TEST(EbaySigning, BadKeysAreReported) {
  EXPECT_EQ(SignBase("x", "not a key").status().reason(),
            "EBAY_SIGNING_KEY_INVALID");
  EXPECT_EQ(VerifyBase("x", "AAAA", "not a key").reason(),
            "EBAY_SIGNING_KEY_INVALID");
  EXPECT_EQ(VerifyBase("x", "@@", kEd25519Public).reason(),
            "EBAY_SIGNATURE_INVALID");

  EbayOptions options;
  options.transport = std::make_shared<testing::ScriptedTransport>();
  options.user_tokens = testing::NumberedTokens(testing::TestNow());
  options.signing =
      SigningKey{.private_key_pem = "garbage", .signature_key_jwe = "jwe"};
  EXPECT_EQ(MakeEbayConnection(options).status().reason(),
            "EBAY_SIGNING_KEY_INVALID");
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
