#pragma once

// Pieces of the decision-request reader that other readers share (the
// sync's seller rules read the same "seller" object).

#include <optional>
#include <string>
#include <string_view>

#include "internal/json_util.h"
#include "sanbao/policy/decision.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

/// "-5.00 EUR is negative; a price paid is never negative" for a negative
/// `money`, with `what` ("a price", "an amount") naming it; else nothing.
std::optional<std::string> NegativePaidAmount(Money const& money,
                                              std::string_view what);

/// Reads a "seller" object as in a decision request; DataError on bad input.
Seller ReadSeller(ObjectReader reader);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
