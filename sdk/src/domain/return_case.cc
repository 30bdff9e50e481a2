#include "sanbao/domain/return_case.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace {

using S = ReturnState;

struct Edge {
  S from;
  S to;
};

// The whole state machine; docs/guides/return-states.md draws it.
constexpr std::array<Edge, 15> kEdges = {{
    {S::kRequested, S::kApproved},
    {S::kRequested, S::kDeclined},
    {S::kRequested, S::kCancelled},
    {S::kApproved, S::kAwaitingShipment},
    {S::kApproved, S::kResolved},  // a claim: nothing comes back
    {S::kApproved, S::kCancelled},
    {S::kAwaitingShipment, S::kInTransit},
    {S::kAwaitingShipment, S::kReceived},  // handed in without a carrier
    {S::kAwaitingShipment, S::kCancelled},
    {S::kInTransit, S::kReceived},
    {S::kReceived, S::kInspected},
    {S::kInspected, S::kResolved},
    {S::kResolved, S::kClosed},
    {S::kDeclined, S::kClosed},
    {S::kCancelled, S::kClosed},
}};

constexpr std::array<std::pair<S, std::string_view>, 10> kStateNames = {{
    {S::kRequested, "requested"},
    {S::kApproved, "approved"},
    {S::kDeclined, "declined"},
    {S::kAwaitingShipment, "awaiting_shipment"},
    {S::kInTransit, "in_transit"},
    {S::kReceived, "received"},
    {S::kInspected, "inspected"},
    {S::kResolved, "resolved"},
    {S::kClosed, "closed"},
    {S::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<Resolution, std::string_view>, 6>
    kResolutionNames = {{
        {Resolution::kNone, "none"},
        {Resolution::kRefunded, "refunded"},
        {Resolution::kExchanged, "exchanged"},
        {Resolution::kRepaired, "repaired"},
        {Resolution::kReplaced, "replaced"},
        {Resolution::kRejected, "rejected"},
    }};

Status Refuse(std::string reason, std::string message, ReturnState from,
              ReturnState to) {
  return FailedPreconditionError(std::move(message), std::move(reason),
                                 {{"from", std::string(ReturnStateName(from))},
                                  {"to", std::string(ReturnStateName(to))}});
}

}  // namespace

std::string_view ReturnStateName(ReturnState state) {
  for (auto const& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "unknown";
}

StatusOr<ReturnState> ParseReturnState(std::string_view name) {
  for (auto const& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  return InvalidArgumentError(
      std::string("\"").append(name).append("\" is not a return state"),
      "RETURN_STATE_UNKNOWN", {{"value", std::string(name)}});
}

bool IsTerminal(ReturnState state) {
  // Cancelled cases may still be closed for the books; closed is final.
  return state == S::kClosed;
}

bool IsTransitionAllowed(ReturnState from, ReturnState to) {
  return std::any_of(kEdges.begin(), kEdges.end(), [&](Edge const& e) {
    return e.from == from && e.to == to;
  });
}

std::string_view ResolutionName(Resolution resolution) {
  for (auto const& [r, name] : kResolutionNames) {
    if (r == resolution) return name;
  }
  return "none";
}

StatusOr<Resolution> ParseResolution(std::string_view name) {
  for (auto const& [r, n] : kResolutionNames) {
    if (n == name) return r;
  }
  return InvalidArgumentError(
      std::string("\"").append(name).append("\" is not a resolution"),
      "RESOLUTION_UNKNOWN", {{"value", std::string(name)}});
}

std::string_view ActorKindName(Actor::Kind kind) {
  switch (kind) {
    case Actor::Kind::kBuyer:
      return "buyer";
    case Actor::Kind::kSeller:
      return "seller";
    case Actor::Kind::kMarketplace:
      return "marketplace";
    case Actor::Kind::kCarrier:
      return "carrier";
    case Actor::Kind::kSystem:
      return "system";
  }
  return "system";
}

Status ReturnCase::Transition(ReturnState to, Actor actor, Instant at,
                              std::string reason, Resolution resolution) {
  if (!IsTransitionAllowed(state_, to)) {
    return Refuse("RETURN_TRANSITION_INVALID",
                  "a return cannot go from " +
                      std::string(ReturnStateName(state_)) + " to " +
                      std::string(ReturnStateName(to)),
                  state_, to);
  }
  if (to == S::kResolved && state_ == S::kApproved && requires_return) {
    return Refuse("RETURN_TRANSITION_INVALID",
                  "a return whose goods must come back cannot be resolved "
                  "before they are "
                  "received and inspected",
                  state_, to);
  }
  if (to == S::kResolved && resolution == Resolution::kNone) {
    return Refuse(
        "RETURN_RESOLUTION_REQUIRED",
        "resolving a return needs a resolution (refunded, exchanged, repaired, "
        "replaced or rejected)",
        state_, to);
  }
  if (to != S::kResolved && resolution != Resolution::kNone) {
    return Refuse("RETURN_RESOLUTION_UNEXPECTED",
                  "only the transition to resolved takes a resolution", state_,
                  to);
  }
  if (to == S::kInspected) {
    bool received = std::any_of(
        lines.begin(), lines.end(),
        [](ReturnLine const& l) { return l.received_quantity > 0; });
    if (!received) {
      return Refuse("RETURN_NOT_RECEIVED",
                    "nothing was received, so there is nothing to inspect",
                    state_, to);
    }
  }
  if (!history_.empty() && at < history_.back().at) {
    return Refuse("RETURN_GOES_BACK_IN_TIME",
                  "the transition at " + FormatInstant(at) +
                      " is earlier than the last one at " +
                      FormatInstant(history_.back().at),
                  state_, to);
  }
  history_.push_back(TransitionRecord{state_, to, resolution, std::move(actor),
                                      at, std::move(reason)});
  state_ = to;
  if (to == S::kResolved) resolution_ = resolution;
  updated_at = at;
  return {};
}

StatusOr<ReturnCase> ReturnCase::Restore(
    ReturnCase base, ReturnState state, Resolution resolution,
    std::vector<TransitionRecord> history) {
  if (!history.empty() && history.back().to != state) {
    return InvalidArgumentError(
        "the stored history of return " + base.id + " ends in " +
            std::string(ReturnStateName(history.back().to)) +
            ", not in its state " + std::string(ReturnStateName(state)),
        "RETURN_HISTORY_INCONSISTENT", {{"return_id", base.id}});
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    auto const& h = history[i];
    bool chained = i == 0 || history[i - 1].to == h.from;
    if (!chained || !IsTransitionAllowed(h.from, h.to)) {
      return InvalidArgumentError("the stored history of return " + base.id +
                                      " contains an impossible transition",
                                  "RETURN_HISTORY_INCONSISTENT",
                                  {{"return_id", base.id}});
    }
  }
  base.state_ = state;
  base.resolution_ = resolution;
  base.history_ = std::move(history);
  return base;
}

int Repair::FailedAttempts() const {
  return static_cast<int>(
      std::count_if(attempts.begin(), attempts.end(), [](Attempt const& a) {
        return a.completed_at.has_value() && !a.succeeded;
      }));
}

}  // namespace v1
}  // namespace sanbao
