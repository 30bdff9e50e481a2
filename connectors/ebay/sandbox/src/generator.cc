#include "generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

__extension__ typedef __int128 Int128;  // exact intermediate products

constexpr std::int64_t kReturnIdBase = 5000000001;  // like the fixtures' ids
constexpr std::int64_t kItemIdBase = 186000000001;
constexpr std::int64_t kTransactionIdBase = 2900000000011;
constexpr int kBlock = 4;  // orders are carved out of blocks of 4 returns
constexpr seconds kSpan = days(60);

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A tiny generator for one (seed, index, salt) triple.
class Rng {
 public:
  Rng(std::uint64_t seed, std::int64_t index, std::uint64_t salt)
      : state_(SplitMix(
            SplitMix(seed) ^
            SplitMix(static_cast<std::uint64_t>(index) * 0x2545F4914F6CDD1DULL +
                     salt))) {}
  std::uint64_t Next() {
    state_ = SplitMix(state_);
    return state_;
  }
  std::int64_t Uniform(std::int64_t n) {
    return n <= 1 ? 0 : static_cast<std::int64_t>(Next() % n);
  }
  template <typename T>
  T const& Weighted(std::vector<std::pair<T, int>> const& table) {
    int total = 0;
    for (auto const& [v, w] : table) total += w;
    auto pick = Uniform(total);
    for (auto const& [v, w] : table) {
      if (pick < w) return v;
      pick -= w;
    }
    return table.back().first;
  }

 private:
  std::uint64_t state_;
};

enum Salt : std::uint64_t {
  kSaltCreated = 1,
  kSaltOrder = 2,
  kSaltBuyer = 3,
  kSaltItem = 4,
  kSaltState = 5,
};

// Currency per 1 EUR, in 1/10000. Fixed, rounded values in the range of the
// ECB euro reference rates of early 2025
// (https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html);
// fixed so that the data is deterministic, not meant to be current.
struct Rate {
  std::string_view code;
  int scale;
  std::int64_t per_eur;
};
constexpr std::array<Rate, 14> kRates{{
    {"EUR", 2, 10000},
    {"USD", 2, 11050},
    {"GBP", 2, 8350},
    {"PLN", 2, 41800},
    {"SEK", 2, 111000},
    {"CHF", 2, 9400},
    {"NOK", 2, 116500},
    {"CAD", 2, 15500},
    {"AUD", 2, 17000},
    {"JPY", 0, 1610000},
    {"KRW", 0, 15600000},
    {"CNY", 2, 78500},
    {"MXN", 2, 220000},
    {"BRL", 2, 62000},
}};

Rate const& RateOf(std::string_view code) {
  for (auto const& r : kRates) {
    if (r.code == code) return r;
  }
  return kRates[0];
}

struct Product {
  std::string_view title;
  std::int64_t usd_cents;  // list price in USD cents; scaled to the seller
};
constexpr std::array<Product, 16> kProducts{{
    {"Leather wallet, brown", 3999},
    {"Running shoes, size 42", 8999},
    {"Wireless earbuds", 5999},
    {"Ceramic teapot, 1 l", 2999},
    {"Mechanical keyboard", 11999},
    {"Wool scarf, grey", 2499},
    {"Phone case, clear", 1299},
    {"Cast iron skillet, 26 cm", 4499},
    {"Desk lamp, LED", 3499},
    {"Backpack, 20 l", 6999},
    {"Smart watch band", 1999},
    {"Vintage camera lens 50mm", 14999},
    {"Board game, strategy", 4999},
    {"Silk tie, navy", 2999},
    {"Bluetooth speaker", 7999},
    {"Yoga mat, 6 mm", 3299},
}};

struct ReasonText {
  std::string_view reason;
  std::string_view comment;
};
// ReturnReasonEnum values
// (https://developer.ebay.com/Devzone/post-order/types/ReturnReasonEnum.html,
// npm:ebay-api@9.6.0 dist/enums/restfulEnums.d.ts).
constexpr std::array<ReasonText, 12> kReasons{{
    {"NOT_AS_DESCRIBED", "Not what the listing showed"},
    {"WRONG_SIZE", "Size runs small"},
    {"DEFECTIVE_ITEM", "Stopped working after two days"},
    {"ARRIVED_DAMAGED", "Box was crushed, item broken"},
    {"NO_LONGER_NEED_ITEM", "Changed my mind"},
    {"ORDERED_ACCIDENTALLY", "Ordered twice by mistake"},
    {"MISSING_PARTS", "Charger missing"},
    {"DIFFERENT_FROM_LISTING", "Colour differs from the photos"},
    {"FOUND_BETTER_PRICE", "Found it cheaper"},
    {"ARRIVED_LATE", "Arrived after the event"},
    {"FAKE_OR_COUNTERFEIT", "Looks like a replica"},
    {"ORDERED_WRONG_ITEM", "Wrong model"},
}};

constexpr std::array<std::string_view, 6> kBuyerInitials{"b", "k", "m",
                                                         "s", "t", "j"};

std::string Pad(std::int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return digits;
}

std::optional<std::int64_t> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return value;
}

// Order shapes within a block of 4 returns: sizes and weights. Most orders
// have one returned line; some two, three or four (several returns with one
// orderId: a return is for one line item, itemId + transactionId, eBay
// Post-Order API: ReturnCreationInfoType,
// https://developer.ebay.com/devzone/post-order/types/ReturnCreationInfoType.html).
struct Shape {
  std::array<int, 4> sizes;
  int weight;
};
constexpr std::array<Shape, 8> kShapes{{
    {{1, 1, 1, 1}, 10},
    {{2, 1, 1, 0}, 4},
    {{1, 2, 1, 0}, 2},
    {{1, 1, 2, 0}, 2},
    {{2, 2, 0, 0}, 2},
    {{3, 1, 0, 0}, 1},
    {{1, 3, 0, 0}, 1},
    {{4, 0, 0, 0}, 1},
}};

}  // namespace

std::string_view StateName(State state) {
  switch (state) {
    case State::kReturnRequested:
      return "RETURN_REQUESTED";
    case State::kItemReadyToShip:
      return "ITEM_READY_TO_SHIP";
    case State::kItemShipped:
      return "ITEM_SHIPPED";
    case State::kItemDelivered:
      return "ITEM_DELIVERED";
    case State::kReturnRejected:
      return "RETURN_REJECTED";
    case State::kPartialRefundRequested:
      return "PARTIAL_REFUND_REQUESTED";
    case State::kRefundInitiated:
      return "REFUND_INITIATED";
    case State::kLessThanFullRefundIssued:
      return "LESS_THAN_A_FULL_REFUND_ISSUED";
    case State::kRefundSentPendingConfirmation:
      return "REFUND_SENT_PENDING_CONFIRMATION";
    case State::kClosed:
      return "CLOSED";
  }
  return "UNKNOWN";
}

std::string_view StatusName(State state) {
  switch (state) {
    case State::kItemReadyToShip:
      return "READY_FOR_SHIPPING";
    case State::kRefundInitiated:
    case State::kRefundSentPendingConfirmation:
      return "REFUND_ISSUED";
    default:
      return StateName(state);
  }
}

std::optional<State> StateFromName(std::string_view name) {
  for (int i = 0; i < kStateCount; ++i) {
    auto s = static_cast<State>(i);
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<BuyerLocation> const& BuyerLocations() {
  // Jurisdiction ids must exist in sdk/data/jurisdictions (AT, BE and PL are
  // covered by the EU baseline file, US-TX by the federal US file).
  static auto const* const kLocations = new std::vector<BuyerLocation>{
      {"US", "CA", "US-CA", "USD", "Los Angeles", "90012", "EBAY_US", 10},
      {"US", "NY", "US-NY", "USD", "New York", "10001", "EBAY_US", 8},
      {"US", "TX", "US", "USD", "Austin", "78701", "EBAY_US", 7},
      {"US", "FL", "US-FL", "USD", "Miami", "33101", "EBAY_US", 4},
      {"US", "NJ", "US-NJ", "USD", "Newark", "07102", "EBAY_US", 2},
      {"DE", "", "DE", "EUR", "Berlin", "10115", "EBAY_DE", 8},
      {"FR", "", "FR", "EUR", "Paris", "75001", "EBAY_FR", 5},
      {"IT", "", "IT", "EUR", "Milano", "20121", "EBAY_IT", 4},
      {"ES", "", "ES", "EUR", "Madrid", "28001", "EBAY_ES", 4},
      {"NL", "", "NL", "EUR", "Amsterdam", "1012 JS", "EBAY_NL", 3},
      {"AT", "", "EU", "EUR", "Wien", "1010", "EBAY_AT", 2},
      {"BE", "", "EU", "EUR", "Bruxelles", "1000", "EBAY_BE", 2},
      {"IE", "", "IE", "EUR", "Dublin", "D02 X285", "EBAY_IE", 2},
      {"PL", "", "EU", "PLN", "Warszawa", "00-001", "EBAY_PL", 2},
      {"SE", "", "SE", "SEK", "Stockholm", "111 20", "EBAY_US", 2},
      {"GB", "", "UK", "GBP", "London", "SW1A 1AA", "EBAY_GB", 7},
      {"CA", "ON", "CA-ON", "CAD", "Toronto", "M5H 2N2", "EBAY_CA", 3},
      {"CA", "QC", "CA-QC", "CAD", "Montreal", "H2Y 1C6", "EBAY_CA", 2},
      {"CA", "BC", "CA", "CAD", "Vancouver", "V6B 1A1", "EBAY_CA", 1},
      {"AU", "", "AU", "AUD", "Sydney", "2000", "EBAY_AU", 4},
      {"JP", "", "JP", "JPY", "Tokyo", "100-0001", "EBAY_US", 3},
      {"KR", "", "KR", "KRW", "Seoul", "04524", "EBAY_US", 2},
      {"CN", "", "CN", "CNY", "Shanghai", "200000", "EBAY_US", 2},
      {"MX", "", "MX", "MXN", "Ciudad de Mexico", "06000", "EBAY_US", 2},
      {"BR", "", "BR", "BRL", "Sao Paulo", "01000-000", "EBAY_US", 2},
      {"CH", "", "CH", "CHF", "Zurich", "8001", "EBAY_US", 1},
      {"NO", "", "NO", "NOK", "Oslo", "0150", "EBAY_US", 1},
  };
  return *kLocations;
}

std::optional<SellerProfile> FindSeller(std::string_view country) {
  static constexpr std::array<SellerProfile, 10> kSellers{{
      {"US", "USD", "Portland", "97201", "EBAY_US", false},
      {"GB", "GBP", "Manchester", "M1 1AE", "EBAY_GB", true},
      {"DE", "EUR", "Hamburg", "20095", "EBAY_DE", true},
      {"FR", "EUR", "Lyon", "69001", "EBAY_FR", true},
      {"IT", "EUR", "Torino", "10121", "EBAY_IT", true},
      {"ES", "EUR", "Valencia", "46001", "EBAY_ES", true},
      {"NL", "EUR", "Utrecht", "3511 AA", "EBAY_NL", true},
      {"IE", "EUR", "Cork", "T12 X70A", "EBAY_IE", true},
      {"CA", "CAD", "Ottawa", "K1P 1J1", "EBAY_CA", false},
      {"AU", "AUD", "Melbourne", "3000", "EBAY_AU", false},
  }};
  for (auto const& s : kSellers) {
    if (s.country == country) return s;
  }
  return std::nullopt;
}

int CurrencyScale(std::string_view currency) { return RateOf(currency).scale; }

std::int64_t Convert(std::int64_t minor, std::string_view from,
                     std::string_view to) {
  if (from == to) return minor;
  Rate const& a = RateOf(from);
  Rate const& b = RateOf(to);
  // minor_b = minor * b.per_eur * 10^sb / (a.per_eur * 10^sa), half-up.
  Int128 num = static_cast<Int128>(minor) * b.per_eur;
  Int128 den = a.per_eur;
  for (int i = 0; i < b.scale; ++i) num *= 10;
  for (int i = 0; i < a.scale; ++i) den *= 10;
  return static_cast<std::int64_t>((2 * num + den) / (2 * den));
}

std::string DecimalText(std::int64_t minor, int scale) {
  bool negative = minor < 0;
  std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(minor)
                             : static_cast<std::uint64_t>(minor);
  std::uint64_t pow = 1;
  for (int i = 0; i < scale; ++i) pow *= 10;
  std::string text = negative ? "-" : "";
  text += std::to_string(m / pow);
  if (scale > 0) {
    std::string frac = std::to_string(m % pow);
    text += '.';
    text.append(static_cast<std::size_t>(scale) - frac.size(), '0');
    text += frac;
  }
  return text;
}

std::string NumberText(std::int64_t minor, int scale) {
  std::string text = DecimalText(minor, scale);
  if (scale == 0) return text + ".0";
  while (text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
  return text;
}

std::string FormatEbayTime(Instant instant) {
  auto day = std::chrono::floor<days>(instant);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{instant - day};
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z",
      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
      static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<Instant> ParseEbayTime(std::string_view t) {
  // eBay's timestamps are UTC: "Z" only, no offsets; the rest is RFC 3339.
  if (t.empty() || (t.back() != 'Z' && t.back() != 'z')) return std::nullopt;
  auto instant = ParseInstant(t);
  if (!instant) return std::nullopt;
  return *instant;
}

int Generator::PickState(std::int64_t index, Instant created) const {
  // Mostly RETURN_REQUESTED; the rest spread along the return's life.
  static auto const* const kTable = new std::vector<std::pair<int, int>>{
      {0, 50}, {1, 8}, {2, 12}, {3, 8}, {4, 4},
      {5, 3},  {6, 4}, {7, 3},  {8, 6}, {9, 2}};
  Rng rng(seed_, index, kSaltState);
  int pick = rng.Weighted(*kTable);
  if (now_ - created < days(3) && rng.Uniform(10) < 8) pick = 0;
  return pick;
}

State Generator::InitialState(std::int64_t index) const {
  static constexpr std::array<State, 10> kFinal{
      State::kReturnRequested, State::kItemReadyToShip,
      State::kItemShipped,     State::kItemDelivered,
      State::kReturnRejected,  State::kPartialRefundRequested,
      State::kRefundInitiated, State::kLessThanFullRefundIssued,
      State::kClosed,          State::kClosed};
  if (index >= count_) return State::kReturnRequested;
  return kFinal[static_cast<std::size_t>(PickState(index, CreatedAt(index)))];
}

Generator::Generator(std::uint64_t seed, std::int64_t count, Instant now,
                     std::string_view seller_currency)
    : seed_(seed),
      count_(count),
      now_(now),
      seller_currency_(seller_currency) {}

Instant Generator::CreatedAt(std::int64_t index) const {
  // Slot i of N equal slots over the 60 days before now, jittered inside
  // its slot: non-decreasing in the index, so a date range is an index
  // range and FILING_DATE order is index order.
  auto const span_ms = std::chrono::duration_cast<milliseconds>(kSpan).count();
  Int128 slot_start = static_cast<Int128>(index) * span_ms / count_;
  Int128 slot_end = static_cast<Int128>(index + 1) * span_ms / count_;
  Rng rng(seed_, index, kSaltCreated);
  auto jitter = rng.Uniform(static_cast<std::int64_t>(slot_end - slot_start));
  auto offset_ms = static_cast<std::int64_t>(slot_start) + jitter;
  auto start = now_ - kSpan;
  return std::chrono::floor<seconds>(start + milliseconds(offset_ms));
}

std::pair<std::int64_t, int> Generator::OrderOf(std::int64_t index) const {
  std::int64_t block = index / kBlock;
  Rng rng(seed_, block, kSaltOrder);
  static auto const* const kTable = [] {
    auto* table = new std::vector<std::pair<int, int>>;
    for (int i = 0; i < static_cast<int>(kShapes.size()); ++i) {
      table->emplace_back(i, kShapes[static_cast<std::size_t>(i)].weight);
    }
    return table;
  }();
  auto const& shape = kShapes[static_cast<std::size_t>(rng.Weighted(*kTable))];
  std::int64_t first = block * kBlock;
  for (int size : shape.sizes) {
    if (size == 0) break;
    if (index < first + size) {
      auto end = std::min<std::int64_t>(first + size, count_);
      return {first, static_cast<int>(end - first)};
    }
    first += size;
  }
  return {index, 1};
}

std::optional<std::pair<std::int64_t, int>> Generator::OrderAt(
    std::int64_t first_index, std::int64_t total) const {
  if (first_index < 0 || first_index >= total) return std::nullopt;
  if (first_index >= count_)
    return std::pair<std::int64_t, int>{first_index, 1};
  auto order = OrderOf(first_index);
  if (order.first != first_index) return std::nullopt;
  return order;
}

std::string Generator::ReturnIdOf(std::int64_t index) {
  return std::to_string(kReturnIdBase + index);
}

std::optional<std::int64_t> Generator::IndexOfReturnId(std::string_view id) {
  auto v = ParseDigits(id);
  if (!v || *v < kReturnIdBase) return std::nullopt;
  return *v - kReturnIdBase;
}

std::string Generator::OrderIdOf(std::int64_t first_index) {
  // "12-11111-22222" like the fixtures: 10 digits of the first index.
  auto n = first_index + 1;
  return "12-" + Pad((n / 100000) % 100000, 5) + "-" + Pad(n % 100000, 5);
}

std::optional<std::int64_t> Generator::FirstIndexOfOrderId(
    std::string_view id) {
  if (id.size() != 14 || id.substr(0, 3) != "12-" || id[8] != '-') {
    return std::nullopt;
  }
  auto hi = ParseDigits(id.substr(3, 5));
  auto lo = ParseDigits(id.substr(9, 5));
  if (!hi || !lo) return std::nullopt;
  auto n = *hi * 100000 + *lo;
  if (n < 1) return std::nullopt;
  return n - 1;
}

GeneratedReturn Generator::Make(std::int64_t index,
                                std::optional<Instant> created) const {
  GeneratedReturn r;
  r.index = index;
  r.return_id = ReturnIdOf(index);
  r.item_id = std::to_string(kItemIdBase + index);
  r.transaction_id = std::to_string(kTransactionIdBase + index);
  bool runtime = index >= count_;
  auto [first, size] =
      runtime ? std::pair<std::int64_t, int>{index, 1} : OrderOf(index);
  (void)size;
  r.order_first_index = first;
  r.order_id = OrderIdOf(first);
  r.created = runtime ? created.value_or(now_) : CreatedAt(index);

  // The buyer and the order's dates belong to the order: derived from its
  // first return.
  Rng order_rng(seed_, first, kSaltBuyer);
  static auto const* const kBuyers = [] {
    auto* table = new std::vector<std::pair<BuyerLocation const*, int>>;
    for (auto const& b : BuyerLocations()) table->emplace_back(&b, b.weight);
    return table;
  }();
  r.buyer = order_rng.Weighted(*kBuyers);
  r.buyer_login = std::string(kBuyerInitials[static_cast<std::size_t>(
                      order_rng.Uniform(kBuyerInitials.size()))]) +
                  "***" + static_cast<char>('a' + order_rng.Uniform(26));
  Instant first_created =
      runtime ? r.created : (first == index ? r.created : CreatedAt(first));
  r.order_created = first_created - days(8 + order_rng.Uniform(15)) -
                    minutes(order_rng.Uniform(24 * 60));
  r.ship_by = std::chrono::floor<days>(r.order_created) + days(2) - seconds(1);
  r.min_delivery =
      std::chrono::floor<days>(r.order_created) + days(4) + hours(8);
  r.max_delivery = r.min_delivery + days(2 + order_rng.Uniform(3));
  std::int64_t shipping_usd =
      order_rng.Uniform(3) == 0 ? 0 : 499 + 100 * order_rng.Uniform(10);

  Rng item_rng(seed_, index, kSaltItem);
  auto const& product =
      kProducts[static_cast<std::size_t>(item_rng.Uniform(kProducts.size()))];
  r.title = product.title;
  r.unit_price = Convert(product.usd_cents, "USD", seller_currency_);
  // Round prices to .99 in the seller's currency where it has cents.
  if (CurrencyScale(seller_currency_) == 2) {
    r.unit_price = (r.unit_price / 100) * 100 + 99;
  }
  auto q = item_rng.Uniform(10);
  r.quantity = q < 7 ? 1 : (q < 9 ? 2 : 3);
  // Shipping is charged on the order's first line only.
  r.shipping =
      first == index ? Convert(shipping_usd, "USD", seller_currency_) : 0;
  auto const& reason =
      kReasons[static_cast<std::size_t>(item_rng.Uniform(kReasons.size()))];
  r.reason = reason.reason;
  r.comment = reason.comment;

  // State and a consistent response history.
  int pick = runtime ? 0 : PickState(index, r.created);
  auto age = now_ - r.created;
  auto step =
      std::min<seconds>(days(2), std::chrono::duration_cast<seconds>(age) / 6);
  Instant at = r.created;
  auto add = [&](std::string_view author, std::string_view activity,
                 std::optional<State> from, State to) {
    HistoryEntry e;
    e.author = author;
    e.activity = activity;
    e.from_initial = !from.has_value();
    e.from = from.value_or(State::kReturnRequested);
    e.to = to;
    e.at = at;
    r.history.push_back(std::move(e));
    at += step;
  };
  add("BUYER", "BUYER_CREATE_RETURN", std::nullopt, State::kReturnRequested);
  State s = State::kReturnRequested;
  auto go = [&](std::string_view author, std::string_view activity, State to) {
    add(author, activity, s, to);
    s = to;
  };
  auto through_delivery = [&] {
    go("SELLER", "SELLER_APPROVE_REQUEST", State::kItemReadyToShip);
    go("BUYER", "BUYER_SHIP_ITEM", State::kItemShipped);
    go("SYSTEM", "ITEM_DELIVERED", State::kItemDelivered);
  };
  switch (pick) {
    case 0:
      break;
    case 1:
      go("SELLER", "SELLER_APPROVE_REQUEST", State::kItemReadyToShip);
      break;
    case 2:
      go("SELLER", "SELLER_APPROVE_REQUEST", State::kItemReadyToShip);
      go("BUYER", "BUYER_SHIP_ITEM", State::kItemShipped);
      break;
    case 3:
      through_delivery();
      break;
    case 4:
      go("SELLER", "SELLER_DECLINE_REQUEST", State::kReturnRejected);
      break;
    case 5:
      r.prior_partial_offer = r.EstimatedRefund() / 2;
      go("SELLER", "SELLER_OFFER_PARTIAL_REFUND",
         State::kPartialRefundRequested);
      break;
    case 6:
      through_delivery();
      r.prior_refund = r.EstimatedRefund();
      r.prior_refund_at = at;
      go("SELLER", "SELLER_ISSUE_REFUND", State::kRefundInitiated);
      break;
    case 7:
      through_delivery();
      r.prior_refund = r.EstimatedRefund() * 8 / 10;  // partial refund
      r.prior_refund_at = at;
      go("SELLER", "SELLER_ISSUE_REFUND", State::kLessThanFullRefundIssued);
      break;
    case 8:
      through_delivery();
      r.prior_refund = r.EstimatedRefund();
      r.prior_refund_at = at;
      go("SELLER", "SELLER_ISSUE_REFUND", State::kRefundInitiated);
      go("SYSTEM", "SYSTEM_CLOSE_RETURN", State::kClosed);
      r.close_reason = "REFUND_ISSUED";
      break;
    case 9:
      go("BUYER", "BUYER_CLOSE_RETURN", State::kClosed);
      r.close_reason = "BUYER_CANCELLED";
      r.buyer_close_reason = "NO_LONGER_NEED_ITEM";
      break;
    default:
      break;
  }
  r.state = s;
  return r;
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
