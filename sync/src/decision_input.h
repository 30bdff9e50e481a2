#pragma once

// Turns what a marketplace reports about a return (and its order) into a
// request for the policy engine.

#include <optional>
#include <string>
#include <string_view>

#include "sanbao/connection.h"
#include "sanbao/policy/decision.h"
#include "sanbao/policy/engine.h"
#include "sanbao/status_or.h"
#include "sanbao/sync/rules.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

/// The decision request for `ret` (has_detail) bought in `order`.
StatusOr<DecisionRequest> BuildDecisionRequest(MarketplaceReturn const& ret,
                                               MarketplaceOrder const* order,
                                               SellerRules const& rules);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
