#include "sanbao/connection.h"

namespace sanbao {
inline namespace v1 {
namespace {

// One call after another: the default for connections without a batch
// request.
template <typename T, typename Get>
std::vector<StatusOr<T>> OneByOne(std::span<std::string const> ids,
                                  Get const& get) {
  std::vector<StatusOr<T>> out;
  out.reserve(ids.size());
  for (auto const& id : ids) out.push_back(get(id));
  return out;
}

}  // namespace

std::vector<StatusOr<MarketplaceReturn>> ReturnsConnection::GetReturns(
    std::span<std::string const> ids) {
  return OneByOne<MarketplaceReturn>(
      ids, [this](std::string const& id) { return GetReturn(id); });
}

std::vector<StatusOr<MarketplaceOrder>> ReturnsConnection::GetOrders(
    std::span<std::string const> order_ids) {
  return OneByOne<MarketplaceOrder>(
      order_ids, [this](std::string const& id) { return GetOrder(id); });
}

}  // namespace v1
}  // namespace sanbao
