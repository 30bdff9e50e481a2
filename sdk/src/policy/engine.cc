// The return-decision engine: generic code over the law as data
// (policy/jurisdiction_data.h). See docs/guides/jurisdiction-data.md for the
// rules it applies and their order.

#include "sanbao/policy/engine.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "calendar_impl.h"
#include "internal/decision_json.h"
#include "policy/jurisdiction_data.h"
#include "sanbao/policy/calendar.h"

namespace sanbao {
inline namespace v1 {

namespace {
// The buyer's record and holiday calendar for a jurisdiction code.
struct Resolved {
  internal::Jurisdiction const* record = nullptr;
  std::optional<Calendar> calendar;
  /// A subdivision with no calendar of its own, whose country's calendar
  /// stands in (views into the built-in subdivision data).
  std::string_view missing_region{};
};

constexpr std::string_view kNoRegionalCalendar =
    "no holiday calendar of its own; the national calendar was used";
}  // namespace

struct PolicyEngine::Impl {
  std::shared_ptr<internal::JurisdictionSet const> data;
  // Precomputed at Create() for every known code, so that deciding needs no
  // string work for them; other codes take the slow path each time.
  std::map<std::string, Resolved, std::less<>> resolved;
  std::map<std::string, TimeZone, std::less<>> zones;
  static PolicyEngine Engine(std::shared_ptr<Impl const> impl) {
    return PolicyEngine(std::move(impl));
  }
};

namespace {

using internal::Jurisdiction;
using internal::Length;
using internal::StartEvent;
using internal::Unit;
using std::chrono::days;
using std::chrono::sys_days;
using Code = TraceStep::Code;

CivilDate Plus(CivilDate d, int n) { return CivilDate{sys_days{d} + days{n}}; }
bool Before(CivilDate a, CivilDate b) { return sys_days{a} < sys_days{b}; }
CivilDate Max(CivilDate a, CivilDate b) { return Before(a, b) ? b : a; }
CivilDate Min(CivilDate a, CivilDate b) { return Before(a, b) ? a : b; }

CivilDate AddMonths(CivilDate d, int months) {
  auto ym = std::chrono::year_month{d.year(), d.month()} +
            std::chrono::months{months};
  CivilDate out{ym.year(), ym.month(), d.day()};
  if (!out.ok())
    out = CivilDate{std::chrono::year_month_day_last{
        ym.year(), std::chrono::month_day_last{ym.month()}}};
  return out;
}

std::string_view UnitName(Unit unit) {
  switch (unit) {
    case Unit::kCalendarDays:
      return "calendar days";
    case Unit::kBusinessDays:
      return "business days";
    case Unit::kMonths:
      return "months";
    case Unit::kYears:
      return "years";
  }
  return "";
}

Status BadRequest(std::string message, std::string field) {
  return InvalidArgumentError(std::move(message), "DECISION_REQUEST_INVALID",
                              {{"field", std::move(field)}});
}

struct TrackResult {
  bool applies = false;  // the right exists for this claim (not excluded)
  bool eligible = false;
  Basis basis = Basis::kNone;
  std::optional<CivilDate> deadline;
  std::optional<Party> shipping;
  std::optional<bool> deduction;
  std::vector<Remedy> remedies;
  std::optional<Money> refund;
  OutboundRefund outbound = OutboundRefund::kNone;
  std::optional<CivilDate> refund_due;
  bool refund_may_be_withheld = false;  // until the goods or proof arrive
  std::string exclusion;
  /// The lowest confidence of the rule and the elements that decided.
  std::string_view confidence;
};

// Confidence levels, lowest first; "mixed" may hide parts from memory.
int ConfidenceRank(std::string_view c) {
  if (c == "memory") return 0;
  if (c == "mixed") return 1;
  if (c == "secondary") return 2;
  return 3;  // confirmed
}
// An element's own confidence, else its rule's (or a rule's, else its
// record's).
std::string_view Own(std::string const& own, std::string_view enclosing) {
  return own.empty() ? enclosing : std::string_view(own);
}
void Lower(std::string_view& acc, std::string_view c) {
  if (!c.empty() && (acc.empty() || ConfidenceRank(c) < ConfidenceRank(acc)))
    acc = c;
}

// How a notice period's start reads in the trace.
std::string_view NoticeStartText(StartEvent start) {
  switch (start) {
    case StartEvent::kDefectDiscovered:
      return "the buyer learning of the defect";
    case StartEvent::kSale:
    case StartEvent::kPurchase:
      return "the sale";
    default:
      return "delivery";
  }
}

OutboundRefund ToOutbound(internal::OutboundShipping o) {
  switch (o) {
    case internal::OutboundShipping::kStandardPart:
      return OutboundRefund::kStandardPart;
    case internal::OutboundShipping::kAll:
      return OutboundRefund::kAll;
    case internal::OutboundShipping::kNone:
      return OutboundRefund::kNone;
  }
  return OutboundRefund::kNone;
}

std::vector<std::string> KnownTimeZoneNames() {
  std::vector<std::string> names;
  try {
    auto const& db = date::get_tzdb();
    for (auto const& z : db.zones) names.emplace_back(z.name());
  } catch (std::exception const&) {
    // No tz database: every lookup then takes TimeZone::Find's error path.
  }
  return names;
}

Status UnknownJurisdiction(std::string_view input) {
  return Status(
      ErrorCode::kInvalidArgument,
      "buyer.jurisdiction: no law known for " + QuoteForMessage(input),
      ErrorInfo{.reason = "JURISDICTION_UNKNOWN",
                .metadata = {{"field", "buyer.jurisdiction"}},
                .http_status = 400});
}

Status JurisdictionError(std::string const& field, Status const& why) {
  return Status(ErrorCode::kInvalidArgument, field + ": " + why.message(),
                ErrorInfo{.reason = "JURISDICTION_UNKNOWN",
                          .metadata = {{"field", field}},
                          .http_status = 400});
}

bool HasLowerCase(std::string_view code) {
  return std::any_of(code.begin(), code.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

// ISO 3166 codes are upper case; a lower-case one is read, and said so.
std::string NormalisedWarning(std::string_view field, std::string_view code) {
  std::string upper(code);
  for (auto& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return "jurisdiction_code_normalised: " + std::string(field) + " " +
         QuoteForMessage(code) + " was read as " + QuoteForMessage(upper) +
         " (ISO 3166 codes are upper case)";
}

// The record whose id is the code ("GB" is "UK"), else the most specific
// record that applies to it, else the same for its country; the calendar
// of the code, else of its country, else the record's (or a parent's).
StatusOr<Resolved> ResolveSlow(internal::JurisdictionSet const& data,
                               std::string_view input) {
  std::string code(input);
  for (auto& c : code)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (code.empty())
    return BadRequest("buyer.jurisdiction is empty", "buyer.jurisdiction");
  std::string country = code.substr(0, code.find('-'));
  auto find = [&](std::string const& c) -> Jurisdiction const* {
    std::string id = c == "GB" ? "UK" : c;
    if (auto it = data.records.find(id); it != data.records.end())
      return &it->second;
    auto it = data.by_code.find(c);
    if (it == data.by_code.end()) return nullptr;
    Jurisdiction const* best = nullptr;
    for (auto const& rid : it->second) {
      auto const& r = data.records.at(rid);
      if (r.kind == "marketplace_policy") continue;
      if (best == nullptr || best->kind == "statute_baseline") best = &r;
    }
    return best;
  };
  Resolved out;
  out.record = find(code);
  if (out.record == nullptr) out.record = find(country);
  if (out.record == nullptr || out.record->kind == "marketplace_policy") {
    return UnknownJurisdiction(input);
  }
  // The code's own calendar, a parent subdivision's, or the country's with
  // a warning; a code that is no subdivision of its country is an error.
  StatusOr<Calendar> calendar = Status(ErrorCode::kNotFound, "");
  if (auto match = internal::CalendarForCode(code)) {
    calendar = match->calendar;
    out.missing_region = match->missing_region;
  } else if (match.status().code() == ErrorCode::kInvalidArgument) {
    return Status(ErrorCode::kInvalidArgument,
                  "buyer.jurisdiction: " + match.status().message(),
                  ErrorInfo{.reason = "JURISDICTION_UNKNOWN",
                            .metadata = {{"field", "buyer.jurisdiction"}},
                            .http_status = 400});
  }
  for (auto const* r = out.record; !calendar && r != nullptr;) {
    if (!r->calendar.empty()) calendar = Calendar::Find(r->calendar);
    auto it = data.records.find(r->parent);
    r = it == data.records.end() ? nullptr : &it->second;
  }
  if (!calendar) {
    return BadRequest(
        "buyer.jurisdiction: no holiday calendar for " + QuoteForMessage(input),
        "buyer.jurisdiction");
  }
  out.calendar = std::move(calendar).value();
  return out;
}

}  // namespace

StatusOr<internal::ResolvedCode> internal::ResolveJurisdictionCode(
    JurisdictionSet const& data, std::string_view code) {
  auto resolved = ResolveSlow(data, code);
  if (!resolved) return resolved.status();
  return ResolvedCode{resolved->record->id, resolved->calendar->id()};
}

namespace {

class Decider {
 public:
  Decider(PolicyEngine::Impl const& impl, DecisionRequest const& req,
          Decision& d)
      : impl_(impl), data_(*impl.data), req_(req), d_(d) {}

  Status Run();

 private:
  void Trace(Code code, CivilDate date = {}, CivilDate date2 = {},
             int number = 0, std::string_view text = {},
             std::string_view text2 = {}, std::string_view source = {}) {
    d_.trace.push_back(
        TraceStep{code, date, date2, number, text, text2, source});
  }
  void Cite(Jurisdiction const& record, std::string const& id) {
    if (id.empty()) return;
    for (auto const& c : d_.citations) {
      if (c.id == id) return;
    }
    auto it = record.sources.find(id);
    // A secondary source (commentary, summary) is a note, never the
    // citation shown to a buyer.
    if (it == record.sources.end() || it->second.secondary) return;
    d_.citations.push_back(
        Citation{it->first, it->second.title, it->second.where});
  }
  void CiteAll(Jurisdiction const& record,
               std::vector<std::string> const& ids) {
    for (auto const& id : ids) Cite(record, id);
  }

  Status Resolve();
  // Whether `id` is cited only by rule elements (exemptions, stages,
  // extensions) that are not in force for this contract.
  bool OnlyOutOfForce(std::string_view id) const;
  bool Setting(std::string_view name, bool fallback) const;
  StatusOr<bool> NonWorking(CivilDate date) const;
  StatusOr<CivilDate> RollForward(CivilDate date);
  StatusOr<CivilDate> End(CivilDate start, Length const& length,
                          bool count_start_day) const;
  // Information supplied late (after the contract) starts the ordinary
  // period afresh from its receipt, bounded by the longest period `end`
  // (extended or capped). The period "does not begin before" the buyer is
  // informed (BGB §356(3), CRD Art. 10(2)): it runs from the later of the
  // ordinary start and the information, so it never ends before the
  // ordinary period would have.
  void LateInformation(Instant informed_at, Length const& length,
                       CivilDate ordinary, CivilDate& end) const {
    auto fresh = End(zone_->LocalDate(informed_at), length, false);
    if (!fresh) return;
    auto candidate = Max(*fresh, ordinary);
    if (Before(candidate, end)) end = candidate;
  }
  std::optional<CivilDate> StartDate(StartEvent event, bool each_item) const;
  std::optional<CivilDate> HistoryDate(HistoryEvent::Type type) const;
  bool Claimed(std::string const& item_id) const;  // empty: the whole order
  int FailedRepairs() const;
  bool Repaired() const { return FailedRepairs() > 0; }
  bool AllItemsClaimed() const { return claimed_.size() == req_.items.size(); }
  StatusOr<std::optional<Money>> Refund(
      internal::OutboundShipping outbound) const;

  StatusOr<TrackResult> Withdrawal(internal::WithdrawalRule const& rule);
  StatusOr<TrackResult> Variant(internal::WithdrawalRule const& rule,
                                internal::Variant const& variant);
  StatusOr<TrackResult> Guarantee(internal::GuaranteeRule const& rule);
  StatusOr<TrackResult> LateDelivery(internal::LateDeliveryRule const& rule);
  StatusOr<TrackResult> Marketplace(Jurisdiction const& mp);
  TrackResult SellerPolicy();

  PolicyEngine::Impl const& impl_;
  internal::JurisdictionSet const& data_;
  DecisionRequest const& req_;
  Decision& d_;
  Jurisdiction const* record_ = nullptr;
  std::optional<Calendar> calendar_;
  std::optional<TimeZone> zone_;
  std::vector<Item const*> claimed_;
  // The ids of claimed_, and the request's extra non-working days sorted,
  // so that lookups stay cheap however long the request's lists are.
  std::unordered_set<std::string_view> claimed_ids_;
  std::vector<sys_days> extra_days_;
  CivilDate sent_date_{};
  CivilDate received_date_{};
  /// The date that picks the law in force: the contract's conclusion, in
  /// the buyer's calendar (the transitional provisions name it).
  CivilDate law_date_{};
  Instant as_of_{};
  /// The replacement from which the guarantee period runs afresh (Restart).
  std::optional<Instant> restarted_at_;
};

// --- helpers ---------------------------------------------------------------

bool Decider::OnlyOutOfForce(std::string_view id) const {
  bool dated_out = false;
  auto element = [&](std::string const& source,
                     internal::Validity const& validity) {
    if (source != id) return false;
    if (validity.Covers(law_date_)) return true;
    dated_out = true;
    return false;
  };
  auto listed = [&](std::vector<std::string> const& ids) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  if (auto const& w = record_->withdrawal) {
    if (listed(w->sources) || w->not_informed.source == id ||
        w->refund.source == id || (w->no_copy && w->no_copy->source == id)) {
      return false;
    }
    for (auto const& v : w->variants) {
      if (v.source == id) return false;
    }
    for (auto const& e : w->exemptions) {
      if (element(e.source, e.validity)) return false;
    }
  }
  if (auto const& l = record_->late_delivery) {
    if (listed(l->sources) || l->source == id) return false;
  }
  if (auto const& g = record_->guarantee) {
    if (listed(g->sources)) return false;
    if (g->restart && element(g->restart->source, g->restart->validity)) {
      return false;
    }
    for (auto const& n : g->notice) {
      if (element(n.source, n.validity)) return false;
    }
    for (auto const& s : g->stages) {
      if (element(s.source, s.validity)) return false;
    }
    for (auto const& x : g->after_repair) {
      if (element(x.source, x.validity)) return false;
    }
  }
  return dated_out;
}

bool Decider::Setting(std::string_view name, bool fallback) const {
  auto const& s = req_.settings;
  std::optional<bool> given;
  if (name == "rollover") given = s.rollover;
  if (name == "count_delivery_day") given = s.count_delivery_day;
  if (name == "posting_statute_applies_online")
    given = s.posting_statute_applies_online;
  if (name == "amazon_holiday_window") given = s.amazon_holiday_window;
  if (given) return *given;
  if (auto it = record_->bool_settings.find(name);
      it != record_->bool_settings.end()) {
    return it->second;
  }
  return fallback;
}

StatusOr<bool> Decider::NonWorking(CivilDate date) const {
  if (std::binary_search(extra_days_.begin(), extra_days_.end(),
                         sys_days{date})) {
    return true;
  }
  auto working = calendar_->IsWorkingDay(date);
  if (!working) return std::move(working).status();
  return !*working;
}

StatusOr<CivilDate> Decider::RollForward(CivilDate date) {
  CivilDate d = date;
  for (;;) {
    auto off = NonWorking(d);
    if (!off) return std::move(off).status();
    if (!*off) break;
    d = Plus(d, 1);
  }
  return d;
}

StatusOr<CivilDate> Decider::End(CivilDate start, Length const& length,
                                 bool count_start_day) const {
  int shift = count_start_day ? 1 : 0;
  switch (length.unit) {
    case Unit::kCalendarDays:
      return Plus(start, length.value - shift);
    case Unit::kBusinessDays: {
      // Working days of the buyer's calendar, less the request's extra
      // non-working days (settings.extra_non_working_days).
      CivilDate d = Plus(start, -shift);
      for (int left = length.value; left > 0;) {
        d = Plus(d, 1);
        auto off = NonWorking(d);
        if (!off) return std::move(off).status();
        if (!*off) --left;
      }
      return d;
    }
    case Unit::kMonths:
      return Plus(AddMonths(start, length.value), -shift);
    case Unit::kYears:
      return Plus(AddMonths(start, 12 * length.value), -shift);
  }
  return start;
}

std::optional<CivilDate> Decider::HistoryDate(HistoryEvent::Type type) const {
  std::optional<CivilDate> out;
  for (auto const& h : req_.history) {
    if (h.type != type || h.at > as_of_) continue;
    auto date = zone_->LocalDate(h.at);
    if (!out || Before(date, *out)) out = date;
  }
  return out;
}

bool Decider::Claimed(std::string const& item_id) const {
  return item_id.empty() || claimed_ids_.contains(item_id);
}

int Decider::FailedRepairs() const {
  int n = 0;
  for (auto const& h : req_.history) {
    if (h.type != HistoryEvent::Type::kRepair || h.at > req_.claim.sent_at)
      continue;
    // Repairs of goods since replaced belong to the old guarantee period.
    if (restarted_at_ && h.at <= *restarted_at_) continue;
    if (Claimed(h.item_id)) ++n;
  }
  return n;
}

std::optional<CivilDate> Decider::StartDate(StartEvent event,
                                            bool each_item) const {
  switch (event) {
    case StartEvent::kPurchase:
    case StartEvent::kSale:
      return zone_->LocalDate(req_.contract.concluded_at);
    case StartEvent::kContractCopyReceived:
      return HistoryDate(HistoryEvent::Type::kContractCopyReceived);
    case StartEvent::kDefectDiscovered:
      return zone_->LocalDate(
          req_.claim.defect_discovered_at.value_or(req_.claim.sent_at));
    case StartEvent::kLaterOfDeliveryAndPurchase: {
      auto delivered = StartDate(StartEvent::kDelivery, each_item);
      if (!delivered) return std::nullopt;
      return Max(*delivered, zone_->LocalDate(req_.contract.concluded_at));
    }
    case StartEvent::kLaterOfDeliveryAndContractCopy: {
      // From the contract document, or from the supply if it came later
      // (KR ECPA Art. 17(1)); never before the goods arrived.
      auto delivered = StartDate(StartEvent::kDelivery, each_item);
      if (!delivered) return std::nullopt;
      auto copy = HistoryDate(HistoryEvent::Type::kContractCopyReceived);
      return copy ? Max(*delivered, *copy) : *delivered;
    }
    case StartEvent::kDefectEvident: {
      // An apparent defect is evident on delivery (CDC art. 26 §1); a hidden
      // one when it shows (§3): the discovery, never before delivery.
      auto delivered = StartDate(StartEvent::kDelivery, each_item);
      if (!req_.claim.defect_discovered_at) return delivered;
      auto shown = zone_->LocalDate(*req_.claim.defect_discovered_at);
      return delivered ? Max(*delivered, shown) : shown;
    }
    case StartEvent::kDelivery:
      break;
  }
  // Delivery: every claimed item must have arrived.
  for (auto const* item : claimed_) {
    if (item->deliveries.empty()) return std::nullopt;
  }
  std::optional<Instant> when;
  bool subscription = req_.contract.kind == ContractKind::kSubscription;
  auto const consider = [&](Item const& item) {
    for (auto const& t : item.deliveries) {
      if (!when || (subscription ? t < *when : t > *when)) when = t;
    }
  };
  if (each_item && !subscription) {
    for (auto const* item : claimed_) consider(*item);
  } else {
    // One period for the whole contract: the last good or lot (CRD
    // Art. 9(2)(b)(i)-(ii)), or the first of a regular delivery (iii).
    for (auto const& item : req_.items) consider(item);
  }
  if (!when) return std::nullopt;
  return zone_->LocalDate(*when);
}

// A failed sum of the request's amounts, said as what it is: amounts in
// different currencies (`mismatch`), or a total past the int64 range of
// minor units (MONEY_OVERFLOW, with Money's own words).
Status SumError(Status const& money, std::string const& field,
                std::string const& mismatch, std::string const& overflow) {
  if (money.reason() == "CURRENCY_MISMATCH") return BadRequest(mismatch, field);
  return Status(
      money.code(), field + ": " + overflow + " (" + money.message() + ")",
      ErrorInfo{.reason = money.reason(), .metadata = {{"field", field}}});
}

constexpr std::string_view kTooMuch = "add up to more than Sanbao can hold";

StatusOr<std::optional<Money>> Decider::Refund(
    internal::OutboundShipping outbound) const {
  std::optional<Money> total;
  for (auto const* item : claimed_) {
    if (!item->price) return std::optional<Money>();
    if (!total) {
      total = *item->price;
      continue;
    }
    auto sum = total->Add(*item->price);
    if (!sum) {
      return SumError(
          sum.status(), "items", "items are priced in different currencies",
          "the prices of the claimed items " + std::string(kTooMuch));
    }
    total = *sum;
  }
  if (!total || !req_.shipping || !AllItemsClaimed()) return total;
  auto const& s = *req_.shipping;
  if (!s.charged || outbound == internal::OutboundShipping::kNone) return total;
  Money part = *s.charged;
  if (outbound == internal::OutboundShipping::kStandardPart && s.standard) {
    auto cmp = s.charged->Compare(*s.standard);
    if (!cmp)
      return BadRequest("shipping amounts are in different currencies",
                        "shipping");
    if (*cmp > 0) part = *s.standard;
  }
  auto sum = total->Add(part);
  if (!sum) {
    return SumError(sum.status(), "shipping",
                    "shipping and items are in different currencies",
                    "the items and their shipping " + std::string(kTooMuch));
  }
  return std::optional<Money>(*sum);
}

// --- resolution ------------------------------------------------------------

Status Decider::Resolve() {
  Resolved const* resolved = nullptr;
  StatusOr<Resolved> slow;
  if (auto it = impl_.resolved.find(req_.buyer.jurisdiction);
      it != impl_.resolved.end()) {
    resolved = &it->second;
  } else {
    slow = ResolveSlow(data_, req_.buyer.jurisdiction);
    if (!slow) return slow.status();
    // A code whose country has a record resolves to it; the code itself
    // must still name a place ("DE-1X" is no part of Germany).
    if (auto known = internal::CheckJurisdictionCode(req_.buyer.jurisdiction);
        !known.ok()) {
      return JurisdictionError("buyer.jurisdiction", known);
    }
    resolved = &*slow;
  }
  if (HasLowerCase(req_.buyer.jurisdiction)) {
    d_.warnings.push_back(
        NormalisedWarning("buyer.jurisdiction", req_.buyer.jurisdiction));
  }
  // The buyer's law decides; the seller's place is checked all the same,
  // so that a typo is not carried silently into what the seller keeps.
  if (auto const& seller = req_.seller.jurisdiction; !seller.empty()) {
    if (auto known = internal::CheckJurisdictionCode(seller); !known.ok()) {
      return JurisdictionError("seller.jurisdiction", known);
    }
    if (HasLowerCase(seller)) {
      d_.warnings.push_back(NormalisedWarning("seller.jurisdiction", seller));
    }
  }
  record_ = resolved->record;
  d_.jurisdiction = record_->id;
  Trace(Code::kJurisdiction, {}, {}, 0, record_->id, record_->name);
  calendar_ = resolved->calendar;
  d_.calendar = calendar_->id();
  Trace(Code::kCalendar, {}, {}, 0, calendar_->id());
  if (!resolved->missing_region.empty()) {
    auto region = std::string(resolved->missing_region);
    d_.warnings.push_back(
        "regional_calendar_missing: " + region +
        " has no holiday calendar of its own, so the national calendar " +
        calendar_->id() + " was used; public holidays that apply only in " +
        region + " are not counted, and a deadline may end on one of them");
    Trace(Code::kWarning, {}, {}, 0, kNoRegionalCalendar,
          resolved->missing_region);
  }

  if (auto it = impl_.zones.find(req_.buyer.timezone);
      it != impl_.zones.end()) {
    zone_ = it->second;
  }
  auto zone =
      zone_ ? StatusOr<TimeZone>(*zone_) : TimeZone::Find(req_.buyer.timezone);
  if (!zone) {
    // A bad request field, not a missing resource.
    return Status(ErrorCode::kInvalidArgument,
                  "buyer.timezone: " + zone.status().message(),
                  ErrorInfo{.reason = "TIME_ZONE_UNKNOWN",
                            .metadata = {{"field", "buyer.timezone"}},
                            .http_status = 400});
  }
  zone_ = *zone;

  claimed_.reserve(req_.claim.item_ids.empty() ? req_.items.size()
                                               : req_.claim.item_ids.size());
  if (req_.claim.item_ids.empty()) {
    for (auto const& item : req_.items) claimed_.push_back(&item);
  } else {
    std::unordered_map<std::string_view, Item const*> by_id;
    by_id.reserve(req_.items.size());
    for (auto const& item : req_.items) by_id.emplace(item.id, &item);
    for (auto const& id : req_.claim.item_ids) {
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        return BadRequest("claim.item_ids: " + QuoteForMessage(id) +
                              " is not an item of the order",
                          "claim.item_ids");
      }
      // Claimed twice, it would be refunded twice.
      if (claimed_ids_.contains(id)) {
        return BadRequest(
            "claim.item_ids: " + QuoteForMessage(id) + " is claimed twice",
            "claim.item_ids");
      }
      claimed_ids_.insert(it->second->id);
      claimed_.push_back(it->second);
    }
  }
  if (claimed_ids_.empty()) {
    for (auto const* item : claimed_) claimed_ids_.insert(item->id);
  }
  for (auto const& d : req_.settings.extra_non_working_days) {
    extra_days_.push_back(sys_days{d});
  }
  std::sort(extra_days_.begin(), extra_days_.end());
  if (claimed_.empty()) return BadRequest("the order has no items", "items");
  // Prices and shipping charges are money the buyer paid: a negative one
  // would make a negative refund (requests built in code come here unread).
  for (std::size_t i = 0; i < req_.items.size(); ++i) {
    auto const& price = req_.items[i].price;
    if (!price) continue;
    if (auto why = internal::NegativePaidAmount(*price, "a price")) {
      auto field = "items[" + std::to_string(i) + "].price";
      return BadRequest(field + ": " + *why, field);
    }
  }
  if (req_.shipping) {
    for (auto const& [name, amount] :
         {std::pair{"shipping.charged", &req_.shipping->charged},
          std::pair{"shipping.standard", &req_.shipping->standard}}) {
      if (!*amount) continue;
      if (auto why = internal::NegativePaidAmount(**amount, "an amount")) {
        return BadRequest(std::string(name) + ": " + *why, name);
      }
    }
  }
  sent_date_ = zone_->LocalDate(req_.claim.sent_at);
  received_date_ =
      zone_->LocalDate(req_.claim.received_at.value_or(req_.claim.sent_at));
  as_of_ = req_.as_of.value_or(req_.claim.sent_at);
  law_date_ = zone_->LocalDate(req_.contract.concluded_at);
  return {};
}

// --- statutory withdrawal ----------------------------------------------------

StatusOr<TrackResult> Decider::Withdrawal(
    internal::WithdrawalRule const& rule) {
  TrackResult t;
  t.basis = rule.basis;
  std::string_view const rule_confidence =
      Own(rule.confidence, record_->confidence);
  t.confidence = rule_confidence;
  auto const& r = *record_;
  CiteAll(r, rule.sources);
  if (rule.exists == internal::Exists::kNo) {
    Trace(Code::kNoStatutoryRight, {}, {}, 0, r.id);
    return t;
  }
  auto const& a = rule.applies_when;
  auto const& policy = req_.seller.posted_policy;
  bool policy_displayed = policy && policy->displayed_at_checkout;
  if (!req_.buyer.is_consumer) {
    Trace(Code::kNotAConsumer);
    return t;
  }
  if (a.seller_is_business && !req_.seller.is_business) {
    Trace(Code::kNotATrader);
    return t;
  }
  if ((a.no_posted_policy || a.policy_not_displayed_at_checkout) &&
      policy_displayed) {
    Trace(Code::kConditionNotMet, {}, {}, 0,
          "the seller displayed its own return policy at checkout");
    return t;
  }
  // No copy of the contract within the statute's time: a right of its own,
  // counted from the conclusion (whatever the disclosure).
  std::optional<CivilDate> no_copy_from;
  if (rule.no_copy) {
    auto grace = End(law_date_, rule.no_copy->within, false);
    if (!grace) return std::move(grace).status();
    auto copy = HistoryDate(HistoryEvent::Type::kContractCopyReceived);
    CivilDate now = zone_->LocalDate(as_of_);
    if (copy ? Before(*grace, *copy) : Before(*grace, now)) {
      no_copy_from = law_date_;
      Cite(r, rule.no_copy->source);
    }
  }
  bool const only_no_copy =
      a.withdrawal_info_missing &&
      req_.seller.withdrawal_info.kind == WithdrawalInfo::Kind::kGiven;
  if (only_no_copy && !no_copy_from) {
    Trace(Code::kConditionNotMet, {}, {}, 0,
          "the required pre-contract information was given");
    return t;
  }
  if (!a.setting.empty() && !Setting(a.setting, false)) {
    Trace(Code::kConditionNotMet, {}, {}, 0, a.setting);
    return t;
  }
  for (auto const* item : claimed_) {
    for (auto const& ex : rule.exemptions) {
      if (ex.validity.Covers(law_date_) &&
          internal::ExemptionHolds(ex, *item)) {
        // An exception that binds only once disclosed (KR ECPA Art. 17(6)):
        // undisclosed, the buyer keeps the right.
        if (ex.requires_disclosure && !item->Has("exclusion_disclosed") &&
            !item->Has("activation_exclusion_confirmed")) {
          Cite(r, ex.source);
          Lower(t.confidence, Own(ex.confidence, rule_confidence));
          Trace(Code::kNotDisclosed, {}, {}, 0, ex.exclusion, {}, ex.source);
          d_.trace.back().item = item->id;
          continue;
        }
        Cite(r, ex.source);
        Lower(t.confidence, Own(ex.confidence, rule_confidence));
        Trace(Code::kExcluded, {}, {}, 0, ex.exclusion);
        d_.trace.back().item = item->id;
        t.exclusion = ex.exclusion;
        return t;
      }
    }
  }
  t.applies = true;
  bool informed =
      req_.seller.withdrawal_info.kind == WithdrawalInfo::Kind::kGiven;
  bool buyer_pays = req_.seller.return_cost_info == ReturnCostInfo::kBuyerPays;
  switch (rule.return_shipping) {
    case internal::ReturnShippingRule::kBuyerIfInformed:
      t.shipping = buyer_pays && informed ? Party::kBuyer : Party::kSeller;
      break;
    case internal::ReturnShippingRule::kBuyer:
      t.shipping = Party::kBuyer;
      break;
    case internal::ReturnShippingRule::kSeller:
      t.shipping = Party::kSeller;
      break;
  }
  bool handled =
      std::any_of(claimed_.begin(), claimed_.end(), [](Item const* i) {
        return i->condition == ItemCondition::kWorn ||
               i->condition == ItemCondition::kDamaged;
      });
  switch (rule.deduction) {
    case internal::DeductionRule::kIfInformed:
      t.deduction = informed && handled;
      break;
    case internal::DeductionRule::kNever:
      t.deduction = false;
      break;
    case internal::DeductionRule::kAllowed:
      t.deduction = handled;
      break;
  }
  auto refund = Refund(rule.refund.outbound);
  if (!refund) return std::move(refund).status();
  t.refund = *refund;
  t.outbound = ToOutbound(rule.refund.outbound);

  // The refund clock.
  if (rule.refund.length) {
    std::optional<CivilDate> start;
    switch (rule.refund.start) {
      case internal::RefundStart::kNoticeReceived:
        start = received_date_;
        break;
      case internal::RefundStart::kNoticeSent:
        start = sent_date_;
        break;
      case internal::RefundStart::kGoodsReceived:
        start = HistoryDate(HistoryEvent::Type::kGoodsReceivedBySeller);
        break;
      case internal::RefundStart::kGoodsOrProofReceived: {
        auto goods = HistoryDate(HistoryEvent::Type::kGoodsReceivedBySeller);
        auto proof = HistoryDate(HistoryEvent::Type::kProofOfDispatchReceived);
        start = goods && proof ? Min(*goods, *proof) : goods ? goods : proof;
        break;
      }
    }
    if (start) {
      Cite(r, rule.refund.source);
      Lower(t.confidence, Own(rule.refund.confidence, rule_confidence));
      auto due = End(*start, *rule.refund.length, false);
      if (!due) return std::move(due).status();
      if (rule.refund.withholding ==
          internal::Withholding::kUntilGoodsOrProof) {
        auto goods = HistoryDate(HistoryEvent::Type::kGoodsReceivedBySeller);
        auto proof = HistoryDate(HistoryEvent::Type::kProofOfDispatchReceived);
        std::optional<CivilDate> release;
        if (goods) release = goods;
        if (proof) release = release ? Min(*release, *proof) : *proof;
        if (release) {
          // A lawful withholding only ever delays the refund: it is due at
          // the end of the period, or when the goods or proof arrive if
          // that is later (CRD Art. 13(3)), never before the period ends.
          t.refund_due = Max(*due, *release);
          if (Before(*due, *release)) {
            Trace(Code::kRefundReleased, *release, *due, 0, {}, {},
                  rule.refund.source);
          }
        } else {
          t.refund_due = *due;
          t.refund_may_be_withheld = true;
        }
      } else {
        t.refund_due = *due;
      }
    }
    // The refund period is a period of the same law: its last day rolls over
    // as the withdrawal period's does (Reg. 1182/71 Art. 3(4) covers every
    // period of the Directive), and the request's settings (rollover, extra
    // non-working days) apply to it too.
    if (t.refund_due && Setting("rollover", rule.rollover)) {
      auto rolled = RollForward(*t.refund_due);
      if (!rolled) return std::move(rolled).status();
      if (*rolled != *t.refund_due) {
        Trace(Code::kRollover, *t.refund_due, *rolled, 0, calendar_->id());
      }
      t.refund_due = *rolled;
    }
  }

  auto start = StartDate(rule.start, rule.each_item);
  bool const from_conclusion = no_copy_from && (only_no_copy || !start);
  if (from_conclusion) start = no_copy_from;
  if (!start) {
    bool const from_delivery =
        rule.start == StartEvent::kDelivery ||
        rule.start == StartEvent::kLaterOfDeliveryAndContractCopy ||
        rule.start == StartEvent::kLaterOfDeliveryAndPurchase;
    if (from_delivery && rule.before_delivery) {
      Trace(Code::kBeforeDelivery);
      t.eligible = true;
      return t;
    }
    Trace(Code::kNotStarted, {}, {}, 0,
          rule.start == StartEvent::kDelivery ? "delivery" : "the start event");
    t.eligible = true;  // the period has not begun, so it has not ended
    return t;
  }
  std::string_view event =
      from_conclusion ? "conclusion of the contract (no copy of it in time)"
      : rule.start == StartEvent::kPurchase ? "purchase"
      : rule.start == StartEvent::kContractCopyReceived
          ? "receipt of the contract copy"
      : rule.start == StartEvent::kLaterOfDeliveryAndContractCopy
          ? "the later of delivery and receipt of the contract document"
      : rule.start == StartEvent::kLaterOfDeliveryAndPurchase
          ? "the later of delivery and purchase"
          : "delivery";
  Trace(Code::kStartEvent, *start, {}, 0, event);
  if (!rule.length) {
    // The statute sets no number of days ("a reasonable time").
    Trace(Code::kNoFixedPeriod);
    t.eligible = true;
    return t;
  }
  bool count_start = Setting("count_delivery_day", rule.count_start_day);
  Length length = from_conclusion ? rule.no_copy->length : *rule.length;
  auto const& agreed = req_.seller.posted_policy;
  bool const adopts_agreed = rule.longer_agreed_period && agreed &&
                             length.unit == Unit::kCalendarDays &&
                             agreed->return_days > length.value;
  if (adopts_agreed) length = Length{agreed->return_days, Unit::kCalendarDays};
  auto end = End(*start, length, count_start);
  if (!end) return std::move(end).status();
  if (no_copy_from && !from_conclusion) {
    // A copy came, but late: the later of the two periods.
    auto fallback = End(*no_copy_from, rule.no_copy->length, false);
    if (!fallback) return std::move(fallback).status();
    *end = Max(*end, *fallback);
  }
  if (adopts_agreed) {
    Trace(Code::kAgreedPeriod, *end, {}, length.value);
  } else {
    Trace(Code::kPeriod, *end, {}, length.value, UnitName(length.unit),
          count_start ? "counting the start day as day 1" : "");
  }

  if (!informed) {
    auto const& ni = rule.not_informed;
    Cite(r, ni.source);
    switch (ni.rule) {
      case internal::NotInformedRule::kNone:
        break;
      case internal::NotInformedRule::kNoLapse:
        Trace(Code::kNoLapse);
        t.eligible = true;
        return t;
      case internal::NotInformedRule::kExtend: {
        auto extended = End(*end, ni.length, false);
        if (!extended) return std::move(extended).status();
        CivilDate const ordinary = *end;
        *end = *extended;
        if (auto at = req_.seller.withdrawal_info.received_at) {
          LateInformation(*at, length, ordinary, *end);
        }
        Trace(Code::kNotInformed, *end, {}, 0, "extend");
        break;
      }
      case internal::NotInformedRule::kCap: {
        auto cap = End(*start, ni.length, false);
        if (!cap) return std::move(cap).status();
        CivilDate const ordinary = *end;
        *end = *cap;
        if (auto at = req_.seller.withdrawal_info.received_at) {
          LateInformation(*at, length, ordinary, *end);
        }
        Trace(Code::kNotInformed, *end, {}, 0, "cap");
        break;
      }
      case internal::NotInformedRule::kReplace: {
        auto replaced = End(*start, ni.length, false);
        if (!replaced) return std::move(replaced).status();
        *end = *replaced;
        Trace(Code::kNotInformed, *end, {}, 0, "replace");
        break;
      }
    }
  }
  if (Setting("rollover", rule.rollover)) {
    auto rolled = RollForward(*end);
    if (!rolled) return std::move(rolled).status();
    if (*rolled != *end)
      Trace(Code::kRollover, *end, *rolled, 0, calendar_->id());
    *end = *rolled;
  } else {
    Trace(Code::kNoRollover, *end);
  }
  t.deadline = *end;
  CivilDate claim_date = rule.met_by_received ? received_date_ : sent_date_;
  t.eligible = !Before(*end, claim_date);
  Trace(t.eligible ? Code::kClaimInTime : Code::kClaimLate, claim_date, *end, 0,
        rule.met_by_received ? "received" : "sent");
  return t;
}

StatusOr<TrackResult> Decider::Variant(internal::WithdrawalRule const& rule,
                                       internal::Variant const& variant) {
  TrackResult t;
  t.basis = rule.basis;
  t.confidence =
      Own(variant.confidence, Own(rule.confidence, record_->confidence));
  CiteAll(*record_, rule.sources);
  Cite(*record_, variant.source);
  t.applies = true;
  std::optional<CivilDate> end;
  for (auto const& [length, event] : variant.earliest_of) {
    auto start = StartDate(event, rule.each_item);
    if (!start) continue;
    auto e = End(*start, length, false);
    if (!e) return std::move(e).status();
    Trace(Code::kPeriod, *e, {}, length.value, UnitName(length.unit), "");
    end = end ? Min(*end, *e) : *e;
  }
  t.shipping = variant.return_shipping;
  auto refund = Refund(internal::OutboundShipping::kAll);
  if (!refund) return std::move(refund).status();
  t.refund = *refund;
  t.outbound = OutboundRefund::kAll;
  if (!end) {
    t.eligible = true;
    return t;
  }
  if (Setting("rollover", rule.rollover)) {
    auto rolled = RollForward(*end);
    if (!rolled) return std::move(rolled).status();
    if (*rolled != *end)
      Trace(Code::kRollover, *end, *rolled, 0, calendar_->id());
    end = *rolled;
  }
  t.deadline = end;
  CivilDate claim_date = rule.met_by_received ? received_date_ : sent_date_;
  t.eligible = !Before(*end, claim_date);
  Trace(t.eligible ? Code::kClaimInTime : Code::kClaimLate, claim_date, *end, 0,
        rule.met_by_received ? "received" : "sent");
  return t;
}

// --- legal guarantee ---------------------------------------------------------

StatusOr<TrackResult> Decider::Guarantee(internal::GuaranteeRule const& rule) {
  TrackResult t;
  t.basis = Basis::kLegalGuarantee;
  std::string_view const rule_confidence =
      Own(rule.confidence, record_->confidence);
  t.confidence = rule_confidence;
  CiteAll(*record_, rule.sources);
  if (rule.seller_is_business && !req_.seller.is_business) {
    Trace(Code::kNotATrader);
    return t;
  }
  auto from = StartDate(rule.liability_from, false);
  // A replacement restarts the guarantee period (三包: counted again from
  // the replacement date): it runs from the latest replacement of a claimed
  // item before the claim, and repairs of the replaced goods no longer
  // count. A restart only ever starts the period later.
  if (auto const& restart = rule.restart;
      restart && restart->validity.Covers(law_date_)) {
    std::optional<Instant> latest;
    for (auto const& h : req_.history) {
      if (h.type != HistoryEvent::Type::kReplacement ||
          h.at > req_.claim.sent_at || !Claimed(h.item_id)) {
        continue;
      }
      if (!latest || h.at > *latest) latest = h.at;
    }
    if (latest) {
      int const all_repairs = FailedRepairs();
      restarted_at_ = latest;
      CivilDate const replaced = zone_->LocalDate(*latest);
      from = from ? Max(*from, replaced) : replaced;
      Cite(*record_, restart->source);
      Lower(t.confidence, Own(restart->confidence, rule_confidence));
      Trace(Code::kGuaranteeRestarted, replaced, {},
            all_repairs - FailedRepairs(), {}, {}, restart->source);
    }
  }
  CivilDate discovered = zone_->LocalDate(
      req_.claim.defect_discovered_at.value_or(req_.claim.sent_at));
  // Guarantee and stage periods end like the record's other periods: rolled
  // over where its withdrawal period is (Reg. 1182/71 covers Directive
  // 2019/771's periods too) or where the request's settings say so.
  bool const roll =
      Setting("rollover", record_->withdrawal && record_->withdrawal->rollover);
  auto period_end = [&](CivilDate start,
                        Length const& length) -> StatusOr<CivilDate> {
    auto end = End(start, length, false);
    if (!end || !roll) return end;
    return RollForward(*end);
  };
  std::optional<CivilDate> liability_end;
  if (from && rule.liability) {
    auto end = End(*from, *rule.liability, false);
    if (!end) return std::move(end).status();
    // A repair the seller made extends the liability, by the law in force
    // for the contract (Directive 2024/1799: once, by 12 months, for
    // contracts concluded from 2026-07-31); the period then ends once.
    std::optional<CivilDate> before_extension;
    if (Repaired()) {
      for (auto const& ext : rule.after_repair) {
        if (!ext.validity.Covers(law_date_)) continue;
        auto extended = End(*end, ext.length, false);
        if (!extended) return std::move(extended).status();
        Cite(*record_, ext.source);
        Lower(t.confidence, Own(ext.confidence, rule_confidence));
        before_extension = *end;
        *end = *extended;
        Trace(Code::kLiabilityExtended, *end, *before_extension,
              ext.length.value, UnitName(ext.length.unit));
        break;  // extended once
      }
    }
    if (roll) {
      end = RollForward(*end);
      if (!end) return std::move(end).status();
    }
    liability_end = *end;
    if (Before(*end, discovered)) {
      Trace(Code::kLiabilityEnded, *end, discovered);
      t.deadline = *end;
      return t;
    }
    Trace(Code::kLiability, *end);
  }
  // The buyer must notify the defect within a period from when it became
  // evident or known (CDC art. 26, Civil Code (JP) Art. 566): a notice
  // after its end loses the claim.
  std::optional<CivilDate> notice_end;
  for (auto const& n : rule.notice) {
    if (!n.validity.Covers(law_date_)) continue;
    bool const fits =
        std::all_of(claimed_.begin(), claimed_.end(), [&](Item const* item) {
          return n.items_with.empty() ||
                 std::any_of(
                     n.items_with.begin(), n.items_with.end(),
                     [&](std::string const& a) { return item->Has(a); });
        });
    if (!fits) continue;
    auto start = StartDate(n.start, false);
    if (!start) break;  // not started, so not ended
    auto end = End(*start, n.length, false);
    if (!end) return std::move(end).status();
    Cite(*record_, n.source);
    Lower(t.confidence, Own(n.confidence, rule_confidence));
    std::string_view start_text = NoticeStartText(n.start);
    if (n.start == StartEvent::kDefectEvident) {
      auto delivered = StartDate(StartEvent::kDelivery, false);
      start_text = delivered && Before(*delivered, *start)
                       ? "the defect becoming evident after delivery (a "
                         "hidden defect)"
                       : "delivery (the defect counts as apparent: evident "
                         "on delivery)";
    }
    Trace(Code::kStartEvent, *start, {}, 0, start_text);
    Trace(Code::kNoticePeriod, *end, {}, n.length.value,
          UnitName(n.length.unit), {}, n.source);
    if (roll) {
      auto rolled = RollForward(*end);
      if (!rolled) return std::move(rolled).status();
      if (*rolled != *end) {
        Trace(Code::kRollover, *end, *rolled, 0, calendar_->id());
      }
      end = *rolled;
    }
    CivilDate const claim_date =
        n.met_by_received ? received_date_ : sent_date_;
    bool const in_time = !Before(*end, claim_date);
    Trace(in_time ? Code::kClaimInTime : Code::kClaimLate, claim_date, *end, 0,
          n.met_by_received ? "received" : "sent");
    if (!in_time) {
      t.deadline = *end;
      return t;
    }
    notice_end = *end;
    break;
  }
  t.applies = true;
  t.eligible = true;
  t.shipping = rule.return_shipping;
  int repairs = FailedRepairs();
  for (auto const& stage : rule.stages) {
    if (!stage.validity.Covers(law_date_)) continue;
    std::optional<CivilDate> stage_end;
    if (stage.within) {
      auto start = StartDate(stage.from, false);
      if (!start) continue;
      auto end = period_end(*start, *stage.within);
      if (!end) return std::move(end).status();
      if (Before(*end, discovered)) continue;
      stage_end = *end;
    }
    if (stage.failed_repairs_at_least &&
        repairs < *stage.failed_repairs_at_least)
      continue;
    if (stage.claim && *stage.claim != req_.claim.kind) continue;
    Cite(*record_, stage.source);
    Lower(t.confidence, Own(stage.confidence, rule_confidence));
    Trace(Code::kStage, stage_end.value_or(CivilDate{}), {}, repairs,
          stage.name);
    t.remedies = stage.remedies;
    switch (stage.deduction) {
      case internal::DeductionRule::kNever:
      case internal::DeductionRule::kIfInformed:
        t.deduction = false;
        break;
      case internal::DeductionRule::kAllowed:
        t.deduction = true;
        if (stage.deduction_after && from) {
          auto after = End(*from, *stage.deduction_after, false);
          if (!after) return std::move(after).status();
          t.deduction = Before(*after, sent_date_);
        }
        break;
    }
    t.deadline = stage.deadline_stage_end ? stage_end : liability_end;
    break;
  }
  // The last day to claim is also the end of the notice period.
  if (notice_end && (!t.deadline || Before(*notice_end, *t.deadline))) {
    t.deadline = notice_end;
  }
  if (std::find(t.remedies.begin(), t.remedies.end(), Remedy::kRefund) !=
      t.remedies.end()) {
    auto refund = Refund(internal::OutboundShipping::kAll);
    if (!refund) return std::move(refund).status();
    t.refund = *refund;
    t.outbound = OutboundRefund::kAll;
  }
  return t;
}

// --- late delivery ----------------------------------------------------------

StatusOr<TrackResult> Decider::LateDelivery(
    internal::LateDeliveryRule const& rule) {
  TrackResult t;
  t.basis = Basis::kStatutoryReturn;
  t.confidence = Own(rule.confidence, record_->confidence);
  CiteAll(*record_, rule.sources);
  Cite(*record_, rule.source);
  if (!req_.seller.is_business) {
    Trace(Code::kNotATrader);
    return t;
  }
  // Due on the stated or agreed date, else (where the statute says so) the
  // contract's date; late once the grace has passed with no goods.
  std::optional<CivilDate> due;
  if (req_.contract.delivery_due) {
    due = zone_->LocalDate(*req_.contract.delivery_due);
  } else if (rule.due_from_purchase) {
    due = law_date_;
  }
  if (!due) {
    Trace(Code::kNoDeliveryDate);
    return t;
  }
  auto limit = End(*due, rule.grace, false);
  if (!limit) return std::move(limit).status();
  auto delivered = StartDate(StartEvent::kDelivery, false);
  bool const arrived = delivered && !Before(sent_date_, *delivered);
  CivilDate const seen = arrived ? *delivered : sent_date_;
  bool const late = Before(*limit, seen);
  Trace(Code::kLateDelivery, *limit, seen, late ? 1 : 0,
        arrived ? "arrived" : "not arrived", {}, rule.source);
  if (!late) return t;
  t.applies = true;
  t.eligible = true;
  t.remedies = rule.remedies;
  t.shipping = rule.return_shipping;
  auto refund = Refund(rule.refund_outbound);
  if (!refund) return std::move(refund).status();
  t.refund = *refund;
  t.outbound = ToOutbound(rule.refund_outbound);
  return t;
}

// --- policies
// ------------------------------------------------------------------

StatusOr<TrackResult> Decider::Marketplace(Jurisdiction const& mp) {
  TrackResult t;
  t.basis = Basis::kMarketplacePolicy;
  if (!mp.policy) return t;
  auto const& policy = *mp.policy;
  internal::PolicyWindow const* window = nullptr;
  switch (req_.claim.kind) {
    case ClaimKind::kWithdrawal:
      window = policy.withdrawal ? &*policy.withdrawal : nullptr;
      break;
    case ClaimKind::kNotAsDescribed:
      window = policy.not_as_described ? &*policy.not_as_described : nullptr;
      break;
    case ClaimKind::kDefect:
    case ClaimKind::kRepairFailed:
      window = policy.defect             ? &*policy.defect
               : policy.not_as_described ? &*policy.not_as_described
                                         : nullptr;
      break;
    case ClaimKind::kLateDelivery:
      break;  // no policy modelled for it
  }
  if (window == nullptr) {
    Trace(Code::kPolicyNotApplicable, {}, {}, 0, mp.id,
          "it leaves this claim to the seller");
    return t;
  }
  for (auto const& id : policy.sources) Cite(mp, id);
  t.confidence = Own(policy.confidence, mp.confidence);
  if (!window->requires_attribute.empty()) {
    for (auto const* item : claimed_) {
      if (!item->Has(window->requires_attribute)) {
        Trace(Code::kPolicyNotApplicable, {}, {}, 0, mp.id,
              window->requires_attribute);
        return t;
      }
    }
  }
  // The marketplace's own exclusions take away this layer only: the
  // statutory track was decided on its own and is never reduced here.
  for (auto const* item : claimed_) {
    for (auto const& ex : window->exemptions) {
      if (ex.validity.Covers(law_date_) &&
          internal::ExemptionHolds(ex, *item)) {
        Cite(mp, ex.source);
        Lower(t.confidence, Own(ex.confidence, t.confidence));
        Trace(Code::kPolicyExcluded, {}, {}, 0, ex.exclusion, {}, ex.source);
        d_.trace.back().item = item->id;
        t.exclusion = ex.exclusion;
        return t;
      }
    }
  }
  auto start = StartDate(window->start, false);
  t.applies = true;
  t.shipping = window->return_shipping;
  auto refund = Refund(window->refund_outbound);
  if (!refund) return std::move(refund).status();
  t.refund = *refund;
  t.outbound = ToOutbound(window->refund_outbound);
  if (!start) {
    t.eligible = true;
    return t;
  }
  auto end = End(*start, *window->length, false);
  if (!end) return std::move(end).status();
  if (window->rollover) {
    auto rolled = RollForward(*end);
    if (!rolled) return std::move(rolled).status();
    *end = *rolled;
  }
  Trace(Code::kPolicyWindow, *end, {}, window->length->value, mp.id);
  if (auto const& hw = window->holiday_window;
      hw && Setting(hw->setting, false)) {
    auto bought = zone_->LocalDate(req_.contract.concluded_at);
    auto y = bought.year();
    CivilDate first{y, std::chrono::month{hw->from_month},
                    std::chrono::day{hw->from_day}};
    CivilDate last{y, std::chrono::month{hw->to_month},
                   std::chrono::day{hw->to_day}};
    if (!Before(bought, first) && !Before(last, bought)) {
      CivilDate until{y + std::chrono::years{1},
                      std::chrono::month{hw->until_month},
                      std::chrono::day{hw->until_day}};
      if (Before(*end, until)) {
        *end = until;
        Trace(Code::kHolidayWindow, until);
      }
    }
  }
  t.deadline = *end;
  t.eligible = !Before(*end, sent_date_);
  Trace(t.eligible ? Code::kClaimInTime : Code::kClaimLate, sent_date_, *end, 0,
        "sent");
  return t;
}

TrackResult Decider::SellerPolicy() {
  TrackResult t;
  t.basis = Basis::kSellerPolicy;
  auto const& p = req_.seller.posted_policy;
  if (!p || req_.claim.kind != ClaimKind::kWithdrawal) return t;
  if (p->return_days <= 0 || p->refund == PostedPolicy::Refund::kNone) {
    Trace(Code::kPolicyNoReturns, {}, {}, 0, "seller");
    return t;
  }
  t.applies = true;
  t.shipping = Party::kBuyer;
  auto refund = Refund(internal::OutboundShipping::kNone);
  if (refund) t.refund = *refund;
  auto start = StartDate(StartEvent::kDelivery, false);
  if (!start) {
    t.eligible = true;
    return t;
  }
  t.deadline = Plus(*start, p->return_days);
  Trace(Code::kPolicyWindow, *t.deadline, {}, p->return_days, "seller");
  t.eligible = !Before(*t.deadline, sent_date_);
  Trace(t.eligible ? Code::kClaimInTime : Code::kClaimLate, sent_date_,
        *t.deadline, 0, "sent");
  return t;
}

// --- the decision
// ----------------------------------------------------------------

Status Decider::Run() {
  if (auto s = Resolve(); !s.ok()) return s;
  auto const& r = *record_;

  // 1. Statute.
  TrackResult statute;
  bool decided = false;
  auto const kind = req_.claim.kind;
  if (r.withdrawal && kind == ClaimKind::kNotAsDescribed) {
    for (auto const& v : r.withdrawal->variants) {
      if (v.claim != kind) continue;
      auto t = Variant(*r.withdrawal, v);
      if (!t) return std::move(t).status();
      statute = *t;
      decided = true;
      d_.statutory_withdrawal = statute.eligible;
      break;
    }
  }
  if (!decided && kind == ClaimKind::kWithdrawal) {
    if (r.withdrawal) {
      auto t = Withdrawal(*r.withdrawal);
      if (!t) return std::move(t).status();
      statute = *t;
      d_.statutory_withdrawal = statute.applies && statute.eligible;
    } else {
      Trace(Code::kNoStatutoryRight, {}, {}, 0, r.id);
    }
    decided = true;
  }
  if (!decided && kind == ClaimKind::kLateDelivery) {
    if (r.late_delivery) {
      auto t = LateDelivery(*r.late_delivery);
      if (!t) return std::move(t).status();
      statute = *t;
    } else {
      Trace(Code::kNoStatutoryRight, {}, {}, 0, r.id);
    }
    decided = true;
  }
  if (!decided) {
    if (r.guarantee && r.guarantee->claims.contains(kind)) {
      auto t = Guarantee(*r.guarantee);
      if (!t) return std::move(t).status();
      statute = *t;
    } else {
      Trace(Code::kNoStatutoryRight, {}, {}, 0, r.id);
    }
  }
  if (d_.citations.empty()) {
    // No rule decided: the record's sources, but never one that only a rule
    // element out of force for this contract cites.
    for (auto const& [id, unused] : r.sources) {
      if (!OnlyOutOfForce(id)) Cite(r, id);
    }
  }
  if (statute.basis == Basis::kStatutoryWithdrawal ||
      statute.basis == Basis::kStatutoryReturn) {
    if (statute.applies) d_.statutory_deadline = statute.deadline;
  } else if (statute.basis == Basis::kLegalGuarantee && statute.applies) {
    d_.statutory_deadline = statute.deadline;
  }

  // No rule decided: the record's own confidence.
  if (statute.confidence.empty()) statute.confidence = r.confidence;

  // 2. Marketplace policy.
  TrackResult marketplace;
  if (req_.marketplace) {
    auto it = data_.records.find(*req_.marketplace);
    if (it == data_.records.end() || it->second.kind != "marketplace_policy") {
      return Status(ErrorCode::kInvalidArgument,
                    "marketplace: " + QuoteForMessage(*req_.marketplace) +
                        " is not a known marketplace policy",
                    ErrorInfo{.reason = "MARKETPLACE_UNKNOWN",
                              .metadata = {{"field", "marketplace"}},
                              .http_status = 400});
    }
    auto t = Marketplace(it->second);
    if (!t) return std::move(t).status();
    marketplace = *t;
  }

  // 3. The seller's posted policy.
  TrackResult seller = SellerPolicy();
  if (auto const& p = req_.seller.posted_policy;
      p && statute.applies && r.withdrawal && r.withdrawal->length &&
      kind == ClaimKind::kWithdrawal &&
      (p->return_days <= 0 || p->refund == PostedPolicy::Refund::kNone ||
       (r.withdrawal->length->unit == Unit::kCalendarDays &&
        p->return_days < r.withdrawal->length->value))) {
    d_.warnings.push_back(
        "the seller's posted policy promises less than the statutory right; "
        "the statute "
        "prevails and the policy should be corrected");
    Trace(Code::kWarning, {}, {}, 0, "seller policy below the statutory right");
  }
  if (seller.applies) {
    d_.citations.push_back(
        Citation{"SELLER-POLICY", "The seller's posted return policy", ""});
  }

  // 4. The strongest eligible basis.
  TrackResult const* chosen = nullptr;
  for (auto const* t : {&statute, &marketplace, &seller}) {
    if (t->applies && t->eligible) {
      chosen = t;
      break;
    }
  }
  d_.exclusion = statute.exclusion;
  if (chosen == nullptr) {
    // Nothing grants the claim: name the marketplace's own exclusion when
    // no statutory one applies (a statutory exclusion always comes first).
    if (d_.exclusion.empty()) d_.exclusion = marketplace.exclusion;
    d_.eligible = false;
    d_.confidence = std::string(statute.confidence);
    d_.basis = Basis::kNone;
    Trace(Code::kBasis, {}, {}, 0, BasisName(Basis::kNone));
    if (statute.applies) {
      d_.return_shipping_paid_by = statute.shipping;
      d_.deduction_allowed = statute.deduction;
    }
    return {};
  }
  d_.eligible = true;
  d_.confidence = std::string(chosen->confidence.empty() ? statute.confidence
                                                         : chosen->confidence);
  d_.basis = chosen->basis;
  d_.deadline = chosen->deadline;
  if (chosen->deadline) d_.deadline_end = zone_->EndOfDay(*chosen->deadline);
  d_.return_shipping_paid_by = chosen->shipping;
  d_.deduction_allowed = chosen->deduction;
  d_.remedies = chosen->remedies;
  d_.refund = chosen->refund;
  d_.outbound_shipping = chosen->outbound;
  d_.refund_due_by = chosen->refund_due;
  d_.restocking_fee_allowed = r.withdrawal && r.withdrawal->restocking_fee;
  Trace(Code::kBasis, {}, {}, 0, BasisName(d_.basis));
  if (d_.return_shipping_paid_by) {
    Trace(Code::kReturnShipping, {}, {}, 0,
          PartyName(*d_.return_shipping_paid_by));
  }
  if (d_.refund_due_by) {
    Trace(chosen->refund_may_be_withheld ? Code::kRefundWithheld
                                         : Code::kRefundDue,
          *d_.refund_due_by);
  }
  return {};
}

}  // namespace

StatusOr<PolicyEngine> PolicyEngine::Create() {
  static auto const* const kLoaded = &internal::BuiltInJurisdictions();
  if (!*kLoaded) return kLoaded->status();
  static auto const* const kImpl = [] {
    auto impl = std::make_shared<Impl>();
    impl->data = **kLoaded;
    // The codes the records name are resolved once here; any other (a
    // region with a calendar of its own, "FR-57") when a decision asks for
    // it, so that start-up builds only the calendars the records use.
    std::vector<std::string> codes;
    for (auto const& [id, record] : impl->data->records) {
      codes.push_back(id);
      for (auto const& c : record.applies_to) codes.push_back(c);
    }
    codes.emplace_back("GB");
    for (auto const& code : codes) {
      auto r = ResolveSlow(*impl->data, code);
      if (r) impl->resolved.emplace(code, *std::move(r));
    }
    for (auto const& name : KnownTimeZoneNames()) {
      if (auto zone = TimeZone::Find(name)) impl->zones.emplace(name, *zone);
    }
    return new std::shared_ptr<Impl const>(std::move(impl));
  }();
  return PolicyEngine(*kImpl);
}

PolicyEngine internal::EngineOver(std::shared_ptr<JurisdictionSet const> data) {
  auto impl = std::make_shared<PolicyEngine::Impl>();
  impl->data = std::move(data);
  return PolicyEngine::Impl::Engine(std::move(impl));
}

namespace {

// Every date a decision names is one Sanbao can write: a period that ends
// after 9999-12-31 (or a zone that puts a date before 1900-01-01) fails.
Status CheckDateRange(Decision const& d) {
  bool in_range = true;
  auto check = [&](std::optional<CivilDate> const& date) {
    if (date && date->ok() && !InCivilDateRange(*date)) in_range = false;
  };
  check(d.deadline);
  check(d.statutory_deadline);
  check(d.refund_due_by);
  if (d.deadline_end) {
    check(CivilDate{std::chrono::floor<days>(*d.deadline_end)});
  }
  for (auto const& step : d.trace) {
    check(step.date);
    check(step.date2);
  }
  if (in_range) return {};
  return OutOfRangeError(
      "a date of this decision falls outside the dates Sanbao handles, "
      "1900-01-01 to 9999-12-31",
      "DATE_OUT_OF_RANGE");
}

}  // namespace

StatusOr<Decision> PolicyEngine::Decide(DecisionRequest const& request) const {
  Decision decision;
  decision.trace.reserve(16);
  decision.citations.reserve(8);
  Decider decider(*impl_, request, decision);
  if (auto status = decider.Run(); !status.ok()) return status;
  if (auto status = CheckDateRange(decision); !status.ok()) return status;
  return decision;
}

std::vector<std::string> PolicyEngine::JurisdictionIds() const {
  std::vector<std::string> ids;
  for (auto const& [id, unused] : impl_->data->records) ids.push_back(id);
  return ids;
}

}  // namespace v1
}  // namespace sanbao
