#pragma once

// ReturnsConnection: what the sync engine needs from a marketplace, and what
// each connector (connectors/ebay, ...) implements over the HTTP seam. Made
// by a Make...Connection(options) factory; mockable with gMock
// (sanbao/mocks/mock_returns_connection.h).
//
// The connection speaks the marketplace's vocabulary in `state`, `status`,
// `reason`, `fee_type`, `seller_options`, and maps to Sanbao's typed values
// in `mapped_state`, `mapped_reason`, RefundPart::kind, `offered`,
// `marketplace_policy` and `marketplace_site`; both are kept so nothing the
// marketplace said is lost, and nothing downstream (the sync) needs to know
// which marketplace it is talking to.
//
// Every operation but Capabilities() has a default body answering
// UNIMPLEMENTED (reason "UNIMPLEMENTED"), as google-cloud-cpp's connections
// do: a connector overrides what its marketplace offers, says so in
// Capabilities(), and nothing else.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/domain/return_case.h"
#include "sanbao/money.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// What a marketplace supports.
struct ReturnsCapabilities {
  /// The connector's name ("ebay"): the prefix of the ids it stores and the
  /// name of its sync cursor.
  std::string marketplace{};
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

/// What one part of a refund pays back, in Sanbao's terms. Connectors map
/// their fee types to it, and back.
enum class RefundPartKind {
  kGoods,             ///< the item's price, net of discounts
  kGoodsTax,          ///< tax on the goods, where charged separately
  kOutboundShipping,  ///< the delivery the buyer paid for
  kShippingTax,       ///< tax on that delivery
  kReturnShipping,    ///< a return label the buyer paid for
  kOther,             ///< anything the connector cannot place
};

std::string_view RefundPartKindName(RefundPartKind kind);

/// One part of a refund.
struct RefundPart {
  RefundPartKind kind = RefundPartKind::kGoods;
  MarketplaceAmount amount{};
  std::optional<int> restocking_fee_percent{};
  /// The marketplace's own name for the part ("PURCHASE_PRICE"), as read.
  /// Empty on parts Sanbao composes: the connector names them by `kind`.
  std::string fee_type{};
};

/// The actions a marketplace offers the seller on a return now.
struct SellerActions {
  /// False: the marketplace lists no actions, and the return's state alone
  /// says what may be done.
  bool listed = false;
  bool approve = false;
  bool decline = false;
  bool issue_refund = false;
  bool offer_partial_refund = false;
  bool mark_received = false;

  /// Whether an action with flag `offered` may be taken.
  bool Allows(bool offered) const noexcept { return !listed || offered; }
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
  /// The marketplace's names of the actions the seller may take now.
  std::vector<std::string> seller_options{};
  SellerActions offered{};  ///< the same, typed

  // Filled by GetReturn (the full record), empty from ListReturns.
  bool has_detail = false;
  std::string site{};            ///< "EBAY_DE"
  std::string buyer_country{};   ///< ISO 3166-1 alpha-2
  std::string buyer_region{};    ///< state / province code, if any
  std::string seller_country{};  ///< ISO 3166-1 alpha-2
  /// The buyer's IANA time zone where the marketplace knows it; empty: the
  /// sync derives it from the country and region (DefaultTimeZone).
  std::string buyer_time_zone{};
  /// The marketplace's return policy in the law data ("MP-EBAY") and the
  /// site it applies on, as the policy names sites ("ebay.de"); empty: none.
  std::string marketplace_policy{};
  std::string marketplace_site{};
  std::string item_title{};
  std::optional<MarketplaceAmount> item_price{};
  std::vector<RefundPart> estimated_refund_parts{};
  /// The refund's money movement, once one was issued: "PENDING",
  /// "SUCCESS", "FAILED", ... Empty: no refund issued.
  std::string refund_status{};
  std::vector<MarketplaceStateChange> history{};
};

/// The order of ListReturns' results, by creation date.
enum class ReturnsOrder { kOldestFirst, kNewestFirst };

struct ReturnsQuery {
  Instant created_from{};
  Instant created_to{};
  int page_size = 0;         ///< 0: the connection's default
  std::string page_token{};  ///< empty: the first page
  ReturnsOrder order = ReturnsOrder::kOldestFirst;
};

struct ReturnsPage {
  std::vector<MarketplaceReturn> items{};
  std::string next_page_token{};  ///< empty on the last page
  std::int64_t total_entries = 0;
  int total_pages = 0;
};

/// The order a return belongs to: what deciding it and refunding it need.
struct MarketplaceOrderLine {
  std::string line_id{};
  std::string item_id{};
  std::string title{};
  int quantity = 0;
  MarketplaceAmount price{};  ///< of the whole line, before discounts
  /// Discounts on the line (all units), positive; none: no discount.
  std::optional<MarketplaceAmount> discount{};
  /// Tax charged on the line (all units, after discounts); none: no tax, or
  /// included in the price (`tax_included`).
  std::optional<MarketplaceAmount> tax{};
  bool tax_included = false;
  /// The line's own shipping charge (all units), where the marketplace
  /// charges per line; MarketplaceOrder::shipping is then their sum.
  std::optional<MarketplaceAmount> shipping{};
  /// When the line reached the buyer, or the latest estimate the marketplace
  /// gave (see `delivery_is_estimate`).
  std::optional<Instant> delivered_at{};
  bool delivery_is_estimate = false;
};

/// One payment of an order.
struct MarketplacePayment {
  std::string id{};
  TenderKind kind = TenderKind::kOther;
  MarketplaceAmount amount{};
  std::string reference{};  ///< the payment provider's id
};

struct MarketplaceOrder {
  std::string order_id{};
  Instant created_at{};
  std::string buyer_country{};
  std::string buyer_region{};
  std::vector<MarketplaceOrderLine> lines{};
  std::optional<MarketplaceAmount> shipping{};
  std::optional<MarketplaceAmount> shipping_tax{};
  /// What the buyer paid, tender by tender; empty where the marketplace does
  /// not say (the refund ledger then has no tender buckets).
  std::vector<MarketplacePayment> payments{};
};

/// The order as the seller's books keep it (sanbao::Order): id
/// "<marketplace>:<order_id>", every amount in the currency the marketplace
/// reports to the seller and refunds in (MarketplaceAmount::amount), which
/// is both its presentment and settlement currency. A line's unit price is
/// its price divided by its quantity; where that is not exact, the unit
/// price is rounded up and the difference becomes a line discount, so the
/// line's total is kept to the minor unit. Per-line shipping is kept when
/// every line has it and the parts add up to the order's shipping (which
/// it gives when the order names none). Errors: ORDER_INVALID (no id, a
/// line without id or with quantity < 1), CURRENCY_MISMATCH (amounts in
/// several currencies).
StatusOr<Order> OrderFromMarketplace(MarketplaceOrder const& order,
                                     std::string_view marketplace);

struct ReturnDecisionRequest {
  enum class Kind { kApprove, kDecline, kOfferPartialRefund, kProvideRma };
  Kind kind = Kind::kApprove;
  std::string comment{};
  std::optional<Money> partial_refund{};  ///< for kOfferPartialRefund
  bool keep_item = false;                 ///< for kOfferPartialRefund
  std::string rma_number{};               ///< for kProvideRma
};

struct MarketplaceRefundRequest {
  std::vector<RefundPart> parts{};  ///< add up to `total`
  Money total{};
  std::string comment{};
  /// Sanbao's key for this refund. Sent where the API takes one; where it
  /// does not, the connection reads the return before any resend so an
  /// unknown outcome never becomes a second refund.
  std::string idempotency_key{};
  /// An earlier attempt at this refund may have reached the marketplace
  /// without its answer coming back (the outbox handed it out before: see
  /// OutboxEntry::sends). A connection whose API takes no idempotency key
  /// reads the return back first then, and only then.
  bool maybe_sent_before = false;
};

struct MarketplaceRefundResult {
  std::string refund_status{};  ///< "PENDING", "SUCCESS", "FAILED"
  /// True when the refund was found already issued (a previous attempt
  /// whose answer was lost): nothing new was sent.
  bool already_issued = false;
};

/// The refund request for `refund` (Sanbao's, from ComputeRefund): per line
/// a kGoods part (less its share of the deductions; a restocking fee is
/// reported with its percentage) and a kGoodsTax part, then kOutboundShipping
/// and kShippingTax. Zero parts are left out; the parts add up to the
/// refund's total. Errors: REFUND_INVALID (deductions above the goods).
StatusOr<MarketplaceRefundRequest> RefundRequestFor(Refund const& refund,
                                                    std::string comment);

class ReturnsConnection {
 public:
  virtual ~ReturnsConnection() = default;

  virtual ReturnsCapabilities Capabilities() const { return {}; }
  /// One page of returns created in [created_from, created_to].
  virtual StatusOr<ReturnsPage> ListReturns(ReturnsQuery const& query);
  /// The full record of one return (has_detail == true).
  virtual StatusOr<MarketplaceReturn> GetReturn(std::string_view id);
  virtual StatusOr<MarketplaceOrder> GetOrder(std::string_view order_id);
  /// Several full records / orders, results in the order of `ids`, each as
  /// GetReturn() / GetOrder() would give it. Connections whose transport
  /// overlaps requests fetch them concurrently; by default one after
  /// another.
  virtual std::vector<StatusOr<MarketplaceReturn>> GetReturns(
      std::span<std::string const> ids);
  virtual std::vector<StatusOr<MarketplaceOrder>> GetOrders(
      std::span<std::string const> order_ids);
  virtual Status Decide(std::string_view id,
                        ReturnDecisionRequest const& decision);
  virtual Status MarkReceived(std::string_view id, std::string_view comment);
  virtual StatusOr<MarketplaceRefundResult> IssueRefund(
      std::string_view id, MarketplaceRefundRequest const& refund);
};

}  // namespace v1
}  // namespace sanbao
