// eBay Commerce Notification API deliveries: the X-EBAY-SIGNATURE header
// (base64 JSON), the body it signs, and the endpoint challenge's query, as
// the verifier reads them. Input: header NUL body NUL target. Public keys
// come from a fake transport that answers every key request with the test
// key of
// tests/fixtures/marketplaces/ebay/notification_commerce_account_deletion.vector.json
// (generated locally; not an eBay key).
#include <memory>

#include "fuzz_input.h"
#include "sanbao/ebay/notifications.h"

namespace {

class KeyServer : public sanbao::HttpTransport {
 public:
  sanbao::StatusOr<sanbao::HttpResponse> Send(
      sanbao::HttpRequest const&) override {
    sanbao::HttpResponse r;
    r.status = 200;
    r.body =
        R"({"algorithm":"ECDSA","digest":"SHA1","key":"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXXL0vLYJLUgl69egX0RQSYcwk1TC\n7kklTQF2t33z1lUolnQTSNoaIyLTXgHGeJsqqzogk3hC9iW0l2HdfigYww==\n-----END PUBLIC KEY-----\n"})";
    return r;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  using namespace sanbao;
  static auto* verifier = [] {
    ebay::CommerceNotificationOptions options;
    options.api_base = "http://127.0.0.1:9";
    options.verification_token = "fuzz-verification-token-0123456789abcdef";
    options.endpoint_url = "https://example.com/ebay/commerce";
    return new ebay::CommerceNotificationVerifier(
        std::make_shared<KeyServer>(),
        [] { return StatusOr<std::string>(std::string("app-token")); },
        options);
  }();
  auto [header, rest] = fuzz::Split(fuzz::Text(data, size));
  auto [body, target] = fuzz::Split(rest);
  ServerRequest request;
  request.method = "POST";
  request.target = target.empty() ? "/ebay/commerce" : std::string(target);
  request.headers.push_back({"X-EBAY-SIGNATURE", std::string(header)});
  request.headers.push_back({"Content-Type", "application/json"});
  request.body = body;
  (void)verifier->Verify(request);
  request.method = "GET";
  (void)verifier->HandleControl(request);
  return 0;
}
