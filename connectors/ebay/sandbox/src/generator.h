#pragma once

// Deterministic eBay return data: every return is a pure function of
// (seed, index, creation instant), so a million returns cost nothing until
// they are read. Private to the sandbox.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {

/// The Post-Order states the sandbox uses (ReturnStateEnum,
/// https://developer.ebay.com/devzone/post-order/types/ReturnStateEnum.html).
enum class State : std::uint8_t {
  kReturnRequested,
  kItemReadyToShip,
  kItemShipped,
  kItemDelivered,
  kReturnRejected,
  kPartialRefundRequested,
  kRefundInitiated,
  kLessThanFullRefundIssued,
  kRefundSentPendingConfirmation,
  kClosed,
};
inline constexpr int kStateCount = 10;
std::string_view StateName(State state);
/// The coarser `status` field shown beside `state`.
std::string_view StatusName(State state);
std::optional<State> StateFromName(std::string_view name);

struct BuyerLocation {
  std::string_view country{};       ///< ISO 3166 alpha-2
  std::string_view state{};         ///< subdivision code or ""
  std::string_view jurisdiction{};  ///< sdk/data/jurisdictions/<id>.json
  std::string_view currency{};      ///< what the buyer pays in
  std::string_view city{};
  std::string_view postal_code{};
  std::string_view marketplace{};  ///< eBay site the buyer shops on
  int weight = 0;                  ///< share of generated returns
};
std::vector<BuyerLocation> const& BuyerLocations();

struct SellerProfile {
  std::string_view country{};
  std::string_view currency{};
  std::string_view city{};
  std::string_view postal_code{};
  std::string_view marketplace{};
  bool requires_signatures = false;  ///< EU/UK-domiciled seller
};
std::optional<SellerProfile> FindSeller(std::string_view country);

/// Digits after the decimal point for the currencies the sandbox uses.
int CurrencyScale(std::string_view currency);
/// Converts seller-currency minor units into buyer-currency minor units at
/// the sandbox's fixed rates, half-up.
std::int64_t Convert(std::int64_t minor, std::string_view from,
                     std::string_view to);

/// "43.1" / "39.0" / "4500.0": a Post-Order Amount.value (JSON number).
std::string NumberText(std::int64_t minor, int scale);
/// "39.99" / "4500": a Fulfillment Amount.value (JSON string).
std::string DecimalText(std::int64_t minor, int scale);
/// "2025-03-02T15:03:19.000Z".
std::string FormatEbayTime(Instant instant);
/// Accepts "2025-03-02T15:03:19Z" with or without fractional seconds.
std::optional<Instant> ParseEbayTime(std::string_view text);

struct HistoryEntry {
  std::string_view author{};
  std::string_view activity{};
  State from{};
  bool from_initial = false;  ///< fromState INITIAL
  State to{};
  Instant at{};
  std::string notes{};
};

/// The immutable part of one return.
struct GeneratedReturn {
  std::int64_t index = 0;
  std::string return_id{};
  std::string order_id{};
  std::int64_t order_first_index = 0;
  std::string item_id{};
  std::string transaction_id{};
  int quantity = 1;
  BuyerLocation const* buyer = nullptr;
  std::string buyer_login{};
  std::string_view reason{};
  std::string_view comment{};
  std::string_view title{};
  Instant created{};
  Instant order_created{};
  Instant min_delivery{};
  Instant max_delivery{};
  Instant ship_by{};
  std::int64_t unit_price = 0;            ///< seller currency, minor units
  std::int64_t shipping = 0;              ///< seller currency, minor units
  State state = State::kReturnRequested;  ///< state at start
  std::vector<HistoryEntry> history{};
  /// A refund issued before the sandbox started (seller currency).
  std::int64_t prior_refund = 0;
  Instant prior_refund_at{};
  std::int64_t prior_partial_offer = 0;
  std::string_view close_reason{};        ///< returnCloseReason
  std::string_view buyer_close_reason{};  ///< buyerCloseReason

  std::int64_t ItemTotal() const { return unit_price * quantity; }
  std::int64_t EstimatedRefund() const { return ItemTotal() + shipping; }
};

class Generator {
 public:
  Generator(std::uint64_t seed, std::int64_t count, Instant now,
            std::string_view seller_currency);

  std::int64_t count() const { return count_; }
  std::string_view seller_currency() const { return seller_currency_; }

  /// The creation instant of generated return `index` (< count),
  /// non-decreasing in `index`.
  Instant CreatedAt(std::int64_t index) const;
  /// Return `index`; indices at or past count() are returns added at run
  /// time, created at `created` in RETURN_REQUESTED, one per order.
  GeneratedReturn Make(std::int64_t index,
                       std::optional<Instant> created = std::nullopt) const;
  /// The state of return `index` when the sandbox starts.
  State InitialState(std::int64_t index) const;
  /// The first index and the number of returns of the order that starts at
  /// `first_index`, or nullopt when no order starts there.
  std::optional<std::pair<std::int64_t, int>> OrderAt(std::int64_t first_index,
                                                      std::int64_t total) const;

  static std::string ReturnIdOf(std::int64_t index);
  static std::optional<std::int64_t> IndexOfReturnId(std::string_view id);
  static std::string OrderIdOf(std::int64_t first_index);
  static std::optional<std::int64_t> FirstIndexOfOrderId(std::string_view id);

 private:
  /// [first, size) of the order holding `index`, among generated returns.
  std::pair<std::int64_t, int> OrderOf(std::int64_t index) const;
  int PickState(std::int64_t index, Instant created) const;

  std::uint64_t seed_;
  std::int64_t count_;
  Instant now_;
  std::string seller_currency_;
};

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
