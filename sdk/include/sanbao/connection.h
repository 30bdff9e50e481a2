#pragma once

// ReturnsConnection: what the sync engine needs from a marketplace, and what
// each connector (connectors/ebay, ...) implements over the HTTP seam. Made
// by a Make...Connection(options) factory; mockable with gMock.
//
// The connection speaks the marketplace's vocabulary in `state`, `status`,
// `reason`, `fee_type`, and maps to Sanbao's in `mapped_state` and
// `mapped_reason`; both are kept so nothing the marketplace said is lost.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/domain/return_case.h"
#include "sanbao/money.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// What a marketplace supports.
struct ReturnsCapabilities {
  bool list_by_creation_date = false;  ///< ListReturns filters on creation
  bool list_by_update_date = false;    ///< ListReturns filters on last change
  int max_page_size = 0;
  /// How far back the creation filter may reach (0: no limit).
  std::chrono::days max_lookback{0};
  bool decide = false;  ///< approve / decline
  bool offer_partial_refund = false;
  bool mark_received = false;
  bool issue_refund = false;
  bool itemized_refund = false;     ///< refund parts by fee type
  bool refund_idempotency = false;  ///< the API takes an idempotency key
};

/// An amount as the marketplace reported it: in the seller's currency, and
/// where the buyer paid in another currency, the buyer's original.
struct MarketplaceAmount {
  Money amount{};
  std::optional<Money> converted_from{};
};

/// One part of a refund, by the marketplace's fee type ("PURCHASE_PRICE",
/// "ORIGINAL_SHIPPING", "RETURN_SHIPPING", ...).
struct RefundPart {
  std::string fee_type{};
  MarketplaceAmount amount{};
  std::optional<int> restocking_fee_percent{};
};

/// A change of the marketplace's state, from its response history.
struct MarketplaceStateChange {
  std::string author{};    ///< "BUYER", "SELLER", "SYSTEM", ...
  std::string activity{};  ///< "BUYER_CREATE_RETURN", ...
  std::string from_state{};
  std::string to_state{};
  Instant at{};
};

/// A return as a marketplace reports it. One return is one order line.
struct MarketplaceReturn {
  std::string marketplace{};  ///< "ebay"
  std::string external_id{};  ///< the marketplace's return id
  std::string order_id{};     ///< the marketplace's order id
  std::string item_id{};
  std::string transaction_id{};  ///< the order line
  int quantity = 1;
  std::string state{};   ///< marketplace state ("ITEM_DELIVERED"); map on it
  std::string status{};  ///< marketplace status, for display
  std::string type{};    ///< "MONEY_BACK", "REPLACEMENT", ...
  std::string reason{};  ///< marketplace reason ("NOT_AS_DESCRIBED")
  std::string comment{};
  ReturnState mapped_state = ReturnState::kRequested;
  ReturnReason mapped_reason = ReturnReason::kOther;
  Instant created_at{};
  std::optional<MarketplaceAmount> estimated_refund{};
  std::optional<MarketplaceAmount> actual_refund{};
  std::optional<Instant> respond_by{};
  std::vector<std::string> seller_options{};  ///< actions the seller may take

  // Filled by GetReturn (the full record), empty from ListReturns.
  bool has_detail = false;
  std::string site{};            ///< "EBAY_DE"
  std::string buyer_country{};   ///< ISO 3166-1 alpha-2
  std::string buyer_region{};    ///< state / province code, if any
  std::string seller_country{};  ///< ISO 3166-1 alpha-2
  std::string item_title{};
  std::optional<MarketplaceAmount> item_price{};
  std::vector<RefundPart> estimated_refund_parts{};
  /// The refund's money movement, once one was issued: "PENDING",
  /// "SUCCESS", "FAILED", ... Empty: no refund issued.
  std::string refund_status{};
  std::vector<MarketplaceStateChange> history{};
};

struct ReturnsQuery {
  Instant created_from{};
  Instant created_to{};
  int page_size = 0;         ///< 0: the connection's default
  std::string page_token{};  ///< empty: the first page
  std::string sort{};        ///< connector-specific, e.g. "+FILING_DATE"
};

struct ReturnsPage {
  std::vector<MarketplaceReturn> items{};
  std::string next_page_token{};  ///< empty on the last page
  std::int64_t total_entries = 0;
  int total_pages = 0;
};

/// The order a return belongs to, as far as deciding it needs.
struct MarketplaceOrderLine {
  std::string line_id{};
  std::string item_id{};
  std::string title{};
  int quantity = 0;
  MarketplaceAmount price{};  ///< of the whole line
  /// When the line reached the buyer, or the latest estimate the marketplace
  /// gave (see `delivery_is_estimate`).
  std::optional<Instant> delivered_at{};
  bool delivery_is_estimate = false;
};

struct MarketplaceOrder {
  std::string order_id{};
  Instant created_at{};
  std::string buyer_country{};
  std::string buyer_region{};
  std::vector<MarketplaceOrderLine> lines{};
  std::optional<MarketplaceAmount> shipping{};
};

struct ReturnDecisionRequest {
  enum class Kind { kApprove, kDecline, kOfferPartialRefund, kProvideRma };
  Kind kind = Kind::kApprove;
  std::string comment{};
  std::optional<Money> partial_refund{};  ///< for kOfferPartialRefund
  bool keep_item = false;                 ///< for kOfferPartialRefund
  std::string rma_number{};               ///< for kProvideRma
};

struct MarketplaceRefundRequest {
  std::vector<RefundPart> parts{};
  Money total{};
  std::string comment{};
  /// Sanbao's key for this refund. Sent where the API takes one; where it
  /// does not, the connection reads the return before any resend so an
  /// unknown outcome never becomes a second refund.
  std::string idempotency_key{};
};

struct MarketplaceRefundResult {
  std::string refund_status{};  ///< "PENDING", "SUCCESS", "FAILED"
  /// True when the refund was found already issued (a previous attempt
  /// whose answer was lost): nothing new was sent.
  bool already_issued = false;
};

class ReturnsConnection {
 public:
  virtual ~ReturnsConnection() = default;

  virtual ReturnsCapabilities Capabilities() const = 0;
  /// One page of returns created in [created_from, created_to].
  virtual StatusOr<ReturnsPage> ListReturns(ReturnsQuery const& query) = 0;
  /// The full record of one return (has_detail == true).
  virtual StatusOr<MarketplaceReturn> GetReturn(std::string_view id) = 0;
  virtual StatusOr<MarketplaceOrder> GetOrder(std::string_view order_id) = 0;
  /// Several full records / orders, results in the order of `ids`, each as
  /// GetReturn() / GetOrder() would give it. Connections whose transport
  /// overlaps requests fetch them concurrently; by default one after
  /// another.
  virtual std::vector<StatusOr<MarketplaceReturn>> GetReturns(
      std::span<std::string const> ids);
  virtual std::vector<StatusOr<MarketplaceOrder>> GetOrders(
      std::span<std::string const> order_ids);
  virtual Status Decide(std::string_view id,
                        ReturnDecisionRequest const& decision) = 0;
  virtual Status MarkReceived(std::string_view id,
                              std::string_view comment) = 0;
  virtual StatusOr<MarketplaceRefundResult> IssueRefund(
      std::string_view id, MarketplaceRefundRequest const& refund) = 0;
};

}  // namespace v1
}  // namespace sanbao
