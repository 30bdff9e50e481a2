#include "decision_input.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

ClaimKind ClaimFor(ReturnReason reason) {
  switch (reason) {
    case ReturnReason::kDefective:
    case ReturnReason::kDamagedInTransit:
      return ClaimKind::kDefect;
    case ReturnReason::kNotAsDescribed:
    case ReturnReason::kWrongItem:
      return ClaimKind::kNotAsDescribed;
    case ReturnReason::kChangeOfMind:
    case ReturnReason::kArrivedLate:
    case ReturnReason::kOther:
      break;
  }
  return ClaimKind::kWithdrawal;
}

// The amount the buyer paid, in the buyer's own currency where the
// marketplace converted it.
Money BuyerAmount(MarketplaceAmount const& amount) {
  return amount.converted_from ? *amount.converted_from : amount.amount;
}

}  // namespace

StatusOr<DecisionRequest> BuildDecisionRequest(MarketplaceReturn const& ret,
                                               MarketplaceOrder const* order,
                                               SellerRules const& rules) {
  auto fail = [&](std::string message, std::string reason) {
    return FailedPreconditionError(
        "return " + ret.external_id + ": " + std::move(message),
        std::move(reason), {{"return_id", ret.external_id}});
  };
  std::string country = ret.buyer_country;
  std::string region = ret.buyer_region;
  if (country.empty() && order != nullptr) {
    country = order->buyer_country;
    region = order->buyer_region;
  }
  if (country.empty()) {
    return fail("the buyer's country is unknown", "BUYER_COUNTRY_UNKNOWN");
  }
  DecisionRequest req;
  req.buyer.jurisdiction = region.empty() ? country : country + "-" + region;
  req.buyer.timezone = !ret.buyer_time_zone.empty()
                           ? ret.buyer_time_zone
                           : std::string(DefaultTimeZone(country, region));
  if (req.buyer.timezone.empty()) {
    return fail("no time zone is known for country " + country,
                "BUYER_TIME_ZONE_UNKNOWN");
  }
  req.seller = rules.seller;
  if (req.seller.jurisdiction.empty()) {
    req.seller.jurisdiction = ret.seller_country;
  }
  if (!ret.marketplace_policy.empty()) {
    req.marketplace = ret.marketplace_policy;
    if (!ret.marketplace_site.empty()) {
      req.marketplace_site = ret.marketplace_site;
    }
  }

  Item item;
  item.id = ret.transaction_id.empty() ? ret.external_id : ret.transaction_id;
  item.category = "general";
  MarketplaceOrderLine const* line = nullptr;
  if (order != nullptr) {
    req.contract.concluded_at = order->created_at;
    for (auto const& l : order->lines) {
      if (l.line_id == ret.transaction_id ||
          (line == nullptr && !ret.item_id.empty() &&
           l.item_id == ret.item_id)) {
        line = &l;
      }
    }
  } else {
    req.contract.concluded_at = ret.created_at;
  }
  if (line != nullptr) {
    item.price = BuyerAmount(line->price);
    if (line->delivered_at) {
      // An estimate may lie after the return request; the buyer had the
      // item by the time they asked to send it back.
      item.deliveries.push_back(std::min(*line->delivered_at, ret.created_at));
    }
    if (order->lines.size() > 1) req.contract.kind = ContractKind::kMultiItem;
  } else if (ret.item_price) {
    item.price = BuyerAmount(*ret.item_price);
  }
  if (item.deliveries.empty()) {
    // Nothing says when the item arrived: the return request itself shows
    // the buyer had it by then, the latest start the facts allow.
    item.deliveries.push_back(ret.created_at);
  }
  if (req.contract.concluded_at > item.deliveries.front()) {
    req.contract.concluded_at = item.deliveries.front();
  }
  req.items.push_back(std::move(item));
  req.claim.kind = ClaimFor(ret.mapped_reason);
  req.claim.sent_at = ret.created_at;
  req.claim.item_ids = {req.items.front().id};
  return req;
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
