// The law as data, read-only (sanbao/policy/law.h): the loaded records of
// policy/jurisdiction_data.h put in words, element by element.

#include "sanbao/policy/law.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "policy/jurisdiction_data.h"

namespace sanbao {
inline namespace v1 {
namespace {

using internal::Jurisdiction;
using internal::Length;
using internal::StartEvent;
using internal::Unit;
using internal::Validity;

std::string Join(std::vector<std::string> const& parts, std::string_view sep) {
  std::string out;
  for (auto const& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string Words(std::string_view code) {
  std::string out(code);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string LengthText(Length const& l) {
  bool one = l.value == 1;
  std::string unit;
  switch (l.unit) {
    case Unit::kCalendarDays:
      unit = one ? "calendar day" : "calendar days";
      break;
    case Unit::kBusinessDays:
      unit = one ? "business day" : "business days";
      break;
    case Unit::kMonths:
      unit = one ? "month" : "months";
      break;
    case Unit::kYears:
      unit = one ? "year" : "years";
      break;
  }
  return std::to_string(l.value) + " " + unit;
}

std::string StartText(StartEvent s) {
  switch (s) {
    case StartEvent::kDelivery:
      return "delivery";
    case StartEvent::kPurchase:
      return "purchase";
    case StartEvent::kContractCopyReceived:
      return "receipt of the contract copy";
    case StartEvent::kLaterOfDeliveryAndPurchase:
      return "the later of delivery and purchase";
    case StartEvent::kDefectDiscovered:
      return "discovery of the defect";
    case StartEvent::kSale:
      return "the sale";
    case StartEvent::kDefectEvident:
      return "the defect becoming evident (delivery for an apparent defect)";
    case StartEvent::kLaterOfDeliveryAndContractCopy:
      return "the later of delivery and receipt of the contract document";
  }
  return "";
}

std::string WhenToken(internal::ExemptionWhen w) {
  using W = internal::ExemptionWhen;
  switch (w) {
    case W::kPersonalised:
      return "personalised";
    case W::kCustomMade:
      return "custom_made";
    case W::kPerishable:
      return "perishable";
    case W::kDigital:
      return "digital";
    case W::kHygieneSealBroken:
      return "hygiene_seal_broken";
    case W::kSealedMediaUnsealed:
      return "sealed_media_unsealed";
    case W::kActivatedConfirmed:
      return "activated_confirmed";
    case W::kDigitalPerformanceConsented:
      return "digital_performance_consented";
    case W::kActivated:
      return "activated";
    case W::kUsedOrDamaged:
      return "used_or_damaged";
    case W::kWorn:
      return "worn";
    case W::kDamaged:
      return "damaged";
    case W::kDigitalStarted:
      return "digital_started";
    case W::kAttribute:
      return "attribute";
    case W::kCategory:
      return "category";
  }
  return "";
}

// An exemption in words: its exclusion, and the condition when it differs.
std::string ExemptionText(internal::Exemption const& e) {
  std::string text = Words(e.exclusion);
  if (e.when == internal::ExemptionWhen::kAttribute) {
    text += " (items marked " + e.operand + ")";
  } else if (e.when == internal::ExemptionWhen::kCategory) {
    text += " (category " + e.operand + ")";
  } else if (auto when = WhenToken(e.when); when != e.exclusion) {
    text += " (when " + Words(when) + ")";
  }
  if (e.requires_disclosure) {
    text += " (only if the seller clearly disclosed it)";
  }
  return text;
}

std::string ClaimText(ClaimKind c) {
  switch (c) {
    case ClaimKind::kWithdrawal:
      return "withdrawal";
    case ClaimKind::kDefect:
      return "defect";
    case ClaimKind::kNotAsDescribed:
      return "not as described";
    case ClaimKind::kRepairFailed:
      return "repair failed";
    case ClaimKind::kLateDelivery:
      return "late delivery";
  }
  return "";
}

std::string OutboundText(internal::OutboundShipping o) {
  switch (o) {
    case internal::OutboundShipping::kStandardPart:
      return "the standard delivery part";
    case internal::OutboundShipping::kAll:
      return "all of it";
    case internal::OutboundShipping::kNone:
      return "none";
  }
  return "";
}

LawElement Element(std::string rule, std::string key, std::string label,
                   std::string text, std::string const& source = {},
                   Validity const& validity = {}, std::string confidence = {}) {
  LawElement e{.rule = std::move(rule),
               .key = std::move(key),
               .label = std::move(label),
               .text = std::move(text),
               .sources = {},
               .valid_from = validity.from,
               .valid_to = validity.to,
               .confidence = std::move(confidence)};
  if (!source.empty()) e.sources.push_back(source);
  return e;
}

// A rule's or element's own confidence, else the enclosing one.
std::string Confidence(std::string const& own, std::string const& enclosing) {
  return own.empty() ? enclosing : own;
}

LawRule DescribeWithdrawal(internal::WithdrawalRule const& w,
                           std::string const& record_confidence) {
  LawRule rule{.name = "withdrawal",
               .sources = w.sources,
               .elements = {},
               .confidence = Confidence(w.confidence, record_confidence)};
  auto add = [&](std::string key, std::string label, std::string text,
                 std::string const& source = {}, Validity const& v = {},
                 std::string const& confidence = {}) {
    rule.elements.push_back(
        Element("withdrawal", std::move(key), std::move(label), std::move(text),
                source, v, Confidence(confidence, rule.confidence)));
  };
  std::vector<std::string> conditions;
  auto const& a = w.applies_when;
  if (a.seller_is_business) conditions.emplace_back("business sellers only");
  if (a.no_posted_policy) conditions.emplace_back("when no policy is posted");
  if (a.policy_not_displayed_at_checkout) {
    conditions.emplace_back("when the policy was not shown at checkout");
  }
  if (a.withdrawal_info_missing) {
    conditions.emplace_back("when the buyer was not told of the right");
  }
  if (!a.setting.empty()) {
    conditions.push_back("when setting " + a.setting + " is on");
  }
  std::string basis = Words(BasisName(w.basis));
  switch (w.exists) {
    case internal::Exists::kNo:
      add("right", "right", "none");
      return rule;
    case internal::Exists::kConditional:
      add("right", "right",
          Join({"conditional " + basis, Join(conditions, ", ")}, "; "));
      break;
    case internal::Exists::kYes:
      add("right", "right", Join({basis, Join(conditions, ", ")}, "; "));
      break;
  }
  if (w.length) {
    add("period", "period",
        LengthText(*w.length) + " from " + StartText(w.start));
  }
  std::vector<std::string> counting;
  counting.emplace_back(w.count_start_day ? "start day counted"
                                          : "start day not counted");
  counting.emplace_back(w.each_item ? "each item on its own delivery"
                                    : "multi-item orders from last delivery");
  if (w.before_delivery) counting.emplace_back("may be used before delivery");
  counting.emplace_back(w.met_by_received ? "met when the notice arrives"
                                          : "met when the notice is sent");
  if (w.rollover) counting.emplace_back("last day rolls over to a working day");
  add("counting", "counting", Join(counting, "; "));
  if (w.longer_agreed_period) {
    add("longer_agreed_period", "agreed period",
        "a longer period the seller offers becomes the statutory one");
  }
  auto const& n = w.not_informed;
  std::string ni;
  switch (n.rule) {
    case internal::NotInformedRule::kNone:
      break;
    case internal::NotInformedRule::kExtend:
      ni = "period extended by " + LengthText(n.length);
      break;
    case internal::NotInformedRule::kCap:
      ni = "right lapses at the latest after " + LengthText(n.length);
      break;
    case internal::NotInformedRule::kReplace:
      ni = "period becomes " + LengthText(n.length);
      break;
    case internal::NotInformedRule::kNoLapse:
      ni = "the right does not lapse";
      break;
  }
  if (!ni.empty()) add("not_informed", "not informed", ni, n.source);
  for (auto const& e : w.exemptions) {
    add("exemption", "exempt", ExemptionText(e), e.source, e.validity,
        e.confidence);
  }
  for (auto const& v : w.variants) {
    std::vector<std::string> periods;
    for (auto const& [length, start] : v.earliest_of) {
      periods.push_back(LengthText(length) + " from " + StartText(start));
    }
    std::string text = ClaimText(v.claim) + ": " +
                       (periods.size() > 1 ? "earliest of " : "") +
                       Join(periods, ", ");
    if (v.return_shipping) {
      text +=
          "; return shipping: " + std::string(PartyName(*v.return_shipping));
    }
    add("variant", "variant", text, v.source, {}, v.confidence);
  }
  switch (w.return_shipping) {
    case internal::ReturnShippingRule::kBuyerIfInformed:
      add("return_shipping", "return shipping", "buyer, if told so");
      break;
    case internal::ReturnShippingRule::kBuyer:
      add("return_shipping", "return shipping", "buyer");
      break;
    case internal::ReturnShippingRule::kSeller:
      add("return_shipping", "return shipping", "seller");
      break;
  }
  switch (w.deduction) {
    case internal::DeductionRule::kIfInformed:
      add("deduction", "deduction", "for handling beyond testing, if told so");
      break;
    case internal::DeductionRule::kNever:
      add("deduction", "deduction", "never");
      break;
    case internal::DeductionRule::kAllowed:
      add("deduction", "deduction", "allowed for loss of value");
      break;
  }
  add("restocking_fee", "restocking fee",
      w.restocking_fee ? "allowed" : "not allowed");
  auto const& f = w.refund;
  std::vector<std::string> refund;
  if (f.length) {
    std::string from;
    switch (f.start) {
      case internal::RefundStart::kNoticeReceived:
        from = "the notice arrives";
        break;
      case internal::RefundStart::kNoticeSent:
        from = "the notice is sent";
        break;
      case internal::RefundStart::kGoodsReceived:
        from = "the goods arrive";
        break;
      case internal::RefundStart::kGoodsOrProofReceived:
        from = "the goods or proof of sending arrive";
        break;
    }
    refund.push_back("within " + LengthText(*f.length) + " after " + from);
  }
  if (f.withholding == internal::Withholding::kUntilGoodsOrProof) {
    refund.emplace_back("may be withheld until the goods or proof arrive");
  }
  refund.push_back("outbound shipping refunded: " + OutboundText(f.outbound));
  add("refund", "refund", Join(refund, "; "), f.source, {}, f.confidence);
  return rule;
}

LawRule DescribeGuarantee(internal::GuaranteeRule const& g,
                          std::string const& record_confidence) {
  LawRule rule{.name = "guarantee",
               .sources = g.sources,
               .elements = {},
               .confidence = Confidence(g.confidence, record_confidence)};
  auto add = [&](std::string key, std::string label, std::string text,
                 std::string const& source = {}, Validity const& v = {},
                 std::string const& confidence = {}) {
    rule.elements.push_back(
        Element("guarantee", std::move(key), std::move(label), std::move(text),
                source, v, Confidence(confidence, rule.confidence)));
  };
  std::vector<std::string> claims;
  for (auto c : g.claims) claims.push_back(ClaimText(c));
  std::string text = Join(claims, ", ");
  if (g.seller_is_business) text += "; business sellers only";
  add("claims", "claims", text);
  if (g.liability) {
    add("liability", "liability",
        LengthText(*g.liability) + " from " + StartText(g.liability_from));
  }
  if (g.presumption) {
    add("presumption", "presumption",
        "a defect appearing within " + LengthText(*g.presumption) +
            " is presumed present at delivery");
  }
  add("return_shipping", "return shipping",
      std::string(PartyName(g.return_shipping)));
  for (auto const& s : g.stages) {
    std::vector<std::string> remedies;
    for (auto r : s.remedies) remedies.push_back(Words(RemedyName(r)));
    std::vector<std::string> when;
    if (s.within) {
      when.push_back("within " + LengthText(*s.within) + " from " +
                     StartText(s.from));
    }
    if (s.failed_repairs_at_least) {
      when.push_back("after " + std::to_string(*s.failed_repairs_at_least) +
                     " failed remedy attempt" +
                     (*s.failed_repairs_at_least == 1 ? "" : "s"));
    }
    if (s.claim) when.push_back("claim " + ClaimText(*s.claim));
    std::string stage = Join(remedies, " or ");
    if (!when.empty()) stage += " (" + Join(when, ", ") + ")";
    if (s.deduction == internal::DeductionRule::kAllowed) {
      stage += s.deduction_after ? "; deduction for use after " +
                                       LengthText(*s.deduction_after)
                                 : "; deduction for use";
    }
    if (!s.name.empty() && s.name != Join(remedies, " or ")) {
      stage += ": " + s.name;
    }
    add("stage", "remedy", stage, s.source, s.validity, s.confidence);
  }
  for (auto const& x : g.after_repair) {
    add("after_repair", "after repair",
        "a repair extends liability by " + LengthText(x.length), x.source,
        x.validity, x.confidence);
  }
  for (auto const& n : g.notice) {
    std::string text = "notify the defect within " + LengthText(n.length) +
                       " from " + StartText(n.start);
    if (!n.items_with.empty()) {
      text += " (goods marked " + Join(n.items_with, " or ") + ")";
    }
    text += n.met_by_received ? "; met when the notice arrives"
                              : "; met when the notice is sent";
    add("notice", "notice", text, n.source, n.validity, n.confidence);
  }
  if (auto const& r = g.restart) {
    add("restart", "restart",
        "a replacement restarts the guarantee period from the replacement "
        "date; repairs of the replaced goods no longer count",
        r->source, r->validity, r->confidence);
  }
  return rule;
}

LawRule DescribeLateDelivery(internal::LateDeliveryRule const& l,
                             std::string const& record_confidence) {
  LawRule rule{.name = "late_delivery",
               .sources = l.sources,
               .elements = {},
               .confidence = Confidence(l.confidence, record_confidence)};
  auto add = [&](std::string key, std::string label, std::string text,
                 std::string const& source = {}) {
    rule.elements.push_back(Element("late_delivery", std::move(key),
                                    std::move(label), std::move(text), source,
                                    {}, rule.confidence));
  };
  std::vector<std::string> remedies;
  for (auto r : l.remedies) remedies.push_back(Words(RemedyName(r)));
  std::string when = l.grace.value == 0
                         ? "when the goods come after the delivery date"
                         : "when the goods come more than " +
                               LengthText(l.grace) + " after the delivery date";
  add("right", "right",
      Join(remedies, " or ") + " " + when + " (the stated or agreed date" +
          (l.due_from_purchase ? ", else the contract date)"
                               : "; none without one)"),
      l.source);
  add("return_shipping", "return shipping",
      std::string(PartyName(l.return_shipping)));
  add("refund", "refund",
      "outbound shipping refunded: " + OutboundText(l.refund_outbound));
  return rule;
}

LawRule DescribePolicy(internal::MarketplacePolicy const& p,
                       std::string const& record_confidence) {
  LawRule rule{.name = "policy",
               .sources = p.sources,
               .elements = {},
               .confidence = Confidence(p.confidence, record_confidence)};
  auto window = [&](std::string key, std::string label,
                    std::optional<internal::PolicyWindow> const& w) {
    if (!w) return;
    std::vector<std::string> parts;
    if (w->length) {
      parts.push_back(LengthText(*w->length) + " from " + StartText(w->start));
    }
    if (!w->requires_attribute.empty()) {
      parts.push_back("items marked " + w->requires_attribute);
    }
    if (w->return_shipping) {
      parts.push_back("return shipping: " +
                      std::string(PartyName(*w->return_shipping)));
    }
    if (w->rollover) parts.emplace_back("last day rolls over");
    if (auto const& h = w->holiday_window) {
      auto md = [](unsigned m, unsigned d) {
        return std::string(m < 10 ? "0" : "") + std::to_string(m) + "-" +
               (d < 10 ? "0" : "") + std::to_string(d);
      };
      parts.push_back("bought " + md(h->from_month, h->from_day) + " to " +
                      md(h->to_month, h->to_day) + ": until " +
                      md(h->until_month, h->until_day) + " (setting " +
                      h->setting + ")");
    }
    parts.push_back("outbound shipping refunded: " +
                    OutboundText(w->refund_outbound));
    rule.elements.push_back(Element("policy", key, label, Join(parts, "; "), {},
                                    {}, rule.confidence));
    // What the marketplace's own policy excludes from this claim.
    for (auto const& e : w->exemptions) {
      rule.elements.push_back(Element(
          "policy", key + "_exemption", label + ": exempt", ExemptionText(e),
          e.source, e.validity, Confidence(e.confidence, rule.confidence)));
    }
  };
  window("withdrawal", "change of mind", p.withdrawal);
  window("not_as_described", "not as described", p.not_as_described);
  window("defect", "defect", p.defect);
  return rule;
}

JurisdictionSummary Summary(Jurisdiction const& j) {
  return {.id = j.id,
          .name = j.name,
          .kind = j.kind,
          .parent = j.parent,
          .applies_to = j.applies_to,
          .calendar = j.calendar,
          .confidence = j.confidence};
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::size_t Distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

Status Unknown(internal::JurisdictionSet const& data, std::string_view input,
               std::string const& detail) {
  std::string code = Upper(input);
  std::set<std::string> candidates;
  for (auto const& [id, record] : data.records) candidates.insert(id);
  for (auto const& [c, ids] : data.by_code) candidates.insert(c);
  std::vector<std::pair<std::size_t, std::string>> near;
  std::size_t limit = std::max<std::size_t>(1, code.size() / 3);
  for (auto const& c : candidates) {
    std::size_t d = Distance(code, c);
    bool prefix = code.size() >= 2 && c.starts_with(code);
    if (d <= limit || prefix) near.emplace_back(prefix ? 0 : d, c);
  }
  std::sort(near.begin(), near.end());
  if (near.size() > 6) near.resize(6);
  std::vector<std::string> names;
  for (auto const& [d, c] : near) names.push_back(c);
  std::string message = "no law known for " + QuoteForMessage(input);
  if (!detail.empty()) message += " (" + detail + ")";
  message += names.empty() ? "; see sanbao law list"
                           : "; did you mean " + Join(names, ", ") + "?";
  return NotFoundError(std::move(message), "JURISDICTION_UNKNOWN",
                       {{"jurisdiction", std::string(input)}});
}

}  // namespace

StatusOr<std::vector<JurisdictionSummary>> ListJurisdictions() {
  auto const& data = internal::BuiltInJurisdictions();
  if (!data) return data.status();
  std::vector<JurisdictionSummary> out;
  for (auto const& [id, record] : (*data)->records) {
    out.push_back(Summary(record));
  }
  return out;
}

StatusOr<JurisdictionView> DescribeJurisdiction(
    std::string_view code, std::optional<CivilDate> as_of) {
  auto const& loaded = internal::BuiltInJurisdictions();
  if (!loaded) return loaded.status();
  auto const& data = **loaded;
  std::string id = Upper(code);
  JurisdictionView view;
  view.query = std::string(code);
  view.as_of = as_of;
  if (id == "GB") {
    id = "UK";
    view.resolution = "GB is recorded as UK";
  } else if (!data.records.contains(id)) {
    auto resolved = internal::ResolveJurisdictionCode(data, code);
    if (!resolved) {
      std::string detail = resolved.status().message();
      if (detail.find("no law known") != std::string::npos) detail.clear();
      std::string const prefix = "buyer.jurisdiction: ";
      if (detail.starts_with(prefix)) detail.erase(0, prefix.size());
      return Unknown(data, code, detail);
    }
    id = resolved->record;
    view.resolution = Upper(code) + " has no record of its own; " + id +
                      " applies (holiday calendar " + resolved->calendar + ")";
  }
  auto const& record = data.records.at(id);
  view.jurisdiction = Summary(record);
  view.notes = record.notes;
  std::vector<LawRule> rules;
  if (record.withdrawal) {
    rules.push_back(DescribeWithdrawal(*record.withdrawal, record.confidence));
  }
  if (record.guarantee) {
    rules.push_back(DescribeGuarantee(*record.guarantee, record.confidence));
  }
  if (record.late_delivery) {
    rules.push_back(
        DescribeLateDelivery(*record.late_delivery, record.confidence));
  }
  if (record.policy) {
    rules.push_back(DescribePolicy(*record.policy, record.confidence));
  }
  std::set<std::string> cited;
  for (auto& rule : rules) {
    cited.insert(rule.sources.begin(), rule.sources.end());
    std::vector<LawElement> kept;
    for (auto& e : rule.elements) {
      cited.insert(e.sources.begin(), e.sources.end());
      bool in_force =
          !as_of || Validity{e.valid_from, e.valid_to}.Covers(*as_of);
      (in_force ? kept : view.left_out).push_back(std::move(e));
    }
    rule.elements = std::move(kept);
  }
  view.rules = std::move(rules);
  for (auto const& s : cited) {
    auto it = record.sources.find(s);
    if (it == record.sources.end()) continue;
    view.sources.push_back(
        {s, it->second.title, it->second.where, it->second.secondary});
  }
  return view;
}

}  // namespace v1
}  // namespace sanbao
