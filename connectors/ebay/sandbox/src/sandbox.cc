#include "sanbao/ebay/sandbox.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

#include "generator.h"
#include "internal/crypto.h"
#include "json_writer.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

namespace json = boost::json;
using internal::BuyerLocation;
using internal::CurrencyScale;
using internal::DecimalText;
using internal::FormatEbayTime;
using internal::GeneratedReturn;
using internal::Generator;
using internal::HistoryEntry;
using internal::JsonWriter;
using internal::NumberText;
using internal::ParseEbayTime;
using internal::SellerProfile;
using internal::State;
using internal::StateFromName;
using internal::StateName;
using internal::StatusName;
using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// Post-Order error ids. 21917053/21916984 are the IAF token ids known to
// npm:ebay-api@9.6.0 dist/errors/index.js; 1617 follows the fixture
// error_invalid_state.json; 2001 rate_limited_429.json; 1001 and 2003 are
// the generic eBay REST "invalid access token" and "internal error" ids
// (https://developer.ebay.com/api-docs/static/handling-error-messages.html).
// The other ids are the sandbox's own, stable, and illustrative.
constexpr int kErrIafExpired = 21917053;
constexpr int kErrIafInvalid = 21916984;
constexpr int kErrInvalidState = 1617;
constexpr int kErrInvalidInput = 1616;
constexpr int kErrDateRange = 1619;
constexpr int kErrAmount = 1620;
constexpr int kErrNotFound = 1603;
constexpr int kErrSignature = 215120;
constexpr int kErrRateLimited = 2001;
constexpr int kErrInternal = 2003;
constexpr int kErrRestInvalidToken = 1001;

constexpr std::string_view kSoapNs =
    "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kEblNs = "urn:ebay:apis:eBLBaseComponents";

using Params = std::vector<std::pair<std::string, std::string>>;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (c == '+' && plus_is_space) ? ' ' : c;
  }
  return out;
}

Params ParseQuery(std::string_view query) {
  Params params;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{}
                                          : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string key = PercentDecode(part.substr(0, eq), true);
    std::string value = eq == std::string_view::npos
                            ? std::string{}
                            : PercentDecode(part.substr(eq + 1), true);
    params.emplace_back(std::move(key), std::move(value));
  }
  return params;
}

std::optional<std::string> Param(Params const& params, std::string_view key) {
  for (auto const& [k, v] : params) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    parts.push_back(PercentDecode(path.substr(0, slash), false));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return parts;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

/// {"error":[{...}]}: the Post-Order ErrorMessage type (davidtsadler/
/// ebay-sdk-php src/PostOrder/Types/ErrorMessage.php,
/// https://github.com/davidtsadler/ebay-sdk-php; eBay's "Error Response",
/// https://developer.ebay.com/Devzone/post-order/ErrorResponse.html).
HttpResponse PostOrderError(int status, int error_id, std::string_view domain,
                            std::string_view message, Params const& params = {},
                            std::string_view category = "REQUEST") {
  JsonWriter w;
  w.BeginObject().Key("error").BeginArray().BeginObject();
  w.Key("errorId").Int(error_id);
  w.Key("domain").String(domain);
  w.Key("severity").String("ERROR");
  w.Key("category").String(category);
  w.Key("message").String(message);
  if (!params.empty()) {
    w.Key("parameter").BeginArray();
    for (auto const& [name, value] : params) {
      w.BeginObject().Key("name").String(name).Key("value").String(value);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject().EndArray().EndObject();
  return JsonResponse(status, w.Take());
}

/// {"errors":[{...}]}: the newer REST error shape.
HttpResponse RestError(int status, int error_id, std::string_view domain,
                       std::string_view category, std::string_view message,
                       std::string_view long_message = {}) {
  JsonWriter w;
  w.BeginObject().Key("errors").BeginArray().BeginObject();
  w.Key("errorId").Int(error_id);
  w.Key("domain").String(domain);
  w.Key("category").String(category);
  w.Key("message").String(message);
  if (!long_message.empty()) w.Key("longMessage").String(long_message);
  w.EndObject().EndArray().EndObject();
  return JsonResponse(status, w.Take());
}

HttpResponse OAuthError(int status, std::string_view error,
                        std::string_view description) {
  JsonWriter w;
  w.BeginObject().Key("error").String(error);
  w.Key("error_description").String(description).EndObject();
  return JsonResponse(status, w.Take());
}

HttpResponse InvalidInput(std::string_view message, std::string_view name,
                          std::string_view value) {
  return PostOrderError(400, kErrInvalidInput, "returnErrorDomain", message,
                        {{std::string(name), std::string(value)}});
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

/// Money from a JSON number or string, in minor units of `scale` digits.
std::optional<std::int64_t> AmountMinor(json::value const& v, int scale) {
  std::string text;
  if (v.is_string()) {
    text = std::string(v.get_string());
  } else if (v.is_double()) {
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double(),
                                 std::chars_format::fixed);
    if (ec != std::errc()) return std::nullopt;
    text.assign(buf, p);
  } else if (v.is_int64()) {
    text = std::to_string(v.get_int64());
  } else if (v.is_uint64()) {
    text = std::to_string(v.get_uint64());
  } else {
    return std::nullopt;
  }
  // "43.1", "43.10", "43": digits with at most `scale` significant decimals
  // (trailing zeros beyond the scale are tolerated).
  if (text.empty() || text[0] == '-' || text[0] == '+') return std::nullopt;
  auto dot = text.find('.');
  std::string whole = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  while (static_cast<int>(frac.size()) > scale && frac.back() == '0') {
    frac.pop_back();
  }
  if (static_cast<int>(frac.size()) > scale || whole.empty()) {
    return std::nullopt;
  }
  frac.append(static_cast<std::size_t>(scale) - frac.size(), '0');
  auto w = ParseInt(whole);
  auto f = frac.empty() ? std::optional<std::int64_t>(0) : ParseInt(frac);
  if (!w || !f || *w < 0 || *w > 1'000'000'000'000) return std::nullopt;
  std::int64_t pow = 1;
  for (int i = 0; i < scale; ++i) pow *= 10;
  return *w * pow + *f;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Touched {
  std::vector<HistoryEntry> history{};
  bool received = false;
  std::string rma{};
  std::int64_t partial_offer = -1;
  int refunds = 0;  ///< successful refund calls through the API
  std::int64_t refund = 0;
  Instant refund_at{};
  bool refund_pending = false;
  int refund_reads = 0;
  std::string close_reason{};
};

/// What reads show of a return while a write is not yet visible.
struct Stale {
  State state = State::kReturnRequested;
  Touched touched{};
  Instant visible_at{};
};

struct Token {
  bool user = true;
  Instant expires{};
};

enum class Endpoint {
  kToken,
  kSearch,
  kGetReturn,
  kDecide,
  kMarkReceived,
  kIssueRefund,
  kMarkRefundSent,
  kGetOrder,
  kRateLimit,
  kNotFound,
};

std::string_view EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kToken:
      return "token";
    case Endpoint::kSearch:
      return "search";
    case Endpoint::kGetReturn:
      return "get_return";
    case Endpoint::kDecide:
      return "decide";
    case Endpoint::kMarkReceived:
      return "mark_as_received";
    case Endpoint::kIssueRefund:
      return "issue_refund";
    case Endpoint::kMarkRefundSent:
      return "mark_refund_sent";
    case Endpoint::kGetOrder:
      return "get_order";
    case Endpoint::kRateLimit:
      return "rate_limit";
    case Endpoint::kNotFound:
      return "not_found";
  }
  return "not_found";
}

bool IsWrite(Endpoint e) {
  return e == Endpoint::kDecide || e == Endpoint::kMarkReceived ||
         e == Endpoint::kIssueRefund || e == Endpoint::kMarkRefundSent;
}

/// States from which the seller may still refund.
bool Refundable(State s) {
  return s == State::kReturnRequested || s == State::kItemReadyToShip ||
         s == State::kItemShipped || s == State::kItemDelivered ||
         s == State::kPartialRefundRequested;
}

bool IsOpen(State s) { return s != State::kClosed; }

bool SellerActionDue(State s) {
  return s == State::kReturnRequested || s == State::kItemShipped ||
         s == State::kItemDelivered;
}

}  // namespace

class EbaySandbox::Impl {
 public:
  explicit Impl(EbaySandboxOptions options, SellerProfile seller, Instant now0)
      : options_(std::move(options)),
        seller_(seller),
        now0_(now0),
        gen_(options_.seed, options_.returns, now0, seller.currency),
        states_(static_cast<std::size_t>(options_.returns)),
        fault_rng_(options_.seed * 0x9E3779B97F4A7C15ULL + 7) {
    for (std::int64_t i = 0; i < options_.returns; ++i) {
      states_[static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(InitialState(i));
    }
    fail_rate_ = options_.fail_rate;
    latency_ = options_.latency;
    quota_ = options_.daily_quota;
    settle_reads_ = options_.refund_settle_reads;
    settle_delay_ = options_.refund_settle_delay;
    visibility_delay_ = options_.visibility_delay;
    webhook_duplicate_ = options_.webhook_duplicate;
    if (!options_.webhook_url.empty()) {
      notifier_ = std::thread([this] { NotifierLoop(); });
    }
  }

  ~Impl() {
    {
      std::lock_guard lock(hook_mu_);
      stop_ = true;
    }
    hook_cv_.notify_all();
    if (notifier_.joinable()) notifier_.join();
  }

  HttpResponse Handle(ServerRequest const& request);
  EbaySandboxStats Stats() const;
  EbaySandboxStats LockedStats() const {
    std::lock_guard lock(mu_);
    return Stats();
  }
  void FlushWebhooks();

  EbaySandboxOptions options_;
  SellerProfile seller_;

 private:
  // ---- clock, data ---------------------------------------------------------
  Instant Now() const {
    auto base =
        options_.clock
            ? options_.clock()
            : std::chrono::floor<seconds>(std::chrono::system_clock::now());
    return base + clock_advance_;
  }
  void Sleep(milliseconds ms) const {
    if (ms <= milliseconds(0)) return;
    if (options_.sleeper) {
      options_.sleeper(ms);
    } else {
      std::this_thread::sleep_for(ms);
    }
  }

  std::int64_t Total() const {
    return static_cast<std::int64_t>(states_.size());
  }
  State InitialState(std::int64_t index) const {
    return gen_.InitialState(index);
  }
  State StateOf(std::int64_t index) const {
    return static_cast<State>(states_[static_cast<std::size_t>(index)]);
  }
  Instant CreatedAt(std::int64_t index) const {
    if (index < gen_.count()) return gen_.CreatedAt(index);
    return runtime_created_[static_cast<std::size_t>(index - gen_.count())];
  }
  GeneratedReturn Load(std::int64_t index) const {
    if (index < gen_.count()) return gen_.Make(index);
    return gen_.Make(index, CreatedAt(index));
  }
  Touched const* FindTouched(std::int64_t index) const {
    auto it = touched_.find(index);
    return it == touched_.end() ? nullptr : &it->second;
  }
  std::int64_t FirstIndexAtOrAfter(Instant t) const {
    std::int64_t lo = 0, hi = Total();
    while (lo < hi) {
      auto mid = lo + (hi - lo) / 2;
      if (CreatedAt(mid) < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // ---- wire writers --------------------------------------------------------
  void WriteDate(JsonWriter& w, Instant t) const {
    auto text = FormatEbayTime(t);
    w.BeginObject().Key("value").String(text);
    w.Key("formattedValue").String(text).EndObject();
  }
  /// A Post-Order Amount: value in the seller's currency, convertedFrom* the
  /// buyer's when the buyer paid in another currency.
  void WriteAmount(JsonWriter& w, std::int64_t minor,
                   BuyerLocation const& buyer) const {
    std::string_view cur = seller_.currency;
    w.BeginObject();
    w.Key("value").RawNumber(NumberText(minor, CurrencyScale(cur)));
    w.Key("currency").String(cur);
    if (buyer.currency != cur) {
      auto from = internal::Convert(minor, cur, buyer.currency);
      w.Key("convertedFromValue")
          .RawNumber(NumberText(from, CurrencyScale(buyer.currency)));
      w.Key("convertedFromCurrency").String(buyer.currency);
    }
    w.EndObject();
  }
  /// Fulfillment Amount: value is a string.
  void WriteOrderAmount(JsonWriter& w, std::int64_t minor,
                        BuyerLocation const& buyer, bool converted) const {
    std::string_view cur = seller_.currency;
    w.BeginObject();
    w.Key("value").String(DecimalText(minor, CurrencyScale(cur)));
    w.Key("currency").String(cur);
    if (converted && buyer.currency != cur) {
      auto from = internal::Convert(minor, cur, buyer.currency);
      w.Key("convertedFromValue")
          .String(DecimalText(from, CurrencyScale(buyer.currency)));
      w.Key("convertedFromCurrency").String(buyer.currency);
    }
    w.EndObject();
  }

  struct View {
    GeneratedReturn gen;
    Touched const* touched = nullptr;
    State state = State::kReturnRequested;

    std::int64_t Refund() const {
      return touched && touched->refunds > 0 ? touched->refund
                                             : gen.prior_refund;
    }
    Instant RefundAt() const {
      return touched && touched->refunds > 0 ? touched->refund_at
                                             : gen.prior_refund_at;
    }
    bool RefundPending() const {
      return touched && touched->refunds > 0 && touched->refund_pending;
    }
    std::int64_t PartialOffer() const {
      return touched && touched->partial_offer >= 0 ? touched->partial_offer
                                                    : gen.prior_partial_offer;
    }
    Instant LastChange() const {
      if (touched && !touched->history.empty()) {
        return touched->history.back().at;
      }
      return gen.history.back().at;
    }
  };
  View ViewOf(std::int64_t index) const {
    if (auto it = stale_.find(index); it != stale_.end()) {
      return View{Load(index), &it->second.touched, it->second.state};
    }
    return View{Load(index), FindTouched(index), StateOf(index)};
  }
  /// The state reads show (a write may not be visible yet).
  State VisibleState(std::int64_t index) const {
    if (!stale_.empty()) {
      if (auto it = stale_.find(index); it != stale_.end()) {
        return it->second.state;
      }
    }
    return StateOf(index);
  }
  void ExpireStale() {
    Instant now = Now();
    std::erase_if(stale_,
                  [&](auto const& e) { return e.second.visible_at <= now; });
  }

  void WriteSummary(JsonWriter& w, View const& v) const {
    auto const& g = v.gen;
    auto const& buyer = *g.buyer;
    w.BeginObject();
    w.Key("returnId").String(g.return_id);
    w.Key("orderId").String(g.order_id);
    w.Key("buyerLoginName").String(g.buyer_login);
    w.Key("sellerLoginName").String(options_.seller_login);
    w.Key("currentType").String("MONEY_BACK");
    w.Key("state").String(StateName(v.state));
    w.Key("status").String(StatusName(v.state));
    w.Key("creationInfo").BeginObject();
    w.Key("item").BeginObject();
    w.Key("itemId").String(g.item_id);
    w.Key("transactionId").String(g.transaction_id);
    w.Key("returnQuantity").Int(g.quantity);
    w.EndObject();
    w.Key("type").String("MONEY_BACK");
    w.Key("reason").String(g.reason);
    w.Key("comments").BeginObject().Key("content").String(g.comment);
    w.EndObject();
    w.Key("creationDate");
    WriteDate(w, g.created);
    w.EndObject();
    for (auto key : {"sellerTotalRefund", "buyerTotalRefund"}) {
      w.Key(key).BeginObject();
      w.Key("estimatedRefundAmount");
      WriteAmount(w, g.EstimatedRefund(), buyer);
      if (v.Refund() > 0) {
        w.Key("actualRefundAmount");
        WriteAmount(w, v.Refund(), buyer);
      }
      w.EndObject();
    }
    std::string_view due;
    Instant due_by{};
    switch (v.state) {
      case State::kReturnRequested:
        due = "SELLER_APPROVE_REQUEST";
        due_by = std::chrono::floor<days>(g.created) + days(5) +
                 std::chrono::hours(7);
        break;
      case State::kItemShipped:
        due = "SELLER_MARK_AS_RECEIVED";
        due_by = v.LastChange() + days(7);
        break;
      case State::kItemDelivered:
        due = "SELLER_ISSUE_REFUND";
        due_by = v.LastChange() + days(2);
        break;
      default:
        break;
    }
    if (!due.empty()) {
      w.Key("sellerResponseDue").BeginObject();
      w.Key("activityDue").String(due);
      w.Key("respondByDate");
      WriteDate(w, due_by);
      w.EndObject();
    }
    w.Key("sellerAvailableOptions").BeginArray();
    auto option = [&](std::string_view action) {
      w.BeginObject().Key("actionType").String(action).EndObject();
    };
    switch (v.state) {
      case State::kReturnRequested:
        option("APPROVE");
        option("DECLINE");
        option("OFFER_PARTIAL_REFUND");
        break;
      case State::kItemShipped:
        option("MARK_AS_RECEIVED");
        option("ISSUE_REFUND");
        break;
      case State::kItemDelivered:
        if (!(v.touched && v.touched->received)) option("MARK_AS_RECEIVED");
        option("ISSUE_REFUND");
        break;
      case State::kItemReadyToShip:
      case State::kPartialRefundRequested:
        option("ISSUE_REFUND");
        break;
      default:
        break;
    }
    w.EndArray();
    w.EndObject();
  }

  void WriteHistoryEntry(JsonWriter& w, HistoryEntry const& e) const {
    w.BeginObject();
    w.Key("author").String(e.author);
    w.Key("activity").String(e.activity);
    w.Key("fromState").String(e.from_initial ? "INITIAL" : StateName(e.from));
    w.Key("toState").String(StateName(e.to));
    w.Key("creationDate");
    WriteDate(w, e.at);
    if (!e.notes.empty()) w.Key("notes").String(e.notes);
    w.EndObject();
  }

  void WriteDetail(JsonWriter& w, View const& v) const {
    auto const& g = v.gen;
    auto const& buyer = *g.buyer;
    w.BeginObject();
    w.Key("marketplaceId").String(buyer.marketplace);
    if (v.touched && !v.touched->rma.empty()) {
      w.Key("RMANumber").String(v.touched->rma);
    } else {
      w.Key("RMANumber").Null();
    }
    w.Key("itemDetail").BeginObject();
    w.Key("itemId").String(g.item_id);
    w.Key("transactionId").String(g.transaction_id);
    w.Key("returnQuantity").Int(g.quantity);
    w.Key("itemTitle").String(g.title);
    w.Key("itemPrice");
    WriteAmount(w, g.unit_price, buyer);
    w.EndObject();

    w.Key("refundInfo").BeginObject();
    w.Key("estimatedRefundDetail").BeginObject();
    w.Key("itemizedRefundDetails").BeginArray();
    w.BeginObject().Key("refundFeeType").String("PURCHASE_PRICE");
    w.Key("estimatedAmount");
    WriteAmount(w, g.ItemTotal(), buyer);
    w.EndObject();
    if (g.shipping > 0) {
      w.BeginObject().Key("refundFeeType").String("ORIGINAL_SHIPPING");
      w.Key("estimatedAmount");
      WriteAmount(w, g.shipping, buyer);
      w.EndObject();
    }
    w.EndArray().EndObject();
    std::int64_t refund = v.Refund();
    std::string_view refund_status = v.RefundPending() ? "PENDING" : "SUCCESS";
    if (refund > 0) {
      w.Key("actualRefundDetail").BeginObject();
      w.Key("actualRefund").BeginObject();
      w.Key("totalAmount");
      WriteAmount(w, refund, buyer);
      w.Key("itemizedRefundDetail").BeginArray();
      w.BeginObject().Key("refundFeeType").String("PURCHASE_PRICE");
      w.Key("refundAmount");
      WriteAmount(w, refund, buyer);
      w.EndObject().EndArray();
      w.EndObject();
      w.Key("refundStatus").String(refund_status);
      w.Key("refundIssuedDate");
      WriteDate(w, v.RefundAt());
      w.Key("refundInitiationType").String("SELLER_INITIATED");
      w.EndObject();
    }
    w.EndObject();

    if (refund > 0) {
      w.Key("moneyMovementInfo").BeginArray().BeginObject();
      w.Key("moneyMovementType").String("REFUND");
      w.Key("status").String(refund_status);
      w.Key("requestedAmount");
      WriteAmount(w, refund, buyer);
      w.Key("actualAmount");
      WriteAmount(w, refund, buyer);
      w.Key("paymentProvider").String("EBAY_PAYMENTS");
      w.Key("creationDate");
      WriteDate(w, v.RefundAt());
      w.EndObject().EndArray();
    }

    w.Key("responseHistory").BeginArray();
    for (auto const& e : g.history) WriteHistoryEntry(w, e);
    if (v.touched) {
      for (auto const& e : v.touched->history) WriteHistoryEntry(w, e);
    }
    w.EndArray();

    w.Key("returnShipmentInfo").BeginObject();
    w.Key("payee").String("SELLER");
    bool shipped = false;
    Instant shipped_at{};
    auto scan = [&](std::vector<HistoryEntry> const& h) {
      for (auto const& e : h) {
        if (e.to == State::kItemShipped) {
          shipped = true;
          shipped_at = e.at;
        }
      }
    };
    scan(g.history);
    if (v.touched) scan(v.touched->history);
    if (shipped) {
      w.Key("shipmentTracking").BeginObject();
      w.Key("carrierEnum").String(buyer.country == "US" ? "USPS" : "OTHER");
      w.Key("trackingNumber")
          .String("SBX" + std::to_string(9400000000 + g.index));
      w.Key("shippedDate");
      WriteDate(w, shipped_at);
      w.EndObject();
    } else {
      w.Key("shipmentTracking").Null();
    }
    w.EndObject();

    if (v.state == State::kClosed) {
      w.Key("closeInfo").BeginObject();
      std::string_view reason = g.close_reason;
      if (v.touched && !v.touched->close_reason.empty()) {
        reason = v.touched->close_reason;
      }
      w.Key("returnCloseReason").String(reason);
      if (!g.buyer_close_reason.empty()) {
        w.Key("buyerCloseReason").String(g.buyer_close_reason);
      }
      w.EndObject();
    }

    w.Key("buyerAddress").BeginObject().Key("address").BeginObject();
    w.Key("city").String(buyer.city);
    w.Key("country").String(buyer.country);
    w.Key("postalCode").String(buyer.postal_code);
    if (!buyer.state.empty()) w.Key("stateOrProvince").String(buyer.state);
    w.EndObject().EndObject();
    w.Key("sellerAddress").BeginObject().Key("address").BeginObject();
    w.Key("city").String(seller_.city);
    w.Key("country").String(seller_.country);
    w.Key("postalCode").String(seller_.postal_code);
    w.EndObject().EndObject();
    w.EndObject();
  }

  // ---- state changes -------------------------------------------------------
  Touched& Touch(std::int64_t index) { return touched_[index]; }

  void Transition(std::int64_t index, std::string_view author,
                  std::string_view activity, State to, std::string notes = {}) {
    State from = StateOf(index);
    HistoryEntry e;
    e.author = author;
    e.activity = activity;
    e.from = from;
    e.to = to;
    e.at = Now();
    e.notes = std::move(notes);
    Touch(index).history.push_back(std::move(e));
    states_[static_cast<std::size_t>(index)] = static_cast<std::uint8_t>(to);
    Notify(index, to);
  }

  void SettleRefunds(std::optional<std::int64_t> read_index) {
    if (pending_refunds_.empty()) return;
    Instant now = Now();
    for (auto it = pending_refunds_.begin(); it != pending_refunds_.end();) {
      auto index = *it;
      Touched& t = touched_[index];
      if (read_index && *read_index == index) ++t.refund_reads;
      bool settle =
          t.refund_reads >= settle_reads_ || now - t.refund_at >= settle_delay_;
      if (settle) {
        t.refund_pending = false;
        t.close_reason = "REFUND_ISSUED";
        Transition(index, "SYSTEM", "SYSTEM_CLOSE_RETURN", State::kClosed);
        it = pending_refunds_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // ---- notifications -------------------------------------------------------
  void Notify(std::int64_t index, State to) {
    if (options_.webhook_url.empty()) return;
    std::string_view event;
    switch (to) {
      case State::kReturnRequested:
        event = "ReturnCreated";
        break;
      case State::kItemShipped:
        event = "ReturnShipped";
        break;
      case State::kItemDelivered:
        event = "ReturnDelivered";
        break;
      case State::kClosed:
        event = "ReturnClosed";
        break;
      default:
        return;  // no Platform Notification event for this change
    }
    auto g = Load(index);
    std::string ts = FormatEbayTime(Now());
    std::string signature = Base64Encode(Md5(
        ts + options_.dev_id + options_.client_id + options_.client_secret));
    std::string body;
    body += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    body +=
        "<soapenv:Envelope xmlns:soapenv=\"" + std::string(kSoapNs) + "\">\n";
    body += "  <soapenv:Header>\n";
    body +=
        "    <ebl:RequesterCredentials soapenv:mustUnderstand=\"0\" "
        "xmlns:ebl=\"" +
        std::string(kEblNs) + "\">\n";
    body += "      <ebl:NotificationSignature xmlns:ebl=\"" +
            std::string(kEblNs) + "\">" + signature +
            "</ebl:NotificationSignature>\n";
    body += "    </ebl:RequesterCredentials>\n";
    body += "  </soapenv:Header>\n";
    body += "  <soapenv:Body>\n";
    body += "    <NotificationEvent>\n";
    body += "      <Timestamp>" + ts + "</Timestamp>\n";
    body += "      <NotificationEventName>" + std::string(event) +
            "</NotificationEventName>\n";
    body += "      <RecipientUserID>" + XmlEscape(options_.seller_login) +
            "</RecipientUserID>\n";
    body += "      <ExternalUserData>" +
            XmlEscape(options_.webhook_external_user_data) +
            "</ExternalUserData>\n";
    body += "      <ReturnId>" + g.return_id + "</ReturnId>\n";
    body += "      <CreationDate>" + FormatEbayTime(g.created) +
            "</CreationDate>\n";
    body +=
        "      <OtherPartyId>" + XmlEscape(g.buyer_login) + "</OtherPartyId>\n";
    body += "      <OtherPartyRole>BUYER</OtherPartyRole>\n";
    body += "      <ReturnStatus>" + std::string(StateName(to)) +
            "</ReturnStatus>\n";
    body += "    </NotificationEvent>\n";
    body += "  </soapenv:Body>\n";
    body += "</soapenv:Envelope>\n";
    HttpRequest req;
    req.method = "POST";
    req.url = options_.webhook_url;
    req.headers.push_back({"Content-Type", "text/xml; charset=utf-8"});
    req.headers.push_back(
        {"SOAPAction", "\"http://developer.ebay.com/notification/" +
                           std::string(event) + "\""});
    req.body = std::move(body);
    req.timeout = milliseconds(10000);
    {
      std::lock_guard lock(hook_mu_);
      int copies = webhook_duplicate_ ? 2 : 1;
      for (int i = 0; i < copies; ++i) hook_queue_.push_back(req);
    }
    hook_cv_.notify_all();
  }

  void NotifierLoop() {
    std::unique_lock lock(hook_mu_);
    while (true) {
      hook_cv_.wait(lock, [&] { return stop_ || !hook_queue_.empty(); });
      if (stop_) return;
      HttpRequest req = std::move(hook_queue_.front());
      hook_queue_.pop_front();
      ++hook_in_flight_;
      auto backoff = options_.webhook_initial_backoff;
      bool delivered = false;
      for (int attempt = 1; attempt <= options_.webhook_max_attempts;
           ++attempt) {
        lock.unlock();
        auto response = options_.webhook_transport->Send(req);
        lock.lock();
        if (response.ok() && response->status == 200) {
          delivered = true;
          break;
        }
        if (attempt == options_.webhook_max_attempts) break;
        if (hook_cv_.wait_for(lock, backoff, [&] { return stop_; })) return;
        backoff = std::min<milliseconds>(backoff * 2, milliseconds(30000));
      }
      if (delivered) {
        ++webhooks_delivered_;
      } else {
        ++webhooks_failed_;
      }
      --hook_in_flight_;
      hook_cv_.notify_all();
    }
  }

  // ---- request handling ----------------------------------------------------
  HttpResponse HandleControl(ServerRequest const& request,
                             std::vector<std::string> const& parts);
  HttpResponse HandleToken(ServerRequest const& request);
  HttpResponse HandleSearch(Params const& params);
  HttpResponse HandleGetReturn(std::int64_t index, Params const& params);
  HttpResponse HandleDecide(std::int64_t index, json::object const& body);
  HttpResponse HandleMarkReceived(std::int64_t index);
  HttpResponse HandleIssueRefund(std::int64_t index, json::object const& body,
                                 bool mark_sent);
  HttpResponse HandleGetOrder(std::string const& order_id);
  HttpResponse HandleRateLimit();
  std::optional<HttpResponse> CheckAuth(ServerRequest const& request,
                                        Endpoint endpoint);
  std::optional<HttpResponse> CheckSignature(ServerRequest const& request);
  std::optional<HttpResponse> CheckQuotaAndFaults(Endpoint endpoint);
  HttpResponse InvalidState(std::int64_t index) const {
    return PostOrderError(
        400, kErrInvalidState, "returnErrorDomain",
        "The requested action is not allowed in the current return state.",
        {{"returnId", Generator::ReturnIdOf(index)},
         {"state", std::string(StateName(StateOf(index)))}});
  }
  std::string IssueToken(bool user) {
    ++tokens_issued_;
    std::string token = std::string(user ? "v^1.1#i^1#p^3#r^1#I^3#f^0#t^"
                                         : "v^1.1#i^1#p^1#r^0#I^3#f^0#t^") +
                        "H4sI" + std::to_string(options_.seed) + "x" +
                        std::to_string(tokens_issued_) + "SBX";
    tokens_[token] = Token{user, Now() + options_.token_ttl};
    return token;
  }
  double NextRandom() {
    fault_rng_ ^= fault_rng_ << 13;
    fault_rng_ ^= fault_rng_ >> 7;
    fault_rng_ ^= fault_rng_ << 17;
    return static_cast<double>(fault_rng_ >> 11) / 9007199254740992.0;
  }
  std::int64_t QuotaUsed() {
    auto day = std::chrono::floor<days>(Now());
    if (day != quota_day_) {
      quota_day_ = day;
      quota_used_ = 0;
    }
    return quota_used_;
  }

 public:
  std::string StatsJson();
  HttpResponse Dispatch(ServerRequest const& request,
                        milliseconds& delay_after);

 private:
  Instant now0_;
  Generator gen_;
  mutable std::mutex mu_;
  std::vector<std::uint8_t> states_;
  std::vector<Instant> runtime_created_;
  std::unordered_map<std::int64_t, Touched> touched_;
  std::set<std::int64_t> pending_refunds_;
  std::unordered_map<std::string, Token> tokens_;
  std::uint64_t fault_rng_;

  // knobs
  double fail_rate_ = 0;
  milliseconds latency_{0};
  std::int64_t quota_ = 0;
  std::int64_t quota_used_ = 0;
  std::chrono::sys_days quota_day_{};
  std::int64_t rate_limit_next_ = 0;
  std::int64_t fail_next_ = 0;
  int fail_status_ = 500;
  std::int64_t slow_writes_next_ = 0;
  milliseconds slow_write_{0};
  int settle_reads_ = 2;
  seconds settle_delay_{60};
  seconds clock_advance_{0};
  seconds visibility_delay_{0};
  std::map<std::int64_t, Stale> stale_;
  bool webhook_duplicate_ = false;

  // counters
  std::int64_t refund_calls_ = 0;
  std::int64_t refunds_issued_ = 0;
  std::int64_t decisions_ = 0;
  std::int64_t rate_limited_ = 0;
  std::int64_t faults_injected_ = 0;
  std::int64_t tokens_issued_ = 0;
  std::atomic<std::int64_t> webhooks_delivered_{0};
  std::atomic<std::int64_t> webhooks_failed_{0};
  std::map<std::string, std::int64_t, std::less<>> calls_by_endpoint_;

  // notifications
  std::mutex hook_mu_;
  std::condition_variable hook_cv_;
  std::deque<HttpRequest> hook_queue_;
  int hook_in_flight_ = 0;
  bool stop_ = false;
  std::thread notifier_;
};

HttpResponse EbaySandbox::Impl::Handle(ServerRequest const& request) {
  milliseconds delay_after{0};
  milliseconds latency{0};
  auto path_end = request.target.find('?');
  std::string_view path = std::string_view(request.target).substr(0, path_end);
  bool control = path.starts_with("/sandbox/");
  if (!control) {
    std::lock_guard lock(mu_);
    latency = latency_;
  }
  Sleep(latency);
  HttpResponse response;
  {
    std::lock_guard lock(mu_);
    response = Dispatch(request, delay_after);
  }
  Sleep(delay_after);
  return response;
}

HttpResponse EbaySandbox::Impl::Dispatch(ServerRequest const& request,
                                         milliseconds& delay_after) {
  std::string_view target = request.target;
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  Params params =
      q == std::string_view::npos ? Params{} : ParseQuery(target.substr(q + 1));
  auto parts = SplitPath(path);
  auto const& method = request.method;

  if (parts.size() >= 2 && parts[0] == "sandbox" && parts[1] == "v1") {
    return HandleControl(request, parts);
  }

  // Route.
  Endpoint endpoint = Endpoint::kNotFound;
  std::string id;
  if (parts.size() == 4 && parts[0] == "identity" && parts[1] == "v1" &&
      parts[2] == "oauth2" && parts[3] == "token" && method == "POST") {
    endpoint = Endpoint::kToken;
  } else if (parts.size() >= 4 && parts[0] == "post-order" &&
             parts[1] == "v2" && parts[2] == "return") {
    id = parts[3];
    if (parts.size() == 4 && method == "GET") {
      endpoint = id == "search" ? Endpoint::kSearch : Endpoint::kGetReturn;
    } else if (parts.size() == 5 && method == "POST") {
      if (parts[4] == "decide") endpoint = Endpoint::kDecide;
      if (parts[4] == "mark_as_received") endpoint = Endpoint::kMarkReceived;
      if (parts[4] == "issue_refund") endpoint = Endpoint::kIssueRefund;
      if (parts[4] == "mark_refund_sent") endpoint = Endpoint::kMarkRefundSent;
    }
  } else if (parts.size() == 5 && parts[0] == "sell" &&
             parts[1] == "fulfillment" && parts[2] == "v1" &&
             parts[3] == "order" && method == "GET") {
    endpoint = Endpoint::kGetOrder;
    id = parts[4];
  } else if (parts.size() == 4 && parts[0] == "developer" &&
             parts[1] == "analytics" && parts[2] == "v1_beta" &&
             parts[3] == "rate_limit" && method == "GET") {
    endpoint = Endpoint::kRateLimit;
  }
  ++calls_by_endpoint_[std::string(EndpointName(endpoint))];
  if (endpoint == Endpoint::kNotFound) {
    return RestError(404, 2002, "ACCESS", "REQUEST",
                     "Resource not found: " + std::string(path));
  }
  if (endpoint == Endpoint::kToken) return HandleToken(request);

  if (auto denied = CheckAuth(request, endpoint)) return *denied;
  if (endpoint == Endpoint::kRateLimit) return HandleRateLimit();
  if (auto fault = CheckQuotaAndFaults(endpoint)) return *fault;

  SettleRefunds(std::nullopt);
  ExpireStale();

  if (endpoint == Endpoint::kSearch) return HandleSearch(params);
  if (endpoint == Endpoint::kGetOrder) return HandleGetOrder(id);

  auto index = Generator::IndexOfReturnId(id);
  if (!index || *index >= Total()) {
    return PostOrderError(404, kErrNotFound, "returnErrorDomain",
                          "The return does not exist.", {{"returnId", id}});
  }
  if (endpoint == Endpoint::kGetReturn) {
    return HandleGetReturn(*index, params);
  }

  // Writes: JSON object bodies (mark_as_received may be empty).
  json::object body;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) {
      return InvalidInput("The request body is not a JSON object.", "body",
                          ec ? ec.message() : "not an object");
    }
    body = std::move(parsed.as_object());
  }
  if ((endpoint == Endpoint::kDecide || endpoint == Endpoint::kIssueRefund) &&
      seller_.requires_signatures) {
    if (auto bad = CheckSignature(request)) return *bad;
  }
  // Eventual consistency: reads keep showing the return as it was until
  // the delay has passed.
  bool snapshot = false;
  if (visibility_delay_ > seconds(0) && !stale_.contains(*index)) {
    Stale before;
    before.state = StateOf(*index);
    if (auto const* t = FindTouched(*index)) before.touched = *t;
    before.visible_at = Now() + visibility_delay_;
    stale_.emplace(*index, std::move(before));
    snapshot = true;
  }
  HttpResponse response;
  switch (endpoint) {
    case Endpoint::kDecide:
      response = HandleDecide(*index, body);
      break;
    case Endpoint::kMarkReceived:
      response = HandleMarkReceived(*index);
      break;
    case Endpoint::kIssueRefund:
      response = HandleIssueRefund(*index, body, false);
      break;
    case Endpoint::kMarkRefundSent:
      response = HandleIssueRefund(*index, body, true);
      break;
    default:
      break;
  }
  if (snapshot && response.status != 200) stale_.erase(*index);
  // "Slow response after the write was applied": the change is made, the
  // answer comes late (the client times out and does not know).
  if (response.status == 200 && slow_writes_next_ > 0) {
    --slow_writes_next_;
    ++faults_injected_;
    delay_after = slow_write_;
  }
  return response;
}

std::optional<HttpResponse> EbaySandbox::Impl::CheckAuth(
    ServerRequest const& request, Endpoint endpoint) {
  auto header = FindHeader(request.headers, "Authorization");
  std::string_view value = header.value_or("");
  bool post_order = endpoint == Endpoint::kSearch ||
                    endpoint == Endpoint::kGetReturn || IsWrite(endpoint);
  std::string_view scheme = post_order ? "IAF " : "Bearer ";
  auto invalid = [&]() -> HttpResponse {
    if (post_order) {
      return PostOrderError(401, kErrIafInvalid, "Security",
                            "IAF token supplied is invalid.", {}, "REQUEST");
    }
    return RestError(401, kErrRestInvalidToken, "OAuth", "REQUEST",
                     "Invalid access token",
                     "Invalid access token. Check the value of the "
                     "Authorization HTTP request header.");
  };
  if (value.size() <= scheme.size() ||
      value.substr(0, scheme.size()) != scheme) {
    return invalid();
  }
  auto token = std::string(value.substr(scheme.size()));
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return invalid();
  if (post_order && !it->second.user) return invalid();
  if (Now() >= it->second.expires) {
    if (post_order) {
      return PostOrderError(401, kErrIafExpired, "Security",
                            "IAF token supplied is expired.");
    }
    return invalid();
  }
  return std::nullopt;
}

std::optional<HttpResponse> EbaySandbox::Impl::CheckQuotaAndFaults(
    Endpoint endpoint) {
  (void)endpoint;
  auto rate_limited = [&] {
    ++rate_limited_;
    return RestError(429, kErrRateLimited, "ACCESS", "REQUEST",
                     "Too many requests. The request limit has been reached "
                     "for the resource.");
  };
  if (rate_limit_next_ > 0) {
    --rate_limit_next_;
    ++faults_injected_;
    return rate_limited();
  }
  if (quota_ > 0) {
    if (QuotaUsed() >= quota_) return rate_limited();
  }
  ++quota_used_;
  bool fail = false;
  if (fail_next_ > 0) {
    --fail_next_;
    fail = true;
  } else if (fail_rate_ > 0 && NextRandom() < fail_rate_) {
    fail = true;
  }
  if (fail) {
    ++faults_injected_;
    return RestError(fail_status_, kErrInternal, "API_POSTORDER", "APPLICATION",
                     "There was a problem with an eBay internal system or "
                     "process. Contact eBay developer support for assistance.");
  }
  return std::nullopt;
}

std::optional<HttpResponse> EbaySandbox::Impl::CheckSignature(
    ServerRequest const& request) {
  // EU/UK sellers: Content-Digest, Signature-Input, Signature and
  // x-ebay-signature-key are required on decide and issue_refund
  // ("Digital Signatures for APIs",
  // https://developer.ebay.com/develop/guides/digital-signatures-for-apis).
  // The sandbox verifies the Content-Digest and the presence and coverage of
  // the rest.
  for (auto name : {"Content-Digest", "Signature-Input", "Signature",
                    "x-ebay-signature-key"}) {
    if (!FindHeader(request.headers, name)) {
      return PostOrderError(
          400, kErrSignature, "Security",
          "This API call requires a digital signature for EU/UK sellers; the "
          "header is missing.",
          {{"header", name}});
    }
  }
  auto digest = std::string(*FindHeader(request.headers, "Content-Digest"));
  std::string expected = "sha-256=:" + Base64Encode(Sha256(request.body)) + ":";
  if (digest != expected) {
    return PostOrderError(401, kErrSignature, "Security",
                          "The Content-Digest does not match the body.",
                          {{"Content-Digest", digest}});
  }
  auto input = *FindHeader(request.headers, "Signature-Input");
  if (input.find("\"content-digest\"") == std::string_view::npos ||
      input.find("\"x-ebay-signature-key\"") == std::string_view::npos) {
    return PostOrderError(
        401, kErrSignature, "Security",
        "Signature-Input must cover content-digest and x-ebay-signature-key.",
        {{"Signature-Input", std::string(input)}});
  }
  return std::nullopt;
}

HttpResponse EbaySandbox::Impl::HandleToken(ServerRequest const& request) {
  auto auth = FindHeader(request.headers, "Authorization").value_or("");
  bool authenticated = false;
  if (auth.starts_with("Basic ")) {
    auto decoded = Base64Decode(auth.substr(6));
    authenticated = decoded.ok() && *decoded == options_.client_id + ":" +
                                                    options_.client_secret;
  }
  if (!authenticated) {
    return OAuthError(401, "invalid_client", "client authentication failed");
  }
  auto form = ParseQuery(request.body);
  auto grant = Param(form, "grant_type").value_or("");
  JsonWriter w;
  if (grant == "refresh_token") {
    if (Param(form, "refresh_token").value_or("") != options_.refresh_token) {
      return OAuthError(400, "invalid_grant",
                        "the provided authorization refresh token is invalid "
                        "or was issued to another client");
    }
    w.BeginObject().Key("access_token").String(IssueToken(true));
    w.Key("expires_in").Int(options_.token_ttl.count());
    w.Key("token_type").String("User Access Token").EndObject();
  } else if (grant == "authorization_code") {
    if (Param(form, "code").value_or("").empty()) {
      return OAuthError(400, "invalid_request", "code is missing");
    }
    w.BeginObject().Key("access_token").String(IssueToken(true));
    w.Key("expires_in").Int(options_.token_ttl.count());
    w.Key("refresh_token").String(options_.refresh_token);
    w.Key("refresh_token_expires_in").Int(47304000);
    w.Key("token_type").String("User Access Token").EndObject();
  } else if (grant == "client_credentials") {
    w.BeginObject().Key("access_token").String(IssueToken(false));
    w.Key("expires_in").Int(options_.token_ttl.count());
    w.Key("token_type").String("Application Access Token").EndObject();
  } else {
    return OAuthError(400, "unsupported_grant_type",
                      "grant type in request is not supported by the "
                      "authorization server");
  }
  return JsonResponse(200, w.Take());
}

HttpResponse EbaySandbox::Impl::HandleSearch(Params const& params) {
  // Validation.
  std::int64_t limit = 25;
  std::int64_t offset = 1;
  if (auto l = Param(params, "limit")) {
    auto v = ParseInt(*l);
    if (!v || *v < 1 || *v > 200) {
      return InvalidInput("limit must be between 1 and 200.", "limit", *l);
    }
    limit = *v;
  }
  if (auto o = Param(params, "offset")) {
    auto v = ParseInt(*o);
    if (!v || *v < 1) {
      return InvalidInput("offset is a page number starting at 1.", "offset",
                          *o);
    }
    offset = *v;
  }
  auto role = Param(params, "role").value_or("SELLER");
  if (role != "SELLER" && role != "BUYER") {
    return InvalidInput("role must be BUYER or SELLER.", "role", role);
  }
  bool descending = false;
  if (auto s = Param(params, "sort")) {
    std::string_view sort = *s;
    if (!sort.empty() && (sort[0] == '+' || sort[0] == ' ')) {
      sort.remove_prefix(1);
    } else if (!sort.empty() && sort[0] == '-') {
      descending = true;
      sort.remove_prefix(1);
    }
    if (sort != "FILING_DATE" && sort != "RETURN_ID") {
      return InvalidInput("The sandbox sorts by FILING_DATE or RETURN_ID.",
                          "sort", *s);
    }
  }
  Instant now = Now();
  std::int64_t lo = 0;
  std::int64_t hi = Total();
  std::optional<Instant> from_time;
  if (auto from = Param(params, "creation_date_range_from")) {
    auto t = ParseEbayTime(*from);
    if (!t) {
      return InvalidInput(
          "creation_date_range_from is not an ISO 8601 UTC "
          "timestamp.",
          "creation_date_range_from", *from);
    }
    // 18 months back from today (calendar months).
    auto today = std::chrono::year_month_day{std::chrono::floor<days>(now)};
    auto back = today - std::chrono::months(18);
    if (!back.ok()) {
      back = std::chrono::year_month_day_last(
          back.year(), std::chrono::month_day_last(back.month()));
    }
    if (*t < Instant{std::chrono::sys_days(back)}) {
      return PostOrderError(
          400, kErrDateRange, "returnErrorDomain",
          "creation_date_range_from cannot be more than 18 months in the "
          "past.",
          {{"creation_date_range_from", *from}});
    }
    lo = FirstIndexAtOrAfter(*t);
    from_time = t;
  }
  if (auto to = Param(params, "creation_date_range_to")) {
    auto t = ParseEbayTime(*to);
    if (!t) {
      return InvalidInput(
          "creation_date_range_to is not an ISO 8601 UTC timestamp.",
          "creation_date_range_to", *to);
    }
    hi = FirstIndexAtOrAfter(*t + seconds(1));
    if (from_time && *from_time > *t) {
      return InvalidInput(
          "creation_date_range_to is before creation_date_range_from.",
          "creation_date_range_to", *to);
    }
  }
  // Exact-id filters narrow the range.
  auto narrow = [&](std::int64_t first, std::int64_t count) {
    lo = std::max(lo, first);
    hi = std::min(hi, first + count);
  };
  if (auto rid = Param(params, "return_id")) {
    auto i = Generator::IndexOfReturnId(*rid);
    if (i) {
      narrow(*i, 1);
    } else {
      hi = lo;
    }
  }
  for (auto key : {"item_id", "transaction_id"}) {
    if (auto v = Param(params, key)) {
      auto n = ParseInt(*v);
      std::int64_t base =
          std::string_view(key) == "item_id" ? 186000000001 : 2900000000011;
      if (n && *n >= base) {
        narrow(*n - base, 1);
      } else {
        hi = lo;
      }
    }
  }
  if (auto oid = Param(params, "order_id")) {
    auto first = Generator::FirstIndexOfOrderId(*oid);
    auto order = first ? gen_.OrderAt(*first, Total()) : std::nullopt;
    if (order) {
      narrow(order->first, order->second);
    } else {
      hi = lo;
    }
  }
  if (role == "BUYER") hi = lo;  // the sandbox's user is the seller
  if (hi < lo) hi = lo;

  // State filters.
  std::array<bool, internal::kStateCount> allowed{};
  bool filtered = false;
  std::vector<std::string> state_names;
  for (auto const& [k, v] : params) {
    if (k != "states") continue;
    std::string_view list = v;
    while (!list.empty()) {
      auto comma = list.find(',');
      state_names.emplace_back(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view{}
                                             : list.substr(comma + 1);
    }
  }
  if (!state_names.empty()) {
    filtered = true;
    for (auto const& name : state_names) {
      if (auto s = StateFromName(name)) {
        allowed[static_cast<std::size_t>(*s)] = true;
      }
      // Other ReturnStateEnum values are valid but never occur here.
    }
  }
  std::optional<std::string> count_filter = Param(params, "return_state");
  bool overdue_filter = false;
  if (count_filter) {
    std::array<bool, internal::kStateCount> f{};
    auto set = [&](std::initializer_list<State> states) {
      for (auto s : states) f[static_cast<std::size_t>(s)] = true;
    };
    auto const& c = *count_filter;
    if (c == "ALL_OPEN" || c == "ALL_OPEN_RETURN") {
      for (int i = 0; i < internal::kStateCount; ++i) {
        f[static_cast<std::size_t>(i)] = IsOpen(static_cast<State>(i));
      }
    } else if (c == "CLOSED") {
      set({State::kClosed});
    } else if (c == "ITEM_DELIVERED") {
      set({State::kItemDelivered});
    } else if (c == "ITEM_SHIPPED") {
      set({State::kItemShipped});
    } else if (c == "RETURN_STARTED") {
      set({State::kReturnRequested, State::kItemReadyToShip});
    } else if (c == "SELLER_ACTION_DUE") {
      set({State::kReturnRequested, State::kItemShipped,
           State::kItemDelivered});
    } else if (c == "SELLER_ACTION_OVERDUE") {
      set({State::kReturnRequested});
      overdue_filter = true;
    } else if (c == "SELLER_NO_ACTION") {
      for (int i = 0; i < internal::kStateCount; ++i) {
        auto s = static_cast<State>(i);
        f[static_cast<std::size_t>(i)] = IsOpen(s) && !SellerActionDue(s);
      }
    } else if (c == "ALL_OPEN_REPLACEMENT" || c == "EBAY_PLUS" ||
               c == "UNKNOWN") {
      // no replacements or eBay Plus returns in the sandbox
    } else {
      return InvalidInput("return_state is not a ReturnCountFilterEnum value.",
                          "return_state", c);
    }
    if (filtered) {
      for (std::size_t i = 0; i < f.size(); ++i)
        allowed[i] = allowed[i] && f[i];
    } else {
      allowed = f;
    }
    filtered = true;
  }
  auto matches = [&](std::int64_t i) {
    if (!filtered) return true;
    if (!allowed[static_cast<std::size_t>(VisibleState(i))]) return false;
    if (overdue_filter) {
      auto due = std::chrono::floor<days>(CreatedAt(i)) + days(5) +
                 std::chrono::hours(7);
      return due < now;
    }
    return true;
  };

  // Count and pick the page: ascending walks lo..hi, descending hi..lo.
  std::int64_t skip = (offset - 1) * limit;
  std::vector<std::int64_t> page;
  std::int64_t total = 0;
  std::int64_t open = 0;
  std::int64_t action_due = 0;
  if (!filtered && !descending) {
    total = hi - lo;
    for (std::int64_t i = lo + skip; i < hi && i < lo + skip + limit; ++i) {
      page.push_back(i);
    }
  } else if (!filtered) {
    total = hi - lo;
    for (std::int64_t i = hi - 1 - skip; i >= lo && i > hi - 1 - skip - limit;
         --i) {
      page.push_back(i);
    }
  } else {
    std::int64_t seen = 0;
    for (std::int64_t k = 0; k < hi - lo; ++k) {
      auto i = descending ? hi - 1 - k : lo + k;
      if (!matches(i)) continue;
      if (seen >= skip && seen < skip + limit) page.push_back(i);
      ++seen;
    }
    total = seen;
  }
  for (std::int64_t i = lo; i < hi; ++i) {
    auto s = VisibleState(i);
    if (IsOpen(s)) ++open;
    if (SellerActionDue(s)) ++action_due;
  }

  JsonWriter w;
  w.BeginObject().Key("members").BeginArray();
  for (auto i : page) WriteSummary(w, ViewOf(i));
  w.EndArray();
  w.Key("paginationOutput").BeginObject();
  w.Key("limit").Int(limit);
  w.Key("offset").Int(offset);
  w.Key("totalEntries").Int(total);
  w.Key("totalPages").Int((total + limit - 1) / limit);
  w.EndObject();
  w.Key("total").Int(total);
  w.Key("countSummary").BeginArray();
  w.BeginObject().Key("type").String("ALL_OPEN").Key("count").Int(open);
  w.EndObject();
  w.BeginObject().Key("type").String("SELLER_ACTION_DUE");
  w.Key("count").Int(action_due).EndObject();
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, w.Take());
}

HttpResponse EbaySandbox::Impl::HandleGetReturn(std::int64_t index,
                                                Params const& params) {
  auto groups = Param(params, "fieldgroups").value_or("FULL");
  if (groups != "FULL" && groups != "SUMMARY" && groups != "NONE") {
    return InvalidInput("fieldgroups must be FULL, SUMMARY or NONE.",
                        "fieldgroups", groups);
  }
  SettleRefunds(index);
  auto view = ViewOf(index);
  JsonWriter w;
  w.BeginObject();
  w.Key("summary");
  WriteSummary(w, view);
  if (groups == "FULL") {
    w.Key("detail");
    WriteDetail(w, view);
  }
  w.EndObject();
  return JsonResponse(200, w.Take());
}

HttpResponse EbaySandbox::Impl::HandleDecide(std::int64_t index,
                                             json::object const& body) {
  auto const* decision = body.if_contains("decision");
  if (!decision || !decision->is_string()) {
    return InvalidInput("decision is required.", "decision", "");
  }
  std::string d(decision->get_string());
  State s = StateOf(index);
  auto comments = [&]() -> std::string {
    if (auto const* c = body.if_contains("comments")) {
      if (c->is_object()) {
        if (auto const* content = c->as_object().if_contains("content")) {
          if (content->is_string()) return std::string(content->get_string());
        }
      }
    }
    return {};
  };
  if (d == "APPROVE" || d == "DECLINE" || d == "OFFER_PARTIAL_REFUND" ||
      d == "PROVIDE_RMA") {
    if (s != State::kReturnRequested) return InvalidState(index);
  } else {
    return InvalidInput(
        "The sandbox supports APPROVE, DECLINE, OFFER_PARTIAL_REFUND and "
        "PROVIDE_RMA.",
        "decision", d);
  }
  auto g = Load(index);
  if (d == "APPROVE") {
    Transition(index, "SELLER", "SELLER_APPROVE_REQUEST",
               State::kItemReadyToShip, comments());
  } else if (d == "DECLINE") {
    Transition(index, "SELLER", "SELLER_DECLINE_REQUEST",
               State::kReturnRejected, comments());
  } else if (d == "OFFER_PARTIAL_REFUND") {
    auto const* amount = body.if_contains("partialRefundAmount");
    if (!amount || !amount->is_object()) {
      return InvalidInput("partialRefundAmount is required.",
                          "partialRefundAmount", "");
    }
    auto const& a = amount->as_object();
    auto const* cur = a.if_contains("currency");
    auto const* value = a.if_contains("value");
    if (!cur || !cur->is_string() || cur->get_string() != seller_.currency ||
        !value) {
      return InvalidInput(
          "partialRefundAmount must be in the seller's "
          "currency.",
          "partialRefundAmount.currency",
          cur && cur->is_string() ? std::string(cur->get_string()) : "");
    }
    auto minor = AmountMinor(*value, CurrencyScale(seller_.currency));
    if (!minor || *minor <= 0 || *minor >= g.EstimatedRefund()) {
      return PostOrderError(
          400, kErrAmount, "returnErrorDomain",
          "partialRefundAmount must be more than zero and less than the "
          "refund amount.",
          {{"partialRefundAmount", json::serialize(*value)},
           {"estimatedRefundAmount",
            NumberText(g.EstimatedRefund(), CurrencyScale(seller_.currency))}});
    }
    Touch(index).partial_offer = *minor;
    Transition(index, "SELLER", "SELLER_OFFER_PARTIAL_REFUND",
               State::kPartialRefundRequested, comments());
  } else {  // PROVIDE_RMA
    std::string rma;
    if (auto const* r = body.if_contains("RMANumber"); r && r->is_string()) {
      rma = std::string(r->get_string());
    }
    if (rma.empty()) {
      return InvalidInput("RMANumber is required for PROVIDE_RMA.", "RMANumber",
                          "");
    }
    Touch(index).rma = rma;
    Transition(index, "SELLER", "SELLER_PROVIDE_RMA", State::kItemReadyToShip,
               comments());
  }
  ++decisions_;
  return JsonResponse(200, "{}");
}

HttpResponse EbaySandbox::Impl::HandleMarkReceived(std::int64_t index) {
  State s = StateOf(index);
  Touched const* t = FindTouched(index);
  bool received = t && t->received;
  if ((s != State::kItemShipped && s != State::kItemDelivered) || received) {
    return InvalidState(index);
  }
  Touch(index).received = true;
  Transition(index, "SELLER", "SELLER_MARK_AS_RECEIVED", State::kItemDelivered);
  HttpResponse r;
  r.status = 200;
  return r;
}

HttpResponse EbaySandbox::Impl::HandleIssueRefund(std::int64_t index,
                                                  json::object const& body,
                                                  bool mark_sent) {
  ++refund_calls_;
  State s = StateOf(index);
  if (!Refundable(s)) return InvalidState(index);
  auto g = Load(index);
  int scale = CurrencyScale(seller_.currency);
  auto const* detail = body.if_contains("refundDetail");
  if (!detail || !detail->is_object()) {
    return InvalidInput("refundDetail is required.", "refundDetail", "");
  }
  auto const* total = detail->as_object().if_contains("totalAmount");
  if (!total || !total->is_object() ||
      !total->as_object().if_contains("value")) {
    return InvalidInput("refundDetail.totalAmount is required.",
                        "refundDetail.totalAmount", "");
  }
  auto const& ta = total->as_object();
  auto const* cur = ta.if_contains("currency");
  if (!cur || !cur->is_string() || cur->get_string() != seller_.currency) {
    return InvalidInput(
        "The refund must be in the seller's currency.",
        "refundDetail.totalAmount.currency",
        cur && cur->is_string() ? std::string(cur->get_string()) : "");
  }
  auto minor = AmountMinor(ta.at("value"), scale);
  if (!minor) {
    return InvalidInput("refundDetail.totalAmount.value is not an amount.",
                        "refundDetail.totalAmount.value",
                        json::serialize(ta.at("value")));
  }
  if (auto const* items =
          detail->as_object().if_contains("itemizedRefundDetail");
      items && items->is_array() && !items->as_array().empty()) {
    std::int64_t sum = 0;
    for (auto const& item : items->as_array()) {
      auto const* ra = item.is_object()
                           ? item.as_object().if_contains("refundAmount")
                           : nullptr;
      auto const* rv = ra && ra->is_object()
                           ? ra->as_object().if_contains("value")
                           : nullptr;
      auto m = rv ? AmountMinor(*rv, scale) : std::nullopt;
      if (!m) {
        return InvalidInput("itemizedRefundDetail[].refundAmount is required.",
                            "refundDetail.itemizedRefundDetail", "");
      }
      sum += *m;
    }
    if (sum != *minor) {
      return PostOrderError(
          400, kErrAmount, "returnErrorDomain",
          "The itemized refund amounts do not add up to totalAmount.",
          {{"totalAmount", NumberText(*minor, scale)},
           {"itemizedSum", NumberText(sum, scale)}});
    }
  }
  if (*minor <= 0 || *minor > g.EstimatedRefund()) {
    return PostOrderError(
        400, kErrAmount, "returnErrorDomain",
        "The refund amount must be more than zero and at most the amount "
        "paid.",
        {{"totalAmount", NumberText(*minor, scale)},
         {"estimatedRefundAmount", NumberText(g.EstimatedRefund(), scale)}});
  }
  Touched& t = Touch(index);
  ++t.refunds;
  ++refunds_issued_;
  t.refund = *minor;
  t.refund_at = Now();
  t.refund_reads = 0;
  bool partial = *minor < g.EstimatedRefund();
  if (mark_sent) {
    t.refund_pending = false;
    Transition(index, "SELLER", "SELLER_MARK_REFUND_SENT",
               State::kRefundSentPendingConfirmation);
    HttpResponse r;
    r.status = 200;
    return r;
  }
  t.refund_pending = true;
  pending_refunds_.insert(index);
  Transition(
      index, "SELLER", "SELLER_ISSUE_REFUND",
      partial ? State::kLessThanFullRefundIssued : State::kRefundInitiated);
  return JsonResponse(200, R"({"refundStatus":"PENDING"})");
}

HttpResponse EbaySandbox::Impl::HandleGetOrder(std::string const& order_id) {
  auto first = Generator::FirstIndexOfOrderId(order_id);
  auto order = first ? gen_.OrderAt(*first, Total()) : std::nullopt;
  if (!order) {
    return RestError(404, 32100, "API_FULFILLMENT", "REQUEST",
                     "Invalid Order Id: " + order_id);
  }
  std::vector<GeneratedReturn> lines;
  for (int k = 0; k < order->second; ++k)
    lines.push_back(Load(order->first + k));
  auto const& head = lines.front();
  auto const& buyer = *head.buyer;
  std::int64_t subtotal = 0;
  std::int64_t delivery = 0;
  Instant last_modified = head.order_created;
  for (auto const& l : lines) {
    subtotal += l.ItemTotal();
    delivery += l.shipping;
    last_modified = std::max(last_modified, l.max_delivery);
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("orderId").String(head.order_id);
  w.Key("legacyOrderId").String(head.order_id);
  w.Key("creationDate").String(FormatEbayTime(head.order_created));
  w.Key("lastModifiedDate").String(FormatEbayTime(last_modified));
  w.Key("orderFulfillmentStatus").String("FULFILLED");
  w.Key("orderPaymentStatus").String("PAID");
  w.Key("sellerId").String(options_.seller_login);
  w.Key("buyer").BeginObject();
  w.Key("username").String(head.buyer_login);
  w.Key("taxAddress").BeginObject();
  w.Key("countryCode").String(buyer.country);
  w.Key("stateOrProvince").String(buyer.state);
  w.Key("postalCode").String(buyer.postal_code);
  w.EndObject().EndObject();
  w.Key("pricingSummary").BeginObject();
  w.Key("priceSubtotal");
  WriteOrderAmount(w, subtotal, buyer, false);
  w.Key("deliveryCost");
  WriteOrderAmount(w, delivery, buyer, false);
  w.Key("total");
  WriteOrderAmount(w, subtotal + delivery, buyer, false);
  w.EndObject();
  w.Key("lineItems").BeginArray();
  for (auto const& l : lines) {
    w.BeginObject();
    w.Key("lineItemId").String(l.transaction_id);
    w.Key("legacyItemId").String(l.item_id);
    w.Key("title").String(l.title);
    w.Key("quantity").Int(l.quantity);
    w.Key("lineItemCost");
    WriteOrderAmount(w, l.ItemTotal(), buyer, true);
    // LineItem.deliveryCost.shippingCost (getOrder reference,
    // https://developer.ebay.com/api-docs/sell/fulfillment/resources/order/methods/getOrder).
    w.Key("deliveryCost").BeginObject().Key("shippingCost");
    WriteOrderAmount(w, l.shipping, buyer, false);
    w.EndObject();
    w.Key("total");
    WriteOrderAmount(w, l.ItemTotal() + l.shipping, buyer, false);
    w.Key("lineItemFulfillmentStatus").String("FULFILLED");
    w.Key("lineItemFulfillmentInstructions").BeginObject();
    w.Key("minEstimatedDeliveryDate").String(FormatEbayTime(l.min_delivery));
    w.Key("maxEstimatedDeliveryDate").String(FormatEbayTime(l.max_delivery));
    w.Key("shipByDate").String(FormatEbayTime(l.ship_by));
    w.Key("guaranteedDelivery").Bool(false);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.Key("fulfillmentStartInstructions").BeginArray().BeginObject();
  w.Key("shippingStep").BeginObject().Key("shipTo").BeginObject();
  w.Key("contactAddress").BeginObject();
  w.Key("countryCode").String(buyer.country);
  w.Key("stateOrProvince").String(buyer.state);
  w.Key("city").String(buyer.city);
  w.Key("postalCode").String(buyer.postal_code);
  w.EndObject().EndObject().EndObject().EndObject().EndArray();
  w.EndObject();
  return JsonResponse(200, w.Take());
}

HttpResponse EbaySandbox::Impl::HandleRateLimit() {
  // Shape of the Analytics API getRateLimits response
  // (https://developer.ebay.com/api-docs/developer/analytics/resources/rate_limit/methods/getRateLimits).
  auto used = QuotaUsed();
  auto reset = quota_day_ + days(1);
  constexpr std::int64_t kUnlimited = 1'000'000'000;
  auto limit = quota_ > 0 ? quota_ : kUnlimited;
  JsonWriter w;
  w.BeginObject().Key("rateLimits").BeginArray().BeginObject();
  w.Key("apiContext").String("sell");
  w.Key("apiName").String("PostOrder");
  w.Key("apiVersion").String("v2");
  w.Key("resources").BeginArray().BeginObject();
  w.Key("name").String("PostOrder");
  w.Key("rates").BeginArray().BeginObject();
  w.Key("count").Int(used);
  w.Key("limit").Int(limit);
  w.Key("remaining").Int(std::max<std::int64_t>(0, limit - used));
  w.Key("reset").String(FormatEbayTime(Instant{reset}));
  w.Key("timeWindow").Int(86400);
  w.EndObject().EndArray();
  w.EndObject().EndArray();
  w.EndObject().EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

std::string EbaySandbox::Impl::StatsJson() {
  auto s = Stats();
  JsonWriter w;
  w.BeginObject();
  w.Key("returns").Int(s.returns);
  w.Key("refund_calls").Int(s.refund_calls);
  w.Key("refunds_issued").Int(s.refunds_issued);
  w.Key("max_refunds_per_return").Int(s.max_refunds_per_return);
  w.Key("returns_refunded_more_than_once").BeginArray();
  for (auto const& id : s.returns_refunded_more_than_once) w.String(id);
  w.EndArray();
  w.Key("decisions").Int(s.decisions);
  w.Key("calls_by_endpoint").BeginObject();
  for (auto const& [name, count] : calls_by_endpoint_) w.Key(name).Int(count);
  w.EndObject();
  w.Key("rate_limited").Int(s.rate_limited);
  w.Key("faults_injected").Int(s.faults_injected);
  w.Key("tokens_issued").Int(s.tokens_issued);
  w.Key("webhooks_delivered").Int(s.webhooks_delivered);
  w.Key("webhooks_failed").Int(s.webhooks_failed);
  w.Key("quota_used").Int(quota_used_);
  w.Key("now").String(FormatEbayTime(Now()));
  w.EndObject();
  return w.Take();
}

EbaySandboxStats EbaySandbox::Impl::Stats() const {
  EbaySandboxStats s;
  s.returns = static_cast<std::int64_t>(states_.size());
  s.refund_calls = refund_calls_;
  s.refunds_issued = refunds_issued_;
  std::vector<std::int64_t> twice;
  for (auto const& [index, t] : touched_) {
    s.max_refunds_per_return =
        std::max<std::int64_t>(s.max_refunds_per_return, t.refunds);
    if (t.refunds > 1) twice.push_back(index);
  }
  std::sort(twice.begin(), twice.end());
  for (auto i : twice) {
    s.returns_refunded_more_than_once.push_back(Generator::ReturnIdOf(i));
  }
  s.decisions = decisions_;
  s.rate_limited = rate_limited_;
  s.faults_injected = faults_injected_;
  s.tokens_issued = tokens_issued_;
  s.webhooks_delivered = webhooks_delivered_;
  s.webhooks_failed = webhooks_failed_;
  return s;
}

HttpResponse EbaySandbox::Impl::HandleControl(
    ServerRequest const& request, std::vector<std::string> const& parts) {
  auto const& method = request.method;
  if (parts.size() == 3 && parts[2] == "stats" && method == "GET") {
    return JsonResponse(200, StatsJson());
  }
  json::object body;
  if (method == "POST" && !request.body.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) {
      return RestError(400, 1, "SANDBOX", "REQUEST",
                       "The body must be a JSON object.");
    }
    body = std::move(parsed.as_object());
  }
  if (parts.size() == 3 && parts[2] == "faults" &&
      (method == "POST" || method == "GET")) {
    for (auto const& [key, field] : body) {
      // Named, not captured as a structured binding (C++20; clang 14, which
      // the fuzz build uses, does not have it).
      json::value const& value = field;
      auto number = [&]() -> std::optional<double> {
        if (value.is_int64()) return static_cast<double>(value.get_int64());
        if (value.is_uint64()) return static_cast<double>(value.get_uint64());
        if (value.is_double()) return value.get_double();
        return std::nullopt;
      };
      auto n = number();
      bool ok = true;
      if (key == "expire_tokens" || key == "reset_quota" ||
          key == "webhook_duplicate") {
        ok = value.is_bool();
        if (ok && value.get_bool()) {
          if (key == "expire_tokens") {
            Instant now = Now();
            for (auto& [t, info] : tokens_) info.expires = now;
          } else if (key == "reset_quota") {
            quota_used_ = 0;
          }
        }
        if (ok && key == "webhook_duplicate") {
          std::lock_guard lock(hook_mu_);
          webhook_duplicate_ = value.get_bool();
        }
      } else if (!n || *n < 0) {
        ok = false;
      } else if (key == "fail_rate") {
        ok = *n <= 1;
        if (ok) fail_rate_ = *n;
      } else if (key == "latency_ms") {
        latency_ = milliseconds(static_cast<std::int64_t>(*n));
      } else if (key == "quota") {
        quota_ = static_cast<std::int64_t>(*n);
      } else if (key == "rate_limit_next") {
        rate_limit_next_ = static_cast<std::int64_t>(*n);
      } else if (key == "fail_next") {
        fail_next_ = static_cast<std::int64_t>(*n);
      } else if (key == "fail_status") {
        ok = *n >= 500 && *n <= 599;
        if (ok) fail_status_ = static_cast<int>(*n);
      } else if (key == "slow_writes_next") {
        slow_writes_next_ = static_cast<std::int64_t>(*n);
      } else if (key == "slow_write_ms") {
        slow_write_ = milliseconds(static_cast<std::int64_t>(*n));
      } else if (key == "refund_settle_reads") {
        settle_reads_ = static_cast<int>(*n);
      } else if (key == "refund_settle_seconds") {
        settle_delay_ = seconds(static_cast<std::int64_t>(*n));
      } else if (key == "visibility_delay_seconds") {
        visibility_delay_ = seconds(static_cast<std::int64_t>(*n));
      } else if (key == "advance_clock_seconds") {
        clock_advance_ += seconds(static_cast<std::int64_t>(*n));
      } else {
        ok = false;
      }
      if (!ok) {
        return RestError(400, 2, "SANDBOX", "REQUEST",
                         "Unknown knob or bad value: " + std::string(key));
      }
    }
    JsonWriter w;
    w.BeginObject();
    w.Key("fail_rate").RawNumber(std::to_string(fail_rate_));
    w.Key("latency_ms").Int(latency_.count());
    w.Key("quota").Int(quota_);
    w.Key("quota_used").Int(quota_used_);
    w.Key("rate_limit_next").Int(rate_limit_next_);
    w.Key("fail_next").Int(fail_next_);
    w.Key("fail_status").Int(fail_status_);
    w.Key("slow_writes_next").Int(slow_writes_next_);
    w.Key("slow_write_ms").Int(slow_write_.count());
    w.Key("refund_settle_reads").Int(settle_reads_);
    w.Key("refund_settle_seconds").Int(settle_delay_.count());
    w.Key("clock_advance_seconds").Int(clock_advance_.count());
    w.Key("visibility_delay_seconds").Int(visibility_delay_.count());
    w.Key("now").String(FormatEbayTime(Now()));
    w.EndObject();
    return JsonResponse(200, w.Take());
  }
  if (parts.size() == 3 && parts[2] == "returns" && method == "POST") {
    std::int64_t count = 1;
    if (auto const* c = body.if_contains("count")) {
      if (!c->is_int64() || c->get_int64() < 1 || c->get_int64() > 10000) {
        return RestError(400, 3, "SANDBOX", "REQUEST",
                         "count must be an integer from 1 to 10000.");
      }
      count = c->get_int64();
    }
    JsonWriter w;
    w.BeginObject().Key("returns").BeginArray();
    for (std::int64_t k = 0; k < count; ++k) {
      Instant created = Now();
      if (Total() > 0) created = std::max(created, CreatedAt(Total() - 1));
      runtime_created_.push_back(created);
      states_.push_back(static_cast<std::uint8_t>(State::kReturnRequested));
      auto index = Total() - 1;
      w.String(Generator::ReturnIdOf(index));
      Notify(index, State::kReturnRequested);
    }
    w.EndArray().EndObject();
    return JsonResponse(201, w.Take());
  }
  // Buyer and carrier actions: /sandbox/v1/returns/{id}/ship|deliver.
  if (parts.size() == 5 && parts[2] == "returns" && method == "POST") {
    auto index = Generator::IndexOfReturnId(parts[3]);
    if (!index || *index >= Total()) {
      return PostOrderError(404, kErrNotFound, "returnErrorDomain",
                            "The return does not exist.",
                            {{"returnId", parts[3]}});
    }
    State s = StateOf(*index);
    if (parts[4] == "ship" && s == State::kItemReadyToShip) {
      Transition(*index, "BUYER", "BUYER_SHIP_ITEM", State::kItemShipped);
      return JsonResponse(200, "{}");
    }
    if (parts[4] == "deliver" && s == State::kItemShipped) {
      Transition(*index, "SYSTEM", "ITEM_DELIVERED", State::kItemDelivered);
      return JsonResponse(200, "{}");
    }
    if (parts[4] == "ship" || parts[4] == "deliver")
      return InvalidState(*index);
  }
  return RestError(404, 2002, "SANDBOX", "REQUEST", "Unknown sandbox control.");
}

void EbaySandbox::Impl::FlushWebhooks() {
  std::unique_lock lock(hook_mu_);
  hook_cv_.wait(lock, [&] {
    return stop_ || (hook_queue_.empty() && hook_in_flight_ == 0);
  });
}

EbaySandboxStats EbaySandbox::Stats() const { return impl_->LockedStats(); }

// ---- public ----------------------------------------------------------------

StatusOr<std::unique_ptr<EbaySandbox>> EbaySandbox::Create(
    EbaySandboxOptions options) {
  auto bad = [](std::string option, std::string message) {
    return InvalidArgumentError(std::move(message), "SANDBOX_BAD_OPTION",
                                {{"option", std::move(option)}});
  };
  auto seller = internal::FindSeller(options.seller_country);
  if (!seller) {
    return bad("seller_country",
               "seller country must be one of US, GB, DE, FR, IT, ES, NL, IE, "
               "CA, AU; got '" +
                   options.seller_country + "'");
  }
  if (options.returns < 0 || options.returns > 100'000'000) {
    return bad("returns", "returns must be between 0 and 100000000");
  }
  if (!(options.fail_rate >= 0.0 && options.fail_rate <= 1.0)) {
    return bad("fail_rate", "fail rate must be between 0 and 1");
  }
  if (options.token_ttl <= seconds(0)) {
    return bad("token_ttl", "token TTL must be positive");
  }
  if (options.visibility_delay < seconds(0)) {
    return bad("visibility_delay", "visibility delay must not be negative");
  }
  if (options.daily_quota < 0) {
    return bad("daily_quota", "quota must not be negative");
  }
  if (!options.webhook_url.empty() && !options.webhook_transport) {
    return bad("webhook_transport", "webhook_url needs a webhook transport");
  }
  if (options.webhook_max_attempts < 1) {
    return bad("webhook_max_attempts", "at least one attempt");
  }
  Instant now0 =
      options.now ? *options.now
      : options.clock
          ? options.clock()
          : std::chrono::floor<seconds>(std::chrono::system_clock::now());
  auto impl = std::make_unique<Impl>(std::move(options), *seller, now0);
  return std::unique_ptr<EbaySandbox>(new EbaySandbox(std::move(impl)));
}

EbaySandbox::EbaySandbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EbaySandbox::~EbaySandbox() = default;

HttpResponse EbaySandbox::Handle(ServerRequest const& request) {
  return impl_->Handle(request);
}

std::string EbaySandbox::seller_currency() const {
  return std::string(impl_->seller_.currency);
}

EbaySandboxOptions const& EbaySandbox::options() const {
  return impl_->options_;
}

void EbaySandbox::FlushWebhooks() { impl_->FlushWebhooks(); }

std::vector<std::string> EbaySandboxBuyerJurisdictions() {
  std::vector<std::string> ids;
  for (auto const& b : internal::BuyerLocations()) {
    ids.emplace_back(b.jurisdiction);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
