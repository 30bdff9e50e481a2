#pragma once

// The JSON documents of the SQLite store's `doc` columns as Boost.JSON
// conversions: json::value_from(AsStored(x)) builds the stored form of x,
// json::try_value_to<Stored<T>>(v) reads one back and never throws (but for
// std::bad_alloc). Private to sanbao::store_sqlite; codec.cc defines them and
// the entry points of codec.h on top.
//
// The store's form of a type is not the SDK's ToJson one
// (sdk/src/internal/domain_json.h writes Money as {"amount": "84.90",
// "currency": "EUR"} for people; the store keeps {"minor": 8490, "cur":
// "EUR"}). Boost 1.81 has no contextual conversions, so the store converts
// the wrapper Stored<T> rather than T: its tag_invoke overloads are found by
// argument-dependent lookup in this namespace and never compete with (or
// duplicate) overloads for the domain types themselves.
//
// A document that cannot be read gives an error_code of StoreCodecCategory()
// whose message names the field: `missing field "cur"`, `field "qty" is not
// an integer`, `field "kind" is not a tender kind`.

#include <boost/json/fwd.hpp>
#include <boost/json/system_error.hpp>
#include <boost/system/error_category.hpp>

#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace store_json {

/// T as the store keeps it. For writing, T is `U const&` (see AsStored).
template <class T>
struct Stored {
  T value;
};

template <class T>
Stored<T const&> AsStored(T const& value) {
  return {value};
}

/// A refund's stored form without "id" and "created_at": what it gives back.
struct RefundBody {
  Refund const& refund;
};

/// The category of the errors of reading a stored document.
boost::system::error_category const& StoreCodecCategory() noexcept;

void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                Stored<Order const&> order);
boost::json::result<Stored<Order>> tag_invoke(
    boost::json::try_value_to_tag<Stored<Order>>, boost::json::value const& jv);

/// Only the parts with no column of their own: requires_return and lines.
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                Stored<ReturnCase const&> rc);
/// A return case with requires_return and lines read, the rest default.
boost::json::result<Stored<ReturnCase>> tag_invoke(
    boost::json::try_value_to_tag<Stored<ReturnCase>>,
    boost::json::value const& jv);

void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                Stored<Refund const&> refund);
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                RefundBody body);
boost::json::result<Stored<Refund>> tag_invoke(
    boost::json::try_value_to_tag<Stored<Refund>>,
    boost::json::value const& jv);

}  // namespace store_json
}  // namespace internal
}  // namespace v1
}  // namespace sanbao
