#include "codec.h"

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "codec_json.h"

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace store_json {

namespace json = boost::json;
using boost::system::error_code;
using boost::system::in_place_error;

namespace {

// ---- field names, problems and the error category ---------------------------

/// Every field name of the stored documents. An error names its field by its
/// index here; 0 is none (the value itself).
constexpr auto kKeys = std::to_array<std::string_view>(
    {"",
     // orders
     "id", "marketplace", "external_id", "placed_at", "presentment_currency",
     "settlement_currency", "lines", "order_discounts", "shipping", "tenders",
     "loyalty_points_earned", "buyer", "seller", "deliveries", "sku", "title",
     "category", "qty", "unit_price", "tax", "tax_included", "discounts",
     "attributes", "code", "amount", "kind", "reference", "charged",
     "cheapest_standard", "jurisdiction", "timezone", "parts", "delivered_at",
     "carrier", "tracking_number", "line",
     // money
     "minor", "cur",
     // return cases
     "requires_return", "requested", "received", "accepted", "condition",
     "reason", "note", "disposition",
     // refunds
     "order_id", "return_id", "shipping_tax", "deductions", "total",
     "conversion", "loyalty_points_reversed", "due_by", "idempotency_key",
     "created_at", "basis", "evidence", "tender", "from", "to", "rate",
     "source", "as_of"});

consteval int KeyIndex(std::string_view name) {
  for (std::size_t i = 1; i < kKeys.size(); ++i) {
    if (kKeys[i] == name) return static_cast<int>(i);
  }
  throw "a field name missing from kKeys";  // a compile-time error
}

/// A field name, checked against kKeys at compile time.
struct Key {
  constexpr Key() = default;
  // Implicit, so that a field is named by its string literal.
  consteval Key(char const* field)  // NOLINT(google-explicit-constructor)
      : name(field), index(KeyIndex(field)) {}
  std::string_view name{};
  int index = 0;
};

/// What is wrong with a field (or the document).
enum class Problem : int {
  kMissing = 1,
  kNotObject,
  kNotArray,
  kNotString,
  kNotInteger,
  kOutOfRange,
  kNotBoolean,
  kNotCurrency,
  kNotDecimal,
  kNotDate,
  kNotTenderKind,
  kNotReturnReason,
  kNotDisposition,
  kNotCondition,
  kNotDeductionKind,
  kElementNotObject,
  kElementNotString,
  kElementInvalid,
  kInvalid,
};
/// An error's value is key index * kProblems + problem.
constexpr int kProblems = 32;
static_assert(static_cast<int>(Problem::kInvalid) < kProblems);

std::string_view Describe(Problem problem) {
  switch (problem) {
    case Problem::kMissing:
      return "is missing";
    case Problem::kNotObject:
      return "is not an object";
    case Problem::kNotArray:
      return "is not an array";
    case Problem::kNotString:
      return "is not a string";
    case Problem::kNotInteger:
      return "is not an integer";
    case Problem::kOutOfRange:
      return "is not an integer in range";
    case Problem::kNotBoolean:
      return "is not a boolean";
    case Problem::kNotCurrency:
      return "is not a currency with minor units";
    case Problem::kNotDecimal:
      return "is not a decimal number";
    case Problem::kNotDate:
      return "is not a date (YYYY-MM-DD)";
    case Problem::kNotTenderKind:
      return "is not a tender kind";
    case Problem::kNotReturnReason:
      return "is not a return reason";
    case Problem::kNotDisposition:
      return "is not a disposition";
    case Problem::kNotCondition:
      return "is not a goods condition";
    case Problem::kNotDeductionKind:
      return "is not a deduction kind";
    case Problem::kElementNotObject:
      return "has an element that is not an object";
    case Problem::kElementNotString:
      return "has an element that is not a string";
    case Problem::kElementInvalid:
      return "has an invalid element";
    case Problem::kInvalid:
      break;
  }
  return "is invalid";
}

// error_category has a protected non-virtual destructor; Boost.System
// silences the same warning around its own declaration of it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class CodecCategory final : public boost::system::error_category {
 public:
  constexpr CodecCategory() noexcept = default;
  using error_category::message;
  char const* name() const noexcept override { return "sanbao.store.codec"; }
  std::string message(int ev) const override {
    auto const key = static_cast<std::size_t>(ev / kProblems);
    if (ev <= 0 || key >= kKeys.size()) return "unknown error";
    auto const problem = static_cast<Problem>(ev % kProblems);
    if (problem == Problem::kMissing) {
      return "missing field \"" + std::string(kKeys[key]) + "\"";
    }
    std::string subject = key == 0
                              ? std::string("the document")
                              : "field \"" + std::string(kKeys[key]) + "\"";
    return subject + " " + std::string(Describe(problem));
  }
};
#pragma GCC diagnostic pop

constinit CodecCategory const kCategory;

error_code Error(Problem problem, Key key = {}) {
  return {key.index * kProblems + static_cast<int>(problem), kCategory};
}

bool IsOurs(error_code const& ec) { return ec.category() == kCategory; }
bool NamesAField(error_code const& ec) {
  return IsOurs(ec) && ec.value() / kProblems != 0;
}

/// The problem `ec` reports: ours, or one of Boost.JSON's conversions
/// (strings, numbers, booleans).
Problem ProblemOf(error_code const& ec) {
  if (IsOurs(ec)) return static_cast<Problem>(ec.value() % kProblems);
  if (ec == json::error::not_object) return Problem::kNotObject;
  if (ec == json::error::not_array) return Problem::kNotArray;
  if (ec == json::error::not_string) return Problem::kNotString;
  if (ec == json::error::not_number) return Problem::kNotInteger;
  if (ec == json::error::not_exact) return Problem::kOutOfRange;
  if (ec == json::error::not_bool) return Problem::kNotBoolean;
  return Problem::kInvalid;
}

/// `ec` as the error of field `key`, unless a field deeper down has it.
error_code InField(error_code const& ec, Key key) {
  return NamesAField(ec) ? ec : Error(ProblemOf(ec), key);
}

/// `ec` as the error of an element of an array (whose field names it next).
error_code InElement(error_code const& ec) {
  if (NamesAField(ec)) return ec;
  switch (ProblemOf(ec)) {
    case Problem::kNotObject:
      return Error(Problem::kElementNotObject);
    case Problem::kNotString:
      return Error(Problem::kElementNotString);
    default:
      return Error(Problem::kElementInvalid);
  }
}

// ---- enum names -------------------------------------------------------------

/// The stored names of enum E, by value, and its problem when unknown.
template <class E>
struct Names;

template <>
struct Names<TenderKind> {
  static constexpr std::array<std::string_view, 7> kNames = {
      "card",          "wallet",           "gift_card", "store_credit",
      "bank_transfer", "cash_on_delivery", "other"};
  static constexpr Problem kUnknown = Problem::kNotTenderKind;
};
template <>
struct Names<ReturnReason> {
  static constexpr std::array<std::string_view, 7> kNames = {
      "change_of_mind",
      "defective",
      "not_as_described",
      "damaged_in_transit",
      "wrong_item",
      "arrived_late",
      "other"};
  static constexpr Problem kUnknown = Problem::kNotReturnReason;
};
template <>
struct Names<Disposition> {
  static constexpr std::array<std::string_view, 5> kNames = {
      "undecided", "restock", "refurbish", "scrap", "return_to_supplier"};
  static constexpr Problem kUnknown = Problem::kNotDisposition;
};
template <>
struct Names<GoodsCondition> {
  static constexpr std::array<std::string_view, 5> kNames = {
      "unknown", "new", "opened", "used", "damaged"};
  static constexpr Problem kUnknown = Problem::kNotCondition;
};
template <>
struct Names<Deduction::Kind> {
  static constexpr std::array<std::string_view, 4> kNames = {
      "diminished_value", "return_postage", "restocking_fee", "other"};
  static constexpr Problem kUnknown = Problem::kNotDeductionKind;
};
template <>
struct Names<Actor::Kind> {
  static constexpr std::array<std::string_view, 5> kNames = {
      "buyer", "seller", "marketplace", "carrier", "system"};
  static constexpr Problem kUnknown = Problem::kInvalid;
};

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires {
  Names<E>::kNames;
};

template <NamedEnum E>
std::string_view NameOf(E value) {
  auto const i = static_cast<std::size_t>(value);
  return i < Names<E>::kNames.size() ? Names<E>::kNames[i]
                                     : std::string_view("unknown");
}

template <NamedEnum E>
std::optional<E> EnumNamed(std::string_view name) {
  for (std::size_t i = 0; i < Names<E>::kNames.size(); ++i) {
    if (Names<E>::kNames[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

// ---- writing and reading fields ---------------------------------------------

/// Whether T has a stored form of its own; strings, integers and booleans are
/// stored as Boost.JSON converts them.
template <class T>
constexpr bool kWritesStored = json::has_value_from<Stored<T const&>>::value;
template <class T>
constexpr bool kReadsStored = json::has_value_to<Stored<T>>::value;

/// Writes `x` into `jv`, whose memory resource it uses.
template <class T>
void Write(T const& x, json::value& jv) {
  if constexpr (kWritesStored<T>) {
    json::value_from(AsStored(x), jv);
  } else {
    json::value_from(x, jv);
  }
}

/// `jv` read as a T, or T() with `ec` set. Returns the T itself rather than
/// a result<T>, so that it initialises its member in place.
template <class T>
T Read(json::value const& jv, error_code& ec) {
  if constexpr (std::is_same_v<T, std::string>) {
    // Straight from the parsed text, with no result<std::string> between.
    auto text = json::try_value_to<std::string_view>(jv);
    if (text) return std::string(*text);
    ec = text.error();
  } else if constexpr (kReadsStored<T>) {
    auto read = json::try_value_to<Stored<T>>(jv);
    if (read) return std::move(read->value);
    ec = read.error();
  } else {
    auto read = json::try_value_to<T>(jv);
    if (read) return *read;
    ec = read.error();
  }
  return T();
}

/// Appends field `key` to `o`.
template <class T>
void Put(json::object& o, Key key, T const& x) {
  Write(x, o[key.name]);
}

/// Reads the fields of a stored object, in the order of the members they
/// initialise, and keeps the first error: once a field fails, the others
/// read as T() without looking.
class Fields {
 public:
  explicit Fields(json::value const& jv) : object_(jv.if_object()) {
    if (object_ == nullptr) error_ = Error(Problem::kNotObject);
  }

  bool failed() const { return error_.failed(); }
  error_code const& error() const { return error_; }

  /// Field `key`; a missing field is an error.
  template <class T>
  T Get(Key key) {
    if (failed()) return T();
    auto const* v = object_->if_contains(key.name);
    if (v == nullptr) {
      error_ = Error(Problem::kMissing, key);
      return T();
    }
    return Take<T>(key, *v);
  }

  /// Field `key`, or T() if there is none.
  template <class T>
  T GetIfPresent(Key key) {
    if (failed()) return T();
    auto const* v = object_->if_contains(key.name);
    return v == nullptr ? T() : Take<T>(key, *v);
  }

  /// Field `key` as it is, or nullptr.
  json::value const* Find(Key key) const {
    return failed() ? nullptr : object_->if_contains(key.name);
  }

  /// `value`, read from these fields, or the first error.
  template <class T>
  json::result<Stored<T>> Finish(T value) const {
    if (failed()) return {in_place_error, error_};
    return {boost::system::in_place_value, Stored<T>{std::move(value)}};
  }

 private:
  template <class T>
  T Take(Key key, json::value const& v) {
    error_code ec;
    T value = Read<T>(v, ec);
    if (ec.failed()) error_ = InField(ec, key);
    return value;
  }

  json::object const* object_;
  error_code error_;
};

}  // namespace

// Defined leaf first, so that every conversion is declared before those that
// use it (a conversion found missing is a compile-time error, not a
// different one chosen).

// ---- generic conversions ----------------------------------------------------

template <NamedEnum E>
void tag_invoke(json::value_from_tag, json::value& jv, Stored<E const&> e) {
  json::value_from(NameOf(e.value), jv);
}

template <NamedEnum E>
json::result<Stored<E>> tag_invoke(json::try_value_to_tag<Stored<E>>,
                                   json::value const& jv) {
  auto name = json::try_value_to<std::string_view>(jv);
  if (!name) return {in_place_error, name.error()};
  auto e = EnumNamed<E>(*name);
  if (!e) return {in_place_error, Error(Names<E>::kUnknown)};
  return Stored<E>{*e};
}

template <class T>
void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<std::vector<T> const&> v) {
  auto& a = jv.emplace_array();
  a.reserve(v.value.size());
  for (auto const& x : v.value) Write(x, a.emplace_back(nullptr));
}

template <class T>
json::result<Stored<std::vector<T>>> tag_invoke(
    json::try_value_to_tag<Stored<std::vector<T>>>, json::value const& jv) {
  auto const* a = jv.if_array();
  if (a == nullptr) return {in_place_error, Error(Problem::kNotArray)};
  Stored<std::vector<T>> out;
  out.value.reserve(a->size());
  error_code ec;
  for (auto const& x : *a) {
    out.value.push_back(Read<T>(x, ec));
    if (ec.failed()) return {in_place_error, InElement(ec)};
  }
  return out;
}

template <class T>
void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<std::optional<T> const&> v) {
  if (v.value) {
    Write(*v.value, jv);
  } else {
    jv = nullptr;
  }
}

template <class T>
json::result<Stored<std::optional<T>>> tag_invoke(
    json::try_value_to_tag<Stored<std::optional<T>>>, json::value const& jv) {
  if (jv.is_null()) return Stored<std::optional<T>>{};
  error_code ec;
  Stored<std::optional<T>> out{Read<T>(jv, ec)};
  if (ec.failed()) return {in_place_error, ec};
  return out;
}

// ---- money, instants, dates, decimals ---------------------------------------

/// {"minor": 8490, "cur": "EUR"}
void tag_invoke(json::value_from_tag, json::value& jv, Stored<Money const&> m) {
  auto& o = jv.emplace_object();
  o.reserve(2);
  Put(o, "minor", m.value.minor_units());
  Put(o, "cur", m.value.currency().code());
}

json::result<Stored<Money>> tag_invoke(json::try_value_to_tag<Stored<Money>>,
                                       json::value const& jv) {
  Fields f(jv);
  auto const cur = f.Get<std::string_view>("cur");
  auto const minor = f.Get<std::int64_t>("minor");
  if (f.failed()) return {in_place_error, f.error()};
  // The unfilled placeholder, Money().
  if (cur == "XXX" && minor == 0) return Stored<Money>{Money()};
  auto money = Money::FromMinorUnits(minor, cur);
  if (!money.ok()) return {in_place_error, Error(Problem::kNotCurrency, "cur")};
  return Stored<Money>{*money};
}

/// Seconds since the epoch.
void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Instant const&> t) {
  json::value_from(t.value.time_since_epoch().count(), jv);
}

json::result<Stored<Instant>> tag_invoke(
    json::try_value_to_tag<Stored<Instant>>, json::value const& jv) {
  auto seconds = json::try_value_to<std::int64_t>(jv);
  if (!seconds) return {in_place_error, seconds.error()};
  return Stored<Instant>{Instant(std::chrono::seconds(*seconds))};
}

/// "2026-12-30"
void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<CivilDate const&> d) {
  json::value_from(FormatCivilDate(d.value), jv);
}

json::result<Stored<CivilDate>> tag_invoke(
    json::try_value_to_tag<Stored<CivilDate>>, json::value const& jv) {
  auto text = json::try_value_to<std::string_view>(jv);
  if (!text) return {in_place_error, text.error()};
  auto date = ParseCivilDate(*text);
  if (!date.ok()) return {in_place_error, Error(Problem::kNotDate)};
  return Stored<CivilDate>{*date};
}

/// "0.8571"
void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Decimal const&> d) {
  json::value_from(d.value.ToString(), jv);
}

json::result<Stored<Decimal>> tag_invoke(
    json::try_value_to_tag<Stored<Decimal>>, json::value const& jv) {
  auto text = json::try_value_to<std::string_view>(jv);
  if (!text) return {in_place_error, text.error()};
  auto decimal = Decimal::Parse(*text);
  if (!decimal.ok()) return {in_place_error, Error(Problem::kNotDecimal)};
  return Stored<Decimal>{*decimal};
}

// ---- orders -----------------------------------------------------------------

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Discount const&> d) {
  auto& o = jv.emplace_object();
  o.reserve(3);
  Put(o, "id", d.value.id);
  Put(o, "code", d.value.code);
  Put(o, "amount", d.value.amount);
}

json::result<Stored<Discount>> tag_invoke(
    json::try_value_to_tag<Stored<Discount>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(Discount{
      .id = f.Get<std::string>("id"),
      .code = f.Get<std::string>("code"),
      .amount = f.Get<Money>("amount"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<OrderLine const&> line) {
  auto const& l = line.value;
  auto& o = jv.emplace_object();
  o.reserve(11);
  Put(o, "id", l.id);
  Put(o, "sku", l.sku);
  Put(o, "title", l.title);
  Put(o, "category", l.category);
  Put(o, "qty", l.quantity);
  Put(o, "unit_price", l.unit_price);
  Put(o, "tax", l.tax);
  Put(o, "tax_included", l.tax_included);
  Put(o, "discounts", l.discounts);
  Put(o, "shipping", l.shipping);
  Put(o, "attributes", l.attributes);
}

json::result<Stored<OrderLine>> tag_invoke(
    json::try_value_to_tag<Stored<OrderLine>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(OrderLine{
      .id = f.Get<std::string>("id"),
      .sku = f.Get<std::string>("sku"),
      .title = f.Get<std::string>("title"),
      .category = f.Get<std::string>("category"),
      .quantity = f.Get<int>("qty"),
      .unit_price = f.Get<Money>("unit_price"),
      .tax = f.Get<Money>("tax"),
      .tax_included = f.Get<bool>("tax_included"),
      .discounts = f.Get<std::vector<Discount>>("discounts"),
      // Written since lines have their own shipping; older orders have none.
      .shipping = f.GetIfPresent<std::optional<Money>>("shipping"),
      .attributes = f.Get<std::vector<std::string>>("attributes"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<OrderShipping const&> s) {
  auto& o = jv.emplace_object();
  o.reserve(3);
  Put(o, "charged", s.value.charged);
  Put(o, "cheapest_standard", s.value.cheapest_standard);
  Put(o, "tax", s.value.tax);
}

json::result<Stored<OrderShipping>> tag_invoke(
    json::try_value_to_tag<Stored<OrderShipping>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(OrderShipping{
      .charged = f.Get<Money>("charged"),
      .cheapest_standard = f.Get<std::optional<Money>>("cheapest_standard"),
      .tax = f.Get<Money>("tax"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Tender const&> t) {
  auto& o = jv.emplace_object();
  o.reserve(4);
  Put(o, "id", t.value.id);
  Put(o, "kind", t.value.kind);
  Put(o, "amount", t.value.amount);
  Put(o, "reference", t.value.reference);
}

json::result<Stored<Tender>> tag_invoke(json::try_value_to_tag<Stored<Tender>>,
                                        json::value const& jv) {
  Fields f(jv);
  return f.Finish(Tender{
      .id = f.Get<std::string>("id"),
      .kind = f.Get<TenderKind>("kind"),
      .amount = f.Get<Money>("amount"),
      .reference = f.Get<std::string>("reference"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<PartyInfo const&> p) {
  auto& o = jv.emplace_object();
  o.reserve(2);
  Put(o, "jurisdiction", p.value.jurisdiction);
  Put(o, "timezone", p.value.timezone);
}

json::result<Stored<PartyInfo>> tag_invoke(
    json::try_value_to_tag<Stored<PartyInfo>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(PartyInfo{
      .jurisdiction = f.Get<std::string>("jurisdiction"),
      .timezone = f.Get<std::string>("timezone"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Delivery::Part const&> p) {
  auto& o = jv.emplace_object();
  o.reserve(2);
  Put(o, "line", p.value.line_id);
  Put(o, "qty", p.value.quantity);
}

json::result<Stored<Delivery::Part>> tag_invoke(
    json::try_value_to_tag<Stored<Delivery::Part>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(Delivery::Part{
      .line_id = f.Get<std::string>("line"),
      .quantity = f.Get<int>("qty"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Delivery const&> d) {
  auto& o = jv.emplace_object();
  o.reserve(5);
  Put(o, "id", d.value.id);
  Put(o, "parts", d.value.parts);
  Put(o, "delivered_at", d.value.delivered_at);
  Put(o, "carrier", d.value.carrier);
  Put(o, "tracking_number", d.value.tracking_number);
}

json::result<Stored<Delivery>> tag_invoke(
    json::try_value_to_tag<Stored<Delivery>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(Delivery{
      .id = f.Get<std::string>("id"),
      .parts = f.Get<std::vector<Delivery::Part>>("parts"),
      .delivered_at = f.Get<Instant>("delivered_at"),
      .carrier = f.Get<std::string>("carrier"),
      .tracking_number = f.Get<std::string>("tracking_number"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Order const&> order) {
  auto const& d = order.value;
  auto& o = jv.emplace_object();
  o.reserve(14);
  Put(o, "id", d.id);
  Put(o, "marketplace", d.marketplace);
  Put(o, "external_id", d.external_id);
  Put(o, "placed_at", d.placed_at);
  Put(o, "presentment_currency", d.presentment_currency);
  Put(o, "settlement_currency", d.settlement_currency);
  Put(o, "lines", d.lines);
  Put(o, "order_discounts", d.order_discounts);
  Put(o, "shipping", d.shipping);
  Put(o, "tenders", d.tenders);
  Put(o, "loyalty_points_earned", d.loyalty_points_earned);
  Put(o, "buyer", d.buyer);
  Put(o, "seller", d.seller);
  Put(o, "deliveries", d.deliveries);
}

json::result<Stored<Order>> tag_invoke(json::try_value_to_tag<Stored<Order>>,
                                       json::value const& jv) {
  Fields f(jv);
  return f.Finish(Order{
      .id = f.Get<std::string>("id"),
      .marketplace = f.Get<std::string>("marketplace"),
      .external_id = f.Get<std::string>("external_id"),
      .placed_at = f.Get<Instant>("placed_at"),
      .presentment_currency = f.Get<std::string>("presentment_currency"),
      .settlement_currency = f.Get<std::string>("settlement_currency"),
      .lines = f.Get<std::vector<OrderLine>>("lines"),
      .order_discounts = f.Get<std::vector<Discount>>("order_discounts"),
      .shipping = f.Get<OrderShipping>("shipping"),
      .tenders = f.Get<std::vector<Tender>>("tenders"),
      .loyalty_points_earned = f.Get<std::int64_t>("loyalty_points_earned"),
      .buyer = f.Get<PartyInfo>("buyer"),
      .seller = f.Get<PartyInfo>("seller"),
      .deliveries = f.Get<std::vector<Delivery>>("deliveries"),
  });
}

// ---- return cases -----------------------------------------------------------

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<ReturnLine const&> line) {
  auto const& l = line.value;
  auto& o = jv.emplace_object();
  o.reserve(8);
  Put(o, "line", l.order_line_id);
  Put(o, "requested", l.requested_quantity);
  Put(o, "received", l.received_quantity);
  Put(o, "accepted", l.accepted_quantity);
  Put(o, "condition", l.condition);
  Put(o, "reason", l.reason);
  Put(o, "note", l.reason_note);
  Put(o, "disposition", l.disposition);
}

json::result<Stored<ReturnLine>> tag_invoke(
    json::try_value_to_tag<Stored<ReturnLine>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(ReturnLine{
      .order_line_id = f.Get<std::string>("line"),
      .requested_quantity = f.Get<int>("requested"),
      .received_quantity = f.Get<int>("received"),
      .accepted_quantity = f.Get<int>("accepted"),
      .condition = f.Get<GoodsCondition>("condition"),
      .reason = f.Get<ReturnReason>("reason"),
      .reason_note = f.Get<std::string>("note"),
      .disposition = f.Get<Disposition>("disposition"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<ReturnCase const&> rc) {
  auto& o = jv.emplace_object();
  o.reserve(2);
  Put(o, "requires_return", rc.value.requires_return);
  Put(o, "lines", rc.value.lines);
}

json::result<Stored<ReturnCase>> tag_invoke(
    json::try_value_to_tag<Stored<ReturnCase>>, json::value const& jv) {
  Fields f(jv);
  ReturnCase rc;
  rc.requires_return = f.Get<bool>("requires_return");
  rc.lines = f.Get<std::vector<ReturnLine>>("lines");
  return f.Finish(std::move(rc));
}

// ---- refunds ----------------------------------------------------------------

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<RefundLine const&> l) {
  auto& o = jv.emplace_object();
  o.reserve(4);
  Put(o, "line", l.value.order_line_id);
  Put(o, "qty", l.value.quantity);
  Put(o, "amount", l.value.amount);
  Put(o, "tax", l.value.tax);
}

json::result<Stored<RefundLine>> tag_invoke(
    json::try_value_to_tag<Stored<RefundLine>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(RefundLine{
      .order_line_id = f.Get<std::string>("line"),
      .quantity = f.Get<int>("qty"),
      .amount = f.Get<Money>("amount"),
      .tax = f.Get<Money>("tax"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Deduction const&> d) {
  auto& o = jv.emplace_object();
  o.reserve(4);
  Put(o, "kind", d.value.kind);
  Put(o, "amount", d.value.amount);
  Put(o, "basis", d.value.legal_basis);
  if (!d.value.evidence.empty()) Put(o, "evidence", d.value.evidence);
}

json::result<Stored<Deduction>> tag_invoke(
    json::try_value_to_tag<Stored<Deduction>>, json::value const& jv) {
  Fields f(jv);
  Deduction d{
      .kind = f.Get<Deduction::Kind>("kind"),
      .amount = f.Get<Money>("amount"),
      .legal_basis = f.Get<std::string>("basis"),
      .evidence = {},
  };
  // Written only when there is some; anything but a string reads as none.
  if (auto const* e = f.Find("evidence"); e != nullptr && e->is_string()) {
    d.evidence = e->get_string();
  }
  return f.Finish(std::move(d));
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<TenderRefund const&> t) {
  auto& o = jv.emplace_object();
  o.reserve(2);
  Put(o, "tender", t.value.tender_id);
  Put(o, "amount", t.value.amount);
}

json::result<Stored<TenderRefund>> tag_invoke(
    json::try_value_to_tag<Stored<TenderRefund>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(TenderRefund{
      .tender_id = f.Get<std::string>("tender"),
      .amount = f.Get<Money>("amount"),
  });
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<FxConversion const&> conversion) {
  auto const& c = conversion.value;
  auto& o = jv.emplace_object();
  o.reserve(6);
  Put(o, "from", c.from_currency);
  Put(o, "to", c.to_currency);
  Put(o, "rate", c.rate);
  Put(o, "source", c.source);
  Put(o, "as_of", c.as_of);
  Put(o, "amount", c.amount);
}

json::result<Stored<FxConversion>> tag_invoke(
    json::try_value_to_tag<Stored<FxConversion>>, json::value const& jv) {
  Fields f(jv);
  return f.Finish(FxConversion{
      .from_currency = f.Get<std::string>("from"),
      .to_currency = f.Get<std::string>("to"),
      .rate = f.Get<Decimal>("rate"),
      .source = f.Get<std::string>("source"),
      .as_of = f.Get<CivilDate>("as_of"),
      .amount = f.GetIfPresent<std::optional<Money>>("amount"),
  });
}

namespace {

/// The refund's fields but "id" and "created_at", in their stored order.
void PutRefundBody(json::object& o, Refund const& r) {
  Put(o, "order_id", r.order_id);
  Put(o, "return_id", r.return_id);
  Put(o, "lines", r.lines);
  Put(o, "shipping", r.shipping);
  Put(o, "shipping_tax", r.shipping_tax);
  Put(o, "deductions", r.deductions);
  Put(o, "total", r.total);
  Put(o, "tenders", r.tenders);
  Put(o, "conversion", r.conversion);
  Put(o, "loyalty_points_reversed", r.loyalty_points_reversed);
  Put(o, "due_by", r.due_by);
  Put(o, "idempotency_key", r.idempotency_key);
}

}  // namespace

void tag_invoke(json::value_from_tag, json::value& jv, RefundBody body) {
  auto& o = jv.emplace_object();
  o.reserve(12);
  PutRefundBody(o, body.refund);
}

void tag_invoke(json::value_from_tag, json::value& jv,
                Stored<Refund const&> refund) {
  auto& o = jv.emplace_object();
  o.reserve(14);
  PutRefundBody(o, refund.value);
  Put(o, "id", refund.value.id);
  Put(o, "created_at", refund.value.created_at);
}

json::result<Stored<Refund>> tag_invoke(json::try_value_to_tag<Stored<Refund>>,
                                        json::value const& jv) {
  Fields f(jv);
  return f.Finish(Refund{
      .id = f.Get<std::string>("id"),
      .order_id = f.Get<std::string>("order_id"),
      .return_id = f.Get<std::string>("return_id"),
      .lines = f.Get<std::vector<RefundLine>>("lines"),
      .shipping = f.Get<std::optional<Money>>("shipping"),
      .shipping_tax = f.Get<std::optional<Money>>("shipping_tax"),
      .deductions = f.Get<std::vector<Deduction>>("deductions"),
      .total = f.Get<Money>("total"),
      .tenders = f.Get<std::vector<TenderRefund>>("tenders"),
      .conversion = f.Get<std::optional<FxConversion>>("conversion"),
      .loyalty_points_reversed = f.Get<std::int64_t>("loyalty_points_reversed"),
      .due_by = f.Get<std::optional<CivilDate>>("due_by"),
      .idempotency_key = f.Get<std::string>("idempotency_key"),
      .created_at = f.Get<Instant>("created_at"),
  });
}

boost::system::error_category const& StoreCodecCategory() noexcept {
  return kCategory;
}

}  // namespace store_json

// ---- the entry points of codec.h --------------------------------------------

namespace {

namespace json = boost::json;
using store_json::AsStored;
using store_json::Stored;

/// A document is built or parsed in a stack arena (the heap only past it),
/// as it lives for one call: parsed, a document takes about 3.5 times its
/// text (6 KB for store_fixtures.h's order of two lines). The arena takes two
/// fifths off writing an order and a fifth off reading one (BM_EncodeOrder,
/// BM_DecodeOrder); twice the size gains nothing measurable.
constexpr std::size_t kArenaBytes = 4096;

template <class T>
std::string Serialize(T const& stored) {
  unsigned char arena[kArenaBytes];
  json::monotonic_resource resource(arena, sizeof arena);
  json::value jv(&resource);
  json::value_from(stored, jv);
  return json::serialize(jv);
}

Status Unreadable(std::string_view what, std::string const& why) {
  return Status(ErrorCode::kDataLoss,
                "a stored " + std::string(what) + " cannot be read: " + why,
                ErrorInfo{.reason = "STORE_RECORD_INVALID"});
}

template <class T>
StatusOr<T> Decode(std::string_view doc, std::string_view what) {
  try {
    unsigned char arena[kArenaBytes];
    json::monotonic_resource resource(arena, sizeof arena);
    boost::system::error_code ec;
    json::value jv = json::parse(doc, ec, &resource);
    if (ec)
      return Unreadable(what, "the document is not JSON: " + ec.message());
    auto read = json::try_value_to<Stored<T>>(jv);
    if (!read) return Unreadable(what, read.error().message());
    return std::move(read->value);
  } catch (std::exception const& e) {  // std::bad_alloc, std::length_error
    return Unreadable(what, e.what());
  }
}

}  // namespace

std::string_view ActorKindName(Actor::Kind kind) {
  return store_json::NameOf(kind);
}

StatusOr<Actor::Kind> ParseActorKind(std::string_view name) {
  if (auto kind = store_json::EnumNamed<Actor::Kind>(name)) return *kind;
  return Status(ErrorCode::kDataLoss,
                "a stored actor kind is unknown: " + std::string(name),
                ErrorInfo{.reason = "STORE_RECORD_INVALID"});
}

std::string EncodeOrder(Order const& order) {
  return Serialize(AsStored(order));
}

StatusOr<Order> DecodeOrder(std::string_view doc) {
  return Decode<Order>(doc, "order");
}

std::string EncodeReturnDoc(ReturnCase const& rc) {
  return Serialize(AsStored(rc));
}

Status DecodeReturnDoc(std::string_view doc, ReturnCase& rc) {
  auto read = Decode<ReturnCase>(doc, "return case");
  if (!read.ok()) return read.status();
  rc.requires_return = read->requires_return;
  rc.lines = std::move(read->lines);
  return {};
}

std::string EncodeRefund(Refund const& refund) {
  return Serialize(AsStored(refund));
}

std::string RefundFingerprint(Refund const& refund) {
  return Serialize(store_json::RefundBody{refund});
}

StatusOr<Refund> DecodeRefund(std::string_view doc) {
  return Decode<Refund>(doc, "refund");
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
