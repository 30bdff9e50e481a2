// sanbao sync: pull a marketplace's returns into the store, decide them with
// the law and the seller's rules, and push decisions and refunds back
// (sync/, docs/guides/sync.md).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/ebay/connection.h"
#include "sanbao/ebay/notifications.h"
#include "sanbao/http/oauth.h"
#include "sanbao/http/retry.h"
#include "sanbao/store/sqlite_store.h"
#include "sanbao/store/webhook_inbox.h"
#include "sanbao/sync/engine.h"
#include "sanbao/transport/curl.h"

namespace sanbao::cli {
namespace {

namespace json = boost::json;

struct SyncArgs {
  std::string ebay_url = "https://api.ebay.com";
  std::string marketplace_id = "EBAY_US";
  std::string db = "./sanbao.db";
  std::string rules_file;
  std::string account = "default";
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  int lookback_days = 90;
  int page_size = 200;
  int workers = 4;
  int timeout_ms = 30000;
  std::string http = "libcurl";
  int explain = 0;
  std::string now;
  bool json = false;
  bool no_progress = false;
  bool no_notifications = false;
  std::string ebay_user;
};

// Seller rules are a few hundred bytes; a megabyte is plenty.
constexpr std::size_t kMaxRulesBytes = 1 << 20;

// "  2400/5000 [##########..........]  48%  1234/s  ETA 2s" on one line.
void DrawProgress(SyncProgress const& p) {
  using std::chrono::duration;
  double seconds = duration<double>(p.elapsed).count();
  double rate = seconds > 0 ? static_cast<double>(p.done) / seconds : 0;
  constexpr int kWidth = 28;
  double fraction = p.total > 0
                        ? std::min(1.0, static_cast<double>(p.done) /
                                            static_cast<double>(p.total))
                        : 0.0;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::string eta = "--";
  if (rate > 0 && p.total > p.done) {
    eta = std::to_string(static_cast<long long>(
              std::ceil(static_cast<double>(p.total - p.done) / rate))) +
          "s";
  } else if (p.total > 0 && p.done >= p.total) {
    eta = "0s";
  }
  std::fprintf(stderr, "\r  %lld/%lld [%s] %3d%%  %.0f returns/s  ETA %s   ",
               static_cast<long long>(p.done), static_cast<long long>(p.total),
               bar.c_str(), static_cast<int>(fraction * 100), rate,
               eta.c_str());
  std::fflush(stderr);
}

void PrintSummary(SyncSummary const& s, std::string const& db, double seconds,
                  int explain) {
  std::printf("Synced eBay returns into %s in %.1f s%s\n", db.c_str(), seconds,
              s.resumed ? " (resumed an interrupted run)" : "");
  std::printf(
      "  fetched   %7lld  (new %lld, updated %lld, unchanged %lld)\n",
      static_cast<long long>(s.fetched), static_cast<long long>(s.created),
      static_cast<long long>(s.updated), static_cast<long long>(s.unchanged));
  std::printf("  approved  %7lld\n", static_cast<long long>(s.approved));
  std::printf("  declined  %7lld\n", static_cast<long long>(s.declined));
  std::printf("  refunded  %7lld\n", static_cast<long long>(s.refunded));
  std::printf("  review    %7lld  (left for a person by the seller's rules)\n",
              static_cast<long long>(s.review));
  if (s.notices > 0) {
    std::printf("  notices   %7lld  (eBay notifications of changed returns)\n",
                static_cast<long long>(s.notices));
  }
  std::printf("  errors    %7lld\n", static_cast<long long>(s.errors));
  for (auto const& e : s.error_messages) {
    std::printf("    %s\n", PrintableText(e).c_str());
  }
  int shown = 0;
  for (auto const& d : s.samples) {
    if (shown++ >= explain) break;
    std::printf("\nReturn %s, buyer in %s: %s\n",
                PrintableText(d.return_id).c_str(),
                PrintableText(d.buyer_jurisdiction).c_str(), d.action.c_str());
    std::istringstream lines(d.explanation);
    for (std::string line; std::getline(lines, line);) {
      std::printf("  %s\n", PrintableText(line).c_str());
    }
  }
}

int RunSync(SyncArgs const& a) {
  auto started = std::chrono::steady_clock::now();
  SellerRules rules;
  if (!a.rules_file.empty()) {
    auto text = ReadInput(a.rules_file, kMaxRulesBytes, "the rules file");
    if (!text) return ReportError(text.status());
    auto parsed = ParseSellerRules(*text);
    if (!parsed) return ReportError(parsed.status());
    rules = *std::move(parsed);
  }
  std::function<Instant()> now;
  if (!a.now.empty()) {
    auto at = ParseInstant(a.now);
    if (!at) return ReportError(at.status());
    now = [t = *at] { return t; };
  }
  auto engine = PolicyEngine::Create();
  if (!engine) return ReportError(engine.status());
  auto store = OpenSqliteStore({.path = a.db});
  if (!store) return ReportError(store.status());

  CurlOptions curl;
  curl.request_timeout = std::chrono::milliseconds(a.timeout_ms);
  curl.max_connections = a.workers;  // requests in flight at once
  auto transport =
      MakeRetryingTransport(a.http == "libcurl" ? MakeCurlTransport(curl)
                                                : MakeCurlHttp1Transport(curl),
                            RetryPolicy{}, RetryEnvironment{});
  OAuthClientOptions oauth;
  oauth.token_url = a.ebay_url + "/identity/v1/oauth2/token";
  oauth.client_id = OptionOrEnv(a.client_id, "SANBAO_EBAY_CLIENT_ID");
  oauth.client_secret =
      OptionOrEnv(a.client_secret, "SANBAO_EBAY_CLIENT_SECRET");
  oauth.refresh_token =
      OptionOrEnv(a.refresh_token, "SANBAO_EBAY_REFRESH_TOKEN");
  oauth.scopes = {"https://api.ebay.com/oauth/api_scope/sell.fulfillment"};
  if (oauth.client_id.empty() || oauth.client_secret.empty() ||
      oauth.refresh_token.empty()) {
    return ReportError(InvalidArgumentError(
        "eBay credentials are missing: pass --client-id, --client-secret and "
        "--refresh-token or set SANBAO_EBAY_CLIENT_ID, "
        "SANBAO_EBAY_CLIENT_SECRET and SANBAO_EBAY_REFRESH_TOKEN",
        "CREDENTIALS_MISSING"));
  }
  auto clock = now ? now : [] {
    return std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
  };
  auto tokens = std::make_shared<TokenProvider>(
      MakeOAuthTokenFetcher(transport, oauth, clock), clock);
  ebay::EbayOptions options;
  options.api_base = a.ebay_url;
  options.marketplace_id = a.marketplace_id;
  options.transport = transport;
  options.user_tokens = tokens;
  options.now = clock;
  options.page_size = a.page_size;
  auto connection = ebay::MakeEbayConnection(options);
  if (!connection) return ReportError(connection.status());

  SyncOptions sync_options;
  sync_options.account = a.account;
  sync_options.now = now;
  sync_options.lookback = std::chrono::days(a.lookback_days);
  sync_options.page_size = a.page_size;
  sync_options.fetch_workers = a.workers;
  sync_options.sample_decisions = std::max(3, a.explain);
  if (!a.no_notifications) {
    // What `sanbao webhooks serve` kept from eBay's Platform Notifications
    // in this store: changes to returns older than the search window.
    // The store's open has just read every page of the same file.
    auto inbox = OpenSqliteWebhookInbox(
        WebhookInboxOptions{.path = a.db, .check_integrity = false});
    if (!inbox) return ReportError(inbox.status());
    // With --ebay-user, only that seller's events: the others stay for
    // their own syncs.
    sync_options.changes = MakeWebhookInboxChangeFeed(
        *std::move(inbox), ebay::kPlatformNotificationSource,
        a.ebay_user.empty() ? ReturnIdOfEvent(ebay::ReturnIdOfPlatformEvent)
                            : ebay::ReturnIdOfPlatformEventFor(a.ebay_user));
  }
  bool progress = !a.no_progress && !a.json && ::isatty(STDERR_FILENO) == 1;
  if (progress) sync_options.on_progress = DrawProgress;

  ReturnsSync sync(**connection, **store, *engine, rules, sync_options);
  auto summary = sync.Run();
  if (progress) std::fputs("\n", stderr);
  // The arguments were accepted: whatever stops the run now is a failure.
  if (!summary) return ReportFailure(summary.status());
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  if (a.json) {
    PrintJson(std::cout, json::parse(SyncSummaryToJson(*summary)));
  } else {
    PrintSummary(*summary, a.db, seconds, a.explain);
  }
  // Returns left for review are the rules' result; returns that failed are a
  // partial success (listed above, tried again by the next run).
  return summary->errors == 0 ? kExitOk : kExitPartial;
}

}  // namespace

void AddSyncCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SyncArgs>();
  auto* cmd = app.add_subcommand(
      "sync",
      "Pull eBay returns into the store, decide them and send decisions and "
      "refunds back; resumes where an interrupted run stopped");
  cmd->add_option("--ebay-url", args->ebay_url,
                  "eBay API base URL (a local sandbox: http://127.0.0.1:PORT)")
      ->capture_default_str();
  cmd->add_option("--marketplace-id", args->marketplace_id,
                  "X-EBAY-C-MARKETPLACE-ID")
      ->capture_default_str();
  cmd->add_option("--db", args->db, "The store (SQLite file)")
      ->capture_default_str();
  cmd->add_option("--rules", args->rules_file,
                  "Seller rules (JSON; docs/guides/sync.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--account", args->account, "Cursor name for this account")
      ->capture_default_str();
  cmd->add_option("--client-id", args->client_id,
                  "OAuth client id (or SANBAO_EBAY_CLIENT_ID)");
  cmd->add_option("--client-secret", args->client_secret,
                  "OAuth client secret (or SANBAO_EBAY_CLIENT_SECRET)");
  cmd->add_option("--refresh-token", args->refresh_token,
                  "OAuth refresh token (or SANBAO_EBAY_REFRESH_TOKEN)");
  cmd->add_option("--lookback-days", args->lookback_days,
                  "How far back the first run reads")
      ->check(CLI::Range(1, 548))
      ->capture_default_str();
  cmd->add_option("--page-size", args->page_size, "Returns per page")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  cmd->add_option("--workers", args->workers,
                  "Requests to the marketplace in flight at once")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  cmd->add_option("--timeout-ms", args->timeout_ms, "Per-request timeout")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  cmd->add_option("--http", args->http,
                  "Who speaks HTTP: libcurl (its own HTTP, with HTTP/2 and "
                  "compression) or http1 (libcurl connects, Sanbao frames "
                  "HTTP/1.1 requests: fewer system calls). Proxies from the "
                  "environment always go through libcurl")
      ->check(CLI::IsMember({"libcurl", "http1"}))
      ->capture_default_str();
  cmd->add_option("--explain", args->explain,
                  "Print this many explained decisions (one per country)")
      ->check(CLI::Range(0, 20));
  cmd->add_option("--now", args->now, "Fixed clock (RFC 3339), for tests")
      ->group("");
  cmd->add_flag("--json", args->json, "JSON output");
  auto* no_notifications = cmd->add_flag(
      "--no-notifications", args->no_notifications,
      "Do not read again the returns announced by eBay Platform "
      "Notifications in the store's webhook inbox (sanbao webhooks serve)");
  cmd->add_option("--ebay-user", args->ebay_user,
                  "The seller's eBay user ID: read only the notifications "
                  "addressed to it (RecipientUserID), for a store whose inbox "
                  "holds several sellers' notifications")
      ->check([](std::string const& user) {
        return user.empty() ? std::string("must not be empty") : std::string();
      })
      ->excludes(no_notifications);
  cmd->add_flag("--no-progress", args->no_progress,
                "No progress bar, even on a terminal");
  cmd->callback([args, &exit_code] { exit_code = RunSync(*args); });
}

}  // namespace sanbao::cli
