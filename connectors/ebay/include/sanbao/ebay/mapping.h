#pragma once

// eBay's return vocabulary mapped to Sanbao's (the table is repeated in
// docs/guides/ebay.md). Map on `state` (ReturnStateEnum); `status` is coarser
// and only for display (eBay Post-Order API: ReturnStateEnum,
// https://developer.ebay.com/devzone/post-order/types/ReturnStateEnum.html;
// ReturnStatusEnum,
// https://developer.ebay.com/devzone/post-order/types/ReturnStatusEnum.html).

#include <span>
#include <string_view>

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

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
