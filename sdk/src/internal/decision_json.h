#pragma once

// Pieces of the decision-request reader that other readers share (the
// sync's seller rules read the same "seller" object).

#include "internal/json_util.h"
#include "sanbao/policy/decision.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

/// Reads a "seller" object as in a decision request; DataError on bad input.
Seller ReadSeller(ObjectReader reader);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
