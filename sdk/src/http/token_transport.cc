#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sanbao/http/oauth.h"

namespace sanbao {
inline namespace v1 {
namespace {

class TokenTransport final : public HttpTransport {
 public:
  TokenTransport(std::shared_ptr<HttpTransport> inner,
                 std::shared_ptr<TokenProvider> tokens, std::string scheme)
      : inner_(std::move(inner)),
        tokens_(std::move(tokens)),
        scheme_(std::move(scheme)) {}

  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    return std::move(SendAll(std::span(&request, 1)).front());
  }

  std::vector<StatusOr<HttpResponse>> SendAll(
      std::span<HttpRequest const> requests) override {
    std::vector<StatusOr<HttpResponse>> results(requests.size());
    if (!inner_ || !tokens_) {
      for (auto& r : results) {
        r = FailedPreconditionError(
            "the token transport needs an inner transport and a token "
            "provider",
            "HTTP_NO_TRANSPORT");
      }
      return results;
    }
    std::vector<HttpRequest> batch(requests.begin(), requests.end());
    std::vector<std::size_t> pending(requests.size());
    for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
    auto token = tokens_->Token();
    for (int attempt = 0; !pending.empty(); ++attempt) {
      if (!token) {
        for (auto i : pending) results[i] = token.status();
        break;
      }
      std::vector<HttpRequest> round;
      round.reserve(pending.size());
      std::string const authorization = scheme_ + " " + token->value;
      for (auto i : pending) {
        SetHeader(batch[i].headers, "Authorization", authorization);
        // Lent to the round, back below for a resend.
        round.push_back(std::move(batch[i]));
      }
      auto responses = inner_->SendAll(round);
      std::vector<std::size_t> again;
      for (std::size_t k = 0; k < pending.size(); ++k) {
        auto i = pending[k];
        batch[i] = std::move(round[k]);
        if (attempt == 0 && responses[k] && responses[k]->status == 401) {
          again.push_back(i);
        } else {
          results[i] = std::move(responses[k]);
        }
      }
      pending = std::move(again);
      if (!pending.empty()) token = tokens_->Refresh(token->value);
    }
    return results;
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::shared_ptr<TokenProvider> tokens_;
  std::string scheme_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeTokenTransport(
    std::shared_ptr<HttpTransport> inner, std::shared_ptr<TokenProvider> tokens,
    std::string scheme) {
  return std::make_shared<TokenTransport>(std::move(inner), std::move(tokens),
                                          std::move(scheme));
}

}  // namespace v1
}  // namespace sanbao
