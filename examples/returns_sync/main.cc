// returns_sync: the smallest complete program that keeps a seller's eBay
// returns in step with Sanbao.
//
//   returns_sync <ebay-base-url> <rules.json> [store.db]
//
// Credentials come from SANBAO_EBAY_CLIENT_ID, SANBAO_EBAY_CLIENT_SECRET and
// SANBAO_EBAY_REFRESH_TOKEN. Run it as often as you like: each run continues
// from where the previous one stopped, and nothing is refunded twice. eBay
// notifications that `sanbao webhooks serve` kept in the same store name
// returns whose changes the search cannot show; each run reads those too.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "sanbao/ebay/connection.h"
#include "sanbao/ebay/notifications.h"
#include "sanbao/http/oauth.h"
#include "sanbao/http/retry.h"
#include "sanbao/store/sqlite_store.h"
#include "sanbao/store/webhook_inbox.h"
#include "sanbao/sync/engine.h"
#include "sanbao/transport/curl.h"

namespace {

std::string Env(char const* name) {
  char const* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

int Fail(sanbao::Status const& status) {
  std::cerr << "returns_sync: " << status << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr
        << "usage: returns_sync <ebay-base-url> <rules.json> [store.db]\n";
    return 2;
  }
  std::string const base = argv[1];
  std::ifstream rules_file(argv[2]);
  std::stringstream rules_text;
  rules_text << rules_file.rdbuf();
  auto rules = sanbao::ParseSellerRules(rules_text.str());
  if (!rules) return Fail(rules.status());

  std::string const db = argc > 3 ? argv[3] : "sanbao.db";
  auto store = sanbao::OpenSqliteStore({.path = db});
  if (!store) return Fail(store.status());
  auto inbox = sanbao::OpenSqliteWebhookInbox(db);
  if (!inbox) return Fail(inbox.status());
  auto engine = sanbao::PolicyEngine::Create();
  if (!engine) return Fail(engine.status());

  // HTTP: libcurl, wrapped in retries with backoff (reads always; writes only
  // when they provably never left).
  auto http =
      sanbao::MakeRetryingTransport(sanbao::MakeCurlTransport(), {}, {});
  auto now = [] {
    return std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
  };
  sanbao::OAuthClientOptions oauth;
  oauth.token_url = base + "/identity/v1/oauth2/token";
  oauth.client_id = Env("SANBAO_EBAY_CLIENT_ID");
  oauth.client_secret = Env("SANBAO_EBAY_CLIENT_SECRET");
  oauth.refresh_token = Env("SANBAO_EBAY_REFRESH_TOKEN");
  oauth.scopes = {"https://api.ebay.com/oauth/api_scope/sell.fulfillment"};
  auto tokens = std::make_shared<sanbao::TokenProvider>(
      sanbao::MakeOAuthTokenFetcher(http, oauth, now), now);

  sanbao::ebay::EbayOptions options;
  options.api_base = base;
  options.transport = http;
  options.user_tokens = tokens;
  auto ebay = sanbao::ebay::MakeEbayConnection(options);
  if (!ebay) return Fail(ebay.status());

  sanbao::SyncOptions sync_options;
  sync_options.changes = sanbao::MakeWebhookInboxChangeFeed(
      *inbox, sanbao::ebay::kPlatformNotificationSource,
      sanbao::ebay::ReturnIdOfPlatformEvent);
  sanbao::ReturnsSync sync(**ebay, **store, *engine, *rules, sync_options);
  auto summary = sync.Run();
  if (!summary) return Fail(summary.status());
  std::printf(
      "fetched %lld (new %lld, updated %lld), approved %lld, "
      "declined %lld, refunded %lld, for review %lld, errors %lld\n",
      static_cast<long long>(summary->fetched),
      static_cast<long long>(summary->created),
      static_cast<long long>(summary->updated),
      static_cast<long long>(summary->approved),
      static_cast<long long>(summary->declined),
      static_cast<long long>(summary->refunded),
      static_cast<long long>(summary->review),
      static_cast<long long>(summary->errors));
  for (auto const& d : summary->samples) {
    std::printf("\n%s (%s): %s\n%s", d.return_id.c_str(),
                d.buyer_jurisdiction.c_str(), d.action.c_str(),
                d.explanation.c_str());
  }
  return summary->errors == 0 ? 0 : 1;
}
