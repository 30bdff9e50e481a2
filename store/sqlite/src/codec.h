#pragma once

// Domain records <-> the JSON documents the SQLite store keeps in its `doc`
// columns. Private to sanbao::store_sqlite.

#include <string>

#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

std::string EncodeOrder(Order const& order);
StatusOr<Order> DecodeOrder(std::string_view doc);

/// The parts of a return case that have no column of their own
/// (requires_return, lines); the history lives in the events table.
std::string EncodeReturnDoc(ReturnCase const& rc);
/// Fills requires_return and lines of `rc`.
Status DecodeReturnDoc(std::string_view doc, ReturnCase& rc);

std::string EncodeRefund(Refund const& refund);
StatusOr<Refund> DecodeRefund(std::string_view doc);
/// What a refund gives back, without its id and creation time: two refunds
/// with the same idempotency key must have the same fingerprint.
std::string RefundFingerprint(Refund const& refund);

std::string_view ActorKindName(Actor::Kind kind);
StatusOr<Actor::Kind> ParseActorKind(std::string_view name);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
