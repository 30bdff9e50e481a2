#pragma once

// Returns the marketplace announced as changed, for the returns sync
// (docs/guides/sync.md, "Announced changes"). A marketplace whose search
// filters on creation date only shows a change to an older return
// only in its notification; the sync reads every announced return again
// after its creation-date window, whatever its age.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sanbao/status_or.h"
#include "sanbao/webhooks/webhook.h"

namespace sanbao {
inline namespace v1 {

/// One announced change: the marketplace's return id, and the feed's token
/// for marking it handled.
struct ReturnChangeNotice {
  std::string return_id{};
  std::int64_t token = 0;
};

/// Where the sync finds announced changes (SyncOptions::changes).
class ReturnChangeFeed {
 public:
  virtual ~ReturnChangeFeed() = default;
  /// Up to `limit` notices not handled yet, oldest first; a notice returned
  /// once is not returned again by this feed object, handled or not.
  virtual StatusOr<std::vector<ReturnChangeNotice>> Pending(
      std::size_t limit) = 0;
  /// Marks notices handled; the sync calls it after it stored what it read
  /// for them (a crash in between reads them again, which changes nothing).
  virtual Status Handled(std::span<std::int64_t const> tokens) = 0;
};

/// The return id a stored webhook event announces, empty when it announces
/// none (each connector offers one for its notifications).
using ReturnIdOfEvent = std::function<std::string(WebhookEvent const&)>;

/// A feed over the webhook inbox: the unprocessed events of `source`
/// (a connector's source name) that `return_id_of` maps to a return; tokens are
/// the events' seq, and Handled() marks them processed. Events that announce no
/// return are left unprocessed for other readers.
std::shared_ptr<ReturnChangeFeed> MakeWebhookInboxChangeFeed(
    std::shared_ptr<WebhookInbox> inbox, std::string source,
    ReturnIdOfEvent return_id_of);

}  // namespace v1
}  // namespace sanbao
