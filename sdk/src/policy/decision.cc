// Decision requests from JSON, decisions to JSON and to sentences.

#include "sanbao/policy/decision.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "calendar_impl.h"
#include "internal/decision_json.h"
#include "internal/domain_json.h"
#include "internal/json_util.h"
#include "sanbao/policy/calendar.h"
#include "sanbao/policy/day_count.h"

namespace sanbao {
inline namespace v1 {
namespace {

namespace json = boost::json;
using internal::AsString;
using internal::ElementPath;
using internal::EnumAt;
using internal::FailAt;
using internal::ObjectReader;
using internal::ReadSeller;

Instant InstantAt(json::value const& v, std::string const& path) {
  auto text = AsString(v, path);
  auto instant = ParseInstant(text);
  if (!instant && instant.status().reason() == "INSTANT_OUT_OF_RANGE") {
    FailAt(path, instant.status().message());
  }
  if (!instant) {
    FailAt(path, QuoteForMessage(text) +
                     " is not an RFC 3339 instant (e.g. "
                     "2026-12-11T14:00:00+01:00)");
  }
  return *instant;
}

std::optional<Instant> OptionalInstant(ObjectReader& r, std::string_view key) {
  auto const* v = r.Find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return InstantAt(*v, r.PathOf(key));
}

// Every amount of a request is money the buyer paid (`what`: "a price",
// "an amount"), so never negative.
Money PaidAt(json::value const& v, std::string const& path,
             std::string_view what) {
  ObjectReader r(v, path);
  auto amount = r.String("amount");
  auto currency = r.String("currency");
  r.Finish();
  auto money = Money::Parse(amount, currency);
  if (!money) FailAt(path, money.status().message());
  if (auto why = internal::NegativePaidAmount(*money, what)) FailAt(path, *why);
  return *money;
}

std::optional<Money> OptionalPaid(ObjectReader& r, std::string_view key,
                                  std::string_view what) {
  auto const* v = r.Find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return PaidAt(*v, r.PathOf(key), what);
}

// A request too large to decide: refused with its own reason, so that a
// program can tell it from a malformed one.
struct TooLarge {
  std::string path;
  std::string message;
};

// Every list of a request has a bounded length (kMaxDecisionRequestListLength).
json::array const& Limited(json::array const& list, std::string const& path) {
  if (list.size() > kMaxDecisionRequestListLength) {
    throw TooLarge{path, std::to_string(list.size()) + " entries; at most " +
                             std::to_string(kMaxDecisionRequestListLength) +
                             " are accepted"};
  }
  return list;
}

json::array const* Limited(json::array const* list, std::string const& path) {
  return list == nullptr ? nullptr : &Limited(*list, path);
}

std::optional<bool> OptionalBool(ObjectReader& r, std::string_view key) {
  auto const* v = r.Find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_bool()) FailAt(r.PathOf(key), "expected a boolean");
  return v->get_bool();
}

}  // namespace

namespace internal {

std::optional<std::string> NegativePaidAmount(Money const& money,
                                              std::string_view what) {
  if (!money.is_negative()) return std::nullopt;
  return money.ToStringWithCode() + " is negative; " + std::string(what) +
         " paid is never negative";
}

Seller ReadSeller(ObjectReader s) {
  Seller seller;
  seller.jurisdiction = s.OptionalString("jurisdiction").value_or("");
  if (!seller.jurisdiction.empty()) {
    if (auto known = CheckJurisdictionCode(seller.jurisdiction); !known.ok()) {
      FailAt(s.PathOf("jurisdiction"), known.message());
    }
  }
  seller.is_business = s.Bool("is_business", true);
  if (auto const* w = s.Find("withdrawal_info")) {
    auto text = AsString(*w, s.PathOf("withdrawal_info"));
    if (text == "given") {
      seller.withdrawal_info.kind = WithdrawalInfo::Kind::kGiven;
    } else if (text == "never") {
      seller.withdrawal_info.kind = WithdrawalInfo::Kind::kNever;
    } else {
      auto at = ParseInstant(text);
      if (!at && at.status().reason() == "INSTANT_OUT_OF_RANGE") {
        FailAt(s.PathOf("withdrawal_info"), at.status().message());
      }
      if (!at) {
        FailAt(s.PathOf("withdrawal_info"),
               QuoteForMessage(text) +
                   " is not \"given\", \"never\" or an RFC 3339 instant");
      }
      seller.withdrawal_info = {WithdrawalInfo::Kind::kLate, *at};
    }
  }
  if (auto const* c = s.Find("return_cost_info")) {
    seller.return_cost_info =
        EnumAt<ReturnCostInfo>(*c, s.PathOf("return_cost_info"),
                               {{"buyer_pays", ReturnCostInfo::kBuyerPays},
                                {"silent", ReturnCostInfo::kSilent},
                                {"seller_pays", ReturnCostInfo::kSellerPays}});
  }
  if (auto const* p = s.Find("posted_policy"); p != nullptr && !p->is_null()) {
    ObjectReader pr(*p, s.PathOf("posted_policy"));
    PostedPolicy policy;
    policy.return_days = static_cast<int>(pr.Int("return_days", 0, 3650));
    policy.refund =
        EnumAt<PostedPolicy::Refund>(pr.Require("refund"), pr.PathOf("refund"),
                                     {{"cash", PostedPolicy::Refund::kCash},
                                      {"credit", PostedPolicy::Refund::kCredit},
                                      {"none", PostedPolicy::Refund::kNone}});
    policy.displayed_at_checkout = pr.Bool("displayed_at_checkout", true);
    pr.Finish();
    seller.posted_policy = policy;
  }
  s.Finish();
  return seller;
}

}  // namespace internal

namespace {

DecisionRequest ParseRequest(json::value const& v, std::string const& path) {
  ObjectReader r(v, path);
  DecisionRequest req;
  req.as_of = OptionalInstant(r, "as_of");
  {
    auto b = r.Object("buyer");
    req.buyer.jurisdiction = b.String("jurisdiction");
    req.buyer.timezone = b.String("timezone");
    req.buyer.is_consumer = b.Bool("is_consumer", true);
    b.Finish();
  }
  req.seller = ReadSeller(r.Object("seller"));
  if (auto const* m = r.Find("marketplace"); m != nullptr && !m->is_null()) {
    req.marketplace = AsString(*m, r.PathOf("marketplace"));
  }
  if (auto const* m = r.Find("marketplace_site");
      m != nullptr && !m->is_null()) {
    req.marketplace_site = AsString(*m, r.PathOf("marketplace_site"));
  }
  {
    auto c = r.Object("contract");
    req.contract.kind =
        EnumAt<ContractKind>(c.Require("kind"), c.PathOf("kind"),
                             {{"single", ContractKind::kSingle},
                              {"multi_item", ContractKind::kMultiItem},
                              {"multi_lot", ContractKind::kMultiLot},
                              {"subscription", ContractKind::kSubscription},
                              {"service", ContractKind::kService}});
    req.contract.concluded_at =
        InstantAt(c.Require("concluded_at"), c.PathOf("concluded_at"));
    req.contract.delivery_due = OptionalInstant(c, "delivery_due");
    c.Finish();
  }
  {
    auto const& items = Limited(r.Array("items"), r.PathOf("items"));
    req.items.reserve(items.size());
    // Ids seen so far: a hash set keeps the duplicate check linear.
    std::unordered_set<std::string> ids;
    ids.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      ObjectReader ir(items[i], ElementPath(r.PathOf("items"), i));
      Item item;
      item.id = ir.String("id");
      item.category = ir.OptionalString("category").value_or("");
      item.price = OptionalPaid(ir, "price", "a price");
      if (auto const* a = Limited(ir.OptionalArray("attributes"),
                                  ir.PathOf("attributes"))) {
        for (std::size_t k = 0; k < a->size(); ++k) {
          item.attributes.push_back(
              AsString((*a)[k], ElementPath(ir.PathOf("attributes"), k)));
        }
      }
      item.seal_broken = ir.Bool("seal_broken", false);
      if (auto const* c = ir.Find("condition")) {
        item.condition = EnumAt<ItemCondition>(
            *c, ir.PathOf("condition"),
            {{"new", ItemCondition::kNew},
             {"used_for_testing", ItemCondition::kUsedForTesting},
             {"worn", ItemCondition::kWorn},
             {"damaged", ItemCondition::kDamaged}});
      }
      if (auto const* d = Limited(ir.OptionalArray("deliveries"),
                                  ir.PathOf("deliveries"))) {
        for (std::size_t k = 0; k < d->size(); ++k) {
          item.deliveries.push_back(
              InstantAt((*d)[k], ElementPath(ir.PathOf("deliveries"), k)));
        }
      }
      ir.Finish();
      if (!ids.insert(item.id).second)
        FailAt(ir.PathOf("id"), QuoteForMessage(item.id) + " is used twice");
      req.items.push_back(std::move(item));
    }
  }
  if (auto s = r.OptionalObject("shipping")) {
    Shipping shipping;
    shipping.charged = OptionalPaid(*s, "charged", "an amount");
    shipping.standard = OptionalPaid(*s, "standard", "an amount");
    shipping.free_outbound = s->Bool("free_outbound", false);
    s->Finish();
    req.shipping = shipping;
  }
  {
    auto c = r.Object("claim");
    req.claim.kind =
        EnumAt<ClaimKind>(c.Require("kind"), c.PathOf("kind"),
                          {{"withdrawal", ClaimKind::kWithdrawal},
                           {"defect", ClaimKind::kDefect},
                           {"not_as_described", ClaimKind::kNotAsDescribed},
                           {"repair_failed", ClaimKind::kRepairFailed},
                           {"late_delivery", ClaimKind::kLateDelivery}});
    req.claim.sent_at = InstantAt(c.Require("sent_at"), c.PathOf("sent_at"));
    req.claim.received_at = OptionalInstant(c, "received_at");
    req.claim.defect_discovered_at = OptionalInstant(c, "defect_discovered_at");
    if (auto const* ids =
            Limited(c.OptionalArray("item_ids"), c.PathOf("item_ids"))) {
      // An item claimed twice would be refunded twice.
      std::unordered_set<std::string> seen;
      seen.reserve(ids->size());
      for (std::size_t k = 0; k < ids->size(); ++k) {
        auto path = ElementPath(c.PathOf("item_ids"), k);
        auto id = AsString((*ids)[k], path);
        if (!seen.insert(id).second)
          FailAt(path, QuoteForMessage(id) + " is claimed twice");
        req.claim.item_ids.push_back(std::move(id));
      }
    }
    c.Finish();
  }
  if (auto const* h =
          Limited(r.OptionalArray("history"), r.PathOf("history"))) {
    for (std::size_t i = 0; i < h->size(); ++i) {
      ObjectReader hr((*h)[i], ElementPath(r.PathOf("history"), i));
      HistoryEvent e;
      e.type = EnumAt<HistoryEvent::Type>(
          hr.Require("type"), hr.PathOf("type"),
          {{"repair", HistoryEvent::Type::kRepair},
           {"goods_received_by_seller",
            HistoryEvent::Type::kGoodsReceivedBySeller},
           {"proof_of_dispatch_received",
            HistoryEvent::Type::kProofOfDispatchReceived},
           {"contract_copy_received",
            HistoryEvent::Type::kContractCopyReceived},
           {"replacement", HistoryEvent::Type::kReplacement}});
      if (e.type == HistoryEvent::Type::kRepair ||
          e.type == HistoryEvent::Type::kReplacement) {
        e.at = InstantAt(hr.Require("completed_at"), hr.PathOf("completed_at"));
        e.item_id = hr.OptionalString("item_id").value_or("");
      } else {
        e.at = InstantAt(hr.Require("at"), hr.PathOf("at"));
      }
      hr.Finish();
      req.history.push_back(std::move(e));
    }
  }
  if (auto s = r.OptionalObject("settings")) {
    auto& st = req.settings;
    st.rollover = OptionalBool(*s, "rollover");
    st.count_delivery_day = OptionalBool(*s, "count_delivery_day");
    st.posting_statute_applies_online =
        OptionalBool(*s, "posting_statute_applies_online");
    st.amazon_holiday_window = OptionalBool(*s, "amazon_holiday_window");
    if (auto const* days = Limited(s->OptionalArray("extra_non_working_days"),
                                   s->PathOf("extra_non_working_days"))) {
      for (std::size_t k = 0; k < days->size(); ++k) {
        auto p = ElementPath(s->PathOf("extra_non_working_days"), k);
        auto text = AsString((*days)[k], p);
        auto date = ParseCivilDate(text);
        if (!date) FailAt(p, date.status().message());
        st.extra_non_working_days.push_back(*date);
      }
    }
    s->Finish();
  }
  r.Finish();
  return req;
}

json::value DateJson(std::optional<CivilDate> const& d) {
  if (!d) return nullptr;
  return json::string(FormatCivilDate(*d));
}

}  // namespace

bool Item::Has(std::string_view attribute) const {
  return std::find(attributes.begin(), attributes.end(), attribute) !=
         attributes.end();
}

StatusOr<DecisionRequest> ParseDecisionRequest(std::string_view text) {
  if (text.size() > kMaxDecisionRequestBytes) {
    return InvalidArgumentError(
        "the request is " + std::to_string(text.size()) + " bytes; at most " +
            std::to_string(kMaxDecisionRequestBytes) + " bytes (" +
            std::to_string(kMaxDecisionRequestBytes >> 20) +
            " MiB) are accepted",
        "DECISION_REQUEST_TOO_LARGE",
        {{"limit_bytes", std::to_string(kMaxDecisionRequestBytes)}});
  }
  try {
    auto doc = internal::ParseJson(text);
    auto const* object = doc.if_object();
    if (object != nullptr && object->contains("request")) {
      // A conformance case file: only its request is decided.
      return ParseRequest(object->at("request"), "request");
    }
    return ParseRequest(doc, "");
  } catch (internal::DataError const& e) {
    return InvalidArgumentError(
        (e.path.empty() ? "" : e.path + ": ") + e.message,
        "DECISION_REQUEST_INVALID", {{"field", e.path}});
  } catch (TooLarge const& e) {
    return InvalidArgumentError(
        e.path + ": " + e.message, "DECISION_REQUEST_TOO_LARGE",
        {{"field", e.path},
         {"limit", std::to_string(kMaxDecisionRequestListLength)}});
  }
}

std::string_view BasisName(Basis basis) {
  switch (basis) {
    case Basis::kNone:
      return "none";
    case Basis::kStatutoryWithdrawal:
      return "statutory_withdrawal";
    case Basis::kStatutoryReturn:
      return "statutory_return";
    case Basis::kLegalGuarantee:
      return "legal_guarantee";
    case Basis::kMarketplacePolicy:
      return "marketplace_policy";
    case Basis::kSellerPolicy:
      return "seller_policy";
  }
  return "none";
}

std::string_view RemedyName(Remedy remedy) {
  switch (remedy) {
    case Remedy::kRefund:
      return "refund";
    case Remedy::kReplace:
      return "replace";
    case Remedy::kRepair:
      return "repair";
    case Remedy::kPriceReduction:
      return "price_reduction";
    case Remedy::kTerminate:
      return "terminate";
  }
  return "";
}

std::string_view PartyName(Party party) {
  return party == Party::kBuyer ? "buyer" : "seller";
}

std::string ExplainStep(TraceStep const& s) {
  auto date = [](CivilDate d) { return FormatCivilDateWithWeekday(d); };
  std::string text(s.text), text2(s.text2);
  std::string const source =
      s.source.empty() ? std::string() : " [" + std::string(s.source) + "]";
  switch (s.code) {
    case TraceStep::Code::kJurisdiction:
      return "The buyer's law: " + text2 + " (record " + text + ")";
    case TraceStep::Code::kCalendar:
      return "Working days and holidays: calendar " + text;
    case TraceStep::Code::kNoStatutoryRight:
      return "The law of " + text + " gives no statutory right for this claim";
    case TraceStep::Code::kNotATrader:
      return "The seller is not a trader, so consumer law gives the buyer no "
             "right against it";
    case TraceStep::Code::kNotAConsumer:
      return "The buyer is not a consumer, so consumer law gives no withdrawal "
             "right";
    case TraceStep::Code::kConditionNotMet:
      return "The statutory right applies only under a condition that does not "
             "hold: " +
             text;
    case TraceStep::Code::kExcluded:
      return "Item " + s.item + " is exempt from the withdrawal right (" +
             text + ")";
    case TraceStep::Code::kNotDisclosed:
      return "Item " + s.item + " would be exempt from the withdrawal right (" +
             text +
             "), but the seller did not clearly disclose that exception" +
             source + ": the right stands";
    case TraceStep::Code::kStartEvent:
      return "The period starts with " + text + " on " + date(s.date);
    case TraceStep::Code::kBeforeDelivery:
      return "The goods have not been delivered yet; the buyer may withdraw "
             "before delivery";
    case TraceStep::Code::kNotStarted:
      return "The period has not started: " + text + " has not happened yet";
    case TraceStep::Code::kPeriod:
      return std::to_string(s.number) + " " + text +
             (text2.empty() ? "" : " (" + text2 + ")") + ": the last day is " +
             date(s.date);
    case TraceStep::Code::kNoFixedPeriod:
      return "The statute sets no fixed number of days (a reasonable time): no "
             "deadline is "
             "computed";
    case TraceStep::Code::kNotInformed:
      return "The buyer was not properly informed of the right (rule: " + text +
             "): the last day becomes " + date(s.date);
    case TraceStep::Code::kAgreedPeriod:
      return "The statute adopts the longer period the parties agreed (" +
             std::to_string(s.number) + " days): the last day is " +
             date(s.date);
    case TraceStep::Code::kNoLapse:
      return "The buyer was not properly informed, so the right does not lapse";
    case TraceStep::Code::kRollover: {
      // The same words as `sanbao calendar add-days` (ExplainRollover).
      if (auto calendar = Calendar::Find(text); calendar.ok()) {
        if (auto line = ExplainRollover(*calendar, s.date, s.date2)) {
          return "Last day " + *line;
        }
      }
      return "Last day " + date(s.date) + " is not a working day in " + text +
             " -> next working day " + date(s.date2);
    }
    case TraceStep::Code::kNoRollover:
      return "No roll-over: the period ends on " + date(s.date) +
             " whatever day it is";
    case TraceStep::Code::kClaimInTime:
      return "The notice was " + text + " on " + date(s.date) +
             ", on or before " + date(s.date2) + ": in time";
    case TraceStep::Code::kClaimLate:
      return "The notice was " + text + " on " + date(s.date) + ", after " +
             date(s.date2) + ": too late";
    case TraceStep::Code::kNoticePeriod:
      if (s.number == 1 && text.ends_with('s')) text.pop_back();
      return "The defect must be notified within " + std::to_string(s.number) +
             " " + text + source + ": the last day is " + date(s.date);
    case TraceStep::Code::kLiability:
      return "The seller is liable for defects until " + date(s.date);
    case TraceStep::Code::kLiabilityExtended:
      return "A repair extends the liability by " + std::to_string(s.number) +
             " " + text + ": from " + date(s.date2) + " to " + date(s.date);
    case TraceStep::Code::kGuaranteeRestarted:
      return "The goods were replaced on " + date(s.date) +
             ": the guarantee period runs afresh from that day" + source +
             (s.number > 0 ? "; the " + std::to_string(s.number) +
                                 " repair(s) before it concerned the replaced "
                                 "goods and no longer count"
                           : "");
    case TraceStep::Code::kLiabilityEnded:
      return "The liability period ended on " + date(s.date) +
             ", before the defect was discovered on " + date(s.date2);
    case TraceStep::Code::kStage:
      return "Remedies stage: " +
             (text.empty() ? std::string("default") : text) +
             (s.number > 0
                  ? " (" + std::to_string(s.number) + " failed repair(s))"
                  : "") +
             (s.date.ok() ? ", until " + date(s.date) : "");
    case TraceStep::Code::kPolicyWindow:
      return "Policy of " + text + ": " + std::to_string(s.number) +
             " days, last day " + date(s.date);
    case TraceStep::Code::kPolicyNoReturns:
      return "The " + text +
             "'s posted policy allows no change-of-mind returns";
    case TraceStep::Code::kPolicyNotApplicable:
      return "The policy of " + text + " does not cover this claim: " + text2;
    case TraceStep::Code::kPolicyExcluded:
      return "Item " + s.item +
             " is excluded by the marketplace's own policy (" + text + ")" +
             source +
             ": that policy does not grant this claim; statutory rights are "
             "unaffected";
    case TraceStep::Code::kHolidayWindow:
      return "Holiday return window: returnable until " + date(s.date);
    case TraceStep::Code::kBasis:
      return "Basis: " + text;
    case TraceStep::Code::kRefundDue:
      return "Refund due by " + date(s.date);
    case TraceStep::Code::kRefundWithheld:
      return "Refund due by " + date(s.date) +
             ", unless withheld until the goods or proof of dispatch arrive";
    case TraceStep::Code::kRefundReleased:
      return "The seller may withhold the refund until the goods or proof of "
             "their sending arrive" +
             source + ": they arrived on " + date(s.date) +
             ", after the refund period ended on " + date(s.date2) +
             ", so the refund is due then, not earlier";
    case TraceStep::Code::kLateDelivery:
      return "The goods had to arrive by " + date(s.date) + source + "; they " +
             (text == "arrived" ? "came on " : "had not come by ") +
             date(s.date2) +
             (s.number == 1 ? ": late, so the buyer may cancel and be refunded"
                            : ": in time, so there is no late-delivery right");
    case TraceStep::Code::kNoDeliveryDate:
      return "No delivery date was stated or agreed, so the late-delivery "
             "rule has nothing to run from";
    case TraceStep::Code::kReturnShipping:
      return "Return shipping is paid by the " + text;
    case TraceStep::Code::kWarning:
      return "Warning: " + (text2.empty() ? text : text2 + ": " + text);
  }
  return "";
}

std::vector<std::string> Explain(Decision const& decision) {
  std::vector<std::string> out;
  out.reserve(decision.trace.size());
  for (auto const& step : decision.trace) out.push_back(ExplainStep(step));
  return out;
}

std::string DecisionToJson(Decision const& d) {
  json::array remedies;
  for (auto r : d.remedies) remedies.push_back(json::string(RemedyName(r)));
  json::array citations;
  for (auto const& c : d.citations) {
    citations.push_back(
        json::object{{"id", c.id}, {"title", c.title}, {"where", c.where}});
  }
  json::array trace;
  for (auto const& line : Explain(d)) trace.push_back(json::string(line));
  json::array warnings;
  for (auto const& w : d.warnings) warnings.push_back(json::string(w));
  json::object out{
      {"eligible", d.eligible},
      {"basis", BasisName(d.basis)},
      {"statutory_withdrawal", d.statutory_withdrawal},
      {"deadline", DateJson(d.deadline)},
      {"deadline_end", d.deadline_end ? json::value(json::string(
                                            FormatInstant(*d.deadline_end)))
                                      : json::value(nullptr)},
      {"statutory_deadline", DateJson(d.statutory_deadline)},
      {"refund_due_by", DateJson(d.refund_due_by)},
      {"refund", internal::MoneyJson(d.refund)},
      {"outbound_shipping_refund",
       d.outbound_shipping == OutboundRefund::kAll            ? "all"
       : d.outbound_shipping == OutboundRefund::kStandardPart ? "standard_part"
                                                              : "none"},
      {"return_shipping_paid_by",
       d.return_shipping_paid_by
           ? json::value(json::string(PartyName(*d.return_shipping_paid_by)))
           : json::value(nullptr)},
      {"deduction_allowed", d.deduction_allowed
                                ? json::value(*d.deduction_allowed)
                                : json::value(nullptr)},
      {"restocking_fee_allowed", d.restocking_fee_allowed},
      {"remedies", std::move(remedies)},
      {"exclusion", d.exclusion.empty()
                        ? json::value(nullptr)
                        : json::value(json::string(d.exclusion))},
      {"jurisdiction", d.jurisdiction},
      {"calendar", d.calendar},
      {"confidence", d.confidence},
      {"citations", std::move(citations)},
      {"trace", std::move(trace)},
      {"warnings", std::move(warnings)},
  };
  return json::serialize(out);
}

}  // namespace v1
}  // namespace sanbao
