#include "decision_input.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

using Zone = std::pair<std::string_view, std::string_view>;

// Capital or most populous zone per country, from the IANA tz database's
// zone1970.tab / zone.tab (https://data.iana.org/time-zones/tzdb/).
constexpr std::array<Zone, 61> kCountryZones = {{
    {"AE", "Asia/Dubai"},          {"AR", "America/Argentina/Buenos_Aires"},
    {"AT", "Europe/Vienna"},       {"AU", "Australia/Sydney"},
    {"BE", "Europe/Brussels"},     {"BG", "Europe/Sofia"},
    {"BR", "America/Sao_Paulo"},   {"CA", "America/Toronto"},
    {"CH", "Europe/Zurich"},       {"CL", "America/Santiago"},
    {"CN", "Asia/Shanghai"},       {"CY", "Asia/Nicosia"},
    {"CZ", "Europe/Prague"},       {"DE", "Europe/Berlin"},
    {"DK", "Europe/Copenhagen"},   {"EE", "Europe/Tallinn"},
    {"EG", "Africa/Cairo"},        {"ES", "Europe/Madrid"},
    {"FI", "Europe/Helsinki"},     {"FR", "Europe/Paris"},
    {"GB", "Europe/London"},       {"GR", "Europe/Athens"},
    {"HK", "Asia/Hong_Kong"},      {"HR", "Europe/Zagreb"},
    {"HU", "Europe/Budapest"},     {"ID", "Asia/Jakarta"},
    {"IE", "Europe/Dublin"},       {"IL", "Asia/Jerusalem"},
    {"IN", "Asia/Kolkata"},        {"IS", "Atlantic/Reykjavik"},
    {"IT", "Europe/Rome"},         {"JP", "Asia/Tokyo"},
    {"KR", "Asia/Seoul"},          {"LI", "Europe/Vaduz"},
    {"LT", "Europe/Vilnius"},      {"LU", "Europe/Luxembourg"},
    {"LV", "Europe/Riga"},         {"MT", "Europe/Malta"},
    {"MX", "America/Mexico_City"}, {"MY", "Asia/Kuala_Lumpur"},
    {"NL", "Europe/Amsterdam"},    {"NO", "Europe/Oslo"},
    {"NZ", "Pacific/Auckland"},    {"PH", "Asia/Manila"},
    {"PL", "Europe/Warsaw"},       {"PT", "Europe/Lisbon"},
    {"RO", "Europe/Bucharest"},    {"RU", "Europe/Moscow"},
    {"SA", "Asia/Riyadh"},         {"SE", "Europe/Stockholm"},
    {"SG", "Asia/Singapore"},      {"SI", "Europe/Ljubljana"},
    {"SK", "Europe/Bratislava"},   {"TH", "Asia/Bangkok"},
    {"TR", "Europe/Istanbul"},     {"TW", "Asia/Taipei"},
    {"UA", "Europe/Kyiv"},         {"US", "America/New_York"},
    {"VN", "Asia/Ho_Chi_Minh"},    {"ZA", "Africa/Johannesburg"},
    {"GG", "Europe/Guernsey"},
}};

// Subdivisions of countries that span several zones (same source).
constexpr std::array<std::pair<std::string_view, std::string_view>, 28>
    kRegionZones = {{
        {"US-CA", "America/Los_Angeles"},  {"US-WA", "America/Los_Angeles"},
        {"US-OR", "America/Los_Angeles"},  {"US-NV", "America/Los_Angeles"},
        {"US-AZ", "America/Phoenix"},      {"US-CO", "America/Denver"},
        {"US-UT", "America/Denver"},       {"US-TX", "America/Chicago"},
        {"US-IL", "America/Chicago"},      {"US-MN", "America/Chicago"},
        {"US-HI", "Pacific/Honolulu"},     {"US-AK", "America/Anchorage"},
        {"US-NY", "America/New_York"},     {"US-NJ", "America/New_York"},
        {"US-FL", "America/New_York"},     {"CA-BC", "America/Vancouver"},
        {"CA-AB", "America/Edmonton"},     {"CA-MB", "America/Winnipeg"},
        {"CA-QC", "America/Toronto"},      {"CA-ON", "America/Toronto"},
        {"AU-WA", "Australia/Perth"},      {"AU-QLD", "Australia/Brisbane"},
        {"AU-VIC", "Australia/Melbourne"}, {"AU-SA", "Australia/Adelaide"},
        {"BR-AM", "America/Manaus"},       {"MX-BCN", "America/Tijuana"},
        {"RU-NVS", "Asia/Novosibirsk"},    {"RU-PRI", "Asia/Vladivostok"},
    }};

ClaimKind ClaimFor(ReturnReason reason) {
  switch (reason) {
    case ReturnReason::kDefective:
    case ReturnReason::kDamagedInTransit:
      return ClaimKind::kDefect;
    case ReturnReason::kNotAsDescribed:
    case ReturnReason::kWrongItem:
      return ClaimKind::kNotAsDescribed;
    case ReturnReason::kChangeOfMind:
    case ReturnReason::kArrivedLate:
    case ReturnReason::kOther:
      break;
  }
  return ClaimKind::kWithdrawal;
}

// The amount the buyer paid, in the buyer's own currency where the
// marketplace converted it.
Money BuyerAmount(MarketplaceAmount const& amount) {
  return amount.converted_from ? *amount.converted_from : amount.amount;
}

}  // namespace

std::string_view DefaultTimeZone(std::string_view country,
                                 std::string_view region) {
  if (!region.empty()) {
    std::string key = std::string(country) + "-" + std::string(region);
    for (auto const& [code, zone] : kRegionZones) {
      if (code == key) return zone;
    }
  }
  for (auto const& [code, zone] : kCountryZones) {
    if (code == country) return zone;
  }
  return {};
}

std::string SiteDomain(std::string_view marketplace_id) {
  // eBay's marketplace ids (MarketplaceIdEnum,
  // https://developer.ebay.com/api-docs/static/rest-request-components.html#marketpl)
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17>
      kSites = {{
          {"EBAY_US", "ebay.com"},
          {"EBAY_GB", "ebay.co.uk"},
          {"EBAY_DE", "ebay.de"},
          {"EBAY_FR", "ebay.fr"},
          {"EBAY_IT", "ebay.it"},
          {"EBAY_ES", "ebay.es"},
          {"EBAY_AU", "ebay.com.au"},
          {"EBAY_CA", "ebay.ca"},
          {"EBAY_AT", "ebay.at"},
          {"EBAY_BE", "ebay.be"},
          {"EBAY_CH", "ebay.ch"},
          {"EBAY_IE", "ebay.ie"},
          {"EBAY_NL", "ebay.nl"},
          {"EBAY_PL", "ebay.pl"},
          {"EBAY_HK", "ebay.com.hk"},
          {"EBAY_SG", "ebay.com.sg"},
          {"EBAY_MOTORS_US", "ebay.com"},
      }};
  for (auto const& [id, domain] : kSites) {
    if (id == marketplace_id) return std::string(domain);
  }
  return {};
}

StatusOr<DecisionRequest> BuildDecisionRequest(MarketplaceReturn const& ret,
                                               MarketplaceOrder const* order,
                                               SellerRules const& rules) {
  auto fail = [&](std::string message, std::string reason) {
    return FailedPreconditionError(
        "return " + ret.external_id + ": " + std::move(message),
        std::move(reason), {{"return_id", ret.external_id}});
  };
  std::string country = ret.buyer_country;
  std::string region = ret.buyer_region;
  if (country.empty() && order != nullptr) {
    country = order->buyer_country;
    region = order->buyer_region;
  }
  if (country.empty()) {
    return fail("the buyer's country is unknown", "BUYER_COUNTRY_UNKNOWN");
  }
  DecisionRequest req;
  req.buyer.jurisdiction = region.empty() ? country : country + "-" + region;
  req.buyer.timezone = std::string(DefaultTimeZone(country, region));
  if (req.buyer.timezone.empty()) {
    return fail("no time zone is known for country " + country,
                "BUYER_TIME_ZONE_UNKNOWN");
  }
  req.seller = rules.seller;
  if (req.seller.jurisdiction.empty()) {
    req.seller.jurisdiction = ret.seller_country;
  }
  if (ret.marketplace == "ebay") {
    req.marketplace = "MP-EBAY";
    if (auto site = SiteDomain(ret.site); !site.empty()) {
      req.marketplace_site = site;
    }
  }

  Item item;
  item.id = ret.transaction_id.empty() ? ret.external_id : ret.transaction_id;
  item.category = "general";
  MarketplaceOrderLine const* line = nullptr;
  if (order != nullptr) {
    req.contract.concluded_at = order->created_at;
    for (auto const& l : order->lines) {
      if (l.line_id == ret.transaction_id ||
          (line == nullptr && !ret.item_id.empty() &&
           l.item_id == ret.item_id)) {
        line = &l;
      }
    }
  } else {
    req.contract.concluded_at = ret.created_at;
  }
  if (line != nullptr) {
    item.price = BuyerAmount(line->price);
    if (line->delivered_at) {
      // An estimate may lie after the return request; the buyer had the
      // item by the time they asked to send it back.
      item.deliveries.push_back(std::min(*line->delivered_at, ret.created_at));
    }
    if (order->lines.size() > 1) req.contract.kind = ContractKind::kMultiItem;
  } else if (ret.item_price) {
    item.price = BuyerAmount(*ret.item_price);
  }
  if (item.deliveries.empty()) {
    // Nothing says when the item arrived: the return request itself shows
    // the buyer had it by then, the latest start the facts allow.
    item.deliveries.push_back(ret.created_at);
  }
  if (req.contract.concluded_at > item.deliveries.front()) {
    req.contract.concluded_at = item.deliveries.front();
  }
  req.items.push_back(std::move(item));
  req.claim.kind = ClaimFor(ret.mapped_reason);
  req.claim.sent_at = ret.created_at;
  req.claim.item_ids = {req.items.front().id};
  return req;
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
