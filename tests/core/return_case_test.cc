#include "sanbao/domain/return_case.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

#include "sanbao/domain/order.h"

namespace sanbao {
namespace {

Instant At(char const* text) { return *ParseInstant(text); }
Actor Seller() { return Actor{Actor::Kind::kSeller, "ops@shop"}; }

ReturnCase NewCase(bool requires_return = true) {
  ReturnCase rc;
  rc.id = "R1";
  rc.order_id = "O1";
  rc.requires_return = requires_return;
  rc.lines.push_back(
      ReturnLine{.order_line_id = "L1", .requested_quantity = 1});
  return rc;
}

TEST(ReturnCase, HappyPathIsRecorded) {
  auto rc = NewCase();
  ASSERT_TRUE(rc.Transition(ReturnState::kApproved, Seller(),
                            At("2026-03-01T10:00:00Z"), "eligible")
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kAwaitingShipment, Seller(),
                            At("2026-03-01T10:01:00Z"), "label sent")
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kInTransit,
                            Actor{Actor::Kind::kCarrier, "dhl"},
                            At("2026-03-02T08:00:00Z"), "scanned")
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kReceived, Seller(),
                            At("2026-03-04T09:00:00Z"), "at warehouse")
                  .ok());
  rc.lines[0].received_quantity = 1;
  ASSERT_TRUE(rc.Transition(ReturnState::kInspected, Seller(),
                            At("2026-03-04T10:00:00Z"), "as new")
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kResolved, Seller(),
                            At("2026-03-04T11:00:00Z"), "refund issued",
                            Resolution::kRefunded)
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kClosed, Actor{},
                            At("2026-03-05T00:00:00Z"), "done")
                  .ok());
  EXPECT_EQ(rc.state(), ReturnState::kClosed);
  EXPECT_EQ(rc.resolution(), Resolution::kRefunded);
  ASSERT_EQ(rc.history().size(), 7U);
  EXPECT_EQ(rc.history()[2].actor.id, "dhl");
  EXPECT_EQ(rc.history()[5].resolution, Resolution::kRefunded);
  EXPECT_EQ(rc.history()[5].reason, "refund issued");
  EXPECT_EQ(rc.updated_at, At("2026-03-05T00:00:00Z"));
}

TEST(ReturnCase, IllegalTransitionsChangeNothing) {
  auto rc = NewCase();
  auto s = rc.Transition(ReturnState::kReceived, Seller(),
                         At("2026-03-01T10:00:00Z"), "x");
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "RETURN_TRANSITION_INVALID");
  EXPECT_EQ(s.error_info().metadata.at("from"), "requested");
  EXPECT_EQ(s.error_info().metadata.at("to"), "received");
  EXPECT_EQ(rc.state(), ReturnState::kRequested);
  EXPECT_TRUE(rc.history().empty());
}

TEST(ReturnCase, EveryPairOfStatesFollowsTheTable) {
  // Exhaustively: a transition succeeds exactly when the table has the edge
  // (resolution and goods supplied where needed).
  constexpr std::array kStates = {
      ReturnState::kRequested, ReturnState::kApproved,
      ReturnState::kDeclined,  ReturnState::kAwaitingShipment,
      ReturnState::kInTransit, ReturnState::kReceived,
      ReturnState::kInspected, ReturnState::kResolved,
      ReturnState::kClosed,    ReturnState::kCancelled};
  int allowed = 0;
  for (auto from : kStates) {
    for (auto to : kStates) {
      auto base = NewCase(/*requires_return=*/false);
      base.lines[0].received_quantity = 1;
      std::vector<TransitionRecord> history;
      if (from != ReturnState::kRequested) {
        // Any path that reaches `from` will do for this check.
        history.push_back({ReturnState::kRequested,
                           from,
                           Resolution::kNone,
                           {},
                           Instant{},
                           ""});
      }
      auto restored = ReturnCase::Restore(base, from, Resolution::kNone, {});
      ASSERT_TRUE(restored.ok());
      auto resolution = to == ReturnState::kResolved ? Resolution::kReplaced
                                                     : Resolution::kNone;
      auto s = restored->Transition(to, Seller(), At("2026-01-01T00:00:00Z"),
                                    "t", resolution);
      EXPECT_EQ(s.ok(), IsTransitionAllowed(from, to))
          << ReturnStateName(from) << " -> " << ReturnStateName(to) << ": "
          << s;
      allowed += s.ok() ? 1 : 0;
    }
  }
  EXPECT_EQ(allowed, 15);
  EXPECT_FALSE(
      IsTransitionAllowed(ReturnState::kClosed, ReturnState::kRequested));
  EXPECT_TRUE(IsTerminal(ReturnState::kClosed));
}

TEST(ReturnCase, ResolutionRules) {
  auto claim = NewCase(/*requires_return=*/false);
  ASSERT_TRUE(claim
                  .Transition(ReturnState::kApproved, Seller(),
                              At("2026-03-01T10:00:00Z"), "ok")
                  .ok());
  auto s = claim.Transition(ReturnState::kResolved, Seller(),
                            At("2026-03-01T11:00:00Z"), "x");
  EXPECT_EQ(s.reason(), "RETURN_RESOLUTION_REQUIRED");
  EXPECT_TRUE(claim
                  .Transition(ReturnState::kResolved, Seller(),
                              At("2026-03-01T11:00:00Z"), "replacement sent",
                              Resolution::kReplaced)
                  .ok());

  auto goods = NewCase(/*requires_return=*/true);
  ASSERT_TRUE(goods
                  .Transition(ReturnState::kApproved, Seller(),
                              At("2026-03-01T10:00:00Z"), "ok")
                  .ok());
  EXPECT_EQ(
      goods
          .Transition(ReturnState::kResolved, Seller(),
                      At("2026-03-01T11:00:00Z"), "x", Resolution::kRefunded)
          .reason(),
      "RETURN_TRANSITION_INVALID");
  EXPECT_EQ(
      goods
          .Transition(ReturnState::kAwaitingShipment, Seller(),
                      At("2026-03-01T11:00:00Z"), "x", Resolution::kRefunded)
          .reason(),
      "RETURN_RESOLUTION_UNEXPECTED");
}

TEST(ReturnCase, InspectionNeedsGoodsAndTimeMovesForward) {
  auto rc = NewCase();
  ASSERT_TRUE(rc.Transition(ReturnState::kApproved, Seller(),
                            At("2026-03-02T10:00:00Z"), "")
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kAwaitingShipment, Seller(),
                            At("2026-03-02T10:00:00Z"), "")
                  .ok());
  ASSERT_TRUE(rc.Transition(ReturnState::kReceived, Seller(),
                            At("2026-03-03T10:00:00Z"), "")
                  .ok());
  EXPECT_EQ(rc.Transition(ReturnState::kInspected, Seller(),
                          At("2026-03-03T11:00:00Z"), "")
                .reason(),
            "RETURN_NOT_RECEIVED");
  rc.lines[0].received_quantity = 1;
  EXPECT_EQ(rc.Transition(ReturnState::kInspected, Seller(),
                          At("2026-03-01T11:00:00Z"), "")
                .reason(),
            "RETURN_GOES_BACK_IN_TIME");
  EXPECT_TRUE(rc.Transition(ReturnState::kInspected, Seller(),
                            At("2026-03-03T11:00:00Z"), "")
                  .ok());
}

TEST(ReturnCase, RestoreRejectsInconsistentHistory) {
  std::vector<TransitionRecord> history = {{ReturnState::kRequested,
                                            ReturnState::kApproved,
                                            Resolution::kNone,
                                            {},
                                            Instant{},
                                            ""},
                                           {ReturnState::kApproved,
                                            ReturnState::kInTransit,
                                            Resolution::kNone,
                                            {},
                                            Instant{},
                                            ""}};
  auto r = ReturnCase::Restore(NewCase(), ReturnState::kInTransit,
                               Resolution::kNone, history);
  EXPECT_EQ(r.status().reason(), "RETURN_HISTORY_INCONSISTENT");
  history.pop_back();
  EXPECT_EQ(ReturnCase::Restore(NewCase(), ReturnState::kInTransit,
                                Resolution::kNone, history)
                .status()
                .reason(),
            "RETURN_HISTORY_INCONSISTENT");
  EXPECT_TRUE(ReturnCase::Restore(NewCase(), ReturnState::kApproved,
                                  Resolution::kNone, history)
                  .ok());
}

TEST(ReturnCase, NamesRoundTrip) {
  for (auto name :
       {"requested", "approved", "declined", "awaiting_shipment", "in_transit",
        "received", "inspected", "resolved", "closed", "cancelled"}) {
    auto s = ParseReturnState(name);
    ASSERT_TRUE(s.ok()) << name;
    EXPECT_EQ(ReturnStateName(*s), name);
  }
  EXPECT_EQ(ParseReturnState("lost").status().reason(), "RETURN_STATE_UNKNOWN");
  EXPECT_EQ(*ParseResolution("exchanged"), Resolution::kExchanged);
}

TEST(Repair, CountsFailedAttempts) {
  Repair r;
  r.attempts.push_back(
      {At("2026-01-01T00:00:00Z"), At("2026-01-05T00:00:00Z"), false, ""});
  r.attempts.push_back(
      {At("2026-02-01T00:00:00Z"), At("2026-02-05T00:00:00Z"), false, ""});
  r.attempts.push_back(
      {At("2026-03-01T00:00:00Z"), std::nullopt, false, "in progress"});
  EXPECT_EQ(r.FailedAttempts(), 2);
}

TEST(Order, TotalsWithDiscountsTaxAndShipping) {
  Order o;
  o.presentment_currency = "EUR";
  o.lines.push_back(OrderLine{.id = "A",
                              .quantity = 3,
                              .unit_price = *Money::Parse("19.99", "EUR"),
                              .tax = *Money::Parse("0", "EUR"),
                              .tax_included = true});
  o.lines.push_back(OrderLine{.id = "B",
                              .quantity = 1,
                              .unit_price = *Money::Parse("45.00", "EUR"),
                              .tax = *Money::Parse("0", "EUR"),
                              .tax_included = true});
  o.order_discounts.push_back(
      Discount{"D", "WELCOME10", *Money::Parse("10.00", "EUR")});
  o.shipping.charged = *Money::Parse("4.90", "EUR");
  o.tenders.push_back(
      Tender{"T1", TenderKind::kCard, *Money::Parse("89.87", "EUR"), ""});
  EXPECT_EQ(o.Total()->ToString(), "99.87");
  EXPECT_EQ(o.TenderTotal()->ToString(), "89.87");
  EXPECT_NE(o.FindLine("B"), nullptr);
  EXPECT_EQ(o.FindLine("C"), nullptr);
  o.shipping.charged = *Money::Parse("500", "JPY");
  EXPECT_EQ(o.Total().status().reason(), "CURRENCY_MISMATCH");
}

}  // namespace
}  // namespace sanbao
