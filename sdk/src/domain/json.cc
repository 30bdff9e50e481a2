#include "sanbao/domain/json.h"

#include "internal/domain_json.h"

namespace sanbao {
inline namespace v1 {

namespace json = boost::json;
using internal::MoneyJson;

json::value internal::MoneyJson(std::optional<Money> const& m) {
  if (!m) return nullptr;
  return json::object{{"amount", m->ToString()},
                      {"currency", std::string(m->currency().code())}};
}

json::object internal::ReturnSummaryJson(ReturnCase const& rc) {
  return {{"id", rc.id},
          {"order_id", rc.order_id},
          {"marketplace", rc.marketplace},
          {"external_id", rc.external_id},
          {"state", ReturnStateName(rc.state())},
          {"resolution", ResolutionName(rc.resolution())},
          {"requires_return", rc.requires_return},
          {"created_at", FormatInstant(rc.created_at)},
          {"updated_at", FormatInstant(rc.updated_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, ReturnCase const& rc) {
  auto out = internal::ReturnSummaryJson(rc);
  json::array lines;
  for (auto const& l : rc.lines) {
    lines.push_back(json::object{{"order_line_id", l.order_line_id},
                                 {"requested_quantity", l.requested_quantity},
                                 {"received_quantity", l.received_quantity},
                                 {"accepted_quantity", l.accepted_quantity},
                                 {"reason_note", l.reason_note}});
  }
  json::array history;
  for (auto const& h : rc.history()) {
    history.push_back(json::object{{"from", ReturnStateName(h.from)},
                                   {"to", ReturnStateName(h.to)},
                                   {"resolution", ResolutionName(h.resolution)},
                                   {"actor", ActorKindName(h.actor.kind)},
                                   {"actor_id", h.actor.id},
                                   {"at", FormatInstant(h.at)},
                                   {"reason", h.reason}});
  }
  out["lines"] = std::move(lines);
  out["history"] = std::move(history);
  v = std::move(out);
}

void tag_invoke(json::value_from_tag, json::value& v, Refund const& r) {
  json::array lines;
  for (auto const& l : r.lines) {
    lines.push_back(json::object{{"order_line_id", l.order_line_id},
                                 {"quantity", l.quantity},
                                 {"amount", MoneyJson(l.amount)},
                                 {"tax", MoneyJson(l.tax)}});
  }
  json::array deductions;
  for (auto const& d : r.deductions) {
    deductions.push_back(json::object{{"amount", MoneyJson(d.amount)},
                                      {"legal_basis", d.legal_basis}});
  }
  json::array tenders;
  for (auto const& t : r.tenders) {
    tenders.push_back(json::object{{"tender_id", t.tender_id},
                                   {"amount", MoneyJson(t.amount)}});
  }
  v = json::object{{"order_id", r.order_id},
                   {"lines", std::move(lines)},
                   {"shipping", MoneyJson(r.shipping)},
                   {"shipping_tax", MoneyJson(r.shipping_tax)},
                   {"deductions", std::move(deductions)},
                   {"total", MoneyJson(r.total)},
                   {"tenders", std::move(tenders)},
                   {"loyalty_points_reversed", r.loyalty_points_reversed}};
}

void tag_invoke(json::value_from_tag, json::value& v, Money const& m) {
  v = MoneyJson(m);
}

std::string ToJson(Money const& money) {
  return json::serialize(json::value_from(money));
}
std::string ToJson(ReturnCase const& return_case) {
  return json::serialize(json::value_from(return_case));
}
std::string ToJson(Refund const& refund) {
  return json::serialize(json::value_from(refund));
}

}  // namespace v1
}  // namespace sanbao
