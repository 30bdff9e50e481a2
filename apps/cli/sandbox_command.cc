// sanbao sandbox ebay: a local eBay (Post-Order v2, Fulfillment getOrder,
// OAuth, Platform Notifications) on 127.0.0.1, with generated returns and
// scriptable faults, until SIGINT or SIGTERM.

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/ebay/sandbox.h"
#include "sanbao/server/http_server.h"
#include "sanbao/transport/curl.h"

namespace sanbao::cli {
namespace {

struct SandboxArgs {
  std::string address = "127.0.0.1";
  int port = 8089;
  std::int64_t returns = 5000;
  std::uint64_t seed = 1;
  std::string now;
  std::int64_t token_ttl = 7200;
  std::string seller_country = "US";
  double fail_rate = 0.0;
  std::int64_t latency_ms = 0;
  std::int64_t quota = 0;
  std::string webhook_url;
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  std::string dev_id;
  int threads = 1;
  int refund_settle_reads = 2;
  std::int64_t refund_settle_seconds = 60;
  std::int64_t visibility_delay = 0;
};

Status Bad(std::string message) {
  return InvalidArgumentError(std::move(message), "CLI_BAD_ARGUMENTS");
}

int RunEbaySandbox(SandboxArgs const& a) {
  ebay::EbaySandboxOptions o;
  if (a.port < 0 || a.port > 65535)
    return ReportError(Bad("--port must be 0..65535"));
  if (a.threads < 1 || a.threads > 64)
    return ReportError(Bad("--threads must be 1..64"));
  if (a.token_ttl < 1) return ReportError(Bad("--token-ttl must be positive"));
  if (a.latency_ms < 0)
    return ReportError(Bad("--latency-ms must not be negative"));
  o.seed = a.seed;
  o.returns = a.returns;
  o.token_ttl = std::chrono::seconds(a.token_ttl);
  o.seller_country = a.seller_country;
  o.fail_rate = a.fail_rate;
  o.latency = std::chrono::milliseconds(a.latency_ms);
  o.daily_quota = a.quota;
  o.refund_settle_reads = a.refund_settle_reads;
  o.refund_settle_delay = std::chrono::seconds(a.refund_settle_seconds);
  o.visibility_delay = std::chrono::seconds(a.visibility_delay);
  if (!a.client_id.empty()) o.client_id = a.client_id;
  if (!a.client_secret.empty()) o.client_secret = a.client_secret;
  if (!a.refresh_token.empty()) o.refresh_token = a.refresh_token;
  if (!a.dev_id.empty()) o.dev_id = a.dev_id;
  if (!a.now.empty()) {
    auto now = ParseInstant(a.now);
    if (!now) return ReportError(now.status());
    // The clock starts at --now and runs at the real pace, so that tokens
    // still expire.
    auto start = std::chrono::steady_clock::now();
    Instant base = *now;
    o.now = base;
    o.clock = [start, base] {
      return base + std::chrono::floor<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - start);
    };
  }
  if (!a.webhook_url.empty()) {
    o.webhook_url = a.webhook_url;
    o.webhook_transport = MakeCurlTransport(CurlOptions{});
  }
  auto sandbox = ebay::EbaySandbox::Create(std::move(o));
  if (!sandbox) return ReportError(sandbox.status());
  std::shared_ptr<ebay::EbaySandbox> shared = std::move(*sandbox);

  // Signals go to the thread that waits for them, not to the io threads.
  sigset_t signals = BlockStopSignals();

  HttpServerOptions so;
  so.address = a.address;
  so.port = static_cast<std::uint16_t>(a.port);
  so.threads = a.threads;
  auto server = HttpServer::Start(
      so, [shared](ServerRequest const& r) { return shared->Handle(r); });
  if (!server) return ReportError(server.status());

  auto const& opts = shared->options();
  std::cout << "eBay sandbox listening on http://" << a.address << ":"
            << (*server)->port() << " (" << a.returns << " returns, seed "
            << a.seed << ")\n"
            << "credentials: client_id=" << opts.client_id
            << " client_secret=" << opts.client_secret
            << " refresh_token=" << opts.refresh_token
            << " dev_id=" << opts.dev_id << std::endl;

  WaitForStopSignal(signals);
  (*server)->Stop();
  std::cout << "eBay sandbox stopped" << std::endl;
  return kExitOk;
}

}  // namespace

void AddSandboxCommands(CLI::App& app, int& exit_code) {
  auto* sandbox = app.add_subcommand(
      "sandbox", "Local marketplace simulators for development and tests");
  auto a = std::make_shared<SandboxArgs>();
  auto* cmd = sandbox->add_subcommand(
      "ebay",
      "Serve a local eBay: Post-Order v2 returns, Fulfillment getOrder, OAuth "
      "and Platform Notifications, until SIGINT/SIGTERM");
  cmd->add_option("--address", a->address, "Address to listen on")
      ->capture_default_str();
  cmd->add_option("--port", a->port, "Port (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--returns", a->returns, "Returns generated at start")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{100'000'000}));
  cmd->add_option("--seed", a->seed, "Seed of the generated data")
      ->capture_default_str();
  cmd->add_option("--now", a->now,
                  "Sandbox clock at start, ISO 8601 UTC (default: now)");
  cmd->add_option("--token-ttl", a->token_ttl,
                  "Access token lifetime in seconds")
      ->capture_default_str();
  cmd->add_option("--seller-country", a->seller_country,
                  "Seller's country: US, GB, DE, FR, IT, ES, NL, IE, CA, AU "
                  "(EU/GB sellers must sign decide and issue_refund)")
      ->capture_default_str();
  cmd->add_option("--fail-rate", a->fail_rate,
                  "Share of API calls answered 500 (0..1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--latency-ms", a->latency_ms, "Delay added to API calls")
      ->capture_default_str();
  cmd->add_option("--quota", a->quota, "Daily API call quota; 0: unlimited")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--webhook-url", a->webhook_url,
                  "POST Platform Notifications (SOAP) here");
  cmd->add_option("--client-id", a->client_id, "OAuth client id (App ID)");
  cmd->add_option("--client-secret", a->client_secret,
                  "OAuth client secret (Cert ID)");
  cmd->add_option("--refresh-token", a->refresh_token,
                  "The refresh token the token endpoint accepts");
  cmd->add_option("--dev-id", a->dev_id, "Dev ID for notification signatures");
  cmd->add_option("--threads", a->threads, "Server threads")
      ->capture_default_str();
  cmd->add_option("--refund-settle-reads", a->refund_settle_reads,
                  "Reads of a return after which a PENDING refund succeeds")
      ->capture_default_str();
  cmd->add_option("--refund-settle-seconds", a->refund_settle_seconds,
                  "Seconds after which a PENDING refund succeeds")
      ->capture_default_str();
  cmd->add_option("--visibility-delay", a->visibility_delay,
                  "Seconds before a write shows on GET and search")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&exit_code, a] { exit_code = RunEbaySandbox(*a); });
}

}  // namespace sanbao::cli
