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

/// The IANA zone used for a buyer in `country` (ISO 3166-1 alpha-2) and
/// `region` (the subdivision code after the dash, may be empty): the zone of
/// the region where the country spans several, else of the capital. Empty
/// when unknown.
std::string_view DefaultTimeZone(std::string_view country,
                                 std::string_view region);

/// "EBAY_DE" -> "ebay.de", as the marketplace policy records name sites.
std::string SiteDomain(std::string_view marketplace_id);

/// The decision request for `ret` (has_detail) bought in `order`.
StatusOr<DecisionRequest> BuildDecisionRequest(MarketplaceReturn const& ret,
                                               MarketplaceOrder const* order,
                                               SellerRules const& rules);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
