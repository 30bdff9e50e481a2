#pragma once

// A gMock mock of sanbao::Store, for testing how code behaves when the
// store fails (locked, full, corrupt) without a database:
//
//   #include "sanbao/mocks/mock_store.h"
//   sanbao::mocks::MockStore store;
//   EXPECT_CALL(store, GetCursor).WillOnce(testing::Return(
//       sanbao::UnavailableError("locked", "STORE_LOCKED")));
//
// WithTransaction runs its function on the mock itself unless told
// otherwise (RunTransactionsInline, called by the constructor). Link
// sanbao::mocks.

#include <gmock/gmock.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/store/store.h"

namespace sanbao {
inline namespace v1 {
namespace mocks {

class MockStore : public Store {
 public:
  MockStore() { RunTransactionsInline(); }

  MOCK_METHOD(Status, UpsertOrder, (Order const&), (override));
  MOCK_METHOD(StatusOr<Order>, GetOrder, (std::string_view), (override));
  MOCK_METHOD(Status, UpsertReturn, (ReturnCase const&), (override));
  MOCK_METHOD(StatusOr<ReturnCase>, GetReturn, (std::string_view), (override));
  MOCK_METHOD(StatusOr<ReturnPage>, ListReturns,
              (ReturnFilter const&, PageRequest const&), (override));
  MOCK_METHOD(StatusOr<RecordedRefund>, RecordRefund, (Refund const&),
              (override));
  MOCK_METHOD(StatusOr<Refund>, GetRefund, (std::string_view), (override));
  MOCK_METHOD(StatusOr<std::vector<Refund>>, ListRefunds, (std::string_view),
              (override));
  MOCK_METHOD(StatusOr<EnqueuedEffect>, EnqueueEffect, (EffectRequest const&),
              (override));
  MOCK_METHOD(StatusOr<std::vector<OutboxEntry>>, PendingEffects, (int),
              (override));
  MOCK_METHOD(StatusOr<OutboxEntry>, GetEffect, (std::int64_t), (override));
  MOCK_METHOD(Status, MarkEffectDone, (std::int64_t, std::string_view),
              (override));
  MOCK_METHOD(Status, RecordEffectFailure, (std::int64_t, std::string_view),
              (override));
  MOCK_METHOD(Status, MarkEffectsSending, (std::span<std::int64_t const>),
              (override));
  MOCK_METHOD(StatusOr<std::optional<std::string>>, GetCursor,
              (std::string_view, std::string_view), (override));
  MOCK_METHOD(Status, SetCursor,
              (std::string_view, std::string_view, std::string_view),
              (override));
  MOCK_METHOD(Status, WithTransaction, (std::function<Status(Store&)> const&),
              (override));
  MOCK_METHOD(int, SchemaVersion, (), (const, override));

  /// WithTransaction(fn) calls fn(*this) and returns what it returns.
  void RunTransactionsInline() {
    ON_CALL(*this, WithTransaction)
        .WillByDefault([this](std::function<Status(Store&)> const& fn) {
          return fn(*this);
        });
  }
};

}  // namespace mocks
}  // namespace v1
}  // namespace sanbao
