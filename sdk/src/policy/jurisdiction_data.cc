// Loads sdk/data/jurisdictions/*.json (docs/guides/jurisdiction-data.md):
// strict parsing, parent merging, cycle and reference checks.

#include "policy/jurisdiction_data.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "internal/json_util.h"
#include "sanbao/policy/calendar.h"

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

namespace json = boost::json;

Length ParseLength(json::value const& v, std::string const& path) {
  ObjectReader r(v, path);
  Length out;
  out.value = static_cast<int>(r.Int("value", 0, 10000));
  out.unit = EnumAt<Unit>(r.Require("unit"), r.PathOf("unit"),
                          {{"calendar_days", Unit::kCalendarDays},
                           {"business_days", Unit::kBusinessDays},
                           {"months", Unit::kMonths},
                           {"years", Unit::kYears}});
  r.Finish();
  return out;
}

std::optional<Length> OptionalLength(ObjectReader& r, std::string_view key) {
  auto const* v = r.Find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return ParseLength(*v, r.PathOf(key));
}

StartEvent ParseStart(json::value const& v, std::string const& path) {
  return EnumAt<StartEvent>(
      v, path,
      {{"delivery", StartEvent::kDelivery},
       {"purchase", StartEvent::kPurchase},
       {"contract_copy_received", StartEvent::kContractCopyReceived},
       {"later_of_delivery_and_purchase",
        StartEvent::kLaterOfDeliveryAndPurchase},
       {"defect_discovered", StartEvent::kDefectDiscovered},
       {"sale", StartEvent::kSale},
       {"defect_evident", StartEvent::kDefectEvident},
       {"later_of_delivery_and_contract_copy",
        StartEvent::kLaterOfDeliveryAndContractCopy}});
}

Party ParseParty(json::value const& v, std::string const& path) {
  return EnumAt<Party>(v, path,
                       {{"buyer", Party::kBuyer}, {"seller", Party::kSeller}});
}

ClaimKind ParseClaimKind(json::value const& v, std::string const& path) {
  return EnumAt<ClaimKind>(v, path,
                           {{"withdrawal", ClaimKind::kWithdrawal},
                            {"defect", ClaimKind::kDefect},
                            {"not_as_described", ClaimKind::kNotAsDescribed},
                            {"repair_failed", ClaimKind::kRepairFailed},
                            {"late_delivery", ClaimKind::kLateDelivery}});
}

Remedy ParseRemedy(json::value const& v, std::string const& path) {
  return EnumAt<Remedy>(v, path,
                        {{"refund", Remedy::kRefund},
                         {"replace", Remedy::kReplace},
                         {"repair", Remedy::kRepair},
                         {"price_reduction", Remedy::kPriceReduction},
                         {"terminate", Remedy::kTerminate}});
}

OutboundShipping ParseOutbound(json::value const& v, std::string const& path) {
  return EnumAt<OutboundShipping>(
      v, path,
      {{"standard_part", OutboundShipping::kStandardPart},
       {"all", OutboundShipping::kAll},
       {"none", OutboundShipping::kNone}});
}

// Every source id the file cites, checked after the whole record is read.
struct SourceChecker {
  std::map<std::string, SourceInfo, std::less<>> const& sources;
  void Check(std::string const& id, std::string const& path) const {
    if (!sources.contains(id)) {
      FailAt(path, "\"" + id + "\" is not a key of sources (nor a parent's)");
    }
  }
  std::string Optional(ObjectReader& r, std::string_view key) const {
    auto value = r.OptionalString(key);
    if (!value) return "";
    Check(*value, r.PathOf(key));
    return *value;
  }
  std::vector<std::string> List(ObjectReader& r, std::string_view key) const {
    std::vector<std::string> out;
    auto const* arr = r.OptionalArray(key);
    if (arr == nullptr) return out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto p = ElementPath(r.PathOf(key), i);
      out.push_back(AsString((*arr)[i], p));
      Check(out.back(), p);
    }
    return out;
  }
};

std::vector<std::string> StringList(ObjectReader& r, std::string_view key) {
  std::vector<std::string> out;
  auto const* arr = r.OptionalArray(key);
  if (arr == nullptr) return out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    out.push_back(AsString((*arr)[i], ElementPath(r.PathOf(key), i)));
  }
  return out;
}

// "confidence" of a rule or element: how it was checked; empty when not
// given (then its rule's, or the record's).
std::string OptionalConfidence(ObjectReader& r) {
  auto const* v = r.Find("confidence");
  if (v == nullptr) return "";
  return EnumAt<std::string>(*v, r.PathOf("confidence"),
                             {{"confirmed", "confirmed"},
                              {"secondary", "secondary"},
                              {"memory", "memory"},
                              {"mixed", "mixed"}});
}

// "valid_from" / "valid_to" (YYYY-MM-DD) of a rule element.
Validity ParseValidity(ObjectReader& r) {
  Validity v;
  for (auto [key, out] :
       {std::pair{"valid_from", &v.from}, std::pair{"valid_to", &v.to}}) {
    auto text = r.OptionalString(key);
    if (!text) continue;
    auto date = ParseCivilDate(*text);
    if (!date) FailAt(r.PathOf(key), "not a YYYY-MM-DD date");
    *out = *date;
  }
  if (v.from && v.to &&
      std::chrono::sys_days{*v.to} <= std::chrono::sys_days{*v.from}) {
    FailAt(r.PathOf("valid_to"), "must be after valid_from");
  }
  return v;
}

// "exemptions" of a statutory withdrawal rule or a marketplace policy claim:
// one shape and one matcher (ExemptionHolds) for both.
std::vector<Exemption> ParseExemptions(ObjectReader& r,
                                       SourceChecker const& sc) {
  std::vector<Exemption> out;
  auto const* arr = r.OptionalArray("exemptions");
  if (arr == nullptr) return out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    ObjectReader e((*arr)[i], ElementPath(r.PathOf("exemptions"), i));
    Exemption ex;
    ex.when = EnumAt<ExemptionWhen>(
        e.Require("when"), e.PathOf("when"),
        {{"personalised", ExemptionWhen::kPersonalised},
         {"custom_made", ExemptionWhen::kCustomMade},
         {"perishable", ExemptionWhen::kPerishable},
         {"digital", ExemptionWhen::kDigital},
         {"hygiene_seal_broken", ExemptionWhen::kHygieneSealBroken},
         {"sealed_media_unsealed", ExemptionWhen::kSealedMediaUnsealed},
         {"activated_confirmed", ExemptionWhen::kActivatedConfirmed},
         {"digital_performance_consented",
          ExemptionWhen::kDigitalPerformanceConsented},
         {"activated", ExemptionWhen::kActivated},
         {"used_or_damaged", ExemptionWhen::kUsedOrDamaged},
         {"worn", ExemptionWhen::kWorn},
         {"damaged", ExemptionWhen::kDamaged},
         {"digital_started", ExemptionWhen::kDigitalStarted},
         {"attribute", ExemptionWhen::kAttribute},
         {"category", ExemptionWhen::kCategory}});
    if (ex.when == ExemptionWhen::kAttribute) {
      ex.operand = e.String("attribute");
    } else if (ex.when == ExemptionWhen::kCategory) {
      ex.operand = e.String("category");
    }
    if (ex.when == ExemptionWhen::kAttribute ||
        ex.when == ExemptionWhen::kCategory) {
      if (ex.operand.empty()) FailAt(e.PathOf("when"), "names nothing");
    }
    ex.exclusion = e.String("exclusion");
    ex.requires_disclosure = e.Bool("requires_disclosure", false);
    ex.confidence = OptionalConfidence(e);
    ex.source = sc.Optional(e, "source");
    ex.validity = ParseValidity(e);
    e.Finish();
    out.push_back(std::move(ex));
  }
  return out;
}

WithdrawalRule ParseWithdrawal(ObjectReader r, SourceChecker const& sc) {
  WithdrawalRule w;
  auto const& exists = r.Require("exists");
  if (exists.is_bool()) {
    w.exists = exists.get_bool() ? Exists::kYes : Exists::kNo;
  } else if (exists.is_string() && exists.get_string() == "conditional") {
    w.exists = Exists::kConditional;
  } else {
    FailAt(r.PathOf("exists"), "expected true, false or \"conditional\"");
  }
  if (auto const* v = r.Find("basis")) {
    w.basis =
        EnumAt<Basis>(*v, r.PathOf("basis"),
                      {{"statutory_withdrawal", Basis::kStatutoryWithdrawal},
                       {"statutory_return", Basis::kStatutoryReturn}});
  }
  if (auto a = r.OptionalObject("applies_when")) {
    w.applies_when.seller_is_business = a->Bool("seller_is_business", true);
    w.applies_when.no_posted_policy = a->Bool("no_posted_policy", false);
    w.applies_when.policy_not_displayed_at_checkout =
        a->Bool("policy_not_displayed_at_checkout", false);
    w.applies_when.withdrawal_info_missing =
        a->Bool("withdrawal_info_missing", false);
    w.applies_when.setting = a->OptionalString("setting").value_or("");
    a->Finish();
  }
  w.length = OptionalLength(r, "length");
  if (auto const* v = r.Find("start"))
    w.start = ParseStart(*v, r.PathOf("start"));
  w.count_start_day = r.Bool("count_start_day", false);
  if (auto const* v = r.Find("multi_item")) {
    w.each_item = EnumAt<bool>(*v, r.PathOf("multi_item"),
                               {{"last_delivery", false}, {"each_item", true}});
  }
  if (auto const* v = r.Find("subscription")) {
    (void)EnumAt<int>(*v, r.PathOf("subscription"), {{"first_delivery", 0}});
  }
  w.before_delivery = r.Bool("before_delivery", false);
  if (auto const* v = r.Find("deadline_met_by")) {
    w.met_by_received = EnumAt<bool>(*v, r.PathOf("deadline_met_by"),
                                     {{"sent", false}, {"received", true}});
  }
  w.rollover = r.Bool("rollover", false);
  w.longer_agreed_period = r.Bool("longer_agreed_period", false);
  if (auto n = r.OptionalObject("no_copy")) {
    WithdrawalRule::NoCopy nc;
    nc.within = ParseLength(n->Require("within"), n->PathOf("within"));
    nc.length = ParseLength(n->Require("length"), n->PathOf("length"));
    nc.source = sc.Optional(*n, "source");
    n->Finish();
    w.no_copy = std::move(nc);
  }
  if (auto n = r.OptionalObject("not_informed")) {
    w.not_informed.rule =
        EnumAt<NotInformedRule>(n->Require("rule"), n->PathOf("rule"),
                                {{"none", NotInformedRule::kNone},
                                 {"extend", NotInformedRule::kExtend},
                                 {"cap", NotInformedRule::kCap},
                                 {"replace", NotInformedRule::kReplace},
                                 {"no_lapse", NotInformedRule::kNoLapse}});
    auto length = OptionalLength(*n, "length");
    bool needs_length = w.not_informed.rule == NotInformedRule::kExtend ||
                        w.not_informed.rule == NotInformedRule::kCap ||
                        w.not_informed.rule == NotInformedRule::kReplace;
    if (needs_length && !length) {
      FailAt(n->PathOf("length"), "this rule needs a length");
    }
    if (length) w.not_informed.length = *length;
    w.not_informed.source = sc.Optional(*n, "source");
    n->Finish();
  }
  w.exemptions = ParseExemptions(r, sc);
  if (auto const* arr = r.OptionalArray("variants")) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      ObjectReader v((*arr)[i], ElementPath(r.PathOf("variants"), i));
      Variant variant;
      variant.claim = ParseClaimKind(v.Require("claim"), v.PathOf("claim"));
      auto deadline = v.Object("deadline");
      auto const& list = deadline.Array("earliest_of");
      for (std::size_t k = 0; k < list.size(); ++k) {
        ObjectReader part(list[k],
                          ElementPath(deadline.PathOf("earliest_of"), k));
        variant.earliest_of.emplace_back(
            ParseLength(part.Require("length"), part.PathOf("length")),
            ParseStart(part.Require("start"), part.PathOf("start")));
        part.Finish();
      }
      if (variant.earliest_of.empty()) {
        FailAt(deadline.PathOf("earliest_of"), "needs at least one period");
      }
      deadline.Finish();
      if (auto const* p = v.Find("return_shipping")) {
        variant.return_shipping = ParseParty(*p, v.PathOf("return_shipping"));
      }
      variant.source = sc.Optional(v, "source");
      variant.confidence = OptionalConfidence(v);
      v.Finish();
      w.variants.push_back(std::move(variant));
    }
  }
  if (auto const* v = r.Find("return_shipping")) {
    w.return_shipping = EnumAt<ReturnShippingRule>(
        *v, r.PathOf("return_shipping"),
        {{"buyer_if_informed", ReturnShippingRule::kBuyerIfInformed},
         {"buyer", ReturnShippingRule::kBuyer},
         {"seller", ReturnShippingRule::kSeller}});
  }
  if (auto const* v = r.Find("deduction")) {
    w.deduction =
        EnumAt<DeductionRule>(*v, r.PathOf("deduction"),
                              {{"if_informed", DeductionRule::kIfInformed},
                               {"never", DeductionRule::kNever},
                               {"allowed", DeductionRule::kAllowed}});
  }
  w.restocking_fee = r.Bool("restocking_fee", false);
  if (auto f = r.OptionalObject("refund")) {
    w.refund.length = OptionalLength(*f, "length");
    if (auto const* v = f->Find("start")) {
      w.refund.start = EnumAt<RefundStart>(
          *v, f->PathOf("start"),
          {{"notice_received", RefundStart::kNoticeReceived},
           {"notice_sent", RefundStart::kNoticeSent},
           {"goods_received", RefundStart::kGoodsReceived},
           {"goods_or_proof_received", RefundStart::kGoodsOrProofReceived}});
    }
    if (auto const* v = f->Find("withholding")) {
      w.refund.withholding = EnumAt<Withholding>(
          *v, f->PathOf("withholding"),
          {{"until_goods_or_proof", Withholding::kUntilGoodsOrProof},
           {"none", Withholding::kNone}});
    }
    if (auto const* v = f->Find("outbound_shipping")) {
      w.refund.outbound = ParseOutbound(*v, f->PathOf("outbound_shipping"));
    }
    w.refund.source = sc.Optional(*f, "source");
    w.refund.confidence = OptionalConfidence(*f);
    f->Finish();
  }
  w.sources = sc.List(r, "sources");
  w.confidence = OptionalConfidence(r);
  r.Finish();
  return w;
}

GuaranteeRule ParseGuarantee(ObjectReader r, SourceChecker const& sc) {
  GuaranteeRule g;
  auto const& claims = r.Array("claims");
  for (std::size_t i = 0; i < claims.size(); ++i) {
    g.claims.insert(
        ParseClaimKind(claims[i], ElementPath(r.PathOf("claims"), i)));
  }
  if (auto a = r.OptionalObject("applies_when")) {
    g.seller_is_business = a->Bool("seller_is_business", true);
    a->Finish();
  }
  if (auto l = r.OptionalObject("liability")) {
    g.liability = OptionalLength(*l, "length");
    if (auto const* v = l->Find("from")) {
      g.liability_from = ParseStart(*v, l->PathOf("from"));
    }
    l->Finish();
  }
  g.presumption = OptionalLength(r, "presumption");
  if (auto const* v = r.Find("return_shipping")) {
    g.return_shipping = ParseParty(*v, r.PathOf("return_shipping"));
  }
  auto const& stages = r.Array("stages");
  for (std::size_t i = 0; i < stages.size(); ++i) {
    ObjectReader s(stages[i], ElementPath(r.PathOf("stages"), i));
    Stage stage;
    stage.name = s.OptionalString("name").value_or("");
    auto when = s.Object("when");
    stage.within = OptionalLength(when, "within");
    if (auto const* v = when.Find("from")) {
      stage.from = ParseStart(*v, when.PathOf("from"));
    }
    if (auto n = when.OptionalInt("failed_repairs_at_least", 0, 100)) {
      stage.failed_repairs_at_least = static_cast<int>(*n);
    }
    if (auto const* v = when.Find("claim")) {
      stage.claim = ParseClaimKind(*v, when.PathOf("claim"));
    }
    when.Finish();
    auto const& remedies = s.Array("remedies");
    for (std::size_t k = 0; k < remedies.size(); ++k) {
      stage.remedies.push_back(
          ParseRemedy(remedies[k], ElementPath(s.PathOf("remedies"), k)));
    }
    if (auto const* v = s.Find("deduction")) {
      if (v->is_object()) {
        ObjectReader d(*v, s.PathOf("deduction"));
        stage.deduction = DeductionRule::kAllowed;
        stage.deduction_after =
            ParseLength(d.Require("after"), d.PathOf("after"));
        d.Finish();
      } else {
        stage.deduction =
            EnumAt<DeductionRule>(*v, s.PathOf("deduction"),
                                  {{"never", DeductionRule::kNever},
                                   {"allowed", DeductionRule::kAllowed}});
      }
    }
    if (auto const* v = s.Find("deadline")) {
      stage.deadline_stage_end =
          EnumAt<bool>(*v, s.PathOf("deadline"),
                       {{"stage_end", true}, {"liability_end", false}});
      if (stage.deadline_stage_end && !stage.within) {
        FailAt(s.PathOf("deadline"), "stage_end needs a when.within window");
      }
    }
    stage.source = sc.Optional(s, "source");
    stage.validity = ParseValidity(s);
    stage.confidence = OptionalConfidence(s);
    s.Finish();
    g.stages.push_back(std::move(stage));
  }
  if (g.stages.empty()) FailAt(r.PathOf("stages"), "needs at least one stage");
  if (auto const* arr = r.OptionalArray("after_repair")) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      ObjectReader x((*arr)[i], ElementPath(r.PathOf("after_repair"), i));
      LiabilityExtension ext;
      ext.length = ParseLength(x.Require("extend_by"), x.PathOf("extend_by"));
      ext.source = sc.Optional(x, "source");
      ext.validity = ParseValidity(x);
      ext.confidence = OptionalConfidence(x);
      x.Finish();
      g.after_repair.push_back(std::move(ext));
    }
  }
  if (auto const* arr = r.OptionalArray("notice")) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      ObjectReader n((*arr)[i], ElementPath(r.PathOf("notice"), i));
      NoticePeriod period;
      period.length = ParseLength(n.Require("length"), n.PathOf("length"));
      period.start = ParseStart(n.Require("start"), n.PathOf("start"));
      period.items_with = StringList(n, "items_with");
      if (auto const* v = n.Find("deadline_met_by")) {
        period.met_by_received =
            EnumAt<bool>(*v, n.PathOf("deadline_met_by"),
                         {{"sent", false}, {"received", true}});
      }
      period.source = sc.Optional(n, "source");
      period.validity = ParseValidity(n);
      period.confidence = OptionalConfidence(n);
      n.Finish();
      g.notice.push_back(std::move(period));
    }
  }
  if (auto x = r.OptionalObject("restart")) {
    Restart restart;
    restart.on =
        EnumAt<Restart::On>(x->Require("on"), x->PathOf("on"),
                            {{"replacement", Restart::On::kReplacement}});
    restart.source = sc.Optional(*x, "source");
    restart.validity = ParseValidity(*x);
    restart.confidence = OptionalConfidence(*x);
    x->Finish();
    g.restart = std::move(restart);
  }
  g.sources = sc.List(r, "sources");
  g.confidence = OptionalConfidence(r);
  r.Finish();
  return g;
}

LateDeliveryRule ParseLateDelivery(ObjectReader r, SourceChecker const& sc) {
  LateDeliveryRule l;
  l.grace = ParseLength(r.Require("grace"), r.PathOf("grace"));
  if (auto const* v = r.Find("due_without_agreement")) {
    l.due_from_purchase = EnumAt<bool>(*v, r.PathOf("due_without_agreement"),
                                       {{"purchase", true}, {"none", false}});
  }
  auto const& remedies = r.Array("remedies");
  for (std::size_t k = 0; k < remedies.size(); ++k) {
    l.remedies.push_back(
        ParseRemedy(remedies[k], ElementPath(r.PathOf("remedies"), k)));
  }
  if (auto const* v = r.Find("return_shipping")) {
    l.return_shipping = ParseParty(*v, r.PathOf("return_shipping"));
  }
  if (auto const* v = r.Find("refund_outbound_shipping")) {
    l.refund_outbound = ParseOutbound(*v, r.PathOf("refund_outbound_shipping"));
  }
  l.source = sc.Optional(r, "source");
  l.sources = sc.List(r, "sources");
  l.confidence = OptionalConfidence(r);
  r.Finish();
  return l;
}

std::pair<unsigned, unsigned> MonthDay(json::value const& v,
                                       std::string const& path) {
  auto text = AsString(v, path);
  auto date = ParseCivilDate("2001-" + text);
  if (text.size() != 5 || !date) FailAt(path, "\"" + text + "\" is not MM-DD");
  return {static_cast<unsigned>(date->month()),
          static_cast<unsigned>(date->day())};
}

PolicyWindow ParseWindow(ObjectReader r, SourceChecker const& sc) {
  PolicyWindow w;
  w.length = OptionalLength(r, "length");
  if (!w.length) FailAt(r.PathOf("length"), "required field is missing");
  if (auto const* v = r.Find("start"))
    w.start = ParseStart(*v, r.PathOf("start"));
  w.requires_attribute = r.OptionalString("requires_attribute").value_or("");
  if (auto const* v = r.Find("return_shipping")) {
    w.return_shipping = ParseParty(*v, r.PathOf("return_shipping"));
  }
  w.rollover = r.Bool("rollover", false);
  if (auto h = r.OptionalObject("holiday_window")) {
    HolidayWindow hw;
    hw.setting = h->String("setting");
    std::tie(hw.from_month, hw.from_day) =
        MonthDay(h->Require("purchased_from"), h->PathOf("purchased_from"));
    std::tie(hw.to_month, hw.to_day) =
        MonthDay(h->Require("purchased_to"), h->PathOf("purchased_to"));
    std::tie(hw.until_month, hw.until_day) =
        MonthDay(h->Require("until"), h->PathOf("until"));
    h->Finish();
    w.holiday_window = hw;
  }
  if (auto const* v = r.Find("refund_outbound_shipping")) {
    w.refund_outbound = ParseOutbound(*v, r.PathOf("refund_outbound_shipping"));
  }
  w.exemptions = ParseExemptions(r, sc);
  r.Finish();
  return w;
}

MarketplacePolicy ParsePolicy(ObjectReader r, SourceChecker const& sc) {
  MarketplacePolicy p;
  auto window = [&](std::string_view key) -> std::optional<PolicyWindow> {
    auto const* v = r.Find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return ParseWindow(ObjectReader(*v, r.PathOf(key)), sc);
  };
  p.withdrawal = window("withdrawal");
  p.not_as_described = window("not_as_described");
  p.defect = window("defect");
  p.sources = sc.List(r, "sources");
  p.confidence = OptionalConfidence(r);
  r.Finish();
  return p;
}

// A parent's `confidence` keys, at every depth, removed: how a rule was
// checked for one record says nothing about its transposition in another,
// so rule and element confidence is never inherited.
json::value WithoutConfidence(json::value v) {
  if (auto* o = v.if_object()) {
    o->erase("confidence");
    for (auto& [key, value] : *o) value = WithoutConfidence(value);
  } else if (auto* a = v.if_array()) {
    for (auto& value : *a) value = WithoutConfidence(value);
  }
  return v;
}

// Deep merge: keys of `child` replace those of `parent`, objects merge
// recursively, arrays and scalars are replaced whole.
json::value Merge(json::value const& parent, json::value const& child) {
  if (!parent.is_object() || !child.is_object()) return child;
  json::object out = parent.get_object();
  for (auto const& [key, value] : child.get_object()) {
    auto it = out.find(key);
    if (it != out.end() && it->value().is_object() && value.is_object()) {
      it->value() = Merge(it->value(), value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

struct RawFile {
  std::string file;
  json::value doc;
  std::string parent;
};

Jurisdiction ParseRecord(json::value const& merged, std::string const& file_id,
                         std::string const& parent) {
  ObjectReader r(merged, "");
  Jurisdiction j;
  j.id = r.String("id");
  if (j.id != file_id)
    FailAt("id", "\"" + j.id + "\" does not match the file name");
  j.name = r.String("name");
  j.kind = EnumAt<std::string>(r.Require("kind"), "kind",
                               {{"statute_baseline", "statute_baseline"},
                                {"statute", "statute"},
                                {"marketplace_policy", "marketplace_policy"}});
  j.parent = parent;
  (void)r.Find("parent");
  j.applies_to = StringList(r, "applies_to");
  if (!r.Has("applies_to")) FailAt("applies_to", "required field is missing");
  j.calendar = r.OptionalString("calendar").value_or("");
  if (j.kind == "statute" && j.calendar.empty()) {
    FailAt("calendar", "required for a statute (its holiday calendar)");
  }
  if (!j.calendar.empty() && !Calendar::Find(j.calendar).ok()) {
    FailAt("calendar", "\"" + j.calendar + "\" is not a holiday calendar");
  }
  j.confidence = EnumAt<std::string>(r.Require("confidence"), "confidence",
                                     {{"confirmed", "confirmed"},
                                      {"secondary", "secondary"},
                                      {"memory", "memory"},
                                      {"mixed", "mixed"}});
  (void)StringList(r, "instruments");
  {
    auto sources = r.Object("sources");
    for (auto const& key : sources.Keys()) {
      auto s = sources.Object(key);
      j.sources.emplace(key, SourceInfo{s.String("title"), s.String("where"),
                                        s.Bool("secondary", false)});
      s.Finish();
    }
  }
  if (auto settings = r.OptionalObject("settings")) {
    for (auto const& key : settings->Keys()) {
      static constexpr std::array<std::string_view, 4> kBoolSettings = {
          "rollover", "count_delivery_day", "posting_statute_applies_online",
          "amazon_holiday_window"};
      if (std::find(kBoolSettings.begin(), kBoolSettings.end(), key) ==
          kBoolSettings.end()) {
        FailAt(settings->PathOf(key), "unknown setting");
      }
      auto const& v = settings->Require(key);
      if (!v.is_bool()) FailAt(settings->PathOf(key), "expected a boolean");
      j.bool_settings[key] = v.get_bool();
    }
  }
  SourceChecker sc{j.sources};
  if (auto const* v = r.Find("withdrawal"); v != nullptr && !v->is_null()) {
    j.withdrawal = ParseWithdrawal(ObjectReader(*v, "withdrawal"), sc);
  }
  if (auto const* v = r.Find("guarantee"); v != nullptr && !v->is_null()) {
    j.guarantee = ParseGuarantee(ObjectReader(*v, "guarantee"), sc);
  }
  if (auto const* v = r.Find("late_delivery"); v != nullptr && !v->is_null()) {
    j.late_delivery = ParseLateDelivery(ObjectReader(*v, "late_delivery"), sc);
  }
  if (auto const* v = r.Find("policy"); v != nullptr && !v->is_null()) {
    if (j.kind != "marketplace_policy") {
      FailAt("policy", "only marketplace_policy records have a policy");
    }
    j.policy = ParsePolicy(ObjectReader(*v, "policy"), sc);
  }
  j.notes = StringList(r, "notes");
  r.Finish();
  return j;
}

std::vector<OfficialHost> ParseOfficialHosts(json::value const& doc) {
  ObjectReader r(doc, "");
  std::vector<OfficialHost> out;
  auto const& hosts = r.Array("hosts");
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    ObjectReader h(hosts[i], ElementPath("hosts", i));
    OfficialHost host;
    host.host = h.String("host");
    host.path = h.OptionalString("path").value_or("");
    host.publisher = h.String("publisher");
    host.marketplace = h.Bool("marketplace", false);
    (void)h.OptionalString("note");
    if (host.host.empty() || host.host.find('/') != std::string::npos) {
      FailAt(h.PathOf("host"), "expected a host name without a path");
    }
    if (!host.path.empty() && host.path.front() != '/') {
      FailAt(h.PathOf("path"), "expected a path starting with /");
    }
    h.Finish();
    out.push_back(std::move(host));
  }
  r.Finish();
  return out;
}

}  // namespace

bool ExemptionHolds(Exemption const& e, Item const& item) {
  using W = ExemptionWhen;
  switch (e.when) {
    case W::kPersonalised:
      return item.Has("personalised");
    case W::kCustomMade:
      return item.Has("custom_made");
    case W::kPerishable:
      return item.Has("perishable");
    case W::kDigital:
      return item.Has("digital");
    case W::kHygieneSealBroken:
      return item.Has("hygiene_sealed") && item.seal_broken;
    case W::kSealedMediaUnsealed:
      return item.Has("sealed_media") && item.seal_broken;
    case W::kActivatedConfirmed:
      return item.Has("activated") &&
             item.Has("activation_exclusion_confirmed");
    case W::kDigitalPerformanceConsented:
      // Digital content whose supply began (activated) after the buyer
      // consented and acknowledged losing the right (CRD Art. 16(m)).
      return item.Has("digital") && item.Has("activated") &&
             item.Has("activation_exclusion_confirmed");
    case W::kActivated:
      return item.Has("activated");
    case W::kUsedOrDamaged:
      return item.condition == ItemCondition::kWorn ||
             item.condition == ItemCondition::kDamaged;
    case W::kWorn:
      return item.condition == ItemCondition::kWorn;
    case W::kDamaged:
      return item.condition == ItemCondition::kDamaged;
    case W::kDigitalStarted:
      return item.Has("digital") && item.Has("activated");
    case W::kAttribute:
      return item.Has(e.operand);
    case W::kCategory:
      return !item.category.empty() && item.category == e.operand;
  }
  return false;
}

OfficialHost const* JurisdictionSet::OfficialHostOf(
    std::string_view url, std::string_view kind) const {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) return nullptr;
  url.remove_prefix(kScheme.size());
  auto slash = url.find_first_of("/?#");
  std::string_view host = url.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? "/" : url.substr(slash);
  for (auto const& h : official_hosts) {
    if (h.marketplace && kind != "marketplace_policy") continue;
    if (host != h.host) continue;
    if (!h.path.empty() &&
        !(path.starts_with(h.path) &&
          (path.size() == h.path.size() || path[h.path.size()] == '/'))) {
      continue;
    }
    return &h;
  }
  return nullptr;
}

StatusOr<std::shared_ptr<JurisdictionSet const>> LoadJurisdictions(
    std::span<const EmbeddedFile> files) {
  auto fail = [](std::string const& file, DataError const& e) {
    std::string where = "sdk/data/jurisdictions/" + file;
    return InvalidArgumentError(
        where + (e.path.empty() ? "" : ": " + e.path) + ": " + e.message,
        "JURISDICTION_DATA_INVALID", {{"file", where}, {"field", e.path}});
  };
  std::map<std::string, RawFile, std::less<>> raw;
  std::vector<OfficialHost> official_hosts;
  for (auto const& file : files) {
    std::string name(file.name);
    std::string id = name.substr(0, name.rfind('.'));
    try {
      if (name == kOfficialHostsFile) {
        official_hosts = ParseOfficialHosts(ParseJson(file.content));
        continue;
      }
      RawFile rf{name, ParseJson(file.content), ""};
      ObjectReader r(rf.doc, "");
      if (auto const* p = r.Find("parent"); p != nullptr && !p->is_null()) {
        rf.parent = AsString(*p, "parent");
      }
      raw.emplace(id, std::move(rf));
    } catch (DataError const& e) {
      return fail(name, e);
    }
  }
  // Resolve parents (detecting unknown parents and cycles) and merge.
  std::map<std::string, json::value, std::less<>> merged;
  std::function<json::value const&(std::string const&,
                                   std::vector<std::string>&)>
      resolve = [&](std::string const& id,
                    std::vector<std::string>& chain) -> json::value const& {
    if (auto it = merged.find(id); it != merged.end()) return it->second;
    auto const& rf = raw.at(id);
    if (std::find(chain.begin(), chain.end(), id) != chain.end()) {
      std::string cycle;
      for (auto const& c : chain) cycle += c + " -> ";
      FailAt("parent", "parent cycle: " + cycle + id);
    }
    if (rf.parent.empty()) return merged.emplace(id, rf.doc).first->second;
    if (!raw.contains(rf.parent)) {
      FailAt("parent", "\"" + rf.parent + "\" is not a jurisdiction record");
    }
    chain.push_back(id);
    auto const& parent = resolve(rf.parent, chain);
    chain.pop_back();
    json::value m = Merge(WithoutConfidence(parent), rf.doc);
    // Identity fields never inherit.
    auto& o = m.as_object();
    for (auto const* key : {"id", "name", "kind", "applies_to", "calendar",
                            "confidence", "instruments", "notes", "parent"}) {
      if (!rf.doc.as_object().contains(key)) o.erase(key);
    }
    return merged.emplace(id, std::move(m)).first->second;
  };
  auto set = std::make_shared<JurisdictionSet>();
  set->official_hosts = std::move(official_hosts);
  for (auto const& [id, rf] : raw) {
    try {
      std::vector<std::string> chain;
      auto const& m = resolve(id, chain);
      auto record = ParseRecord(m, id, rf.parent);
      for (auto const& code : record.applies_to) {
        set->by_code[code].push_back(record.id);
      }
      set->records.emplace(id, std::move(record));
    } catch (DataError const& e) {
      return fail(rf.file, e);
    }
  }
  return std::shared_ptr<JurisdictionSet const>(std::move(set));
}

StatusOr<std::shared_ptr<JurisdictionSet const>> const& BuiltInJurisdictions() {
  return LoadBuiltInOnce<JurisdictionSet>(
      [] { return LoadJurisdictions(EmbeddedJurisdictionFiles()); });
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
