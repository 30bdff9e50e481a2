// sanbao webhooks serve: receives eBay notifications over HTTP, verifies
// them and writes them durably to the store's webhook inbox before it
// answers 2xx (docs/guides/webhooks.md).
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/ebay/notifications.h"
#include "sanbao/http/oauth.h"
#include "sanbao/server/http_server.h"
#include "sanbao/store/webhook_inbox.h"
#include "sanbao/transport/curl.h"
#include "sanbao/webhooks/webhook.h"

namespace sanbao::cli {
namespace {

struct ServeArgs {
  int port = -1;
  std::string address = "127.0.0.1";
  std::string store = "sanbao.db";
  int threads = 2;
  std::size_t max_body = 1024 * 1024;
  int read_timeout_ms = 10000;
  int tolerance_s = 300;
  std::string dev_id;
  std::string app_id;
  std::string cert_id;
  std::string verification_token;
  std::string endpoint_url;
  std::string ebay_url = "https://api.ebay.com";
  std::string client_id;
  std::string client_secret;
  bool quiet = false;
};

Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now());
}

int Serve(ServeArgs a) {
  if (a.port < 0 || a.port > 65535) {
    return ReportError(InvalidArgumentError(
        "--port must be 0..65535 (0: any free port)", "CLI_BAD_PORT"));
  }
  if (a.threads < 1 || a.threads > 256) {
    return ReportError(
        InvalidArgumentError("--threads must be 1..256", "CLI_BAD_THREADS"));
  }
  if (a.max_body == 0 || a.read_timeout_ms <= 0 || a.tolerance_s <= 0) {
    return ReportError(InvalidArgumentError(
        "--max-body, --read-timeout-ms and --tolerance-s must be positive",
        "CLI_BAD_LIMIT"));
  }
  ebay::PlatformNotificationKeys keys{
      .dev_id = OptionOrEnv(a.dev_id, "SANBAO_EBAY_DEV_ID"),
      .app_id = OptionOrEnv(a.app_id, "SANBAO_EBAY_APP_ID"),
      .cert_id = OptionOrEnv(a.cert_id, "SANBAO_EBAY_CERT_ID")};
  ebay::CommerceNotificationOptions commerce{
      .api_base = a.ebay_url,
      .verification_token =
          OptionOrEnv(a.verification_token, "SANBAO_EBAY_VERIFICATION_TOKEN"),
      .endpoint_url = OptionOrEnv(a.endpoint_url, "SANBAO_EBAY_ENDPOINT_URL")};
  std::string client_id = OptionOrEnv(a.client_id, "SANBAO_EBAY_CLIENT_ID");
  std::string client_secret =
      OptionOrEnv(a.client_secret, "SANBAO_EBAY_CLIENT_SECRET");
  bool platform =
      !keys.dev_id.empty() || !keys.app_id.empty() || !keys.cert_id.empty();
  if (platform &&
      (keys.dev_id.empty() || keys.app_id.empty() || keys.cert_id.empty())) {
    return ReportError(InvalidArgumentError(
        "platform notifications need all of --dev-id, --app-id and "
        "--cert-id (or SANBAO_EBAY_DEV_ID, SANBAO_EBAY_APP_ID, "
        "SANBAO_EBAY_CERT_ID)",
        "CLI_MISSING_CREDENTIALS"));
  }
  bool commerce_route = !client_id.empty() ||
                        !commerce.verification_token.empty() ||
                        !commerce.endpoint_url.empty();
  if (!platform && !commerce_route) {
    return ReportError(InvalidArgumentError(
        "no eBay credentials: give --dev-id/--app-id/--cert-id for platform "
        "notifications and/or --client-id/--client-secret, "
        "--verification-token and --endpoint-url for the Commerce "
        "Notification API (or the SANBAO_EBAY_* variables)",
        "CLI_MISSING_CREDENTIALS"));
  }

  // SIGINT/SIGTERM are taken by WaitForStopSignal() below; block them before
  // any thread starts so that every thread inherits the mask.
  sigset_t signals = BlockStopSignals();

  auto inbox = OpenSqliteWebhookInbox(a.store);
  if (!inbox.ok()) return ReportError(inbox.status());

  WebhookReceiver receiver(*inbox,
                           {.tolerance = std::chrono::seconds(a.tolerance_s)});
  if (platform) {
    receiver.Route("/webhooks/ebay/platform",
                   std::make_shared<ebay::PlatformNotificationVerifier>(keys));
  }
  if (commerce_route) {
    std::shared_ptr<HttpTransport> transport = MakeCurlTransport();
    std::shared_ptr<TokenProvider> tokens;
    if (!client_id.empty()) {
      OAuthClientOptions oauth{
          .token_url = a.ebay_url + "/identity/v1/oauth2/token",
          .client_id = client_id,
          .client_secret = client_secret,
          .scopes = {"https://api.ebay.com/oauth/api_scope"}};
      tokens = std::make_shared<TokenProvider>(
          MakeOAuthTokenFetcher(transport, oauth, Now), Now);
    }
    auto app_token = [tokens]() -> StatusOr<std::string> {
      if (!tokens) {
        return FailedPreconditionError(
            "no --client-id/--client-secret for the application token",
            "CLI_MISSING_CREDENTIALS");
      }
      auto token = tokens->Token();
      if (!token.ok()) return token.status();
      return token->value;
    };
    receiver.Route("/webhooks/ebay/commerce",
                   std::make_shared<ebay::CommerceNotificationVerifier>(
                       transport, app_token, commerce));
  }

  bool quiet = a.quiet;
  // Asynchronous: a delivery waiting for its commit holds no io thread, so
  // every connection's event can join the same group commit.
  auto handler = [&receiver, quiet](ServerRequest request,
                                    HttpResponder respond) {
    auto path = request.target.substr(0, request.target.find('?'));
    if (path == "/healthz") {
      respond(HttpResponse{.status = 200,
                           .headers = {{"Content-Type", "text/plain"}},
                           .body = "ok\n"});
      return;
    }
    receiver.HandleAsync(
        request,
        [quiet, method = request.method, path, respond = std::move(respond)](
            HttpResponse response, WebhookOutcome, Status const& error) {
          if (!quiet && !error.ok()) {
            // Method and path are the client's: escaped before printing.
            std::fprintf(stderr, "sanbao webhooks: %s %s -> %d %s\n",
                         EscapeForMessage(method, 16).c_str(),
                         EscapeForMessage(path, 200).c_str(), response.status,
                         error.reason().c_str());
          }
          respond(std::move(response));
        });
  };

  HttpServerOptions options;
  options.address = a.address;
  options.port = static_cast<std::uint16_t>(a.port);
  options.threads = a.threads;
  options.max_body_bytes = a.max_body;
  options.read_timeout = std::chrono::milliseconds(a.read_timeout_ms);
  auto server = HttpServer::StartAsync(options, handler);
  if (!server.ok()) return ReportError(server.status());

  std::printf("sanbao webhooks: listening on http://%s:%u\n", a.address.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  int received = WaitForStopSignal(signals);
  std::fprintf(stderr, "sanbao webhooks: %s, stopping\n",
               received == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Stop();
  auto stats = receiver.stats();
  std::fprintf(stderr,
               "sanbao webhooks: stored %llu, duplicates %llu, refused %llu, "
               "store failures %llu\n",
               static_cast<unsigned long long>(stats.stored),
               static_cast<unsigned long long>(stats.duplicates),
               static_cast<unsigned long long>(stats.refused),
               static_cast<unsigned long long>(stats.store_failures));
  return kExitOk;
}

}  // namespace

void AddWebhooksCommands(CLI::App& app, int& exit_code) {
  auto* webhooks =
      app.add_subcommand("webhooks", "Receive marketplace webhooks");
  auto args = std::make_shared<ServeArgs>();
  auto* serve = webhooks->add_subcommand(
      "serve",
      "Serve POST /webhooks/ebay/platform, GET|POST /webhooks/ebay/commerce "
      "and GET /healthz; verified events go to the store's webhook inbox");
  serve->add_option("--port", args->port, "TCP port (0: any free port)")
      ->required();
  serve->add_option("--address", args->address, "Address to listen on")
      ->capture_default_str();
  serve->add_option("--store,--db", args->store, "The store (SQLite file)")
      ->capture_default_str();
  serve->add_option("--threads", args->threads, "IO threads")
      ->capture_default_str();
  serve
      ->add_option("--max-body", args->max_body,
                   "Largest request body in bytes (larger: 413)")
      ->capture_default_str();
  serve
      ->add_option("--read-timeout-ms", args->read_timeout_ms,
                   "A request must arrive within this")
      ->capture_default_str();
  serve
      ->add_option("--tolerance-s", args->tolerance_s,
                   "Replay window: refuse deliveries dated further away")
      ->capture_default_str();
  serve->add_option("--dev-id", args->dev_id,
                    "eBay DevID (or SANBAO_EBAY_DEV_ID)");
  serve->add_option("--app-id", args->app_id,
                    "eBay AppID (or SANBAO_EBAY_APP_ID)");
  serve->add_option("--cert-id", args->cert_id,
                    "eBay CertID (or SANBAO_EBAY_CERT_ID)");
  serve->add_option("--verification-token", args->verification_token,
                    "Commerce endpoint verification token (or "
                    "SANBAO_EBAY_VERIFICATION_TOKEN)");
  serve->add_option("--endpoint-url", args->endpoint_url,
                    "Public URL of the commerce endpoint as registered with "
                    "eBay (or SANBAO_EBAY_ENDPOINT_URL)");
  serve
      ->add_option("--ebay-url", args->ebay_url,
                   "eBay API base for public keys and tokens")
      ->capture_default_str();
  serve->add_option("--client-id", args->client_id,
                    "OAuth client id for the application token (or "
                    "SANBAO_EBAY_CLIENT_ID)");
  serve->add_option("--client-secret", args->client_secret,
                    "OAuth client secret (or SANBAO_EBAY_CLIENT_SECRET)");
  serve->add_flag("--quiet", args->quiet, "Do not log refused requests");
  serve->callback([args, &exit_code] { exit_code = Serve(*args); });
}

}  // namespace sanbao::cli
