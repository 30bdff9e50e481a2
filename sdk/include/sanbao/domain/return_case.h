#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/money.h"
#include "sanbao/status.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// The one after-sales state machine (docs/guides/return-states.md):
///
///   requested -> approved | declined
///   approved -> awaiting_shipment -> in_transit -> received -> inspected
///            -> resolved (refunded | exchanged | repaired | replaced |
///            rejected) -> closed
///   approved -> resolved            when no goods come back (a claim)
///   awaiting_shipment -> received   goods handed in without a carrier
///   requested | approved | awaiting_shipment -> cancelled
///   declined -> closed
enum class ReturnState {
  kRequested,
  kApproved,
  kDeclined,
  kAwaitingShipment,
  kInTransit,
  kReceived,
  kInspected,
  kResolved,
  kClosed,
  kCancelled,
};
std::string_view ReturnStateName(ReturnState state);  ///< "awaiting_shipment"
/// Errors: kInvalidArgument, reason RETURN_STATE_UNKNOWN.
StatusOr<ReturnState> ParseReturnState(std::string_view name);
/// No transition leaves a terminal state (closed, cancelled).
bool IsTerminal(ReturnState state);
/// Whether the state machine has the edge `from -> to` at all.
bool IsTransitionAllowed(ReturnState from, ReturnState to);

enum class Resolution {
  kNone,
  kRefunded,
  kExchanged,
  kRepaired,
  kReplaced,
  kRejected
};
std::string_view ResolutionName(Resolution resolution);
StatusOr<Resolution> ParseResolution(std::string_view name);

/// Who did something.
struct Actor {
  enum class Kind { kBuyer, kSeller, kMarketplace, kCarrier, kSystem };
  Kind kind = Kind::kSystem;
  std::string id{};  ///< user, account or service id
};
std::string_view ActorKindName(Actor::Kind kind);

/// One recorded transition (the audit trail).
struct TransitionRecord {
  ReturnState from = ReturnState::kRequested;
  ReturnState to = ReturnState::kRequested;
  Resolution resolution = Resolution::kNone;
  Actor actor{};
  Instant at{};
  std::string reason{};
};

enum class ReturnReason {
  kChangeOfMind,
  kDefective,
  kNotAsDescribed,
  kDamagedInTransit,
  kWrongItem,
  kArrivedLate,
  kOther
};

enum class Disposition {
  kUndecided,
  kRestock,
  kRefurbish,
  kScrap,
  kReturnToSupplier
};

enum class GoodsCondition { kUnknown, kNew, kOpened, kUsed, kDamaged };

struct ReturnLine {
  std::string order_line_id{};
  int requested_quantity = 0;
  int received_quantity = 0;
  int accepted_quantity = 0;  ///< accepted after inspection
  GoodsCondition condition = GoodsCondition::kUnknown;
  ReturnReason reason = ReturnReason::kChangeOfMind;
  std::string reason_note{};
  Disposition disposition = Disposition::kUndecided;
};

/// A return request (RMA). Goods may or may not come back: a claim for a
/// replacement or a refund without return has `requires_return == false`.
class ReturnCase {
 public:
  std::string id{};
  std::string order_id{};
  std::string marketplace{};  ///< "ebay", ... or empty
  std::string external_id{};  ///< the marketplace's return id
  bool requires_return = true;
  std::vector<ReturnLine> lines{};
  Instant created_at{};
  Instant updated_at{};

  ReturnState state() const { return state_; }
  Resolution resolution() const { return resolution_; }
  std::vector<TransitionRecord> const& history() const { return history_; }

  /// Moves to `to`, recording who, when and why. Errors (nothing changes):
  /// kFailedPrecondition with reason RETURN_TRANSITION_INVALID (no such edge,
  /// metadata from/to), RETURN_RESOLUTION_REQUIRED (resolved without a
  /// resolution), RETURN_RESOLUTION_UNEXPECTED (a resolution on another
  /// state), RETURN_NOT_RECEIVED (inspected with nothing received),
  /// RETURN_GOES_BACK_IN_TIME (`at` before the last transition).
  Status Transition(ReturnState to, Actor actor, Instant at, std::string reason,
                    Resolution resolution = Resolution::kNone);

  /// Restores a case from storage without replaying rules: the store's
  /// counterpart of the constructor. `history` must end in `state`.
  static StatusOr<ReturnCase> Restore(ReturnCase base, ReturnState state,
                                      Resolution resolution,
                                      std::vector<TransitionRecord> history);

 private:
  ReturnState state_ = ReturnState::kRequested;
  Resolution resolution_ = Resolution::kNone;
  std::vector<TransitionRecord> history_{};
};

/// An exchange: goods back, other goods out.
struct Exchange {
  std::string id{};
  std::string return_id{};
  struct Line {
    std::string sku{};
    int quantity = 1;
    Money unit_price{};
  };
  std::vector<Line> outgoing{};
  std::optional<Money> price_difference{};  ///< positive: the buyer pays more
};

/// A repair, with its attempts: under China's 三包 two failed repairs give
/// the buyer replacement or refund (部分商品修理更换退货责任规定 Art. 11).
struct Repair {
  std::string id{};
  std::string return_id{};
  std::string order_line_id{};
  struct Attempt {
    Instant started_at{};
    std::optional<Instant> completed_at{};
    bool succeeded = false;
    std::string note{};
  };
  std::vector<Attempt> attempts{};

  int FailedAttempts() const;
};

}  // namespace v1
}  // namespace sanbao
