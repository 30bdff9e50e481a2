#pragma once

// Records with every stored field filled in, shared by the store's codec
// tests (tests/store/store_codec_test.cc) and its benchmarks
// (bench/store_bench.cc, bench/store_open_bench.cc). The strings need JSON
// escaping (quotes, backslashes, control characters) and carry non-ASCII UTF-8.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "sanbao/decimal.h"
#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"
#include "sanbao/money.h"
#include "sanbao/time.h"

namespace sanbao::testing_util {

inline Money Minor(std::int64_t minor_units,
                   std::string_view currency = "EUR") {
  return *Money::FromMinorUnits(minor_units, currency);
}

inline Instant Seconds(std::int64_t s) {
  return Instant(std::chrono::seconds(1'790'000'000 + s));
}

/// Two lines (the second with placeholder tax, no shipping of its own and
/// nothing optional), three tenders, two deliveries.
inline Order FullOrder() {
  Order o;
  o.id = "O-1001";
  o.marketplace = "ebay";
  o.external_id = "12-34567-89012";
  o.placed_at = Seconds(0);
  o.presentment_currency = "EUR";
  o.settlement_currency = "GBP";
  OrderLine a;
  a.id = "L1";
  a.sku = "KETTLE-1.7";
  a.title = "Wasserkocher \u201EClassic\u201C 1,7 l \"matt\" \\ edition";
  a.category = "appliances/kitchen";
  a.quantity = 2;
  a.unit_price = Minor(4990);
  a.tax = Minor(1593);
  a.tax_included = true;
  a.discounts.push_back(Discount{"D1", "WELCOME", Minor(500)});
  a.discounts.push_back(Discount{"D3", "BUNDLE", Minor(250)});
  a.shipping = Minor(495);
  a.attributes = {"hygiene_sealed", "personalised"};
  o.lines.push_back(a);
  OrderLine b;
  b.id = "L2";
  b.sku = "FILTER";
  b.title = "Kalkfilter";
  b.category = "spare_parts";
  b.quantity = 1;
  b.unit_price = Minor(990);
  b.tax = Money();  // not filled in yet
  o.lines.push_back(b);
  o.order_discounts.push_back(Discount{"D2", "CART10", Minor(1000)});
  o.shipping.charged = Minor(495);
  o.shipping.cheapest_standard = Minor(395);
  o.shipping.tax = Minor(79);
  o.tenders.push_back(Tender{"T1", TenderKind::kGiftCard, Minor(2000), "gc_1"});
  o.tenders.push_back(Tender{"T2", TenderKind::kCard, Minor(7375), "pi_1"});
  o.tenders.push_back(Tender{"T3", TenderKind::kStoreCredit, Minor(100), ""});
  o.loyalty_points_earned = 93;
  o.buyer = PartyInfo{"DE-BE", "Europe/Berlin"};
  o.seller = PartyInfo{"GB", "Europe/London"};
  Delivery p1;
  p1.id = "P1";
  p1.parts = {{"L1", 2}, {"L2", 1}};
  p1.delivered_at = Seconds(86400);
  p1.carrier = "DHL";
  p1.tracking_number = "00340434";
  o.deliveries.push_back(p1);
  Delivery p2;
  p2.id = "P2";
  p2.delivered_at = Seconds(2 * 86400);
  p2.carrier = "UPS\tExpress";
  p2.tracking_number = std::string("1Z\x01", 3);
  o.deliveries.push_back(p2);
  return o;
}

/// A return case whose stored document (requires_return and lines) is
/// filled in; the rest lives in columns and the events table.
inline ReturnCase FullReturnCase() {
  ReturnCase rc;
  rc.id = "R1";
  rc.order_id = "O-1001";
  rc.requires_return = true;
  ReturnLine a;
  a.order_line_id = "L1";
  a.requested_quantity = 2;
  a.received_quantity = 2;
  a.accepted_quantity = 1;
  a.condition = GoodsCondition::kOpened;
  a.reason = ReturnReason::kNotAsDescribed;
  a.reason_note = "Farbe weicht ab \u2014 \"matt\" statt gl\u00E4nzend\n";
  a.disposition = Disposition::kRefurbish;
  rc.lines.push_back(a);
  ReturnLine b;
  b.order_line_id = "L2";
  b.requested_quantity = 1;
  b.condition = GoodsCondition::kDamaged;
  b.reason = ReturnReason::kDamagedInTransit;
  b.disposition = Disposition::kReturnToSupplier;
  rc.lines.push_back(b);
  return rc;
}

/// Every optional part present: shipping and its tax, two deductions (one
/// with evidence), two tenders, a conversion with its converted amount.
inline Refund FullRefund() {
  Refund r;
  r.id = "RF-1";
  r.order_id = "O-1001";
  r.return_id = "R1";
  r.lines.push_back(RefundLine{"L1", 1, Minor(3773), Minor(717)});
  r.lines.push_back(RefundLine{"L2", 1, Minor(832), Minor(158)});
  r.shipping = Minor(332);
  r.shipping_tax = Minor(63);
  Deduction worn;
  worn.kind = Deduction::Kind::kDiminishedValue;
  worn.amount = Minor(395);
  worn.legal_basis = "CRD Art. 14(2)";
  worn.evidence = "inspection-42";
  r.deductions.push_back(worn);
  Deduction postage;
  postage.kind = Deduction::Kind::kReturnPostage;
  postage.amount = Minor(490);
  postage.legal_basis = "CRD Art. 14(1)";
  r.deductions.push_back(postage);
  r.total = Minor(4990);
  r.tenders.push_back(TenderRefund{"T1", Minor(2000)});
  r.tenders.push_back(TenderRefund{"T2", Minor(2990)});
  r.conversion = FxConversion{"EUR",
                              "GBP",
                              *Decimal::Parse("0.8571"),
                              "ECB",
                              *ParseCivilDate("2026-12-01"),
                              Minor(4277, "GBP")};
  r.loyalty_points_reversed = 45;
  r.due_by = *ParseCivilDate("2026-12-30");
  r.idempotency_key = "sync:ebay:R1:1";
  r.created_at = Seconds(500);
  return r;
}

/// Nothing optional: no return, shipping, deductions, conversion or due date.
inline Refund SparseRefund() {
  Refund r;
  r.id = "RF-2";
  r.order_id = "O-1001";
  r.lines.push_back(RefundLine{"L2", 1, Minor(990), Money()});
  r.total = Minor(990);
  r.tenders.push_back(TenderRefund{"T2", Minor(990)});
  r.idempotency_key = "manual:2";
  r.created_at = Seconds(900);
  return r;
}

/// Return case `n` as the store benchmarks write it: one line, three
/// transitions (approved, awaiting shipment, in transit).
inline ReturnCase InTransitCase(std::int64_t n) {
  ReturnCase rc;
  rc.id = "RMA-" + std::to_string(1'000'000 + n);
  rc.order_id = "ORD-" + std::to_string(n / 3);
  rc.marketplace = "shopify";
  rc.external_id = std::to_string(n);
  rc.created_at = Seconds(n);
  ReturnLine line;
  line.order_line_id = "L1";
  line.requested_quantity = 1;
  line.reason = ReturnReason::kDefective;
  line.reason_note = "does not heat";
  rc.lines.push_back(line);
  Actor seller{Actor::Kind::kSeller, "ops"};
  (void)rc.Transition(ReturnState::kApproved, seller, Seconds(n + 60),
                      "within 14 days");
  (void)rc.Transition(ReturnState::kAwaitingShipment, seller, Seconds(n + 60),
                      "label sent");
  (void)rc.Transition(ReturnState::kInTransit,
                      Actor{Actor::Kind::kCarrier, "dhl"}, Seconds(n + 3600),
                      "picked up");
  rc.updated_at = Seconds(n + 3600);
  return rc;
}

}  // namespace sanbao::testing_util
