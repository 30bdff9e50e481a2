#include "sanbao/sync/change_feed.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace {

class WebhookInboxChangeFeed final : public ReturnChangeFeed {
 public:
  WebhookInboxChangeFeed(std::shared_ptr<WebhookInbox> inbox,
                         std::string source, ReturnIdOfEvent return_id_of)
      : inbox_(std::move(inbox)),
        source_(std::move(source)),
        return_id_of_(std::move(return_id_of)) {}

  StatusOr<std::vector<ReturnChangeNotice>> Pending(
      std::size_t limit) override {
    std::vector<ReturnChangeNotice> notices;
    if (limit == 0) return notices;
    // Events that announce no return are passed over, so read on until
    // `limit` notices or the end of the inbox.
    while (notices.size() < limit) {
      auto events = inbox_->List({.source = source_,
                                  .unprocessed_only = true,
                                  .after_seq = after_,
                                  .limit = limit - notices.size()});
      if (!events) return events.status();
      if (events->empty()) break;
      for (auto const& e : *events) {
        after_ = std::max(after_, e.seq);
        auto id = return_id_of_(e.event);
        if (!id.empty()) notices.push_back({std::move(id), e.seq});
      }
    }
    return notices;
  }

  Status Handled(std::span<std::int64_t const> tokens) override {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    return inbox_->MarkProcessed(tokens, now);
  }

 private:
  std::shared_ptr<WebhookInbox> inbox_;
  std::string source_;
  ReturnIdOfEvent return_id_of_;
  std::int64_t after_ = 0;
};

}  // namespace

std::shared_ptr<ReturnChangeFeed> MakeWebhookInboxChangeFeed(
    std::shared_ptr<WebhookInbox> inbox, std::string source,
    ReturnIdOfEvent return_id_of) {
  return std::make_shared<WebhookInboxChangeFeed>(
      std::move(inbox), std::move(source), std::move(return_id_of));
}

}  // namespace v1
}  // namespace sanbao
