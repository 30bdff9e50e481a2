#pragma once

// A gMock mock of sanbao::ReturnsConnection, for testing code that talks to
// a marketplace through the SDK (the sync, your own tools) without one:
//
//   #include "sanbao/mocks/mock_returns_connection.h"
//   sanbao::mocks::MockReturnsConnection m;
//   EXPECT_CALL(m, IssueRefund).WillOnce(testing::Return(
//       sanbao::MarketplaceRefundResult{"PENDING", false}));
//
// Link sanbao::mocks (it brings GTest::gmock). Every virtual is mocked,
// GetReturns and GetOrders included; to keep their one-by-one defaults,
// forward them to the base class in an ON_CALL.

#include <gmock/gmock.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/connection.h"

namespace sanbao {
inline namespace v1 {
namespace mocks {

class MockReturnsConnection : public ReturnsConnection {
 public:
  MOCK_METHOD(ReturnsCapabilities, Capabilities, (), (const, override));
  MOCK_METHOD(StatusOr<ReturnsPage>, ListReturns, (ReturnsQuery const&),
              (override));
  MOCK_METHOD(StatusOr<MarketplaceReturn>, GetReturn, (std::string_view),
              (override));
  MOCK_METHOD(StatusOr<MarketplaceOrder>, GetOrder, (std::string_view),
              (override));
  MOCK_METHOD(std::vector<StatusOr<MarketplaceReturn>>, GetReturns,
              (std::span<std::string const>), (override));
  MOCK_METHOD(std::vector<StatusOr<MarketplaceOrder>>, GetOrders,
              (std::span<std::string const>), (override));
  MOCK_METHOD(Status, Decide, (std::string_view, ReturnDecisionRequest const&),
              (override));
  MOCK_METHOD(Status, MarkReceived, (std::string_view, std::string_view),
              (override));
  MOCK_METHOD(StatusOr<MarketplaceRefundResult>, IssueRefund,
              (std::string_view, MarketplaceRefundRequest const&), (override));

  /// Makes GetReturns / GetOrders call GetReturn / GetOrder one by one, as
  /// the base class does.
  void DelegateBatchesToSingleCalls() {
    ON_CALL(*this, GetReturns)
        .WillByDefault([this](std::span<std::string const> ids) {
          return ReturnsConnection::GetReturns(ids);
        });
    ON_CALL(*this, GetOrders)
        .WillByDefault([this](std::span<std::string const> ids) {
          return ReturnsConnection::GetOrders(ids);
        });
  }
};

}  // namespace mocks
}  // namespace v1
}  // namespace sanbao
