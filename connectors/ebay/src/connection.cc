#include "sanbao/ebay/connection.h"

#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "sanbao/ebay/mapping.h"
#include "sanbao/ebay/signing.h"
#include "sanbao/ebay/windows.h"
#include "url.h"
#include "wire.h"

// Sources of the wire facts below:
//   [search] eBay Post-Order API: Search Returns,
//     https://developer.ebay.com/devzone/post-order/post-order_v2_return_search__get.html
//   [paging] eBay Return Management API: PaginationInput,
//     https://developer.ebay.com/Devzone/return-management/CallRef/types/PaginationInput.html
//   [get] eBay Post-Order API: Get Return,
//     https://developer.ebay.com/devzone/post-order/post-order_v2_return-returnid__get.html
//   [refund] eBay Post-Order API: Issue Return Refund,
//     https://developer.ebay.com/Devzone/post-order/post-order_v2_return-returnid_issue_refund__post.html
//   [ebay-api] npm ebay-api 9.6.0, dist/api/restful/index.js
//     (shouldRefreshToken) and dist/errors/index.js,
//     https://github.com/hendt/ebay-api

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

constexpr int kMaxPageSize = 200;  // [paging]; Post-Order states no maximum

enum class Auth { kIaf, kBearer };

Status OptionsError(std::string message, std::string field) {
  return InvalidArgumentError(std::move(message), "EBAY_OPTIONS_INVALID",
                              {{"field", std::move(field)}});
}

bool Is2xx(int status) { return status >= 200 && status < 300; }

// The POST may have been applied: the answer was lost or the server failed
// while handling it.
bool OutcomeUnknown(Status const& transport_error) {
  return transport_error.reason() == "HTTP_TIMEOUT" ||
         transport_error.reason() == "HTTP_CONNECTION_LOST";
}

// A return's state as read back to check a write.
struct Snapshot {
  MarketplaceReturn record{};
  internal::ReturnExtras extras{};
};

bool RefundIssued(MarketplaceReturn const& r) {
  // [get]: detail.refundInfo.actualRefundDetail.refundStatus / state. A
  // FAILED refund moved no money and may be issued again.
  return IsRefundIssuedState(r.state) ||
         (!r.refund_status.empty() && r.refund_status != "FAILED");
}

class EbayConnection final : public ReturnsConnection {
 public:
  explicit EbayConnection(EbayOptions options) : options_(std::move(options)) {
    while (options_.api_base.ends_with('/')) options_.api_base.pop_back();
    post_order_ = options_.api_base + "/post-order/v2/return";
    if (!options_.now) {
      options_.now = [] {
        return std::chrono::floor<std::chrono::seconds>(
            std::chrono::system_clock::now());
      };
    }
  }

  ReturnsCapabilities Capabilities() const override {
    return ReturnsCapabilities{
        .marketplace = "ebay",
        .list_by_creation_date = true,
        .list_by_update_date = false,
        .max_page_size = kMaxPageSize,
        .max_lookback = kMaxLookback,
        .decide = true,
        .offer_partial_refund = true,
        .mark_received = true,
        .issue_refund = true,
        .itemized_refund = true,
        .refund_idempotency = false,
    };
  }

  StatusOr<ReturnsPage> ListReturns(ReturnsQuery const& query) override {
    auto const earliest = EarliestCreationFrom(options_.now());
    if (query.created_from > query.created_to) {
      return InvalidArgumentError("created_from is after created_to",
                                  "EBAY_WINDOW_INVALID");
    }
    if (query.created_from < earliest) {
      // The search rejects a window starting more than 18 months back
      // ([search]); SplitCreationWindow clamps or splits before this.
      return OutOfRangeError(
          "eBay's return search reaches back at most 18 months",
          "EBAY_WINDOW_TOO_OLD",
          {{"from", FormatInstant(query.created_from)},
           {"earliest", FormatInstant(earliest)}});
    }
    int limit = query.page_size > 0 ? query.page_size : options_.page_size;
    if (limit > kMaxPageSize) limit = kMaxPageSize;
    // Page-number offset from 1 ([search] leaves open whether offset counts
    // pages or rows; it behaves as a 1-based page number); the page token is
    // the next offset.
    long offset = 1;
    if (!query.page_token.empty()) {
      char* end = nullptr;
      offset = std::strtol(query.page_token.c_str(), &end, 10);
      if (*end != '\0' || offset < 1 || offset > 1000000000) {
        return InvalidArgumentError("not an eBay page token",
                                    "EBAY_PAGE_TOKEN_INVALID",
                                    {{"page_token", query.page_token}});
      }
    }
    // ReturnSortEnum: FILING_DATE, ascending with "+", descending with "-".
    std::string sort = query.order == ReturnsOrder::kNewestFirst
                           ? "-FILING_DATE"
                           : "+FILING_DATE";
    std::string url = post_order_ + "/search?role=SELLER";
    url += "&creation_date_range_from=" +
           internal::FormatEbayInstant(query.created_from);
    url += "&creation_date_range_to=" +
           internal::FormatEbayInstant(query.created_to);
    url += "&sort=" + internal::PercentEncode(sort);
    url += "&limit=" + std::to_string(limit);
    url += "&offset=" + std::to_string(offset);

    auto response = Call(Auth::kIaf, "GET", std::move(url), {}, false);
    if (!response) return std::move(response).status();
    if (!Is2xx(response->status)) {
      return internal::ErrorFromResponse(*response);
    }
    auto page = internal::ParseSearchPage(response->body);
    if (!page) return page;
    if (offset < page->total_pages) {
      page->next_page_token = std::to_string(offset + 1);
    }
    return page;
  }

  StatusOr<MarketplaceReturn> GetReturn(std::string_view id) override {
    auto snapshot = Read(id);
    if (!snapshot) return std::move(snapshot).status();
    return std::move(snapshot->record);
  }

  StatusOr<MarketplaceOrder> GetOrder(std::string_view order_id) override {
    if (order_id.empty()) return IdMissing("an order id");
    return OrderFrom(Call(Auth::kBearer, "GET", OrderUrl(order_id), {}, false));
  }

  std::vector<StatusOr<MarketplaceReturn>> GetReturns(
      std::span<std::string const> ids) override {
    return GetAll<MarketplaceReturn>(
        Auth::kIaf, ids, "a return id",
        [&](std::string_view id) { return ReturnUrl(id); }, &ReturnFrom);
  }

  std::vector<StatusOr<MarketplaceOrder>> GetOrders(
      std::span<std::string const> order_ids) override {
    return GetAll<MarketplaceOrder>(
        Auth::kBearer, order_ids, "an order id",
        [&](std::string_view id) { return OrderUrl(id); }, &OrderFrom);
  }

  Status Decide(std::string_view id,
                ReturnDecisionRequest const& decision) override {
    if (id.empty()) {
      return IdMissing("a return id");
    }
    auto body = internal::DecideBody(decision);
    if (!body) return std::move(body).status();
    auto applied = [&decision](Snapshot const& s) {
      return DecisionApplied(decision, s);
    };
    auto result = Write(id, "/decide", *std::move(body),
                        options_.signing.has_value(), applied);
    return result.ok() ? Status() : std::move(result).status();
  }

  Status MarkReceived(std::string_view id, std::string_view comment) override {
    if (id.empty()) {
      return IdMissing("a return id");
    }
    auto applied = [](Snapshot const& s) {
      auto state = s.record.mapped_state;
      return state == ReturnState::kReceived ||
             state == ReturnState::kInspected ||
             state == ReturnState::kResolved || state == ReturnState::kClosed;
    };
    auto result = Write(id, "/mark_as_received",
                        internal::MarkReceivedBody(comment), false, applied);
    return result.ok() ? Status() : std::move(result).status();
  }

  StatusOr<MarketplaceRefundResult> IssueRefund(
      std::string_view id, MarketplaceRefundRequest const& refund) override {
    if (id.empty()) {
      return IdMissing("a return id");
    }
    auto body = internal::RefundBody(refund);
    if (!body) return std::move(body).status();
    // No idempotency key in Post-Order ([refund]): read first, and never
    // send a refund for a return eBay already refunds.
    auto before = Read(id);
    if (!before) return std::move(before).status();
    if (RefundIssued(before->record)) return AlreadyIssued(before->record);
    auto applied = [](Snapshot const& s) { return RefundIssued(s.record); };
    auto result = Write(id, "/issue_refund", *std::move(body),
                        options_.signing.has_value(), applied);
    if (!result) return std::move(result).status();
    if (result->snapshot) return AlreadyIssued(result->snapshot->record);
    return MarketplaceRefundResult{
        .refund_status = internal::ParseRefundStatus(result->response_body),
        .already_issued = false};
  }

 private:
  struct WriteResult {
    std::string response_body{};
    /// Set when the write was found applied by a read instead of answered.
    std::optional<Snapshot> snapshot{};
  };

  static MarketplaceRefundResult AlreadyIssued(MarketplaceReturn const& r) {
    // A refund eBay started without a money-movement status yet is PENDING.
    return MarketplaceRefundResult{
        .refund_status = r.refund_status.empty() ? "PENDING" : r.refund_status,
        .already_issued = true};
  }

  static bool DecisionApplied(ReturnDecisionRequest const& decision,
                              Snapshot const& s) {
    using Kind = ReturnDecisionRequest::Kind;
    auto const& state = s.record.state;
    switch (decision.kind) {
      case Kind::kApprove:
        switch (s.record.mapped_state) {
          case ReturnState::kApproved:
          case ReturnState::kAwaitingShipment:
          case ReturnState::kInTransit:
          case ReturnState::kReceived:
          case ReturnState::kInspected:
          case ReturnState::kResolved:
            return true;
          default:
            return false;
        }
      case Kind::kDecline:
        return s.record.mapped_state == ReturnState::kDeclined;
      case Kind::kOfferPartialRefund:
        // The offer is out (PARTIAL_REFUND_REQUESTED) or already answered.
        return state.starts_with("PARTIAL_REFUND") || state == "ITEM_KEPT" ||
               state == "LESS_THAN_A_FULL_REFUND_ISSUED";
      case Kind::kProvideRma:
        return !decision.rma_number.empty() &&
               s.extras.rma_number == decision.rma_number;
    }
    return false;
  }

  StatusOr<Snapshot> Read(std::string_view id) {
    if (id.empty()) return IdMissing("a return id");
    return SnapshotFrom(Call(Auth::kIaf, "GET", ReturnUrl(id), {}, false));
  }

  static Status IdMissing(std::string_view what) {
    return InvalidArgumentError(std::string(what) + " is required",
                                "EBAY_ID_INVALID");
  }

  std::string ReturnUrl(std::string_view id) const {
    return post_order_ + "/" + internal::PercentEncode(id) +
           "?fieldgroups=FULL";
  }

  // The Fulfillment API takes the user token as Bearer.
  std::string OrderUrl(std::string_view order_id) const {
    return options_.api_base + "/sell/fulfillment/v1/order/" +
           internal::PercentEncode(order_id);
  }

  static StatusOr<Snapshot> SnapshotFrom(StatusOr<HttpResponse> response) {
    if (!response) return std::move(response).status();
    if (!Is2xx(response->status)) {
      return internal::ErrorFromResponse(*response);
    }
    Snapshot snapshot;
    auto record = internal::ParseReturnDetail(response->body, &snapshot.extras);
    if (!record) return std::move(record).status();
    snapshot.record = *std::move(record);
    return snapshot;
  }

  static StatusOr<MarketplaceReturn> ReturnFrom(
      StatusOr<HttpResponse> response) {
    auto snapshot = SnapshotFrom(std::move(response));
    if (!snapshot) return std::move(snapshot).status();
    return std::move(snapshot->record);
  }

  static StatusOr<MarketplaceOrder> OrderFrom(StatusOr<HttpResponse> response) {
    if (!response) return std::move(response).status();
    if (!Is2xx(response->status)) {
      return internal::ErrorFromResponse(*response);
    }
    return internal::ParseOrder(response->body);
  }

  // POST {post_order_}/{id}{action} with the rule for writes without an
  // idempotency key: when the outcome is unknown (timeout, lost connection,
  // 5xx) or eBay says the state does not allow it, read the return; if
  // `applied` holds the write is done; otherwise an unknown outcome is sent
  // again, at most max_write_resends times. An unreadable return after an
  // unknown outcome is an error: never a blind resend.
  StatusOr<WriteResult> Write(
      std::string_view id, std::string_view action, std::string body, bool sign,
      std::function<bool(Snapshot const&)> const& applied) {
    std::string url =
        post_order_ + "/" + internal::PercentEncode(id) + std::string(action);
    for (int resends = 0;; ++resends) {
      auto response = Call(Auth::kIaf, "POST", url, body, sign);
      Status error;
      bool unknown = false;
      if (!response) {
        error = std::move(response).status();
        unknown = OutcomeUnknown(error);
      } else if (Is2xx(response->status)) {
        return WriteResult{.response_body = std::move(response->body),
                           .snapshot = std::nullopt};
      } else {
        error = internal::ErrorFromResponse(*response);
        unknown = response->status >= 500;
      }
      bool invalid_state = error.reason() == "EBAY_INVALID_STATE";
      if (!unknown && !invalid_state) return error;

      auto now = Read(id);
      if (!now) {
        if (!unknown) return error;
        return Status(
            ErrorCode::kUnavailable,
            "the outcome of " + std::string(action.substr(1)) +
                " is unknown and the return could not be read "
                "back: " +
                now.status().message(),
            ErrorInfo{.reason = "EBAY_OUTCOME_UNKNOWN",
                      .domain = "ebay",
                      .metadata = {{"return_id", std::string(id)},
                                   {"action", std::string(action.substr(1))},
                                   {"write_error", error.reason()},
                                   {"read_error", now.status().reason()}}});
      }
      if (applied(*now)) {
        return WriteResult{.response_body = {}, .snapshot = *std::move(now)};
      }
      if (!unknown || resends >= options_.max_write_resends) {
        return error.WithMetadata("resends", std::to_string(resends));
      }
    }
  }

  // One exchange under the user token (see Send).
  StatusOr<HttpResponse> Call(Auth auth, std::string method, std::string url,
                              std::string body, bool sign) {
    std::vector<HttpRequest> one;
    one.push_back(
        NewRequest(std::move(method), std::move(url), std::move(body)));
    return std::move(Send(auth, std::move(one), sign).front());
  }

  // Several GETs sent together, each answer read by `from`; an empty id is
  // that result's error.
  template <typename T, typename UrlOf>
  std::vector<StatusOr<T>> GetAll(Auth auth, std::span<std::string const> ids,
                                  std::string_view what, UrlOf const& url_of,
                                  StatusOr<T> (*from)(StatusOr<HttpResponse>)) {
    std::vector<StatusOr<HttpResponse>> answers(ids.size());
    std::vector<HttpRequest> requests;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids[i].empty()) {
        answers[i] = IdMissing(what);
        continue;
      }
      requests.push_back(NewRequest("GET", url_of(ids[i]), {}));
      index.push_back(i);
    }
    auto responses = Send(auth, std::move(requests), false);
    for (std::size_t k = 0; k < index.size(); ++k) {
      answers[index[k]] = std::move(responses[k]);
    }
    std::vector<StatusOr<T>> results;
    results.reserve(ids.size());
    for (auto& answer : answers) results.push_back(from(std::move(answer)));
    return results;
  }

  // Sends `requests` together with the user token (signed when `sign`), and
  // those answered 401 once more with a refreshed token, signed again: the
  // request never reached business logic, so this is safe for a POST too
  // (Post-Order signals an expired IAF token as a plain 401, errorId
  // 21917053; [ebay-api]).
  std::vector<StatusOr<HttpResponse>> Send(Auth auth,
                                           std::vector<HttpRequest> requests,
                                           bool sign) {
    std::vector<StatusOr<HttpResponse>> results(requests.size());
    std::vector<std::size_t> pending(requests.size());
    for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
    auto token = options_.user_tokens->Token();
    for (int attempt = 0; !pending.empty(); ++attempt) {
      if (!token) {
        for (auto i : pending) results[i] = token.status();
        break;
      }
      std::vector<HttpRequest> batch;
      std::vector<std::size_t> sent;
      for (auto i : pending) {
        auto& request = requests[i];
        SetHeader(request.headers, "Authorization",
                  AuthScheme(auth) + token->value);
        if (sign) {
          if (auto s = SignRequest(request, *options_.signing, options_.now());
              !s.ok()) {
            results[i] = std::move(s);
            continue;
          }
        }
        // Lent to the batch, not copied; back below for a resend.
        batch.push_back(std::move(request));
        sent.push_back(i);
      }
      auto responses = options_.transport->SendAll(batch);
      for (std::size_t k = 0; k < sent.size(); ++k) {
        requests[sent[k]] = std::move(batch[k]);
      }
      pending.clear();
      for (std::size_t k = 0; k < sent.size(); ++k) {
        if (attempt == 0 && responses[k] && responses[k]->status == 401) {
          pending.push_back(sent[k]);
        } else {
          results[sent[k]] = std::move(responses[k]);
        }
      }
      if (!pending.empty()) token = options_.user_tokens->Refresh(token->value);
    }
    return results;
  }

  static std::string AuthScheme(Auth auth) {
    return auth == Auth::kIaf ? "IAF " : "Bearer ";
  }

  // Without Authorization: Send() sets it.
  HttpRequest NewRequest(std::string method, std::string url,
                         std::string body) const {
    HttpRequest request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.body = std::move(body);
    request.headers = {
        {"X-EBAY-C-MARKETPLACE-ID", options_.marketplace_id},
        {"Content-Type", "application/json"},
        {"Accept", "application/json"},
    };
    return request;
  }

  EbayOptions options_;
  std::string post_order_;
};

}  // namespace

StatusOr<std::unique_ptr<ReturnsConnection>> MakeEbayConnection(
    EbayOptions options) {
  if (!options.transport) {
    return OptionsError("a transport is required", "transport");
  }
  if (!options.user_tokens) {
    return OptionsError("a user token provider is required", "user_tokens");
  }
  auto parts = internal::SplitUrl(options.api_base);
  if (!parts || (parts->path != "/" && !parts->path.empty()) ||
      !parts->query.empty()) {
    return OptionsError(
        "api_base must be an http(s) origin such as "
        "https://api.ebay.com",
        "api_base");
  }
  if (options.page_size < 1 || options.page_size > kMaxPageSize) {
    return OptionsError("page_size must be in 1..200", "page_size");
  }
  if (options.marketplace_id.empty()) {
    return OptionsError("a marketplace id is required", "marketplace_id");
  }
  if (options.max_write_resends < 0) {
    return OptionsError("max_write_resends must not be negative",
                        "max_write_resends");
  }
  if (options.signing) {
    if (options.signing->signature_key_jwe.empty()) {
      return InvalidArgumentError("the signing key needs its JWE",
                                  "EBAY_SIGNING_KEY_INVALID");
    }
    auto probe = SignBase("probe", options.signing->private_key_pem);
    if (!probe) return std::move(probe).status();
  }
  return std::unique_ptr<ReturnsConnection>(
      new EbayConnection(std::move(options)));
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
