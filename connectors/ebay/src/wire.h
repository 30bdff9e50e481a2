#pragma once

// The eBay wire formats (private): JSON responses to Sanbao types, request
// bodies, error bodies to Status. Shapes: marketplaces.md §A.3-A.6 and the
// fixtures in research/fixtures/marketplaces/ebay/.

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

/// GET /return/search -> page (next_page_token left empty). A streaming
/// (SAX) reader straight into the result: no DOM, amounts from the number's
/// own text (search_page.cc).
StatusOr<ReturnsPage> ParseSearchPage(std::string_view body);
/// The same through a Boost.JSON DOM and the GetReturn summary reader; the
/// tests check the two agree.
StatusOr<ReturnsPage> ParseSearchPageDom(std::string_view body);
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
