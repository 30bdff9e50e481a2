#pragma once

// The domain types as JSON text, in the shape `sanbao returns show --json`
// and `sanbao refund preview --json` print: amounts as exact decimal strings
// with their currency ({"amount": "84.90", "currency": "EUR"}), instants in
// RFC 3339 UTC, states and resolutions by their names.

#include <string>

#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"
#include "sanbao/money.h"

namespace sanbao {
inline namespace v1 {

std::string ToJson(Money const& money);
/// The case with its lines and its whole history.
std::string ToJson(ReturnCase const& return_case);
std::string ToJson(Refund const& refund);

}  // namespace v1
}  // namespace sanbao
