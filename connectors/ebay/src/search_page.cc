// GET /post-order/v2/return/search, read as a stream of JSON events straight
// into ReturnsPage: a sync reads a million returns in 200-member pages, and a
// DOM would cost more than everything else together. The fields and their
// meaning are those of ReadSummary in wire.cc (ReturnSummaryType,
// https://developer.ebay.com/devzone/post-order/types/ReturnSummaryType.html);
// the tests check both readers agree.

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sanbao/ebay/mapping.h"
#include "wire.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {
namespace {

namespace json = boost::json;

// Where in the document an object or array is.
enum class Ctx : std::uint8_t {
  kRoot,             // the top-level object
  kMembers,          // members[]
  kMember,           // members[i]
  kCreationInfo,     // .creationInfo
  kItem,             // .creationInfo.item
  kComments,         // .creationInfo.comments
  kCreationDate,     // .creationInfo.creationDate
  kSellerRefund,     // .sellerTotalRefund
  kEstimatedRefund,  // .sellerTotalRefund.estimatedRefundAmount
  kActualRefund,     // .sellerTotalRefund.actualRefundAmount
  kSellerDue,        // .sellerResponseDue
  kRespondBy,        // .sellerResponseDue.respondByDate
  kOptions,          // .sellerAvailableOptions[]
  kOption,           // .sellerAvailableOptions[i]
  kPagination,       // paginationOutput
  kSkip,             // anything else, with all it contains
};

// The keys the reader acts on; everything else is kOther.
enum class K : std::uint8_t {
  kOther,
  kActionType,
  kActualRefundAmount,
  kComments,
  kContent,
  kConvertedFromCurrency,
  kConvertedFromValue,
  kCreationDate,
  kCreationInfo,
  kCurrency,
  kCurrentType,
  kEstimatedRefundAmount,
  kItem,
  kItemId,
  kMembers,
  kOrderId,
  kPaginationOutput,
  kReason,
  kRespondByDate,
  kReturnId,
  kReturnQuantity,
  kSellerAvailableOptions,
  kSellerResponseDue,
  kSellerTotalRefund,
  kState,
  kStatus,
  kTotal,
  kTotalEntries,
  kTotalPages,
  kTransactionId,
  kType,
  kValue,
};

constexpr std::pair<std::string_view, K> kKeys[] = {
    {"actionType", K::kActionType},
    {"actualRefundAmount", K::kActualRefundAmount},
    {"comments", K::kComments},
    {"content", K::kContent},
    {"convertedFromCurrency", K::kConvertedFromCurrency},
    {"convertedFromValue", K::kConvertedFromValue},
    {"creationDate", K::kCreationDate},
    {"creationInfo", K::kCreationInfo},
    {"currency", K::kCurrency},
    {"currentType", K::kCurrentType},
    {"estimatedRefundAmount", K::kEstimatedRefundAmount},
    {"item", K::kItem},
    {"itemId", K::kItemId},
    {"members", K::kMembers},
    {"orderId", K::kOrderId},
    {"paginationOutput", K::kPaginationOutput},
    {"reason", K::kReason},
    {"respondByDate", K::kRespondByDate},
    {"returnId", K::kReturnId},
    {"returnQuantity", K::kReturnQuantity},
    {"sellerAvailableOptions", K::kSellerAvailableOptions},
    {"sellerResponseDue", K::kSellerResponseDue},
    {"sellerTotalRefund", K::kSellerTotalRefund},
    {"state", K::kState},
    {"status", K::kStatus},
    {"total", K::kTotal},
    {"totalEntries", K::kTotalEntries},
    {"totalPages", K::kTotalPages},
    {"transactionId", K::kTransactionId},
    {"type", K::kType},
    {"value", K::kValue},
};

// Size, first and last character rule out nearly every candidate before a
// full comparison.
std::pair<K, std::string_view> KeyOf(std::string_view key) {
  if (key.empty()) return {K::kOther, "?"};
  for (auto const& [name, id] : kKeys) {
    if (name.size() == key.size() && name.front() == key.front() &&
        name.back() == key.back() && name == key) {
      return {id, name};
    }
  }
  return {K::kOther, "?"};
}

// An Amount's fields as text until the object closes (currency may come
// after value).
struct AmountText {
  std::string value{};
  bool value_is_number = false;
  std::string currency{};
  std::string converted_value{};
  bool converted_is_number = false;
  std::string converted_currency{};
  void Clear() {
    value.clear();
    currency.clear();
    converted_value.clear();
    converted_currency.clear();
  }
};

class PageHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  PageHandler() { stack_.reserve(16); }

  ReturnsPage page{};
  std::int64_t total = 0;  // the root's `total`, if totalEntries is absent
  Status error{};

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) {
    Ctx child = Ctx::kSkip;
    if (stack_.empty()) {
      child = Ctx::kRoot;
    } else {
      switch (stack_.back()) {
        case Ctx::kRoot:
          if (key_ == K::kPaginationOutput) child = Ctx::kPagination;
          break;
        case Ctx::kMembers:
          child = Ctx::kMember;
          page.items.emplace_back();
          creation_type_.clear();
          creation_order_.clear();
          break;
        case Ctx::kMember:
          if (key_ == K::kCreationInfo) {
            child = Ctx::kCreationInfo;
          } else if (key_ == K::kSellerTotalRefund) {
            child = Ctx::kSellerRefund;
          } else if (key_ == K::kSellerResponseDue) {
            child = Ctx::kSellerDue;
          }
          break;
        case Ctx::kCreationInfo:
          if (key_ == K::kItem) {
            child = Ctx::kItem;
          } else if (key_ == K::kComments) {
            child = Ctx::kComments;
          } else if (key_ == K::kCreationDate) {
            child = Ctx::kCreationDate;
          }
          break;
        case Ctx::kSellerRefund:
          if (key_ == K::kEstimatedRefundAmount) {
            child = Ctx::kEstimatedRefund;
          } else if (key_ == K::kActualRefundAmount) {
            child = Ctx::kActualRefund;
          }
          if (child != Ctx::kSkip) amount_.Clear();
          break;
        case Ctx::kSellerDue:
          if (key_ == K::kRespondByDate) child = Ctx::kRespondBy;
          break;
        case Ctx::kOptions:
          child = Ctx::kOption;
          break;
        default:
          break;
      }
    }
    if (stack_.empty() && child != Ctx::kRoot) return Fail(ec, "body");
    stack_.push_back(child);
    return true;
  }

  bool on_object_end(std::size_t, json::error_code& ec) {
    Ctx done = stack_.back();
    stack_.pop_back();
    switch (done) {
      case Ctx::kEstimatedRefund:
        return FinishAmount(current().estimated_refund, "estimatedRefundAmount",
                            ec);
      case Ctx::kActualRefund:
        return FinishAmount(current().actual_refund, "actualRefundAmount", ec);
      case Ctx::kMember: {
        auto& r = current();
        if (r.external_id.empty()) return Fail(ec, "returnId", "missing");
        if (r.type.empty()) r.type = std::move(creation_type_);
        if (r.order_id.empty()) r.order_id = std::move(creation_order_);
        MapReturn(r);
        return true;
      }
      default:
        return true;
    }
  }

  bool on_array_begin(json::error_code& ec) {
    if (stack_.empty()) return Fail(ec, "body");
    Ctx child = Ctx::kSkip;
    if (stack_.back() == Ctx::kRoot && key_ == K::kMembers) {
      child = Ctx::kMembers;
    } else if (stack_.back() == Ctx::kMember &&
               key_ == K::kSellerAvailableOptions) {
      child = Ctx::kOptions;
    }
    stack_.push_back(child);
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    stack_.pop_back();
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t n, json::error_code&) {
    if (n == s.size()) key_text_.clear();
    key_text_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t n, json::error_code&) {
    if (n == s.size()) {
      std::tie(key_, key_name_) = KeyOf(std::string_view(s.data(), s.size()));
    } else {
      key_text_.append(s.data(), s.size());
      std::tie(key_, key_name_) = KeyOf(key_text_);
    }
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t n, json::error_code&) {
    if (n == s.size()) text_.clear();
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t n, json::error_code& ec) {
    if (n == s.size())
      return Value(std::string_view(s.data(), s.size()), false, ec);
    text_.append(s.data(), s.size());
    return Value(text_, false, ec);
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, json::string_view s, json::error_code& ec) {
    return Number(s, ec);
  }
  bool on_uint64(std::uint64_t, json::string_view s, json::error_code& ec) {
    return Number(s, ec);
  }
  bool on_double(double, json::string_view s, json::error_code& ec) {
    return Number(s, ec);
  }
  bool on_bool(bool, json::error_code& ec) { return Scalar(ec); }
  bool on_null(json::error_code& ec) {  // null is absent
    return stack_.empty() ? Fail(ec, "body") : true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  MarketplaceReturn& current() { return page.items.back(); }

  bool Fail(json::error_code& ec, std::string_view field,
            std::string_view what = "unexpected shape") {
    if (error.ok()) {
      error =
          InternalError("eBay answered with an unexpected " +
                            std::string(field) + ": " + std::string(what),
                        "EBAY_BAD_RESPONSE", {{"field", std::string(field)}});
      AddReturnId();
    }
    ec = json::error::incomplete;  // stops the parser; `error` says why
    return false;
  }
  bool Fail(json::error_code& ec, Status status) {
    error = std::move(status);
    AddReturnId();
    ec = json::error::incomplete;
    return false;
  }
  void AddReturnId() {
    if (!page.items.empty() && !stack_.empty() && InMember()) {
      error = error.WithMetadata("return_id", current().external_id);
    }
  }
  bool InMember() const {
    for (auto c : stack_) {
      if (c == Ctx::kMember) return true;
    }
    return false;
  }

  bool Number(json::string_view last, json::error_code& ec) {
    if (number_.empty()) {
      return Value(std::string_view(last.data(), last.size()), true, ec);
    }
    number_.append(last.data(), last.size());
    std::string text = std::move(number_);
    number_.clear();
    return Value(text, true, ec);
  }

  // A boolean where a string or number is expected is a bad shape; in
  // parts of the document we do not read it is ignored.
  bool Scalar(json::error_code& ec) {
    if (stack_.empty()) return Fail(ec, "body");
    switch (stack_.back()) {
      case Ctx::kMember:
      case Ctx::kItem:
      case Ctx::kCreationInfo:
      case Ctx::kEstimatedRefund:
      case Ctx::kActualRefund:
      case Ctx::kPagination:
        if (IsReadKey()) return Fail(ec, key_name_, "a boolean");
        return true;
      default:
        return true;
    }
  }

  bool IsReadKey() const { return key_ != K::kOther; }

  static bool ToInt(std::string_view text, std::int64_t& out) {
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  }

  bool Int(std::string_view text, std::int64_t& out, json::error_code& ec) {
    if (!ToInt(text, out)) return Fail(ec, key_name_, "not an integer");
    return true;
  }

  bool Date(std::string_view text, std::optional<Instant>& out,
            json::error_code& ec) {
    auto instant = ParseInstant(text);
    if (!instant) return Fail(ec, key_name_, "a malformed date");
    out = *instant;
    return true;
  }

  bool Value(std::string_view text, bool is_number, json::error_code& ec) {
    if (stack_.empty()) return Fail(ec, "body");
    switch (stack_.back()) {
      case Ctx::kMember: {
        auto& r = current();
        if (key_ == K::kReturnId) {
          r.external_id.assign(text);
        } else if (key_ == K::kOrderId) {
          r.order_id.assign(text);
        } else if (key_ == K::kState) {
          r.state.assign(text);
        } else if (key_ == K::kStatus) {
          r.status.assign(text);
        } else if (key_ == K::kCurrentType) {
          r.type.assign(text);
        }
        return true;
      }
      case Ctx::kCreationInfo:
        if (key_ == K::kReason) {
          current().reason.assign(text);
        } else if (key_ == K::kType) {
          creation_type_.assign(text);
        } else if (key_ == K::kOrderId) {
          creation_order_.assign(text);
        } else if (key_ == K::kCreationDate) {
          std::optional<Instant> at;
          if (!Date(text, at, ec)) return false;
          current().created_at = *at;
        }
        return true;
      case Ctx::kItem: {
        auto& r = current();
        if (key_ == K::kItemId) {
          r.item_id.assign(text);
        } else if (key_ == K::kTransactionId) {
          r.transaction_id.assign(text);
        } else if (key_ == K::kReturnQuantity) {
          std::int64_t n = 0;
          if (!Int(text, n, ec)) return false;
          if (n < INT32_MIN || n > INT32_MAX) {
            return Fail(ec, key_name_, "out of range");
          }
          r.quantity = static_cast<int>(n);
        }
        return true;
      }
      case Ctx::kComments:
        if (key_ == K::kContent) current().comment.assign(text);
        return true;
      case Ctx::kCreationDate:
        if (key_ == K::kValue) {
          std::optional<Instant> at;
          if (!Date(text, at, ec)) return false;
          current().created_at = *at;
        }
        return true;
      case Ctx::kSellerDue:
        if (key_ == K::kRespondByDate)
          return Date(text, current().respond_by, ec);
        return true;
      case Ctx::kRespondBy:
        if (key_ == K::kValue) return Date(text, current().respond_by, ec);
        return true;
      case Ctx::kEstimatedRefund:
      case Ctx::kActualRefund:
        if (key_ == K::kValue) {
          amount_.value.assign(text);
          amount_.value_is_number = is_number;
        } else if (key_ == K::kCurrency) {
          amount_.currency.assign(text);
        } else if (key_ == K::kConvertedFromValue) {
          amount_.converted_value.assign(text);
          amount_.converted_is_number = is_number;
        } else if (key_ == K::kConvertedFromCurrency) {
          amount_.converted_currency.assign(text);
        }
        return true;
      case Ctx::kOption:
        if (key_ == K::kActionType) current().seller_options.emplace_back(text);
        return true;
      case Ctx::kPagination:
        if (key_ == K::kTotalEntries) {
          std::int64_t n = 0;
          if (!Int(text, n, ec)) return false;
          page.total_entries = n;
        } else if (key_ == K::kTotalPages) {
          std::int64_t n = 0;
          if (!Int(text, n, ec)) return false;
          if (n < 0 || n > INT32_MAX)
            return Fail(ec, key_name_, "out of range");
          page.total_pages = static_cast<int>(n);
        }
        return true;
      case Ctx::kRoot:
        if (key_ == K::kTotal) return Int(text, total, ec);
        return true;
      default:
        return true;
    }
  }

  bool FinishAmount(std::optional<MarketplaceAmount>& out,
                    std::string_view field, json::error_code& ec) {
    if (amount_.value.empty())
      return Fail(ec, field, "an amount without a value");
    auto money = MoneyFromText(amount_.value, amount_.value_is_number,
                               amount_.currency, field);
    if (!money) return Fail(ec, std::move(money).status());
    MarketplaceAmount amount{.amount = *money, .converted_from = std::nullopt};
    if (!amount_.converted_value.empty()) {
      auto converted =
          MoneyFromText(amount_.converted_value, amount_.converted_is_number,
                        amount_.converted_currency, field);
      if (!converted) return Fail(ec, std::move(converted).status());
      amount.converted_from = *converted;
    }
    out = std::move(amount);
    return true;
  }

  std::vector<Ctx> stack_;
  K key_ = K::kOther;
  std::string_view key_name_ = "?";  // for messages
  std::string key_text_;             // a key that arrived in parts
  std::string text_;
  std::string number_;
  std::string creation_type_;
  std::string creation_order_;
  AmountText amount_;
};

}  // namespace

StatusOr<ReturnsPage> ParseSearchPage(std::string_view body) {
  json::parse_options options;
  options.max_depth = 64;
  json::basic_parser<PageHandler> parser(options);
  // One allocation for the items: a summary takes several hundred bytes,
  // and a page holds at most 200.
  std::size_t const members = std::min<std::size_t>(200, body.size() / 256 + 1);
  parser.handler().page.items.reserve(members);
  json::error_code ec;
  auto consumed = parser.write_some(false, body.data(), body.size(), ec);
  auto& handler = parser.handler();
  if (!handler.error.ok()) return std::move(handler.error);
  if (ec || consumed != body.size()) {
    return InternalError("eBay answered with malformed JSON: " + ec.message(),
                         "EBAY_BAD_RESPONSE", {{"field", "body"}});
  }
  auto page = std::move(handler.page);
  if (page.total_entries == 0) page.total_entries = handler.total;
  return page;
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
