#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/money.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

// ---------------------------------------------------------------------------
// The request: what a seller tool knows about an order and a buyer's claim.
// Field by field the same as the conformance cases' request format
// (tests/conformance/cases/SCHEMA.md in the source tree).
// ---------------------------------------------------------------------------

struct Buyer {
  std::string jurisdiction{};  ///< "DE-BY", "GB", "US-CA", "CN"
  std::string timezone{};      ///< IANA zone; all day counting happens here
  bool is_consumer = true;
};

/// Whether and when the buyer received correct withdrawal information.
struct WithdrawalInfo {
  enum class Kind { kGiven, kNever, kLate };
  Kind kind = Kind::kGiven;
  std::optional<Instant> received_at{};  ///< for kLate
};

enum class ReturnCostInfo { kBuyerPays, kSilent, kSellerPays };

struct PostedPolicy {
  int return_days = 0;
  enum class Refund { kCash, kCredit, kNone };
  Refund refund = Refund::kCash;
  bool displayed_at_checkout = true;
};

struct Seller {
  std::string jurisdiction{};
  bool is_business = true;
  WithdrawalInfo withdrawal_info{};
  ReturnCostInfo return_cost_info = ReturnCostInfo::kSilent;
  std::optional<PostedPolicy> posted_policy{};
};

enum class ContractKind {
  kSingle,
  kMultiItem,
  kMultiLot,
  kSubscription,
  kService
};

struct Contract {
  ContractKind kind = ContractKind::kSingle;
  Instant concluded_at{};
  /// The delivery date the seller stated or the parties agreed, if any
  /// (late-delivery rights run from it).
  std::optional<Instant> delivery_due{};
};

enum class ItemCondition { kNew, kUsedForTesting, kWorn, kDamaged };

struct Item {
  std::string id{};
  std::string category{};
  std::optional<Money> price{};
  std::vector<std::string>
      attributes{};  ///< "personalised", "hygiene_sealed", ...
  bool seal_broken = false;
  ItemCondition condition = ItemCondition::kNew;
  std::vector<Instant>
      deliveries{};  ///< when parts of the item reached the buyer

  bool Has(std::string_view attribute) const;
};

struct Shipping {
  std::optional<Money>
      charged{};  ///< what the buyer paid for outbound delivery
  std::optional<Money> standard{};  ///< the cheapest standard option offered
  bool free_outbound = false;
};

enum class ClaimKind {
  kWithdrawal,
  kDefect,
  kNotAsDescribed,
  kRepairFailed,
  /// The buyer cancels or returns because the goods came late, or have not
  /// come, after the delivery date.
  kLateDelivery,
};

struct Claim {
  ClaimKind kind = ClaimKind::kWithdrawal;
  Instant sent_at{};
  std::optional<Instant> received_at{};
  std::vector<std::string> item_ids{};  ///< empty: every item
  std::optional<Instant> defect_discovered_at{};
};

struct HistoryEvent {
  enum class Type {
    kRepair,
    kGoodsReceivedBySeller,
    kProofOfDispatchReceived,
    kContractCopyReceived,
    /// Replacement goods handed over to the buyer (`completed_at`), for the
    /// item `item_id`: a 三包 replacement restarts the guarantee period.
    kReplacement,
  };
  Type type = Type::kRepair;
  Instant at{};
  std::string item_id{};  ///< for repairs and replacements
};

/// Explicit engine options where the law is unsettled. An unset option takes
/// the jurisdiction's default (docs/guides/jurisdiction-data.md, "Settings").
struct DecisionSettings {
  std::optional<bool> rollover{};
  std::vector<CivilDate> extra_non_working_days{};
  std::optional<bool> count_delivery_day{};
  std::optional<bool> posting_statute_applies_online{};
  std::optional<bool> amazon_holiday_window{};
};

struct DecisionRequest {
  std::optional<Instant> as_of{};  ///< default: the claim's sent_at
  Buyer buyer{};
  Seller seller{};
  std::optional<std::string> marketplace{};  ///< "MP-EBAY", ...
  std::optional<std::string> marketplace_site{};
  Contract contract{};
  std::vector<Item> items{};
  std::optional<Shipping> shipping{};
  Claim claim{};
  std::vector<HistoryEvent> history{};
  DecisionSettings settings{};
};

/// The largest request ParseDecisionRequest reads: 8 MiB of JSON.
inline constexpr std::size_t kMaxDecisionRequestBytes = 8 << 20;
/// The most entries any list of a request may have (items, claim.item_ids,
/// history, an item's attributes and deliveries, extra non-working days).
inline constexpr std::size_t kMaxDecisionRequestListLength = 10000;

/// Parses a request from JSON: either a conformance case file (its
/// `request` object is used) or the request object alone. Unknown fields,
/// bad dates, instants, money or enum values are errors (kInvalidArgument,
/// reason DECISION_REQUEST_INVALID) whose message names the field, e.g.
/// "request.items[0].price.amount: \"1.2.3\" is not a decimal amount".
/// A text longer than kMaxDecisionRequestBytes or a list longer than
/// kMaxDecisionRequestListLength is refused with reason
/// DECISION_REQUEST_TOO_LARGE, the message naming the limit. Item ids and
/// claim.item_ids must be unique. Parsing takes time linear in the size.
StatusOr<DecisionRequest> ParseDecisionRequest(std::string_view json);

// ---------------------------------------------------------------------------
// The decision.
// ---------------------------------------------------------------------------

enum class Basis {
  kNone,
  kStatutoryWithdrawal,
  kStatutoryReturn,
  kLegalGuarantee,
  kMarketplacePolicy,
  kSellerPolicy
};
/// "statutory_withdrawal", ... (the SCHEMA.md tokens)
std::string_view BasisName(Basis basis);

enum class Remedy { kRefund, kReplace, kRepair, kPriceReduction, kTerminate };
std::string_view RemedyName(Remedy remedy);

enum class Party { kBuyer, kSeller };

/// How much of the outbound delivery charge a full return gets back.
enum class OutboundRefund {
  kNone,          ///< nothing
  kStandardPart,  ///< up to the cheapest standard option (CRD Art. 13(2))
  kAll,           ///< everything charged
};
std::string_view PartyName(Party party);

/// A legal source a decision relies on. The views point into the engine's
/// data, which lives as long as the process.
struct Citation {
  std::string_view id{};
  std::string_view title{};
  std::string_view where{};
};

/// One step of the reasoning, kept structured so that deciding stays cheap;
/// `ExplainStep` renders it as a sentence. The views point into the
/// engine's data (which lives as long as the process) or are literals;
/// what comes from the request is copied (`item`).
struct TraceStep {
  enum class Code {
    kJurisdiction,      // text: record id, text2: record name
    kCalendar,          // text: calendar id
    kNoStatutoryRight,  // text: record id
    kNotATrader,        // the seller is not a trader
    kNotAConsumer,      //
    kConditionNotMet,   // text: condition
    kExcluded,          // text: exclusion, item
    kNotDisclosed,      // text: exclusion, item, source: the rule
                        // that makes the exception depend on disclosure
    kStartEvent,        // date: start, text: event
    kBeforeDelivery,    //
    kNotStarted,        // text: event that has not happened
    kPeriod,            // date: last day, number: length, text: unit
    kAgreedPeriod,      // date: last day, number: the agreed days
    kNoFixedPeriod,     // the statute sets no number of days
    kNotInformed,       // date: new last day, text: rule
    kNoLapse,           //
    kRollover,          // date: last day, date2: rolled, text: why
    kNoRollover,        // date: last day
    kClaimInTime,     // date: claim date, date2: deadline, text: sent/received
    kClaimLate,       // date: claim date, date2: deadline, text: sent/received
    kNoticePeriod,    // date: last day to notify the defect, number+text:
                      // length, source
    kLiability,       // date: liability end
    kLiabilityEnded,  // date: liability end, date2: discovery
    kLiabilityExtended,   // date: new end, date2: old end, number+text: length
    kGuaranteeRestarted,  // date: replacement, number: earlier repairs no
                          // longer counted, source
    kStage,               // text: stage name
    kPolicyWindow,     // text: who (marketplace id / "seller"), date: last day
    kPolicyNoReturns,  // text: who
    kPolicyNotApplicable,  // text: who, text2: why
    kPolicyExcluded,       // text: exclusion, item, source: the
                           // marketplace policy's own page stating it
    kHolidayWindow,        // date: fixed last day
    kBasis,                // text: basis name
    kRefundDue,            // date: due
    kRefundWithheld,       // date: due
    kRefundReleased,       // date: goods or proof arrived, date2: end of the
                           // refund period, source
    kLateDelivery,         // date: last day delivery was due (with the grace),
                    // date2: arrival, or the claim when none yet, number:
                    // 1 late / 0 in time, text: "arrived"/"not arrived",
                    // source
    kNoDeliveryDate,  // no delivery date was stated or agreed
    kReturnShipping,  // text: party
    kWarning,         // text: warning, text2: what it concerns
  };
  Code code{};
  CivilDate date{};
  CivilDate date2{};
  int number = 0;
  std::string_view text{};
  std::string_view text2{};
  /// The source id the step rests on, where it names one ("KR-ECPA-ART17").
  std::string_view source{};
  /// The item the step is about (kExcluded, kNotDisclosed, kPolicyExcluded),
  /// a copy: a decision outlives the request it was made for.
  std::string item{};
};

struct Decision {
  bool eligible = false;
  Basis basis = Basis::kNone;
  /// A statutory change-of-mind right exists for this claim at this time.
  bool statutory_withdrawal = false;
  /// Last day (buyer's calendar, ends 24:00 local) for the right named by
  /// `basis`, after roll-over; absent where the right has no fixed end.
  std::optional<CivilDate> deadline{};
  /// The last instant of `deadline` in the buyer's zone.
  std::optional<Instant> deadline_end{};
  /// The statutory right's last day, also when `basis` is a policy.
  std::optional<CivilDate> statutory_deadline{};
  std::optional<CivilDate> refund_due_by{};
  std::optional<Money> refund{};
  /// On a full return, how much outbound shipping is refunded; partial
  /// returns refund none unless a policy says otherwise.
  OutboundRefund outbound_shipping = OutboundRefund::kNone;
  std::optional<Party> return_shipping_paid_by{};
  std::optional<bool> deduction_allowed{};
  bool restocking_fee_allowed = false;
  std::vector<Remedy> remedies{};
  std::string exclusion{};  ///< "personalised", ... when an exemption applies
  std::string jurisdiction{};  ///< the record that decided ("DE", "EU", "UK")
  std::string calendar{};      ///< the holiday calendar used ("DE-BE")
  /// How the law that decided was checked: the lowest confidence of the
  /// rule and the elements applied ("confirmed", "secondary", "memory", or
  /// "mixed" for a rule whose parts differ and are not told apart).
  std::string confidence{};
  std::vector<Citation> citations{};
  std::vector<TraceStep> trace{};
  std::vector<std::string> warnings{};
};

/// "Day 14 = 2026-12-25 (Fri) is a public holiday ... -> 2026-12-28 (Mon)".
std::string ExplainStep(TraceStep const& step);
/// Every step of the trace, rendered.
std::vector<std::string> Explain(Decision const& decision);

/// The decision as JSON (SCHEMA.md field names, plus citations and trace).
std::string DecisionToJson(Decision const& decision);

}  // namespace v1
}  // namespace sanbao
