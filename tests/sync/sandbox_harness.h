#pragma once

// An eBay sandbox served over HTTP inside the test process, with a hook
// that can script faults as requests arrive.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "sanbao/ebay/sandbox.h"
#include "sanbao/server/http_server.h"

namespace sanbao {
inline namespace v1 {
namespace testing_util {

class SandboxHarness {
 public:
  /// Called before each request is handled, with the number of Post-Order
  /// search calls seen so far (this one included).
  using Hook = std::function<void(ServerRequest const&, int searches)>;

  explicit SandboxHarness(ebay::EbaySandboxOptions options, Hook hook = {})
      : hook_(std::move(hook)) {
    auto sandbox = ebay::EbaySandbox::Create(std::move(options));
    if (!sandbox) throw std::runtime_error(sandbox.status().ToString());
    sandbox_ = *std::move(sandbox);
    HttpServerOptions server;
    server.threads = 4;
    auto started = HttpServer::Start(server, [this](ServerRequest const& r) {
      int searches = searches_;
      if (r.target.find("/return/search") != std::string::npos) {
        searches = ++searches_;
      }
      if (hook_) hook_(r, searches);
      return sandbox_->Handle(r);
    });
    if (!started) throw std::runtime_error(started.status().ToString());
    server_ = *std::move(started);
  }
  ~SandboxHarness() { server_->Stop(); }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
  }
  ebay::EbaySandbox& sandbox() { return *sandbox_; }

  /// POST /sandbox/v1/faults with `json` (a JSON object).
  void Faults(std::string const& json) {
    ServerRequest r;
    r.method = "POST";
    r.target = "/sandbox/v1/faults";
    r.headers = {{"Content-Type", "application/json"}};
    r.body = json;
    auto response = sandbox_->Handle(r);
    if (response.status != 200) {
      throw std::runtime_error("faults: " + response.body);
    }
  }

 private:
  Hook hook_;
  std::atomic<int> searches_{0};
  std::unique_ptr<ebay::EbaySandbox> sandbox_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace testing_util
}  // namespace v1
}  // namespace sanbao
