#include "internal/crypto.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace sanbao {
inline namespace v1 {
namespace {

std::string FixturePath(std::string const& name) {
  return SANBAO_FIXTURES_DIR "/marketplaces/ebay/" + name;
}

std::string ReadFile(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// RFC 4648 §10 test vectors.
TEST(CryptoTest, Base64RoundTripsRfc4648Vectors) {
  std::pair<char const*, char const*> const vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
  std::string binary("\x00\xff\x10\x80", 4);
  EXPECT_EQ(*Base64Decode(Base64Encode(binary)), binary);
}

TEST(CryptoTest, Base64DecodeIsStrict) {
  for (char const* bad :
       {"Zg=", "Zg=a", "Z===", "Zm9v!", "Zh==", "Zm 9v", "=Zm9"}) {
    auto decoded = Base64Decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().reason(), "BASE64_INVALID");
  }
}

TEST(CryptoTest, Base64EmptyInput) {
  EXPECT_EQ(Base64Encode(""), "");
  auto decoded = Base64Decode("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "");
}

// One and two padding characters: the padding is not part of the decoded
// length, and the bits it drops must be zero.
TEST(CryptoTest, Base64PaddingLengths) {
  EXPECT_EQ(Base64Encode(std::string("\xff", 1)), "/w==");
  EXPECT_EQ(Base64Encode(std::string("\xff\xff", 2)), "//8=");
  EXPECT_EQ(*Base64Decode("/w=="), std::string("\xff", 1));
  EXPECT_EQ(*Base64Decode("//8="), std::string("\xff\xff", 2));
  EXPECT_EQ(*Base64Decode("AA=="), std::string("\0", 1));
  EXPECT_EQ(*Base64Decode("AAA="), std::string("\0\0", 2));
  for (char const* bad : {"/x==", "//9=", "Zm9=", "===="}) {
    auto decoded = Base64Decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().reason(), "BASE64_INVALID");
  }
}

// Inputs OpenSSL's EVP_DecodeBlock alone would accept or misread: invalid
// characters (its "EOF character" '-' included, and the URL-safe alphabet),
// padding in the middle, and whitespace anywhere.
TEST(CryptoTest, Base64DecodeRejectsWhatOpenSslTolerates) {
  std::string const bad[] = {
      "Zm9!",         "Zm-v",      "Zm9v----", "Zm_v",
      "Zm9vYm\x80y",  "Zg==Zg==",  "Zm=v",     "=Zm9",
      "Zm9v====",     " Zm9",      "Zm9 ",     "Zm9v    ",
      "Zm9v\r\n\r\n", "\tZm9vYmF", "Zm\n9",    std::string("Zm9\0", 4)};
  for (auto const& text : bad) {
    auto decoded = Base64Decode(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.status().reason(), "BASE64_INVALID");
  }
}

TEST(CryptoTest, Base64RoundTripsEveryByteValueAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    std::string prefix = bytes.substr(0, n);
    std::string encoded = Base64Encode(prefix);
    EXPECT_EQ(encoded.size(), (n + 2) / 3 * 4);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << n;
    EXPECT_EQ(*decoded, prefix);
  }
}

// FIPS 180-2 / RFC 1321 / RFC 3174 examples.
TEST(CryptoTest, DigestsMatchPublishedVectors) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// RFC 4231 test case 2.
TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// Content-Digest example of eBay/digital-signature-verification-ebay-api
// README.md (fixture eu_digital_signature_vector.json).
TEST(CryptoTest, Sha256Base64MatchesTheEbayContentDigestExample) {
  EXPECT_EQ(Base64Encode(Sha256(R"({"hello": "world"})")),
            "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
}

TEST(CryptoTest, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEqual("", "a"));
}

// The eBay platform notification recipe of
// notification_return_created.vector.json
// (https://developer.ebay.com/support/kb-article?KBid=1201).
TEST(CryptoTest, EbayPlatformNotificationSignatureVector) {
  EXPECT_EQ(Base64Encode(Md5("2025-03-02T15:03:25.123Z"
                             "DEV-ID-0000-TEST"
                             "SanbaoTe-Sanbao-PRD-000000000-00000000"
                             "PRD-CERT-0000-TEST")),
            "NQ5AJnRzfq7LEdkSoqwnDA==");
}

// notification_commerce_account_deletion.vector.json: a locally generated
// P-256 test key and an ECDSA-SHA1 signature over the .body bytes.
constexpr char kTestKeyPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXXL0vLYJLUgl69egX0RQSYcwk1TC\n"
    "7kklTQF2t33z1lUolnQTSNoaIyLTXgHGeJsqqzogk3hC9iW0l2HdfigYww==\n"
    "-----END PUBLIC KEY-----\n";
constexpr char kTestSignature[] =
    "MEUCIGeYVCT3c10WysivvyZtSV18Vy86OTgWo0NBPmoFDS+3AiEA6lE19ezqBGhiuufl21Ekxz"
    "6fHRkYUgSEkknnQtCU/VI=";

TEST(CryptoTest, EcdsaSignatureOverTheFixtureBodyVerifies) {
  auto body =
      ReadFile(FixturePath("notification_commerce_account_deletion.body"));
  ASSERT_FALSE(body.empty());
  auto signature = Base64Decode(kTestSignature);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(VerifyPublicKeySignature(kTestKeyPem, SignatureDigest::kSha1,
                                       body, *signature)
                  .ok());
  // One changed byte of the body, or the other digest: no longer valid.
  auto tampered = body;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_EQ(VerifyPublicKeySignature(kTestKeyPem, SignatureDigest::kSha1,
                                     tampered, *signature)
                .reason(),
            "CRYPTO_SIGNATURE_MISMATCH");
  EXPECT_EQ(VerifyPublicKeySignature(kTestKeyPem, SignatureDigest::kSha256,
                                     body, *signature)
                .reason(),
            "CRYPTO_SIGNATURE_MISMATCH");
  EXPECT_EQ(VerifyPublicKeySignature("not a key", SignatureDigest::kSha1, body,
                                     *signature)
                .reason(),
            "CRYPTO_KEY_INVALID");
  EXPECT_EQ(VerifyPublicKeySignature(kTestKeyPem, SignatureDigest::kSha1, body,
                                     "garbage")
                .reason(),
            "CRYPTO_SIGNATURE_MISMATCH");
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
