#pragma once

// The eBay wire formats (private): JSON responses to Sanbao types, request
// bodies, error bodies to Status. Shapes: the sources below and the fixtures
// in tests/fixtures/marketplaces/ebay/.
//
// Sources:
//   eBay Post-Order API reference (Search Returns, Get Return, Process Return
//     Request, Issue Return Refund; ReturnSummaryType, ReturnDetailType,
//     Amount), https://developer.ebay.com/Devzone/post-order/index.html
//   eBay Post-Order API: Error Response,
//     https://developer.ebay.com/Devzone/post-order/ErrorResponse.html
//   davidtsadler/ebay-sdk-php, src/PostOrder/Types/ (the Post-Order schema as
//     typed classes: ErrorMessage, ErrorDetailV3, Amount.value a double),
//     https://github.com/davidtsadler/ebay-sdk-php
//   npm ebay-api 9.6.0, dist/types/restfulTypes.d.ts (DecideReturnRequest,
//     PostOrderIssueRefundRequest), https://github.com/hendt/ebay-api
//   eBay Sell Fulfillment API: Amount (value is a string),
//     https://developer.ebay.com/api-docs/sell/fulfillment/types/sel:Amount

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sanbao/connection.h"
#include "sanbao/http/http.h"
#include "sanbao/money.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {

/// The exact decimal text of a JSON number: integers as they are, doubles
/// to 15 significant digits (DBL_DIG: every decimal of up to 15 significant
/// digits survives the trip through a double and back, even when the parser
/// rounded the last bit differently) with any exponent expanded and
/// trailing zeros dropped: 43.1 -> "43.1", 1e2 -> "100", 1.5e-7 ->
/// "0.00000015". nullopt for a value that is not a number.
std::optional<std::string> NumberText(boost::json::value const& value);

/// `value` (a JSON number or a decimal string) in `currency`, exactly.
/// Zeros beyond the currency's minor units are dropped ("20.0" JPY is 20);
/// any other excess decimal is an error. Errors: kInvalidArgument,
/// EBAY_AMOUNT_INVALID, metadata "field", "value", "currency", "cause".
StatusOr<Money> ParseMoney(boost::json::value const& value,
                           std::string_view currency, std::string_view field);

/// As ParseMoney, from the text of a JSON number (exponent allowed; read
/// exactly as written) or of a JSON string (a plain decimal).
StatusOr<Money> MoneyFromText(std::string_view text, bool is_json_number,
                              std::string_view currency,
                              std::string_view field);

/// An Amount object {value, currency, convertedFromValue?,
/// convertedFromCurrency?}.
StatusOr<MarketplaceAmount> ParseAmount(boost::json::value const& amount,
                                        std::string_view field);

/// A Post-Order DateTime {value, formattedValue} or a bare RFC 3339 string.
/// Errors: EBAY_BAD_RESPONSE.
StatusOr<Instant> ParseDate(boost::json::value const& date,
                            std::string_view field);

/// What the connector reads beyond MarketplaceReturn to check a write.
struct ReturnExtras {
  std::string rma_number{};
};

/// GET /return/search -> page (next_page_token left empty): a Boost.JSON
/// DOM read by the summary reader GetReturn uses.
StatusOr<ReturnsPage> ParseSearchPage(std::string_view body);
/// GET /return/{id}?fieldgroups=FULL -> the full record.
StatusOr<MarketplaceReturn> ParseReturnDetail(std::string_view body,
                                              ReturnExtras* extras = nullptr);
/// GET /sell/fulfillment/v1/order/{id}.
StatusOr<MarketplaceOrder> ParseOrder(std::string_view body);
/// The refundStatus of an issue_refund / decide answer ("" when absent or
/// the body is empty).
std::string ParseRefundStatus(std::string_view body);

/// A non-2xx response as a Status (reason EBAY_..., metadata error_id,
/// domain, category, parameters, http_status; request id from the headers).
Status ErrorFromResponse(HttpResponse const& response);

/// Request bodies exactly as the fixtures show them (money as JSON numbers
/// written from the exact decimal, never through a double).
StatusOr<std::string> DecideBody(ReturnDecisionRequest const& decision);
StatusOr<std::string> RefundBody(MarketplaceRefundRequest const& refund);
std::string MarkReceivedBody(std::string_view comment);

/// "2025-03-01T00:00:00.000Z": eBay's millisecond form.
std::string FormatEbayInstant(Instant instant);

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
