#pragma once

#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include "sanbao/http/http.h"

namespace sanbao_test {

/// Answers with a script of responses and errors, one per Send, and records
/// every request. The last entry repeats once the script runs out.
class ScriptedTransport : public sanbao::HttpTransport {
 public:
  explicit ScriptedTransport(
      std::vector<sanbao::StatusOr<sanbao::HttpResponse>> script)
      : script_(script.begin(), script.end()) {}

  sanbao::StatusOr<sanbao::HttpResponse> Send(
      sanbao::HttpRequest const& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (script_.size() > 1) {
      auto next = std::move(script_.front());
      script_.pop_front();
      return next;
    }
    return script_.front();
  }

  std::vector<sanbao::HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t calls() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  mutable std::mutex mu_;
  std::deque<sanbao::StatusOr<sanbao::HttpResponse>> script_;
  std::vector<sanbao::HttpRequest> requests_;
};

inline sanbao::HttpResponse Response(int status,
                                     sanbao::HttpHeaders headers = {},
                                     std::string body = {}) {
  return sanbao::HttpResponse{status, std::move(headers), std::move(body)};
}

inline sanbao::Status TransportError(std::string reason) {
  sanbao::ErrorCode code = reason == "HTTP_TIMEOUT"
                               ? sanbao::ErrorCode::kDeadlineExceeded
                               : sanbao::ErrorCode::kUnavailable;
  sanbao::ErrorInfo info;
  info.reason = std::move(reason);
  return sanbao::Status(code, "scripted transport error", std::move(info));
}

}  // namespace sanbao_test
