#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sanbao/money.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// A discount, on a line or on the whole order. `amount` is positive.
struct Discount {
  std::string id{};
  std::string code{};  ///< coupon code or promotion name, for people
  Money amount{};
};

/// How a buyer paid. An order may be paid with several tenders.
enum class TenderKind {
  kCard,
  kWallet,
  kGiftCard,
  kStoreCredit,
  kBankTransfer,
  kCashOnDelivery,
  kOther
};

struct Tender {
  std::string id{};
  TenderKind kind = TenderKind::kCard;
  Money amount{};  ///< what this tender paid, in the presentment currency
  std::string reference{};  ///< the payment provider's id
};

struct OrderLine {
  std::string id{};
  std::string sku{};
  std::string title{};
  std::string category{};
  int quantity = 1;
  Money unit_price{};  ///< list price per unit, before discounts
  /// Total tax charged for the line (all units, after line discounts). When
  /// `tax_included` the unit price already contains it.
  Money tax{};
  bool tax_included = false;
  std::vector<Discount> discounts{};  ///< line-level discounts (all units)
  /// The line's own part of the order's shipping charge (all units), where
  /// the marketplace charges and refunds shipping per line; the lines'
  /// parts then add up to OrderShipping::charged. None: shipping is charged
  /// for the order as a whole.
  std::optional<Money> shipping{};
  std::vector<std::string>
      attributes{};  ///< "personalised", "hygiene_sealed", ...
};

/// A parcel or hand-over: which units of which lines reached the buyer when.
struct Delivery {
  std::string id{};
  struct Part {
    std::string line_id{};
    int quantity = 1;
  };
  std::vector<Part> parts{};
  Instant delivered_at{};
  std::string carrier{};
  std::string tracking_number{};
};

/// The outbound delivery charge of an order. (Named OrderShipping because
/// sanbao/policy/decision.h has its own `Shipping`, the decision request's
/// view of it, and both headers must be usable in one translation unit.)
struct OrderShipping {
  Money charged{};  ///< outbound delivery the buyer paid (may be zero)
  std::optional<Money>
      cheapest_standard{};  ///< the cheapest standard option offered
  Money tax{};              ///< tax on the shipping charge
};

struct PartyInfo {
  std::string jurisdiction{};  ///< ISO 3166 ("DE-BY", "GB", "US-CA")
  std::string timezone{};      ///< IANA zone of the buyer's civil time
};

/// An order as the seller's books see it.
struct Order {
  std::string id{};
  std::string marketplace{};  ///< "ebay", "shopify", ... or empty
  std::string external_id{};  ///< the marketplace's order id
  Instant placed_at{};
  std::string presentment_currency{};  ///< what the buyer paid in
  std::string settlement_currency{};   ///< what the seller is paid in
  std::vector<OrderLine> lines{};
  std::vector<Discount> order_discounts{};
  OrderShipping shipping{};
  std::vector<Tender> tenders{};
  std::int64_t loyalty_points_earned = 0;
  PartyInfo buyer{};
  PartyInfo seller{};
  std::vector<Delivery> deliveries{};

  OrderLine const* FindLine(std::string_view line_id) const;
  /// Sum of lines (after line discounts, plus tax unless included), minus
  /// order discounts, plus shipping and its tax. Errors: mixed currencies,
  /// overflow.
  StatusOr<Money> Total() const;
  /// Sum of the tenders. A consistent order has TenderTotal() == Total().
  StatusOr<Money> TenderTotal() const;
};

}  // namespace v1
}  // namespace sanbao
