#include "sanbao/ebay/mapping.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

using State = ReturnState;

// ReturnStateEnum -> Sanbao state. The list is complete for
// npm:ebay-api@9.6.0 dist/enums/restfulEnums.d.ts (ReturnState), which
// matches
// https://developer.ebay.com/devzone/post-order/extra/pst-rdr_v2_rtrn-rtrnd__gt.Rspns.smmry.stt.html
// (eBay Post-Order API: Get Return, summary.state). Sorted by name for
// binary search; the same table is in docs/guides/ebay.md.
constexpr std::array<std::pair<std::string_view, State>, 43> kStates{{
    {"AUTO_REFUND_INITIATED", State::kResolved},
    {"CLOSED", State::kClosed},
    {"INITIAL", State::kRequested},
    {"ITEM_DELIVERED", State::kReceived},
    {"ITEM_KEPT", State::kResolved},
    {"ITEM_READY_TO_SHIP", State::kAwaitingShipment},
    {"ITEM_SHIPPED", State::kInTransit},
    {"LESS_THAN_A_FULL_REFUND_ISSUED", State::kResolved},
    {"PARTIAL_REFUNDED", State::kResolved},
    {"PARTIAL_REFUND_AS_PAYOUT_INITIATED", State::kResolved},
    {"PARTIAL_REFUND_DECLINED", State::kRequested},
    {"PARTIAL_REFUND_FAILED", State::kInspected},
    {"PARTIAL_REFUND_INITIATED", State::kResolved},
    {"PARTIAL_REFUND_NON_PAYPAL_INITIATED", State::kResolved},
    {"PARTIAL_REFUND_REQUESTED", State::kRequested},
    {"PAYOUT_INITIATED", State::kResolved},
    {"REFUND_AS_PAYOUT_INITIATED", State::kResolved},
    {"REFUND_FAILED", State::kInspected},
    {"REFUND_INITIATED", State::kResolved},
    {"REFUND_SENT_PENDING_CONFIRMATION", State::kResolved},
    {"REFUND_TIMEOUT", State::kReceived},
    {"REPLACED", State::kResolved},
    {"REPLACEMENT_CLOSED", State::kClosed},
    {"REPLACEMENT_DELIVERED", State::kResolved},
    {"REPLACEMENT_LABEL_PENDING", State::kApproved},
    {"REPLACEMENT_LABEL_PENDING_TIMEOUT", State::kApproved},
    {"REPLACEMENT_LABEL_REQUESTED", State::kApproved},
    {"REPLACEMENT_LABEL_REQUESTED_TIMEOUT", State::kApproved},
    {"REPLACEMENT_OFFER_PENDING", State::kRequested},
    {"REPLACEMENT_REQUESTED", State::kRequested},
    {"REPLACEMENT_REQUEST_TIMEOUT", State::kRequested},
    {"REPLACEMENT_RMA_PENDING", State::kApproved},
    {"REPLACEMENT_SHIPPED", State::kResolved},
    {"REPLACEMENT_STARTED", State::kApproved},
    {"RETURN_LABEL_PENDING", State::kApproved},
    {"RETURN_LABEL_PENDING_TIMEOUT", State::kApproved},
    {"RETURN_LABEL_REQUESTED", State::kApproved},
    {"RETURN_LABEL_REQUESTED_TIMEOUT", State::kApproved},
    {"RETURN_REJECTED", State::kDeclined},
    {"RETURN_REQUESTED", State::kRequested},
    {"RETURN_REQUEST_TIMEOUT", State::kRequested},
    {"RMA_PENDING", State::kApproved},
    {"UNKNOWN", State::kRequested},
}};

constexpr std::array<std::string_view, 43> kStateNames = [] {
  std::array<std::string_view, 43> names{};
  for (std::size_t i = 0; i < kStates.size(); ++i) names[i] = kStates[i].first;
  return names;
}();

// A refund has been started or made (eBay moves money itself after these).
constexpr std::array<std::string_view, 10> kRefundIssuedStates{{
    "AUTO_REFUND_INITIATED",
    "LESS_THAN_A_FULL_REFUND_ISSUED",
    "PARTIAL_REFUNDED",
    "PARTIAL_REFUND_AS_PAYOUT_INITIATED",
    "PARTIAL_REFUND_INITIATED",
    "PARTIAL_REFUND_NON_PAYPAL_INITIATED",
    "PAYOUT_INITIATED",
    "REFUND_AS_PAYOUT_INITIATED",
    "REFUND_INITIATED",
    "REFUND_SENT_PENDING_CONFIRMATION",
}};

using Reason = ReturnReason;
// ReturnReasonEnum (npm:ebay-api@9.6.0 dist/enums/restfulEnums.d.ts,
// ReturnReason) -> Sanbao reason. Buyer's remorse (the buyer changed their
// mind, ordered the wrong thing or size) is kChangeOfMind; a fault of the
// item or the listing is kDefective / kNotAsDescribed; carrier damage is
// kDamagedInTransit. Sorted by name.
constexpr std::array<std::pair<std::string_view, Reason>, 25> kReasons{{
    {"ARRIVED_DAMAGED", Reason::kDamagedInTransit},
    {"ARRIVED_LATE", Reason::kArrivedLate},
    {"BUYER_CANCEL_ORDER", Reason::kChangeOfMind},
    {"BUYER_NOT_SCHEDULED", Reason::kOther},
    {"BUYER_NO_SHOW", Reason::kOther},
    {"BUYER_REFUSED_TO_PICKUP", Reason::kOther},
    {"DEFECTIVE_ITEM", Reason::kDefective},
    {"DIFFERENT_FROM_LISTING", Reason::kNotAsDescribed},
    {"EXPIRED_ITEM", Reason::kDefective},
    {"FAKE_OR_COUNTERFEIT", Reason::kNotAsDescribed},
    {"FOUND_BETTER_PRICE", Reason::kChangeOfMind},
    {"IN_STORE_RETURN", Reason::kOther},
    {"MISSING_PARTS", Reason::kNotAsDescribed},
    {"NOT_AS_DESCRIBED", Reason::kNotAsDescribed},
    {"NO_LONGER_NEED_ITEM", Reason::kChangeOfMind},
    {"NO_REASON", Reason::kChangeOfMind},
    {"ORDERED_ACCIDENTALLY", Reason::kChangeOfMind},
    {"ORDERED_DIFFERENT_ITEM", Reason::kChangeOfMind},
    {"ORDERED_WRONG_ITEM", Reason::kChangeOfMind},
    {"OTHER", Reason::kOther},
    {"OUT_OF_STOCK", Reason::kOther},
    {"RETURNING_GIFT", Reason::kChangeOfMind},
    {"VALET_DELIVERY_ISSUES", Reason::kOther},
    {"VALET_UNAVAILABLE", Reason::kOther},
    {"WRONG_SIZE", Reason::kChangeOfMind},
}};

template <typename Table>
constexpr bool IsSorted(Table const& table) {
  for (std::size_t i = 1; i < table.size(); ++i) {
    if (!(table[i - 1].first < table[i].first)) return false;
  }
  return true;
}
static_assert(IsSorted(kStates));
static_assert(IsSorted(kReasons));
static_assert(std::is_sorted(kRefundIssuedStates.begin(),
                             kRefundIssuedStates.end()));

template <typename Table>
auto const* Lookup(Table const& table, std::string_view key) {
  auto it = std::lower_bound(
      table.begin(), table.end(), key,
      [](auto const& entry, std::string_view k) { return entry.first < k; });
  return (it != table.end() && it->first == key) ? &*it : nullptr;
}

}  // namespace

ReturnState MapReturnState(std::string_view state) {
  auto const* entry = Lookup(kStates, state);
  return entry ? entry->second : ReturnState::kRequested;
}

std::span<std::string_view const> KnownReturnStates() { return kStateNames; }

bool IsKnownReturnState(std::string_view state) {
  return Lookup(kStates, state) != nullptr;
}

bool IsRefundIssuedState(std::string_view state) {
  return std::binary_search(kRefundIssuedStates.begin(),
                            kRefundIssuedStates.end(), state);
}

ReturnReason MapReturnReason(std::string_view reason) {
  auto const* entry = Lookup(kReasons, reason);
  return entry ? entry->second : ReturnReason::kOther;
}

std::string_view SiteDomain(std::string_view marketplace_id) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17>
      kSites = {{
          {"EBAY_US", "ebay.com"},
          {"EBAY_GB", "ebay.co.uk"},
          {"EBAY_DE", "ebay.de"},
          {"EBAY_FR", "ebay.fr"},
          {"EBAY_IT", "ebay.it"},
          {"EBAY_ES", "ebay.es"},
          {"EBAY_AU", "ebay.com.au"},
          {"EBAY_CA", "ebay.ca"},
          {"EBAY_AT", "ebay.at"},
          {"EBAY_BE", "ebay.be"},
          {"EBAY_CH", "ebay.ch"},
          {"EBAY_IE", "ebay.ie"},
          {"EBAY_NL", "ebay.nl"},
          {"EBAY_PL", "ebay.pl"},
          {"EBAY_HK", "ebay.com.hk"},
          {"EBAY_SG", "ebay.com.sg"},
          {"EBAY_MOTORS_US", "ebay.com"},
      }};
  for (auto const& [id, domain] : kSites) {
    if (id == marketplace_id) return domain;
  }
  return {};
}

RefundPartKind MapRefundFeeType(std::string_view fee_type) {
  if (fee_type == "PURCHASE_PRICE") return RefundPartKind::kGoods;
  if (fee_type == "ORIGINAL_SHIPPING" || fee_type == "DOMESTIC_SHIPPING" ||
      fee_type == "INTERNATIONAL_SHIPPING") {
    return RefundPartKind::kOutboundShipping;
  }
  if (fee_type == "ITEM_TAX") return RefundPartKind::kGoodsTax;
  if (fee_type == "SHIPPING_TAX") return RefundPartKind::kShippingTax;
  if (fee_type == "RETURN_SHIPPING") return RefundPartKind::kReturnShipping;
  return RefundPartKind::kOther;
}

std::string_view RefundFeeTypeFor(RefundPartKind kind) {
  switch (kind) {
    case RefundPartKind::kGoods:
      return "PURCHASE_PRICE";
    case RefundPartKind::kGoodsTax:
      return "ITEM_TAX";
    case RefundPartKind::kOutboundShipping:
      return "ORIGINAL_SHIPPING";
    case RefundPartKind::kShippingTax:
      return "SHIPPING_TAX";
    case RefundPartKind::kReturnShipping:
      return "RETURN_SHIPPING";
    case RefundPartKind::kOther:
      break;
  }
  return "OTHER";
}

SellerActions MapSellerOptions(std::span<std::string const> options) {
  SellerActions a;
  a.listed = !options.empty();
  for (auto const& o : options) {
    if (o == "APPROVE") a.approve = true;
    if (o == "DECLINE") a.decline = true;
    if (o == "ISSUE_REFUND") a.issue_refund = true;
    if (o == "OFFER_PARTIAL_REFUND") a.offer_partial_refund = true;
    if (o == "MARK_AS_RECEIVED") a.mark_received = true;
  }
  return a;
}

void MapReturn(MarketplaceReturn& r) {
  r.marketplace = "ebay";
  r.mapped_state = MapReturnState(r.state);
  r.mapped_reason = MapReturnReason(r.reason);
  r.offered = MapSellerOptions(r.seller_options);
  for (auto& part : r.estimated_refund_parts) {
    part.kind = MapRefundFeeType(part.fee_type);
  }
  r.marketplace_policy = std::string(kMarketplacePolicy);
  r.marketplace_site = std::string(SiteDomain(r.site));
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
