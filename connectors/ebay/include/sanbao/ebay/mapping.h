#pragma once

// eBay's return vocabulary mapped to Sanbao's (the table is repeated in
// docs/guides/ebay.md). Map on `state` (ReturnStateEnum); `status` is coarser
// and only for display (eBay Post-Order API: ReturnStateEnum,
// https://developer.ebay.com/devzone/post-order/types/ReturnStateEnum.html;
// ReturnStatusEnum,
// https://developer.ebay.com/devzone/post-order/types/ReturnStatusEnum.html).

#include <span>
#include <string>
#include <string_view>

#include "sanbao/connection.h"
#include "sanbao/domain/return_case.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

/// What a return in eBay state `state` is in Sanbao's state machine. A value
/// not in ReturnStateEnum (a state eBay adds later) and "UNKNOWN" map to
/// ReturnState::kRequested: the case stays open for a person to look at,
/// and nothing is decided or refunded on the strength of a guess.
ReturnState MapReturnState(std::string_view state);

/// Every ReturnStateEnum value, as in npm:ebay-api@9.6.0
/// dist/enums/restfulEnums.d.ts (43 values).
std::span<std::string_view const> KnownReturnStates();
bool IsKnownReturnState(std::string_view state);

/// States in which eBay has started or completed a refund (full or partial):
/// REFUND_INITIATED, PARTIAL_REFUNDED, ... IssueRefund does not send another
/// refund for a return in one of them.
bool IsRefundIssuedState(std::string_view state);

/// Sanbao's reason for eBay's ReturnReasonEnum value; anything else is
/// ReturnReason::kOther.
ReturnReason MapReturnReason(std::string_view reason);

/// The eBay marketplace's return policy in the law data.
inline constexpr std::string_view kMarketplacePolicy = "MP-EBAY";

/// The site domain the marketplace policy names for an eBay marketplace id
/// ("EBAY_DE" -> "ebay.de"; MarketplaceIdEnum,
/// https://developer.ebay.com/api-docs/static/rest-request-components.html#marketpl);
/// empty for an id not listed.
std::string_view SiteDomain(std::string_view marketplace_id);

/// Sanbao's kind for a refundFeeType (PURCHASE_PRICE -> kGoods,
/// ORIGINAL_SHIPPING / DOMESTIC_SHIPPING / INTERNATIONAL_SHIPPING ->
/// kOutboundShipping, ITEM_TAX -> kGoodsTax, SHIPPING_TAX -> kShippingTax,
/// RETURN_SHIPPING -> kReturnShipping, anything else kOther), and the fee
/// type a part of each kind is sent as.
RefundPartKind MapRefundFeeType(std::string_view fee_type);
std::string_view RefundFeeTypeFor(RefundPartKind kind);

/// The typed actions of sellerAvailableOptions' actionType values (APPROVE,
/// DECLINE, ISSUE_REFUND, OFFER_PARTIAL_REFUND, MARK_AS_RECEIVED). None
/// listed: SellerActions::listed is false.
SellerActions MapSellerOptions(std::span<std::string const> options);

/// Fills the typed fields of a return read from eBay from its eBay
/// vocabulary: mapped_state, mapped_reason, offered, the kinds of the
/// estimated refund parts, marketplace_policy and marketplace_site.
void MapReturn(MarketplaceReturn& r);

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
