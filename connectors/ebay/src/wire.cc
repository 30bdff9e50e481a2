#include "wire.h"

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sanbao/ebay/mapping.h"
#include "sanbao/http/log.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {
namespace {

namespace json = boost::json;

// Thrown inside the parsers only and turned into a Status at their entry
// points; never leaves this file.
struct WireError {
  Status status;
};

[[noreturn]] void Fail(Status status) { throw WireError{std::move(status)}; }

[[noreturn]] void BadResponse(std::string_view field, std::string_view what) {
  Fail(InternalError("eBay answered with an unexpected " + std::string(field) +
                         ": " + std::string(what),
                     "EBAY_BAD_RESPONSE", {{"field", std::string(field)}}));
}

template <typename T>
T Take(StatusOr<T> value) {
  if (!value) Fail(std::move(value).status());
  return *std::move(value);
}

// Reads with absent and null treated alike. Paths are only put together on
// the error path.
json::object const* Obj(json::value const* v, std::string_view field) {
  if (v == nullptr || v->is_null()) return nullptr;
  if (auto const* o = v->if_object()) return o;
  BadResponse(field, "not an object");
}
json::value const* Get(json::object const* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  auto const* v = o->if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}
json::object const* ObjAt(json::object const* o, std::string_view key) {
  return Obj(Get(o, key), key);
}
json::array const* ArrAt(json::object const* o, std::string_view key) {
  auto const* v = Get(o, key);
  if (v == nullptr) return nullptr;
  if (auto const* a = v->if_array()) return a;
  BadResponse(key, "not an array");
}
// Strings; identifiers may come as numbers and are read as their digits.
std::string_view StrAt(json::object const* o, std::string_view key,
                       std::string& scratch) {
  auto const* v = Get(o, key);
  if (v == nullptr) return {};
  if (auto const* s = v->if_string()) return *s;
  if (v->is_int64() || v->is_uint64()) {
    scratch = v->is_int64() ? std::to_string(v->get_int64())
                            : std::to_string(v->get_uint64());
    return scratch;
  }
  BadResponse(key, "not a string");
}
void AssignStr(std::string& out, json::object const* o, std::string_view key) {
  std::string scratch;
  auto s = StrAt(o, key, scratch);
  out.assign(s.data(), s.size());
}
std::int64_t IntAt(json::object const* o, std::string_view key,
                   std::int64_t fallback) {
  auto const* v = Get(o, key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= INT64_MAX) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (auto const* s = v->if_string()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec == std::errc() && end == s->data() + s->size()) return n;
  }
  BadResponse(key, "not an integer");
}
int SmallIntAt(json::object const* o, std::string_view key, int fallback) {
  auto n = IntAt(o, key, fallback);
  if (n < INT32_MIN || n > INT32_MAX) BadResponse(key, "out of range");
  return static_cast<int>(n);
}

json::value ParseBody(std::string_view body, json::storage_ptr storage) {
  json::parse_options options;
  options.max_depth = 64;
  // The parser's own working stack starts in this buffer rather than on the
  // heap (it moves to the heap only for a deeper or wider document).
  unsigned char temp[4096];
  json::parser parser(json::storage_ptr(), options, temp, sizeof temp);
  parser.reset(std::move(storage));
  json::error_code ec;
  parser.write(body.data(), body.size(), ec);
  if (ec) {
    Fail(InternalError("eBay answered with malformed JSON: " + ec.message(),
                       "EBAY_BAD_RESPONSE", {{"field", "body"}}));
  }
  return parser.release();
}

// --- decimals --------------------------------------------------------------

// "-1.5e-07" (std::to_chars general form) -> "-0.00000015"; plain input is
// returned as it is; an expanded form has no trailing fractional zeros.
std::string ExpandExponent(std::string_view text) {
  if (text.find_first_of("eE") == std::string_view::npos) {
    return std::string(text);  // already plain (short: no allocation)
  }
  std::string sign;
  if (!text.empty() && text.front() == '-') {
    sign = "-";
    text.remove_prefix(1);
  }
  int exponent = 0;
  if (auto e = text.find_first_of("eE"); e != std::string_view::npos) {
    auto exp_text = text.substr(e + 1);
    if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
    auto [end, ec] = std::from_chars(
        exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    // No amount needs more than a few dozen digits; anything wider is
    // returned as it is, for Money::Parse to reject.
    if (ec != std::errc() || end != exp_text.data() + exp_text.size() ||
        exponent > 40 || exponent < -40) {
      return std::string(sign) + std::string(text);
    }
    text = text.substr(0, e);
  }
  std::string digits;
  int point = static_cast<int>(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      point = static_cast<int>(i);
    } else {
      digits += text[i];
    }
  }
  point += exponent;  // digits[0, point) is the integer part
  std::string integer, fraction;
  if (point <= 0) {
    integer = "0";
    fraction = std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= static_cast<int>(digits.size())) {
    integer = digits +
              std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    integer = digits.substr(0, static_cast<std::size_t>(point));
    fraction = digits.substr(static_cast<std::size_t>(point));
  }
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  auto first = integer.find_first_not_of('0');
  integer = first == std::string::npos ? "0" : integer.substr(first);
  if (integer == "0" && fraction.empty()) sign.clear();
  return sign + integer + (fraction.empty() ? "" : "." + fraction);
}

Status AmountError(std::string message, std::string_view field,
                   std::string value, std::string_view currency,
                   std::string cause) {
  return InvalidArgumentError(std::move(message), "EBAY_AMOUNT_INVALID",
                              {{"field", std::string(field)},
                               {"value", std::move(value)},
                               {"currency", std::string(currency)},
                               {"cause", std::move(cause)}});
}

// --- writing ---------------------------------------------------------------

// The Post-Order request bodies, typed; strings are views of the Sanbao
// request they are built from. json::value_from turns each into an object
// (tag_invoke below) with the keys in the fixtures' order
// (return_decide_*.json, return_issue_refund_*.json); WriteBody writes it.
namespace post_order {

// Amount (https://developer.ebay.com/devzone/post-order/types/Amount.html):
// the value is a JSON number, written from the exact decimal (WriteBody).
struct Amount {
  Money money;
};

// Text, the comments container ({content, language, ...}; payload model in
// https://developer.ebay.com/devzone/post-order/post-order_v2_return-returnid_mark_as_received__post.html):
// the seller's comment; only its content is sent.
struct Text {
  std::string_view content;
};

// DecideReturnRequest
// (https://developer.ebay.com/devzone/post-order/types/DecideReturnRequest.html).
struct DecideReturnRequest {
  std::string_view decision;  // DecisionEnum
  std::optional<bool> keep_original_item{};
  std::optional<Amount> partial_refund_amount{};
  std::optional<std::string_view> rma_number{};
  std::optional<Text> comments{};
};

// ItemizedRefundDetailType
// (https://developer.ebay.com/devzone/post-order/types/ItemizedRefundDetailType.html).
struct ItemizedRefundDetail {
  Amount refund_amount;
  std::string_view refund_fee_type;  // RefundFeeTypeEnum
  // A string on the wire, as in return_issue_refund_partial.json.
  std::optional<int> restocking_fee_percentage{};
};

// RefundDetailType
// (https://developer.ebay.com/devzone/post-order/types/RefundDetailType.html).
struct RefundDetail {
  std::vector<ItemizedRefundDetail> itemized_refund_detail;
  Amount total_amount;
};

// IssueRefundRequest
// (https://developer.ebay.com/devzone/post-order/types/IssueRefundRequest.html).
struct IssueRefundRequest {
  RefundDetail refund_detail;
  std::optional<Text> comments{};
  bool relist_item = false;
};

// MarkAsReceivedRequest
// (https://developer.ebay.com/Devzone/post-order/types/MarkAsReceivedRequest.html).
struct MarkAsReceivedRequest {
  Text comments;
};

// An optional field is left out when empty (never written as null).
template <typename T>
void PutIf(json::object& o, std::string_view key, std::optional<T> const& v) {
  if (v) o.emplace(key, json::value_from(*v, o.storage()));
}

void tag_invoke(json::value_from_tag, json::value& out, Amount const& a) {
  // The exact decimal as a string here; WriteBody writes it as a number.
  auto& o = out.emplace_object();
  o.emplace("value", a.money.ToString());
  o.emplace("currency", a.money.currency().code());
}

void tag_invoke(json::value_from_tag, json::value& out, Text const& t) {
  out.emplace_object().emplace("content", t.content);
}

void tag_invoke(json::value_from_tag, json::value& out,
                DecideReturnRequest const& r) {
  auto& o = out.emplace_object();
  o.emplace("decision", r.decision);
  PutIf(o, "keepOriginalItem", r.keep_original_item);
  PutIf(o, "partialRefundAmount", r.partial_refund_amount);
  PutIf(o, "RMANumber", r.rma_number);
  PutIf(o, "comments", r.comments);
}

void tag_invoke(json::value_from_tag, json::value& out,
                ItemizedRefundDetail const& d) {
  auto& o = out.emplace_object();
  o.emplace("refundAmount", json::value_from(d.refund_amount, o.storage()));
  o.emplace("refundFeeType", d.refund_fee_type);
  if (d.restocking_fee_percentage) {
    o.emplace("restockingFeePercentage",
              std::to_string(*d.restocking_fee_percentage));
  }
}

void tag_invoke(json::value_from_tag, json::value& out, RefundDetail const& d) {
  auto& o = out.emplace_object();
  o.emplace("itemizedRefundDetail",
            json::value_from(d.itemized_refund_detail, o.storage()));
  o.emplace("totalAmount", json::value_from(d.total_amount, o.storage()));
}

void tag_invoke(json::value_from_tag, json::value& out,
                IssueRefundRequest const& r) {
  auto& o = out.emplace_object();
  o.emplace("refundDetail", json::value_from(r.refund_detail, o.storage()));
  PutIf(o, "comments", r.comments);
  o.emplace("relistItem", r.relist_item);
}

void tag_invoke(json::value_from_tag, json::value& out,
                MarkAsReceivedRequest const& r) {
  out.emplace_object().emplace("comments",
                               json::value_from(r.comments, out.storage()));
}

}  // namespace post_order

// Boost.JSON writes a number from its double, in the shortest form that
// reads back the same (12.00 as 1.2E1), and a double does not hold every
// decimal; the Post-Order Amount.value is a number. So an Amount's value
// goes into the tree as the exact decimal string (Money::ToString()) and
// this drops its quotes: {"value":"12.00","currency":"USD"} goes out as
// {"value":12.00,"currency":"USD"}. Only an object can hold `{"value":"`:
// inside a serialized string every '"' is escaped.
std::string AmountsAsNumbers(std::string body) {
  static constexpr std::string_view kValue = R"({"value":")";
  static constexpr std::string_view kCurrency = R"(","currency":)";
  for (auto at = body.find(kValue); at != std::string::npos;
       at = body.find(kValue, at + 1)) {
    auto open = at + kValue.size() - 1;  // the value's opening quote
    auto close = body.find('"', open + 1);
    if (close == std::string::npos) break;
    auto decimal = std::string_view(body).substr(open + 1, close - open - 1);
    if (!decimal.empty() &&
        decimal.find_first_not_of("-.0123456789") == std::string_view::npos &&
        body.compare(close, kCurrency.size(), kCurrency) == 0) {
      body.erase(close, 1);
      body.erase(open, 1);
    }
  }
  return body;
}

template <typename Request>
std::string WriteBody(Request const& request) {
  // A body is usually well under 2 KiB: its tree lives in this arena (the
  // resource takes blocks from the heap beyond it).
  unsigned char arena[2048];
  json::monotonic_resource resource(arena, sizeof arena);
  return AmountsAsNumbers(
      json::serialize(json::value_from(request, json::storage_ptr(&resource))));
}

bool Usable(Money const& money) { return money.currency().code() != "XXX"; }

// --- reading returns -------------------------------------------------------

std::optional<MarketplaceAmount> OptionalAmount(json::object const* o,
                                                std::string_view key) {
  auto const* v = Get(o, key);
  if (v == nullptr) return std::nullopt;
  return Take(ParseAmount(*v, key));
}

std::optional<Instant> OptionalDate(json::object const* o,
                                    std::string_view key) {
  auto const* v = Get(o, key);
  if (v == nullptr) return std::nullopt;
  return Take(ParseDate(*v, key));
}

// ReturnSummaryType -> MarketplaceReturn (eBay Post-Order API,
// https://developer.ebay.com/devzone/post-order/types/ReturnSummaryType.html).
void ReadSummary(json::object const* s, MarketplaceReturn& r) {
  AssignStr(r.external_id, s, "returnId");
  if (r.external_id.empty()) BadResponse("returnId", "missing");
  AssignStr(r.state, s, "state");
  AssignStr(r.status, s, "status");
  AssignStr(r.type, s, "currentType");

  auto const* creation = ObjAt(s, "creationInfo");
  auto const* item = ObjAt(creation, "item");
  AssignStr(r.order_id, s, "orderId");
  if (r.order_id.empty()) AssignStr(r.order_id, creation, "orderId");
  AssignStr(r.item_id, item, "itemId");
  AssignStr(r.transaction_id, item, "transactionId");
  r.quantity = SmallIntAt(item, "returnQuantity", 1);
  if (r.type.empty()) AssignStr(r.type, creation, "type");
  AssignStr(r.reason, creation, "reason");
  AssignStr(r.comment, ObjAt(creation, "comments"), "content");
  if (auto created = OptionalDate(creation, "creationDate")) {
    r.created_at = *created;
  }

  auto const* seller_refund = ObjAt(s, "sellerTotalRefund");
  r.estimated_refund = OptionalAmount(seller_refund, "estimatedRefundAmount");
  r.actual_refund = OptionalAmount(seller_refund, "actualRefundAmount");
  r.respond_by = OptionalDate(ObjAt(s, "sellerResponseDue"), "respondByDate");
  if (auto const* options = ArrAt(s, "sellerAvailableOptions")) {
    r.seller_options.reserve(options->size());
    for (auto const& option : *options) {
      std::string scratch;
      auto action =
          StrAt(Obj(&option, "sellerAvailableOptions"), "actionType", scratch);
      if (!action.empty()) r.seller_options.emplace_back(action);
    }
  }
}

// ReturnDetailType -> the detail half of MarketplaceReturn.
void ReadDetail(json::object const* d, MarketplaceReturn& r,
                ReturnExtras* extras) {
  r.has_detail = true;
  AssignStr(r.site, d, "marketplaceId");
  auto const* buyer = ObjAt(ObjAt(d, "buyerAddress"), "address");
  AssignStr(r.buyer_country, buyer, "country");
  AssignStr(r.buyer_region, buyer, "stateOrProvince");
  AssignStr(r.seller_country, ObjAt(ObjAt(d, "sellerAddress"), "address"),
            "country");
  auto const* item = ObjAt(d, "itemDetail");
  AssignStr(r.item_title, item, "itemTitle");
  r.item_price = OptionalAmount(item, "itemPrice");
  if (extras != nullptr) AssignStr(extras->rma_number, d, "RMANumber");

  auto const* refund_info = ObjAt(d, "refundInfo");
  if (auto const* parts = ArrAt(ObjAt(refund_info, "estimatedRefundDetail"),
                                "itemizedRefundDetails")) {
    for (auto const& element : *parts) {
      auto const* part = Obj(&element, "itemizedRefundDetails");
      RefundPart out;
      AssignStr(out.fee_type, part, "refundFeeType");
      // The element's amount is named estimatedAmount in our fixture (its
      // name is partly (M) there); refundAmount/amount are accepted too.
      std::optional<MarketplaceAmount> amount;
      for (std::string_view key :
           {"estimatedAmount", "refundAmount", "amount"}) {
        if ((amount = OptionalAmount(part, key))) break;
      }
      if (!amount) BadResponse("itemizedRefundDetails", "part without amount");
      out.amount = *std::move(amount);
      if (Get(part, "restockingFeePercentage") != nullptr) {
        out.restocking_fee_percent =
            SmallIntAt(part, "restockingFeePercentage", 0);
      }
      r.estimated_refund_parts.push_back(std::move(out));
    }
  }
  AssignStr(r.refund_status, ObjAt(refund_info, "actualRefundDetail"),
            "refundStatus");

  if (auto const* history = ArrAt(d, "responseHistory")) {
    r.history.reserve(history->size());
    for (auto const& element : *history) {
      auto const* h = Obj(&element, "responseHistory");
      MarketplaceStateChange change;
      AssignStr(change.author, h, "author");
      AssignStr(change.activity, h, "activity");
      AssignStr(change.from_state, h, "fromState");
      AssignStr(change.to_state, h, "toState");
      if (auto at = OptionalDate(h, "creationDate")) change.at = *at;
      r.history.push_back(std::move(change));
    }
  }
}

template <typename F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (WireError& e) {
    return std::move(e.status);
  }
}

// A 64 KiB first block covers a single return; a 200-member page (about
// 300 KB of JSON) gets one block sized from the body.
json::storage_ptr PageStorage(std::size_t body_size) {
  return json::make_shared_resource<json::monotonic_resource>(body_size * 2 +
                                                              1024);
}

}  // namespace

std::optional<std::string> NumberText(json::value const& value) {
  char buffer[64];
  if (value.is_int64()) return std::to_string(value.get_int64());
  if (value.is_uint64()) return std::to_string(value.get_uint64());
  if (!value.is_double()) return std::nullopt;
  if (value.get_double() == 0) return std::string("0");  // also -0.0
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value.get_double(),
                    std::chars_format::general, 15);
  if (ec != std::errc()) return std::nullopt;
  return ExpandExponent(std::string_view(buffer, end - buffer));
}

StatusOr<Money> MoneyFromText(std::string_view text, bool is_json_number,
                              std::string_view currency,
                              std::string_view field) {
  // A JSON number's text may have an exponent ("1e2"); a string must be a
  // plain decimal.
  std::string decimal =
      is_json_number ? ExpandExponent(text) : std::string(text);
  auto found = Currency::Find(currency);
  if (!found) {
    return AmountError("an eBay amount has an unknown currency", field,
                       std::string(text), currency, found.status().reason());
  }
  // Zeros past the currency's minor units change nothing and are dropped;
  // a significant digit there is an error (Money::Parse).
  if (auto point = decimal.find('.'); point != std::string::npos) {
    auto scale = static_cast<std::size_t>(found->minor_units().value_or(0));
    while (decimal.size() - point - 1 > scale && decimal.back() == '0') {
      decimal.pop_back();
    }
    if (decimal.back() == '.') decimal.pop_back();
  }
  auto money = Money::Parse(decimal, *found);
  if (!money) {
    return AmountError(
        "an eBay amount does not fit its currency: " + money.status().message(),
        field, std::string(text), currency, money.status().reason());
  }
  return money;
}

StatusOr<Money> ParseMoney(json::value const& value, std::string_view currency,
                           std::string_view field) {
  if (auto const* s = value.if_string()) {
    return MoneyFromText(*s, false, currency, field);
  }
  if (auto number = NumberText(value)) {
    return MoneyFromText(*number, true, currency, field);
  }
  return AmountError("an eBay amount is neither a number nor a string", field,
                     json::serialize(value), currency, "NOT_A_NUMBER");
}

StatusOr<MarketplaceAmount> ParseAmount(json::value const& amount,
                                        std::string_view field) {
  auto const* o = amount.if_object();
  if (o == nullptr) {
    return InternalError("eBay answered with an amount that is not an object",
                         "EBAY_BAD_RESPONSE", {{"field", std::string(field)}});
  }
  auto value_of =
      [&](std::string_view value_key,
          std::string_view currency_key) -> StatusOr<std::optional<Money>> {
    auto const* v = o->if_contains(value_key);
    if (v == nullptr || v->is_null()) return std::optional<Money>();
    auto const* c = o->if_contains(currency_key);
    std::string_view currency;
    if (c != nullptr && c->is_string()) currency = c->get_string();
    auto money = ParseMoney(*v, currency, field);
    if (!money) return std::move(money).status();
    return std::optional<Money>(*std::move(money));
  };
  auto value = value_of("value", "currency");
  if (!value) return std::move(value).status();
  if (!value->has_value()) {
    return InternalError("eBay answered with an amount without a value",
                         "EBAY_BAD_RESPONSE", {{"field", std::string(field)}});
  }
  auto converted = value_of("convertedFromValue", "convertedFromCurrency");
  if (!converted) return std::move(converted).status();
  return MarketplaceAmount{.amount = **value, .converted_from = *converted};
}

StatusOr<Instant> ParseDate(json::value const& date, std::string_view field) {
  json::value const* v = &date;
  if (auto const* o = date.if_object()) v = o->if_contains("value");
  if (v == nullptr || !v->is_string()) {
    return InternalError("eBay answered with a date that is not a string",
                         "EBAY_BAD_RESPONSE", {{"field", std::string(field)}});
  }
  auto const& text = v->get_string();
  auto instant = ParseInstant(std::string_view(text.data(), text.size()));
  if (!instant) {
    return InternalError("eBay answered with a malformed date",
                         "EBAY_BAD_RESPONSE",
                         {{"field", std::string(field)},
                          {"value", std::string(text.data(), text.size())}});
  }
  return instant;
}

StatusOr<ReturnsPage> ParseSearchPage(std::string_view body) {
  return Guard([&]() -> StatusOr<ReturnsPage> {
    auto doc = ParseBody(body, PageStorage(body.size()));
    auto const* root = Obj(&doc, "body");
    if (root == nullptr) BadResponse("body", "not an object");
    ReturnsPage page;
    if (auto const* members = ArrAt(root, "members")) {
      page.items.resize(members->size());
      for (std::size_t i = 0; i < members->size(); ++i) {
        auto const* member = Obj(&(*members)[i], "members");
        if (member == nullptr) BadResponse("members", "null member");
        try {
          ReadSummary(member, page.items[i]);
          MapReturn(page.items[i]);
        } catch (WireError& e) {
          std::string scratch;
          auto id = StrAt(member, "returnId", scratch);
          Fail(e.status.WithMetadata("return_id", std::string(id)));
        }
      }
    }
    auto const* pagination = ObjAt(root, "paginationOutput");
    page.total_entries =
        IntAt(pagination, "totalEntries", IntAt(root, "total", 0));
    page.total_pages = SmallIntAt(pagination, "totalPages", 0);
    return page;
  });
}

StatusOr<MarketplaceReturn> ParseReturnDetail(std::string_view body,
                                              ReturnExtras* extras) {
  return Guard([&]() -> StatusOr<MarketplaceReturn> {
    // One return or order is a few KiB: a stack arena usually holds
    // all of it, with no heap allocation for the DOM.
    unsigned char arena[16384];
    json::monotonic_resource resource(arena, sizeof arena);
    auto doc = ParseBody(body, &resource);
    auto const* root = Obj(&doc, "body");
    auto const* summary = ObjAt(root, "summary");
    if (summary == nullptr) BadResponse("summary", "missing");
    MarketplaceReturn r;
    ReadSummary(summary, r);
    ReadDetail(ObjAt(root, "detail"), r, extras);
    MapReturn(r);
    return r;
  });
}

StatusOr<MarketplaceOrder> ParseOrder(std::string_view body) {
  // Sell Fulfillment API getOrder
  // (https://developer.ebay.com/api-docs/sell/fulfillment/resources/order/methods/getOrder):
  // money values are strings, dates bare RFC 3339 strings.
  return Guard([&]() -> StatusOr<MarketplaceOrder> {
    // One return or order is a few KiB: a stack arena usually holds
    // all of it, with no heap allocation for the DOM.
    unsigned char arena[16384];
    json::monotonic_resource resource(arena, sizeof arena);
    auto doc = ParseBody(body, &resource);
    auto const* root = Obj(&doc, "body");
    if (root == nullptr) BadResponse("body", "not an object");
    MarketplaceOrder order;
    AssignStr(order.order_id, root, "orderId");
    if (order.order_id.empty()) BadResponse("orderId", "missing");
    if (auto created = OptionalDate(root, "creationDate")) {
      order.created_at = *created;
    }
    // Where the goods went decides the buyer's law; the tax address is the
    // fallback.
    json::object const* ship_to = nullptr;
    if (auto const* steps = ArrAt(root, "fulfillmentStartInstructions");
        steps != nullptr && !steps->empty()) {
      ship_to = ObjAt(
          ObjAt(ObjAt(Obj(&steps->front(), "fulfillmentStartInstructions"),
                      "shippingStep"),
                "shipTo"),
          "contactAddress");
    }
    auto const* tax = ObjAt(ObjAt(root, "buyer"), "taxAddress");
    AssignStr(order.buyer_country, ship_to, "countryCode");
    AssignStr(order.buyer_region, ship_to, "stateOrProvince");
    if (order.buyer_country.empty()) {
      AssignStr(order.buyer_country, tax, "countryCode");
      AssignStr(order.buyer_region, tax, "stateOrProvince");
    }
    order.shipping =
        OptionalAmount(ObjAt(root, "pricingSummary"), "deliveryCost");
    if (auto const* items = ArrAt(root, "lineItems")) {
      order.lines.reserve(items->size());
      for (auto const& element : *items) {
        auto const* item = Obj(&element, "lineItems");
        MarketplaceOrderLine line;
        AssignStr(line.line_id, item, "lineItemId");
        AssignStr(line.item_id, item, "legacyItemId");
        AssignStr(line.title, item, "title");
        line.quantity = SmallIntAt(item, "quantity", 0);
        // lineItemCost is the unit price times the quantity, before
        // discounts (getOrder reference, LineItem.lineItemCost).
        auto cost = OptionalAmount(item, "lineItemCost");
        if (!cost) BadResponse("lineItemCost", "missing");
        line.price = *std::move(cost);
        // The line's own delivery charge (LineItem.deliveryCost.shippingCost):
        // eBay refunds shipping per return, i.e. per line.
        line.shipping =
            OptionalAmount(ObjAt(item, "deliveryCost"), "shippingCost");
        // The Fulfillment API reports no actual delivery date: the latest
        // date eBay estimated stands in for it (a later start never
        // shortens a buyer's statutory period).
        line.delivered_at =
            OptionalDate(ObjAt(item, "lineItemFulfillmentInstructions"),
                         "maxEstimatedDeliveryDate");
        line.delivery_is_estimate = line.delivered_at.has_value();
        order.lines.push_back(std::move(line));
      }
    }
    return order;
  });
}

std::string ParseRefundStatus(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  json::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  auto const* status = doc.get_object().if_contains("refundStatus");
  if (status == nullptr || !status->is_string()) return {};
  return std::string(status->get_string());
}

namespace {

// Text from a remote answer, fit to quote in a message or metadata: a
// server that echoes the request (its headers, its query) would otherwise
// hand the access token to whoever reads the error.
std::string Remote(std::string_view text) {
  return EscapeForMessage(RedactForLog(text), 300);
}

}  // namespace

Status ErrorFromResponse(HttpResponse const& response) {
  ErrorCode code = ErrorCodeFromHttpStatus(response.status);
  if (code == ErrorCode::kOk) code = ErrorCode::kUnknown;
  ErrorInfo info;
  info.domain = "ebay";
  info.http_status = response.status;
  info.metadata["http_status"] = std::to_string(response.status);
  for (std::string_view header :
       {"X-EBAY-C-REQUEST-ID", "X-Request-Id", "rlogid"}) {
    if (auto id = FindHeader(response.headers, header)) {
      info.request_id = std::string(*id);
      break;
    }
  }

  std::string message;
  std::string category;
  std::int64_t error_id = 0;
  bool state_parameter = false;
  json::error_code ec;
  auto doc = json::parse(response.body, ec);
  json::object const* root =
      (!ec && doc.is_object()) ? &doc.get_object() : nullptr;
  try {
    json::array const* errors = nullptr;
    auto array_at = [](json::object const* o, std::string_view key) {
      auto const* v = Get(o, key);
      return v == nullptr ? nullptr : v->if_array();
    };
    if (root != nullptr) {
      errors = array_at(root, "error");
      if (errors == nullptr) errors = array_at(root, "errors");
      if (errors == nullptr) {
        auto const* wrapped = Get(root, "errorMessage");
        if (wrapped != nullptr && wrapped->is_object()) {
          errors = array_at(&wrapped->get_object(), "error");
        }
      }
    }
    if (errors != nullptr && !errors->empty()) {
      // Post-Order ErrorMessage {error:[...]} or ErrorDetailV3 {errors:[...]}
      // (sources in wire.h); the first error names the failure.
      auto const* e = Obj(&errors->front(), "error");
      std::string scratch;
      error_id = IntAt(e, "errorId", 0);
      if (error_id != 0) info.metadata["error_id"] = std::to_string(error_id);
      if (auto domain = StrAt(e, "domain", scratch); !domain.empty()) {
        info.metadata["domain"] = Remote(domain);
      }
      category = std::string(StrAt(e, "category", scratch));
      if (!category.empty()) info.metadata["category"] = Remote(category);
      message = Remote(StrAt(e, "message", scratch));
      std::string parameters;
      json::array const* params = ArrAt(e, "parameter");
      if (params == nullptr) params = ArrAt(e, "parameters");
      if (params != nullptr) {
        for (auto const& p : *params) {
          auto const* po = Obj(&p, "parameter");
          std::string name_scratch, value_scratch;
          auto name = StrAt(po, "name", name_scratch);
          auto value = StrAt(po, "value", value_scratch);
          if (name == "state") {
            state_parameter = true;
            info.metadata["state"] = Remote(value);
          }
          if (!parameters.empty()) parameters += ';';
          parameters += std::string(name) + "=" + std::string(value);
        }
      }
      if (!parameters.empty()) info.metadata["parameters"] = Remote(parameters);
    } else if (auto const* oauth = Get(root, "error");
               oauth != nullptr && oauth->is_string()) {
      // OAuth {error, error_description} (RFC 6749 §5.2).
      std::string error(oauth->get_string());
      std::string scratch;
      message = Remote(StrAt(root, "error_description", scratch));
      info.metadata["oauth_error"] = Remote(error);
      // A reason is UPPER_SNAKE whatever the server sent.
      std::string upper;
      for (char c : error.substr(0, 64)) {
        bool keep = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A')
                 : keep                 ? c
                                        : '_';
      }
      info.reason = "EBAY_OAUTH_" + upper;
    }
  } catch (WireError&) {
    // An error body we cannot read: the HTTP status alone speaks.
  }

  auto lower_message = message;
  for (char& c : lower_message) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (response.status == 429) {
    // 429 with errorId 2001 and no Retry-After (rate_limited_429.json).
    code = ErrorCode::kResourceExhausted;
    info.reason = "EBAY_RATE_LIMITED";
  } else if (!info.reason.empty()) {
    // OAuth reason set above.
  } else if (response.status == 401) {
    // 21917053 IAF token expired, 21916984 IAF token invalid
    // (npm:ebay-api@9.6.0 dist/errors/index.js).
    info.reason = error_id == 21917053   ? "EBAY_IAF_TOKEN_EXPIRED"
                  : error_id == 21916984 ? "EBAY_IAF_TOKEN_INVALID"
                                         : "EBAY_UNAUTHENTICATED";
  } else if ((response.status == 400 || response.status == 409) &&
             (error_id == 1617 || state_parameter ||
              lower_message.find("current return state") !=
                  std::string::npos)) {
    // error_invalid_state.json: the action does not fit the return's state.
    code = ErrorCode::kFailedPrecondition;
    info.reason = "EBAY_INVALID_STATE";
  } else if (response.status == 404) {
    info.reason = "EBAY_NOT_FOUND";
  } else if (response.status == 403) {
    info.reason = "EBAY_PERMISSION_DENIED";
  } else if (response.status >= 500) {
    info.reason = "EBAY_SERVER_ERROR";
  } else if (category == "REQUEST" || category == "APPLICATION" ||
             category == "BUSINESS") {
    info.reason = "EBAY_" + category + "_ERROR";
  } else {
    info.reason = "EBAY_API_ERROR";
  }
  std::string text = "eBay answered HTTP " + std::to_string(response.status);
  if (!message.empty()) text += ": " + message;
  if (error_id != 0) text += " (errorId " + std::to_string(error_id) + ")";
  return Status(code, std::move(text), std::move(info));
}

StatusOr<std::string> DecideBody(ReturnDecisionRequest const& decision) {
  // Process Return Request
  // (https://developer.ebay.com/Devzone/post-order/post-order_v2_return-returnid_decide__post.html);
  // key order as in return_decide_approve.json /
  // return_decide_partial_refund_offer.json.
  using Kind = ReturnDecisionRequest::Kind;
  post_order::DecideReturnRequest request;
  switch (decision.kind) {
    case Kind::kApprove:
      request.decision = "APPROVE";
      break;
    case Kind::kDecline:
      request.decision = "DECLINE";
      break;
    case Kind::kOfferPartialRefund:
      if (!decision.partial_refund || !Usable(*decision.partial_refund) ||
          !decision.partial_refund->is_positive()) {
        return InvalidArgumentError(
            "a partial refund offer needs a positive amount",
            "EBAY_DECISION_INVALID", {{"field", "partial_refund"}});
      }
      request.decision = "OFFER_PARTIAL_REFUND";
      request.keep_original_item = decision.keep_item;
      request.partial_refund_amount =
          post_order::Amount{*decision.partial_refund};
      break;
    case Kind::kProvideRma:
      if (decision.rma_number.empty()) {
        return InvalidArgumentError("providing an RMA needs its number",
                                    "EBAY_DECISION_INVALID",
                                    {{"field", "rma_number"}});
      }
      request.decision = "PROVIDE_RMA";
      request.rma_number = decision.rma_number;
      break;
  }
  if (!decision.comment.empty()) {
    request.comments = post_order::Text{decision.comment};
  }
  return WriteBody(request);
}

StatusOr<std::string> RefundBody(MarketplaceRefundRequest const& refund) {
  // Issue Return Refund
  // (https://developer.ebay.com/Devzone/post-order/post-order_v2_return-returnid_issue_refund__post.html);
  // key order as in return_issue_refund_partial.json.
  if (!Usable(refund.total) || !refund.total.is_positive()) {
    return InvalidArgumentError("a refund needs a positive total",
                                "EBAY_REFUND_INVALID", {{"field", "total"}});
  }
  auto sum = Money::Zero(refund.total.currency());
  if (!sum) return std::move(sum).status();
  post_order::IssueRefundRequest request{
      .refund_detail = {.itemized_refund_detail = {},
                        .total_amount = {refund.total}}};
  auto& items = request.refund_detail.itemized_refund_detail;
  items.reserve(refund.parts.size());
  for (std::size_t i = 0; i < refund.parts.size(); ++i) {
    auto const& part = refund.parts[i];
    auto const field = "parts[" + std::to_string(i) + "]";
    if (part.restocking_fee_percent && (*part.restocking_fee_percent < 0 ||
                                        *part.restocking_fee_percent > 100)) {
      return InvalidArgumentError("a restocking fee is a percentage 0..100",
                                  "EBAY_REFUND_INVALID", {{"field", field}});
    }
    auto next = sum->Add(part.amount.amount);
    if (!next) {
      return InvalidArgumentError(
          "every refund part must be in the total's currency",
          "EBAY_REFUND_INVALID", {{"field", field}});
    }
    sum = std::move(next);
    // A part read from eBay keeps its own fee type; one Sanbao composed is
    // named by its kind.
    items.push_back({.refund_amount = {part.amount.amount},
                     .refund_fee_type = part.fee_type.empty()
                                            ? RefundFeeTypeFor(part.kind)
                                            : part.fee_type,
                     .restocking_fee_percentage = part.restocking_fee_percent});
  }
  if (!refund.parts.empty() && !(*sum == refund.total)) {
    return InvalidArgumentError(
        "the refund parts add up to " + sum->ToStringWithCode() +
            ", not the total " + refund.total.ToStringWithCode(),
        "EBAY_REFUND_INVALID", {{"field", "total"}});
  }
  if (!refund.comment.empty()) {
    request.comments = post_order::Text{refund.comment};
  }
  return WriteBody(request);
}

std::string MarkReceivedBody(std::string_view comment) {
  return WriteBody(post_order::MarkAsReceivedRequest{{comment}});
}

std::string FormatEbayInstant(Instant instant) {
  auto text = FormatInstant(instant);  // "2025-03-01T00:00:00Z"
  text.insert(text.size() - 1, ".000");
  return text;
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
