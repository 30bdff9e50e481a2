#pragma once

// The one path for external effects. What the SDK must do on another system
// (issue a refund, send a decision; later: buy a label, send a survey) is
// first written to the store's outbox in the transaction that decided it,
// then sent by an OutboxDispatcher. The dispatcher hands each entry to an
// EffectHandler as a typed Effect, marks it done in the transaction that
// applies its local consequences, and tells the handler when an earlier send
// may have gone through unanswered, so that a marketplace without
// idempotency keys is read back then and only then.
//
// The pattern: "Transactional outbox", microservices.io,
// https://microservices.io/patterns/data/transactional-outbox.html

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sanbao/connection.h"
#include "sanbao/domain/refund.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"
#include "sanbao/store/store.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// The kind of the entries EnqueueDecision writes.
inline constexpr std::string_view kEffectDecide = "decide";

/// kEffectIssueRefund: the refund RecordRefund stored (read by the entry's
/// subject, the refund id).
struct RefundEffect {
  Refund refund{};
};

/// kEffectDecide: a decision on a marketplace return.
struct DecisionEffect {
  std::string return_id{};           ///< the local return case; the subject
  std::string external_return_id{};  ///< the marketplace's id for it
  ReturnDecisionRequest decision{};
};

/// An entry of a kind the SDK gives no type (a label to buy, ...): the
/// handler reads OutboxEntry::kind and ::payload itself.
struct OtherEffect {};

/// One outbox entry with its payload as a typed value.
struct Effect {
  OutboxEntry entry{};
  std::variant<OtherEffect, RefundEffect, DecisionEffect> payload{};

  /// True when an earlier send may have reached the remote side without
  /// its answer coming back (a crash after sending, a timeout, a lost
  /// connection): the entry was handed out before and is still pending.
  bool maybe_sent_before() const { return entry.sends > 0; }
};

/// Enqueues `effect` under the idempotency key "<return_id>:decide" with the
/// return case as subject: one decision per return. Enqueueing the same
/// decision again returns the existing entry; another decision on the same
/// return is IDEMPOTENCY_KEY_REUSED. Errors: STORE_ID_MISSING (no return id
/// or external id).
StatusOr<EnqueuedEffect> EnqueueDecision(Store& store,
                                         DecisionEffect const& effect);

/// `entry` with its typed payload: a decision from its JSON, a refund read
/// from the store. Errors: EFFECT_PAYLOAD_INVALID (kDataLoss), and the
/// store's (REFUND_NOT_FOUND, ...).
StatusOr<Effect> ReadEffect(Store& store, OutboxEntry entry);

/// What an OutboxDispatcher sends effects through.
class EffectHandler {
 public:
  virtual ~EffectHandler() = default;

  /// Performs `effect` remotely (with its idempotency key where the remote
  /// side takes one; reading back first when effect.maybe_sent_before())
  /// and returns the remote side's reference for it. Called outside any
  /// transaction, from up to DispatchOptions::workers threads at once.
  virtual StatusOr<std::string> Send(Effect const& effect) = 0;

  /// The local consequences of `effect`, which went through: run in the
  /// transaction that marks it done, so that both happen or neither does
  /// (a run killed in between sends it again, and Send finds it applied).
  /// An error rolls the batch's bookkeeping back and stops the dispatcher.
  /// The default does nothing.
  virtual Status Applied(Store& store, Effect const& effect,
                         std::string_view remote_ref, Instant at);
};

struct DispatchOptions {
  int batch_size = 64;  ///< entries read, sent and recorded together
  int workers = 1;      ///< entries of a batch sent at once
  /// Tries per entry in this dispatcher's life; an entry failing that often
  /// is left pending for the next dispatcher (the next run).
  int max_tries = 3;
  /// The time Applied() receives; the system clock when empty.
  std::function<Instant()> now{};
};

/// One effect tried: OK when done, else the send's error.
struct EffectOutcome {
  Effect effect{};
  Status status{};
};

/// Sends the outbox's pending entries through a handler: a batch at a time,
/// each entry counted as sent (OutboxEntry::sends) in one transaction before
/// the batch goes out, then every result recorded in one transaction: done
/// (with the handler's Applied) or failed (RecordEffectFailure). Not
/// thread-safe; one dispatcher per outbox at a time.
class OutboxDispatcher {
 public:
  using SendFunction = std::function<StatusOr<std::string>(Effect const&)>;

  OutboxDispatcher(Store& store, EffectHandler& handler,
                   DispatchOptions options = {});
  /// A dispatcher over `send` with no local consequences.
  OutboxDispatcher(Store& store, SendFunction send,
                   DispatchOptions options = {});
  ~OutboxDispatcher();
  OutboxDispatcher(OutboxDispatcher const&) = delete;
  OutboxDispatcher& operator=(OutboxDispatcher const&) = delete;

  /// Sends pending entries until none is left that this call has not tried
  /// and that has tries left; returns what it tried, oldest first. An entry
  /// whose payload cannot be read fails like a send. A store error stops it.
  StatusOr<std::vector<EffectOutcome>> Drain();

  /// The entries whose last try failed and that are still pending, with the
  /// last error, oldest first.
  std::vector<EffectOutcome> Failures() const;

 private:
  struct FunctionHandler;
  Store& store_;
  std::unique_ptr<EffectHandler> owned_handler_;
  EffectHandler& handler_;
  DispatchOptions options_;
  struct Failure {
    int tries = 0;
    EffectOutcome last{};
  };
  std::map<std::int64_t, Failure> failures_;
};

}  // namespace v1
}  // namespace sanbao
