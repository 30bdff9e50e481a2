// The eBay sandbox over real sockets: served by sanbao::server_beast, called
// through sanbao::transport_curl, delivering Platform Notifications over HTTP
// to a local receiver that fails the first delivery.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sanbao/ebay/sandbox.h"
#include "sanbao/server/http_server.h"
#include "sanbao/transport/curl.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

namespace json = boost::json;

class Receiver {
 public:
  Receiver() {
    server_ = HttpServer::Start({}, [this](ServerRequest const& r) {
                std::lock_guard lock(mu_);
                bodies_.push_back(r.body);
                HttpResponse response;
                response.status = bodies_.size() == 1 ? 500 : 200;
                return response;
              }).value();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/ebay";
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::unique_ptr<HttpServer> server_;
};

TEST(EbaySandboxWireTest, ServesOverHttpAndDeliversNotifications) {
  Receiver receiver;
  auto transport = MakeCurlTransport(CurlOptions{});
  EbaySandboxOptions o;
  o.seed = 5;
  o.returns = 100;
  o.now = ParseInstant("2025-03-10T12:00:00Z").value();
  o.webhook_url = receiver.url();
  o.webhook_transport = transport;
  o.webhook_initial_backoff = std::chrono::milliseconds(1);
  o.client_id = "app";
  o.client_secret = "cert";
  o.refresh_token = "refresh";
  std::shared_ptr<EbaySandbox> sandbox = EbaySandbox::Create(o).value();
  auto server = HttpServer::Start({}, [sandbox](ServerRequest const& r) {
                  return sandbox->Handle(r);
                }).value();
  std::string base = "http://127.0.0.1:" + std::to_string(server->port());

  HttpRequest token;
  token.method = "POST";
  token.url = base + "/identity/v1/oauth2/token";
  token.headers = {{"Authorization", "Basic YXBwOmNlcnQ="},  // app:cert
                   {"Content-Type", "application/x-www-form-urlencoded"}};
  token.body = "grant_type=refresh_token&refresh_token=refresh";
  auto t = transport->Send(token);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->status, 200) << t->body;
  std::string access(json::parse(t->body).at("access_token").as_string());

  HttpRequest search;
  search.url = base +
               "/post-order/v2/return/"
               "search?limit=200&offset=1&sort=%2BFILING_DATE";
  search.headers = {{"Authorization", "IAF " + access}};
  auto page = transport->Send(search);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(json::parse(page->body)
                .at("paginationOutput")
                .at("totalEntries")
                .as_int64(),
            100);

  HttpRequest create;
  create.method = "POST";
  create.url = base + "/sandbox/v1/returns";
  create.body = R"({"count":1})";
  auto created = transport->Send(create);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201);
  std::string id(json::parse(created->body).at("returns").at(0).as_string());

  sandbox->FlushWebhooks();
  auto bodies = receiver.bodies();
  ASSERT_EQ(bodies.size(), 2u);  // 500, then 200
  EXPECT_EQ(bodies[0], bodies[1]);
  EXPECT_NE(bodies[1].find("<NotificationEventName>ReturnCreated<"),
            std::string::npos);
  EXPECT_NE(bodies[1].find("<ReturnId>" + id + "</ReturnId>"),
            std::string::npos);
  EXPECT_EQ(sandbox->Stats().webhooks_delivered, 1);
  server->Stop();
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
