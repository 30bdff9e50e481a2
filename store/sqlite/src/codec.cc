#include "codec.h"

#include <array>
#include <boost/json.hpp>
#include <exception>
#include <string>
#include <string_view>

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

namespace json = boost::json;

/// Thrown inside the decoders only; turned into STORE_RECORD_INVALID.
struct DecodeError {
  std::string message;
};

template <typename E, std::size_t N>
std::string_view NameOf(E value, std::array<std::string_view, N> const& names) {
  auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : std::string_view("unknown");
}

template <typename E, std::size_t N>
E ParseName(std::string_view name, std::array<std::string_view, N> const& names,
            std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  throw DecodeError{"unknown " + std::string(what) + " \"" + std::string(name) +
                    "\""};
}

constexpr std::array<std::string_view, 7> kTenderKinds = {
    "card",          "wallet",           "gift_card", "store_credit",
    "bank_transfer", "cash_on_delivery", "other"};
constexpr std::array<std::string_view, 7> kReturnReasons = {
    "change_of_mind",
    "defective",
    "not_as_described",
    "damaged_in_transit",
    "wrong_item",
    "arrived_late",
    "other"};
constexpr std::array<std::string_view, 5> kDispositions = {
    "undecided", "restock", "refurbish", "scrap", "return_to_supplier"};
constexpr std::array<std::string_view, 5> kConditions = {
    "unknown", "new", "opened", "used", "damaged"};
constexpr std::array<std::string_view, 4> kDeductionKinds = {
    "diminished_value", "return_postage", "restocking_fee", "other"};
constexpr std::array<std::string_view, 5> kActorKinds = {
    "buyer", "seller", "marketplace", "carrier", "system"};

// ---- encoding -------------------------------------------------------------

json::value Enc(Money const& m) {
  return json::object{{"minor", m.minor_units()},
                      {"cur", std::string(m.currency().code())}};
}
json::value Enc(std::optional<Money> const& m) {
  return m ? Enc(*m) : json::value(nullptr);
}
json::value Enc(Instant t) { return t.time_since_epoch().count(); }
json::value Enc(CivilDate d) { return json::string(FormatCivilDate(d)); }
json::value EncStrings(std::vector<std::string> const& v) {
  json::array a;
  for (auto const& s : v) a.emplace_back(s);
  return a;
}
json::value Enc(Discount const& d) {
  return json::object{
      {"id", d.id}, {"code", d.code}, {"amount", Enc(d.amount)}};
}
json::value Enc(std::vector<Discount> const& v) {
  json::array a;
  for (auto const& d : v) a.push_back(Enc(d));
  return a;
}
json::value Enc(PartyInfo const& p) {
  return json::object{{"jurisdiction", p.jurisdiction},
                      {"timezone", p.timezone}};
}

// ---- decoding -------------------------------------------------------------

json::object const& Obj(json::value const& v) {
  if (!v.is_object()) throw DecodeError{"expected an object"};
  return v.get_object();
}
json::value const& At(json::object const& o, std::string_view key) {
  auto const* v = o.if_contains(key);
  if (v == nullptr)
    throw DecodeError{"missing field \"" + std::string(key) + "\""};
  return *v;
}
std::string Str(json::object const& o, std::string_view key) {
  auto const& v = At(o, key);
  if (!v.is_string())
    throw DecodeError{"field \"" + std::string(key) + "\" is not a string"};
  return std::string(v.get_string());
}
std::int64_t Int(json::value const& v, std::string_view key) {
  if (!v.is_int64())
    throw DecodeError{"field \"" + std::string(key) + "\" is not an integer"};
  return v.get_int64();
}
std::int64_t Int(json::object const& o, std::string_view key) {
  return Int(At(o, key), key);
}
bool Bool(json::object const& o, std::string_view key) {
  auto const& v = At(o, key);
  if (!v.is_bool())
    throw DecodeError{"field \"" + std::string(key) + "\" is not a boolean"};
  return v.get_bool();
}
json::array const& Arr(json::object const& o, std::string_view key) {
  auto const& v = At(o, key);
  if (!v.is_array())
    throw DecodeError{"field \"" + std::string(key) + "\" is not an array"};
  return v.get_array();
}
template <typename T>
T Ok(StatusOr<T> value) {
  if (!value) throw DecodeError{value.status().message()};
  return std::move(*value);
}

Money DecMoney(json::value const& v) {
  auto const& o = Obj(v);
  auto cur = Str(o, "cur");
  auto minor = Int(o, "minor");
  if (cur == "XXX" && minor == 0) return Money();  // the unfilled placeholder
  return Ok(Money::FromMinorUnits(minor, cur));
}
std::optional<Money> DecOptMoney(json::object const& o, std::string_view key) {
  auto const& v = At(o, key);
  if (v.is_null()) return std::nullopt;
  return DecMoney(v);
}
Instant DecInstant(json::value const& v) {
  return Instant(std::chrono::seconds(Int(v, "time")));
}
std::vector<std::string> DecStrings(json::array const& a) {
  std::vector<std::string> out;
  for (auto const& v : a) {
    if (!v.is_string()) throw DecodeError{"expected a string"};
    out.emplace_back(v.get_string());
  }
  return out;
}
std::vector<Discount> DecDiscounts(json::array const& a) {
  std::vector<Discount> out;
  for (auto const& v : a) {
    auto const& o = Obj(v);
    out.push_back(
        Discount{Str(o, "id"), Str(o, "code"), DecMoney(At(o, "amount"))});
  }
  return out;
}
PartyInfo DecParty(json::value const& v) {
  auto const& o = Obj(v);
  return PartyInfo{Str(o, "jurisdiction"), Str(o, "timezone")};
}

template <typename F>
auto Decode(std::string_view doc, std::string_view what, F&& f)
    -> StatusOr<decltype(f(std::declval<json::object const&>()))> {
  try {
    json::value v = json::parse(doc);
    return f(Obj(v));
  } catch (DecodeError const& e) {
    return Status(
        ErrorCode::kDataLoss,
        "a stored " + std::string(what) + " cannot be read: " + e.message,
        ErrorInfo{.reason = "STORE_RECORD_INVALID"});
  } catch (std::exception const& e) {
    return Status(
        ErrorCode::kDataLoss,
        "a stored " + std::string(what) + " cannot be read: " + e.what(),
        ErrorInfo{.reason = "STORE_RECORD_INVALID"});
  }
}

json::object RefundBody(Refund const& r) {
  json::array lines;
  for (auto const& l : r.lines) {
    lines.push_back(json::object{{"line", l.order_line_id},
                                 {"qty", l.quantity},
                                 {"amount", Enc(l.amount)},
                                 {"tax", Enc(l.tax)}});
  }
  json::array deductions;
  for (auto const& d : r.deductions) {
    json::object x{{"kind", NameOf(d.kind, kDeductionKinds)},
                   {"amount", Enc(d.amount)},
                   {"basis", d.legal_basis}};
    if (!d.evidence.empty()) x["evidence"] = d.evidence;
    deductions.push_back(std::move(x));
  }
  json::array tenders;
  for (auto const& t : r.tenders) {
    tenders.push_back(
        json::object{{"tender", t.tender_id}, {"amount", Enc(t.amount)}});
  }
  json::value conversion = nullptr;
  if (r.conversion) {
    conversion = json::object{
        {"from", r.conversion->from_currency},
        {"to", r.conversion->to_currency},
        {"rate", r.conversion->rate.ToString()},
        {"source", r.conversion->source},
        {"as_of", Enc(r.conversion->as_of)},
        {"amount", r.conversion->amount ? Enc(*r.conversion->amount)
                                        : json::value(nullptr)}};
  }
  return json::object{
      {"order_id", r.order_id},
      {"return_id", r.return_id},
      {"lines", std::move(lines)},
      {"shipping", Enc(r.shipping)},
      {"shipping_tax", Enc(r.shipping_tax)},
      {"deductions", std::move(deductions)},
      {"total", Enc(r.total)},
      {"tenders", std::move(tenders)},
      {"conversion", std::move(conversion)},
      {"loyalty_points_reversed", r.loyalty_points_reversed},
      {"due_by", r.due_by ? Enc(*r.due_by) : json::value(nullptr)},
      {"idempotency_key", r.idempotency_key},
  };
}

}  // namespace

std::string_view ActorKindName(Actor::Kind kind) {
  return NameOf(kind, kActorKinds);
}

StatusOr<Actor::Kind> ParseActorKind(std::string_view name) {
  for (std::size_t i = 0; i < kActorKinds.size(); ++i) {
    if (kActorKinds[i] == name) return static_cast<Actor::Kind>(i);
  }
  return Status(ErrorCode::kDataLoss,
                "a stored actor kind is unknown: " + std::string(name),
                ErrorInfo{.reason = "STORE_RECORD_INVALID"});
}

std::string EncodeOrder(Order const& o) {
  json::array lines;
  for (auto const& l : o.lines) {
    lines.push_back(json::object{{"id", l.id},
                                 {"sku", l.sku},
                                 {"title", l.title},
                                 {"category", l.category},
                                 {"qty", l.quantity},
                                 {"unit_price", Enc(l.unit_price)},
                                 {"tax", Enc(l.tax)},
                                 {"tax_included", l.tax_included},
                                 {"discounts", Enc(l.discounts)},
                                 {"shipping", Enc(l.shipping)},
                                 {"attributes", EncStrings(l.attributes)}});
  }
  json::array tenders;
  for (auto const& t : o.tenders) {
    tenders.push_back(json::object{{"id", t.id},
                                   {"kind", NameOf(t.kind, kTenderKinds)},
                                   {"amount", Enc(t.amount)},
                                   {"reference", t.reference}});
  }
  json::array deliveries;
  for (auto const& d : o.deliveries) {
    json::array parts;
    for (auto const& p : d.parts)
      parts.push_back(json::object{{"line", p.line_id}, {"qty", p.quantity}});
    deliveries.push_back(json::object{{"id", d.id},
                                      {"parts", std::move(parts)},
                                      {"delivered_at", Enc(d.delivered_at)},
                                      {"carrier", d.carrier},
                                      {"tracking_number", d.tracking_number}});
  }
  json::object doc{
      {"id", o.id},
      {"marketplace", o.marketplace},
      {"external_id", o.external_id},
      {"placed_at", Enc(o.placed_at)},
      {"presentment_currency", o.presentment_currency},
      {"settlement_currency", o.settlement_currency},
      {"lines", std::move(lines)},
      {"order_discounts", Enc(o.order_discounts)},
      {"shipping",
       json::object{{"charged", Enc(o.shipping.charged)},
                    {"cheapest_standard", Enc(o.shipping.cheapest_standard)},
                    {"tax", Enc(o.shipping.tax)}}},
      {"tenders", std::move(tenders)},
      {"loyalty_points_earned", o.loyalty_points_earned},
      {"buyer", Enc(o.buyer)},
      {"seller", Enc(o.seller)},
      {"deliveries", std::move(deliveries)},
  };
  return json::serialize(doc);
}

StatusOr<Order> DecodeOrder(std::string_view doc) {
  return Decode(doc, "order", [](json::object const& d) {
    Order o;
    o.id = Str(d, "id");
    o.marketplace = Str(d, "marketplace");
    o.external_id = Str(d, "external_id");
    o.placed_at = DecInstant(At(d, "placed_at"));
    o.presentment_currency = Str(d, "presentment_currency");
    o.settlement_currency = Str(d, "settlement_currency");
    for (auto const& v : Arr(d, "lines")) {
      auto const& l = Obj(v);
      OrderLine line;
      line.id = Str(l, "id");
      line.sku = Str(l, "sku");
      line.title = Str(l, "title");
      line.category = Str(l, "category");
      line.quantity = static_cast<int>(Int(l, "qty"));
      line.unit_price = DecMoney(At(l, "unit_price"));
      line.tax = DecMoney(At(l, "tax"));
      line.tax_included = Bool(l, "tax_included");
      line.discounts = DecDiscounts(Arr(l, "discounts"));
      // Written since per-line shipping exists; older orders have none.
      if (l.contains("shipping")) line.shipping = DecOptMoney(l, "shipping");
      line.attributes = DecStrings(Arr(l, "attributes"));
      o.lines.push_back(std::move(line));
    }
    o.order_discounts = DecDiscounts(Arr(d, "order_discounts"));
    auto const& s = Obj(At(d, "shipping"));
    o.shipping.charged = DecMoney(At(s, "charged"));
    o.shipping.cheapest_standard = DecOptMoney(s, "cheapest_standard");
    o.shipping.tax = DecMoney(At(s, "tax"));
    for (auto const& v : Arr(d, "tenders")) {
      auto const& t = Obj(v);
      o.tenders.push_back(Tender{
          Str(t, "id"),
          ParseName<TenderKind>(Str(t, "kind"), kTenderKinds, "tender kind"),
          DecMoney(At(t, "amount")), Str(t, "reference")});
    }
    o.loyalty_points_earned = Int(d, "loyalty_points_earned");
    o.buyer = DecParty(At(d, "buyer"));
    o.seller = DecParty(At(d, "seller"));
    for (auto const& v : Arr(d, "deliveries")) {
      auto const& dv = Obj(v);
      Delivery del;
      del.id = Str(dv, "id");
      for (auto const& pv : Arr(dv, "parts")) {
        auto const& p = Obj(pv);
        del.parts.push_back(
            Delivery::Part{Str(p, "line"), static_cast<int>(Int(p, "qty"))});
      }
      del.delivered_at = DecInstant(At(dv, "delivered_at"));
      del.carrier = Str(dv, "carrier");
      del.tracking_number = Str(dv, "tracking_number");
      o.deliveries.push_back(std::move(del));
    }
    return o;
  });
}

std::string EncodeReturnDoc(ReturnCase const& rc) {
  json::array lines;
  for (auto const& l : rc.lines) {
    lines.push_back(
        json::object{{"line", l.order_line_id},
                     {"requested", l.requested_quantity},
                     {"received", l.received_quantity},
                     {"accepted", l.accepted_quantity},
                     {"condition", NameOf(l.condition, kConditions)},
                     {"reason", NameOf(l.reason, kReturnReasons)},
                     {"note", l.reason_note},
                     {"disposition", NameOf(l.disposition, kDispositions)}});
  }
  return json::serialize(json::object{{"requires_return", rc.requires_return},
                                      {"lines", std::move(lines)}});
}

Status DecodeReturnDoc(std::string_view doc, ReturnCase& rc) {
  auto decoded = Decode(doc, "return case", [&rc](json::object const& d) {
    rc.requires_return = Bool(d, "requires_return");
    rc.lines.clear();
    for (auto const& v : Arr(d, "lines")) {
      auto const& l = Obj(v);
      ReturnLine line;
      line.order_line_id = Str(l, "line");
      line.requested_quantity = static_cast<int>(Int(l, "requested"));
      line.received_quantity = static_cast<int>(Int(l, "received"));
      line.accepted_quantity = static_cast<int>(Int(l, "accepted"));
      line.condition = ParseName<GoodsCondition>(Str(l, "condition"),
                                                 kConditions, "condition");
      line.reason =
          ParseName<ReturnReason>(Str(l, "reason"), kReturnReasons, "reason");
      line.reason_note = Str(l, "note");
      line.disposition = ParseName<Disposition>(Str(l, "disposition"),
                                                kDispositions, "disposition");
      rc.lines.push_back(std::move(line));
    }
    return true;
  });
  return decoded.status();
}

std::string EncodeRefund(Refund const& r) {
  auto body = RefundBody(r);
  body["id"] = r.id;
  body["created_at"] = Enc(r.created_at);
  return json::serialize(body);
}

std::string RefundFingerprint(Refund const& r) {
  return json::serialize(RefundBody(r));
}

StatusOr<Refund> DecodeRefund(std::string_view doc) {
  return Decode(doc, "refund", [](json::object const& d) {
    Refund r;
    r.id = Str(d, "id");
    r.order_id = Str(d, "order_id");
    r.return_id = Str(d, "return_id");
    for (auto const& v : Arr(d, "lines")) {
      auto const& l = Obj(v);
      r.lines.push_back(
          RefundLine{Str(l, "line"), static_cast<int>(Int(l, "qty")),
                     DecMoney(At(l, "amount")), DecMoney(At(l, "tax"))});
    }
    r.shipping = DecOptMoney(d, "shipping");
    r.shipping_tax = DecOptMoney(d, "shipping_tax");
    for (auto const& v : Arr(d, "deductions")) {
      auto const& x = Obj(v);
      Deduction deduction;
      deduction.kind = ParseName<Deduction::Kind>(
          Str(x, "kind"), kDeductionKinds, "deduction kind");
      deduction.amount = DecMoney(At(x, "amount"));
      deduction.legal_basis = Str(x, "basis");
      if (auto const* e = x.if_contains("evidence");
          e != nullptr && e->is_string()) {
        deduction.evidence = std::string(e->get_string());
      }
      r.deductions.push_back(std::move(deduction));
    }
    r.total = DecMoney(At(d, "total"));
    for (auto const& v : Arr(d, "tenders")) {
      auto const& t = Obj(v);
      r.tenders.push_back(
          TenderRefund{Str(t, "tender"), DecMoney(At(t, "amount"))});
    }
    if (auto const& c = At(d, "conversion"); !c.is_null()) {
      auto const& x = Obj(c);
      r.conversion = FxConversion{
          Str(x, "from"), Str(x, "to"), Ok(Decimal::Parse(Str(x, "rate"))),
          Str(x, "source"), Ok(ParseCivilDate(Str(x, "as_of")))};
      if (auto const* a = x.if_contains("amount");
          a != nullptr && !a->is_null()) {
        r.conversion->amount = DecMoney(*a);
      }
    }
    r.loyalty_points_reversed = Int(d, "loyalty_points_reversed");
    if (auto const& due = At(d, "due_by"); !due.is_null()) {
      if (!due.is_string())
        throw DecodeError{"field \"due_by\" is not a string"};
      r.due_by = Ok(ParseCivilDate(std::string_view(due.get_string())));
    }
    r.idempotency_key = Str(d, "idempotency_key");
    r.created_at = DecInstant(At(d, "created_at"));
    return r;
  });
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
