#pragma once

// Boost.JSON conversions of the domain types (tag_invoke, found by
// boost::json::value_from), shared by the SDK's ToJson (sanbao/domain/json.h)
// and the CLI, which adds fields of its own to the objects.

#include <boost/json.hpp>

#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"
#include "sanbao/money.h"

namespace sanbao {
inline namespace v1 {

/// {"amount": "84.90", "currency": "EUR"}
void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                Money const& m);
/// The summary (ReturnSummaryJson) with "lines" and "history".
void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                ReturnCase const& rc);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                Refund const& r);

namespace internal {

/// {"amount": "84.90", "currency": "EUR"}, or null for no amount.
boost::json::value MoneyJson(std::optional<Money> const& m);

/// id, order, marketplace, state, resolution and dates: a row of a list.
boost::json::object ReturnSummaryJson(ReturnCase const& rc);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
