#pragma once

// The webhook inbox's seam for tests: the call that makes the WAL durable.

#include <functional>
#include <memory>

#include "sanbao/status_or.h"
#include "sanbao/store/webhook_inbox.h"

namespace sanbao {
inline namespace v1 {
namespace store_internal {

/// Makes everything written so far to the file open as `fd` durable
/// (fdatasync); returns 0 or an errno value.
using FileSync = std::function<int(int fd)>;

/// fdatasync(2) (fsync(2) where there is none), retried on EINTR.
int SyncFileData(int fd);

/// OpenSqliteWebhookInbox with `sync` in place of SyncFileData for the WAL
/// syncs that acknowledge Record() calls.
StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    WebhookInboxOptions const& options, FileSync sync);

}  // namespace store_internal
}  // namespace v1
}  // namespace sanbao
