#include "sanbao/connection.h"

namespace sanbao {
inline namespace v1 {

std::vector<StatusOr<MarketplaceReturn>> ReturnsConnection::GetReturns(
    std::span<std::string const> ids) {
  std::vector<StatusOr<MarketplaceReturn>> out;
  out.reserve(ids.size());
  for (auto const& id : ids) out.push_back(GetReturn(id));
  return out;
}

std::vector<StatusOr<MarketplaceOrder>> ReturnsConnection::GetOrders(
    std::span<std::string const> order_ids) {
  std::vector<StatusOr<MarketplaceOrder>> out;
  out.reserve(order_ids.size());
  for (auto const& id : order_ids) out.push_back(GetOrder(id));
  return out;
}

}  // namespace v1
}  // namespace sanbao
