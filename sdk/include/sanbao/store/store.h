#pragma once

// The embedded store: orders, return cases with their audit trail, refunds,
// sync cursors and an outbox of external effects (docs/guides/store.md).
//
// Exactly-once effects: a state change and the outbox entry that asks for
// its external effect (issue a refund, buy a label) commit in one
// transaction, together with the effect's idempotency key. A sender reads
// PendingEffects(), performs each effect with its idempotency key and calls
// MarkEffectDone() once the remote side confirmed. After a crash the pending
// entries are simply sent again with the same key, so the remote side sees
// one effect however often we retry.
//
// Errors are values. Stable reasons:
//
// clang-format off
//   reason                     code                 when
//   STORE_LOCKED               kUnavailable         another connection held the
//                                                   database past busy_timeout
//   STORE_CORRUPT              kDataLoss            not a database, or a damaged
//                                                   one; the file is left as is
//   STORE_NOT_FOUND            kNotFound            no file and !create_if_missing
//   STORE_CANNOT_OPEN          kUnavailable         the file cannot be opened
//   STORE_READONLY             kFailedPrecondition  the file or directory is
//                                                   read-only
//   STORE_FULL                 kResourceExhausted   disk full
//   STORE_SCHEMA_TOO_NEW       kFailedPrecondition  written by a newer Sanbao
//   STORE_RECORD_INVALID       kDataLoss            a stored row cannot be read
//   STORE_ERROR                kInternal            any other SQLite error
//   ORDER_NOT_FOUND            kNotFound            no such order
//   RETURN_NOT_FOUND           kNotFound            no such return
//   REFUND_NOT_FOUND           kNotFound            no such refund
//   EFFECT_NOT_FOUND           kNotFound            no such outbox entry
//   RETURN_STALE               kFailedPrecondition  UpsertReturn with a shorter
//                                                   history than stored
//   RETURN_HISTORY_CONFLICT    kFailedPrecondition  the stored history differs
//                                                   from the given one
//   IDEMPOTENCY_KEY_REUSED     kFailedPrecondition  the key was used for a
//                                                   different payload
//   IDEMPOTENCY_KEY_MISSING    kInvalidArgument     empty idempotency key
//   REFUND_ID_TAKEN            kAlreadyExists       another refund has this id
//   EFFECT_ALREADY_DONE        kFailedPrecondition  marked done with another
//                                                   remote reference
//   STORE_ID_MISSING           kInvalidArgument     empty id
// clang-format on
//
// Metadata carries "path" and, for SQLite errors, "sqlite_code" and
// "sqlite_message".

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// Which return cases ListReturns yields. Empty fields match everything.
struct ReturnFilter {
  std::optional<ReturnState> state{};
  std::string order_id{};
  std::string marketplace{};
};

/// Keyset pagination by id: pass the previous page's `next_page_token`.
struct PageRequest {
  int limit = 100;  ///< 1..1000; larger values are capped at 1000
  std::string page_token{};
};

struct ReturnPage {
  std::vector<ReturnCase> items;  ///< ordered by id
  std::string next_page_token;    ///< empty on the last page
};

/// The kinds of external effects the SDK itself enqueues.
inline constexpr std::string_view kEffectIssueRefund = "issue_refund";
inline constexpr std::string_view kEffectBuyLabel = "buy_label";

/// One external effect waiting to be performed (or performed).
struct OutboxEntry {
  std::int64_t id = 0;
  std::string kind;             ///< kEffectIssueRefund, kEffectBuyLabel, ...
  std::string idempotency_key;  ///< send it with the remote call
  std::string subject_id;       ///< the refund id, return id, ...
  std::string payload;          ///< JSON; for issue_refund the refund
  int attempts = 0;             ///< failed attempts so far
  /// Times handed to a sender (MarkEffectsSending). More than zero on a
  /// pending entry: an earlier send may have gone through unanswered.
  int sends = 0;
  std::string last_error;
  Instant created_at{};
  bool done = false;
  std::optional<Instant> done_at;
  std::string remote_ref;  ///< the remote side's id for the effect, once done
};

/// What RecordRefund did.
struct RecordedRefund {
  Refund refund;               ///< as stored (the first one for a reused key)
  std::int64_t effect_id = 0;  ///< its issue_refund outbox entry
  bool created = false;  ///< false: the key was seen before, nothing written
};

/// A request to enqueue an effect that has no domain record of its own.
struct EffectRequest {
  std::string kind{};
  std::string idempotency_key{};
  std::string subject_id{};
  std::string payload{};  ///< compared byte for byte on a reused key
};

struct EnqueuedEffect {
  std::int64_t effect_id = 0;
  bool created = false;
};

/// Storage for the SDK's records. Implementations are thread-safe: calls
/// are serialised on one connection. Every mutating call is atomic on its
/// own; WithTransaction groups several into one atomic unit.
class Store {
 public:
  virtual ~Store() = default;

  /// Inserts or replaces the order with `order.id`.
  virtual Status UpsertOrder(Order const& order) = 0;
  /// ORDER_NOT_FOUND.
  virtual StatusOr<Order> GetOrder(std::string_view id) = 0;

  /// Inserts or updates the return case. Its history is append-only: the
  /// transitions beyond the stored ones are appended to the events table,
  /// so writing the same case twice (same id, same history length) appends
  /// nothing. A shorter history than stored is RETURN_STALE; a history whose
  /// last stored transition differs is RETURN_HISTORY_CONFLICT.
  virtual Status UpsertReturn(ReturnCase const& return_case) = 0;
  /// RETURN_NOT_FOUND.
  virtual StatusOr<ReturnCase> GetReturn(std::string_view id) = 0;
  virtual StatusOr<ReturnPage> ListReturns(ReturnFilter const& filter,
                                           PageRequest const& page) = 0;

  /// Records `refund` and its issue_refund outbox entry (keyed by
  /// refund.idempotency_key, payload the refund) in one transaction.
  /// A second call with the same key writes nothing and returns the stored
  /// refund with created == false, unless what it would refund differs
  /// (everything but id and created_at): then IDEMPOTENCY_KEY_REUSED.
  /// IDEMPOTENCY_KEY_MISSING, STORE_ID_MISSING, REFUND_ID_TAKEN.
  virtual StatusOr<RecordedRefund> RecordRefund(Refund const& refund) = 0;
  /// REFUND_NOT_FOUND.
  virtual StatusOr<Refund> GetRefund(std::string_view id) = 0;
  /// The refunds of an order, oldest first: the refund ledger.
  virtual StatusOr<std::vector<Refund>> ListRefunds(
      std::string_view order_id) = 0;

  /// Enqueues a generic effect (a label to buy, ...) with its idempotency
  /// key; a reused key with the same kind and payload returns the existing
  /// entry, otherwise IDEMPOTENCY_KEY_REUSED.
  virtual StatusOr<EnqueuedEffect> EnqueueEffect(
      EffectRequest const& effect) = 0;
  /// Up to `limit` not-done entries, oldest first.
  virtual StatusOr<std::vector<OutboxEntry>> PendingEffects(int limit) = 0;
  /// EFFECT_NOT_FOUND.
  virtual StatusOr<OutboxEntry> GetEffect(std::int64_t id) = 0;
  /// The remote side confirmed the effect. Marking it done again with the
  /// same remote_ref is a no-op; with another one EFFECT_ALREADY_DONE.
  virtual Status MarkEffectDone(std::int64_t id,
                                std::string_view remote_ref) = 0;
  /// A send failed; the entry stays pending and counts the attempt.
  virtual Status RecordEffectFailure(std::int64_t id,
                                     std::string_view error) = 0;
  /// The entries are about to be sent: counts a send on each, in one
  /// transaction, before anything leaves (OutboxEntry::sends).
  /// EFFECT_NOT_FOUND, and nothing counted, when an id is unknown.
  virtual Status MarkEffectsSending(std::span<std::int64_t const> ids) = 0;

  /// The position a connector reached in an account's feed, if any.
  virtual StatusOr<std::optional<std::string>> GetCursor(
      std::string_view connector, std::string_view account) = 0;
  virtual Status SetCursor(std::string_view connector, std::string_view account,
                           std::string_view cursor) = 0;

  /// Runs `fn` in one transaction: everything it does through the store
  /// commits if it returns OK, and nothing does otherwise (its error is
  /// returned). Nested calls become savepoints. Other threads wait.
  virtual Status WithTransaction(std::function<Status(Store&)> const& fn) = 0;

  /// The schema version of the open database.
  virtual int SchemaVersion() const = 0;
};

}  // namespace v1
}  // namespace sanbao
