#pragma once

// The law as data, after loading: the typed form of
// sdk/data/jurisdictions/*.json (docs/guides/jurisdiction-data.md), with
// parent records already merged in.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embedded_files.h"
#include "sanbao/policy/decision.h"
#include "sanbao/policy/engine.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

enum class Unit { kCalendarDays, kBusinessDays, kMonths, kYears };

struct Length {
  int value = 0;
  Unit unit = Unit::kCalendarDays;
};

enum class StartEvent {
  kDelivery,
  kPurchase,
  kContractCopyReceived,
  kLaterOfDeliveryAndPurchase,
  kDefectDiscovered,
  kSale,
  /// When the defect became evident (CDC art. 26 §1, §3): the claim's
  /// defect_discovered_at, never before delivery; without it, delivery (an
  /// apparent defect is evident on delivery).
  kDefectEvident,
  /// The later of delivery and the receipt of the contract document
  /// (history contract_copy_received; without one, delivery): KR ECPA
  /// Art. 17(1).
  kLaterOfDeliveryAndContractCopy,
};

enum class Exists { kYes, kNo, kConditional };
enum class NotInformedRule { kNone, kExtend, kCap, kReplace, kNoLapse };
enum class ReturnShippingRule { kBuyerIfInformed, kBuyer, kSeller };
enum class DeductionRule { kIfInformed, kNever, kAllowed };
enum class RefundStart {
  kNoticeReceived,
  kNoticeSent,
  kGoodsReceived,
  kGoodsOrProofReceived
};
enum class Withholding { kNone, kUntilGoodsOrProof };
enum class OutboundShipping { kStandardPart, kAll, kNone };

enum class ExemptionWhen {
  kPersonalised,
  kCustomMade,
  kPerishable,
  kDigital,
  kHygieneSealBroken,
  kSealedMediaUnsealed,
  kActivatedConfirmed,
  kDigitalPerformanceConsented,
  kActivated,
  kUsedOrDamaged,
  kWorn,            ///< condition worn: value reduced by use
  kDamaged,         ///< condition damaged
  kDigitalStarted,  ///< attributes digital and activated: supply began
  kAttribute,       ///< the item carries Exemption::operand as an attribute
  kCategory,        ///< the item's category is Exemption::operand
};

/// The dates a rule is in force: it applies to contracts concluded on or
/// after `from` and before `to` (the date the law itself names: usually the
/// contract date). Unset ends are open.
struct Validity {
  std::optional<CivilDate> from;
  std::optional<CivilDate> to;  ///< exclusive
  bool Covers(CivilDate date) const {
    using std::chrono::sys_days;
    return (!from || sys_days{date} >= sys_days{*from}) &&
           (!to || sys_days{date} < sys_days{*to});
  }
};

struct Exemption {
  ExemptionWhen when;
  /// The attribute or category named by kAttribute / kCategory; else empty.
  std::string operand;
  std::string exclusion;
  std::string source;
  Validity validity;
  /// The exemption holds only if the seller clearly disclosed it (item
  /// attribute exclusion_disclosed, or activation_exclusion_confirmed);
  /// otherwise the buyer keeps the right (KR ECPA Art. 17(2) proviso, (6)).
  bool requires_disclosure = false;
  /// How this element was checked (confirmed, secondary, memory); empty:
  /// its rule's confidence. Never inherited from a parent record.
  std::string confidence;
};

struct AppliesWhen {
  bool seller_is_business = true;
  bool no_posted_policy = false;
  bool policy_not_displayed_at_checkout = false;
  bool withdrawal_info_missing = false;
  std::string setting;  // a boolean setting that must be true
};

struct Variant {
  ClaimKind claim = ClaimKind::kNotAsDescribed;
  std::vector<std::pair<Length, StartEvent>> earliest_of;
  std::optional<Party> return_shipping;
  std::string source;
  std::string confidence;
};

struct NotInformed {
  NotInformedRule rule = NotInformedRule::kNone;
  Length length;
  std::string source;
};

struct RefundRule {
  std::optional<Length> length;
  RefundStart start = RefundStart::kNoticeReceived;
  Withholding withholding = Withholding::kNone;
  OutboundShipping outbound = OutboundShipping::kAll;
  /// The article on the refund (clock, withholding), cited with it.
  std::string source;
  std::string confidence;
};

struct WithdrawalRule {
  Exists exists = Exists::kNo;
  Basis basis = Basis::kStatutoryWithdrawal;
  AppliesWhen applies_when;
  std::optional<Length> length;
  StartEvent start = StartEvent::kDelivery;
  bool count_start_day = false;
  bool each_item = false;  // multi_item: each_item instead of last_delivery
  bool before_delivery = false;
  bool met_by_received = false;
  bool rollover = false;
  /// The statute's period is `length` "or the longer period the parties
  /// agreed" (KR ECPA Art. 17(1)): a longer posted policy period becomes
  /// the statutory period, with the statute's refund clock and protections.
  bool longer_agreed_period = false;
  /// No copy of the contract received within `within` of its conclusion:
  /// the buyer may cancel within `length` of the conclusion, whatever the
  /// disclosure (CA-ON CPA 2002, CA-QC CPA).
  struct NoCopy {
    Length within;
    Length length;
    std::string source;
  };
  std::optional<NoCopy> no_copy;
  NotInformed not_informed;
  std::vector<Exemption> exemptions;
  std::vector<Variant> variants;
  ReturnShippingRule return_shipping = ReturnShippingRule::kBuyerIfInformed;
  DeductionRule deduction = DeductionRule::kIfInformed;
  bool restocking_fee = false;
  RefundRule refund;
  std::vector<std::string> sources;
  /// How the rule was checked; empty: the record's confidence.
  std::string confidence;
};

struct Stage {
  std::string name;
  std::optional<Length> within;
  StartEvent from = StartEvent::kDelivery;
  std::optional<int> failed_repairs_at_least;
  std::optional<ClaimKind> claim;
  std::vector<Remedy> remedies;
  DeductionRule deduction = DeductionRule::kNever;
  std::optional<Length> deduction_after;
  bool deadline_stage_end = false;
  std::string source;
  Validity validity;
  std::string confidence;
};

/// An extension of the liability period after an event (Directive
/// 2024/1799: a repair extends the seller's liability once by 12 months).
struct LiabilityExtension {
  Length length;
  std::string source;
  Validity validity;
  std::string confidence;
};

/// A period within which the buyer must notify the defect (BR CDC art. 26:
/// 30 days for non-durable, 90 for durable goods, from delivery or, for a
/// hidden defect, from when it became evident; JP Civil Code Art. 566: one
/// year from learning of it). The first entry whose `items_with` holds for
/// every claimed item applies.
struct NoticePeriod {
  Length length;
  StartEvent start = StartEvent::kDefectDiscovered;
  std::vector<std::string> items_with;  ///< any of these item attributes
  bool met_by_received = false;
  std::string source;
  Validity validity;
  std::string confidence;
};

/// The guarantee period runs afresh after an event (三包: after a
/// replacement the period is counted again from the replacement date).
struct Restart {
  enum class On { kReplacement };
  On on = On::kReplacement;
  std::string source;
  Validity validity;
  std::string confidence;
};

struct GuaranteeRule {
  std::set<ClaimKind> claims;
  bool seller_is_business = true;  // consumer-sale guarantees bind traders only
  std::optional<Length> liability;
  StartEvent liability_from = StartEvent::kDelivery;
  std::optional<Length> presumption;
  Party return_shipping = Party::kSeller;
  std::vector<Stage> stages;
  std::vector<LiabilityExtension> after_repair;
  std::optional<Restart> restart;
  std::vector<NoticePeriod> notice;
  std::vector<std::string> sources;
  std::string confidence;
};

/// A right to cancel (or return) with a refund when the goods come late
/// (SA E-Commerce Law: more than 15 days after the agreed date or the
/// contract; IN E-Commerce Rules r.6(5): after the stated delivery date).
struct LateDeliveryRule {
  /// How late delivery must be, after the due date, to open the right.
  Length grace;
  /// Without a stated or agreed delivery date, the due date is the
  /// contract's conclusion (SA); false: no right without one (IN).
  bool due_from_purchase = false;
  std::vector<Remedy> remedies;
  Party return_shipping = Party::kSeller;
  OutboundShipping refund_outbound = OutboundShipping::kAll;
  std::string source;
  std::vector<std::string> sources;
  std::string confidence;
};

struct HolidayWindow {
  std::string setting;
  unsigned from_month = 0, from_day = 0, to_month = 0, to_day = 0;
  unsigned until_month = 0, until_day = 0;
};

struct PolicyWindow {
  std::optional<Length> length;
  StartEvent start = StartEvent::kDelivery;
  std::string requires_attribute;
  std::optional<Party> return_shipping;
  bool rollover = false;
  std::optional<HolidayWindow> holiday_window;
  OutboundShipping refund_outbound = OutboundShipping::kNone;
  /// Items the marketplace's own policy excludes from this claim. They take
  /// away only this layer: never a statutory right.
  std::vector<Exemption> exemptions;
};

struct MarketplacePolicy {
  std::optional<PolicyWindow> withdrawal;
  std::optional<PolicyWindow> not_as_described;
  std::optional<PolicyWindow> defect;
  std::vector<std::string> sources;
  std::string confidence;
};

struct SourceInfo {
  std::string title;
  std::string where;
  /// A commentary or summary kept as a note: never shown as a citation.
  bool secondary = false;
};

/// A host that publishes the official text of the law (official_hosts.json):
/// a primary source's `where` must be on one of them.
struct OfficialHost {
  std::string host;  ///< "www.gesetze-im-internet.de"
  std::string path;  ///< a path prefix ("/laws"), or empty for the whole host
  std::string publisher;
  /// Counts only for marketplace_policy records (the marketplace's own site).
  bool marketplace = false;
};

struct Jurisdiction {
  std::string id;
  std::string name;
  std::string kind;
  std::string parent;
  std::vector<std::string> applies_to;
  std::string calendar;
  std::string confidence;
  std::map<std::string, SourceInfo, std::less<>>
      sources;  // merged with parents
  std::map<std::string, bool, std::less<>> bool_settings;
  std::optional<WithdrawalRule> withdrawal;
  std::optional<GuaranteeRule> guarantee;
  std::optional<LateDeliveryRule> late_delivery;
  std::optional<MarketplacePolicy> policy;
  std::vector<std::string> notes;
};

struct JurisdictionSet {
  std::map<std::string, Jurisdiction, std::less<>> records;
  // ISO code (upper case) -> record ids whose applies_to names it
  std::map<std::string, std::vector<std::string>, std::less<>> by_code;
  std::vector<OfficialHost> official_hosts;
  /// The official host `url` is on (for a record of `kind`), or null.
  OfficialHost const* OfficialHostOf(std::string_view url,
                                     std::string_view kind) const;
};

/// The file of official hosts among the jurisdiction files.
inline constexpr std::string_view kOfficialHostsFile = "official_hosts.json";

/// Parses, validates, merges parents. Errors: kInvalidArgument, reason
/// JURISDICTION_DATA_INVALID, naming the file and field.
StatusOr<std::shared_ptr<JurisdictionSet const>> LoadJurisdictions(
    std::span<const EmbeddedFile> files);

std::span<const EmbeddedFile> EmbeddedJurisdictionFiles();

/// Whether exemption `e` holds for `item` (its `when` on the item's
/// attributes, condition or category; validity is the caller's).
bool ExemptionHolds(Exemption const& e, Item const& item);

/// The built-in records, loaded once per process and shared by the engine
/// and the law listing; a load error is kInternal (the data ships with us).
StatusOr<std::shared_ptr<JurisdictionSet const>> const& BuiltInJurisdictions();

/// An engine over other records than the built-in ones (tests of format
/// features no built-in record uses yet). Its decisions' citations point
/// into `data`: keep it for as long as they are read.
PolicyEngine EngineOver(std::shared_ptr<JurisdictionSet const> data);

/// What the engine applies to a buyer in `code` (engine.cc): the record id
/// and the holiday calendar id. Errors as PolicyEngine::Decide gives for an
/// unusable buyer.jurisdiction (kInvalidArgument).
struct ResolvedCode {
  std::string record;
  std::string calendar;
};
StatusOr<ResolvedCode> ResolveJurisdictionCode(JurisdictionSet const& data,
                                               std::string_view code);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
