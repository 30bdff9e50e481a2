#pragma once

// Orders shared by the refund tests and benchmarks.

#include <string>
#include <string_view>
#include <utility>

#include "sanbao/domain/order.h"
#include "sanbao/money.h"

namespace sanbao::testing_util {

inline Money M(std::string_view amount, std::string_view currency = "EUR") {
  return *Money::Parse(amount, currency);
}

inline OrderLine Line(std::string id, int quantity, std::string_view unit_price,
                      std::string_view tax, bool tax_included,
                      std::string_view currency = "EUR") {
  OrderLine line;
  line.id = std::move(id);
  line.sku = line.id;
  line.quantity = quantity;
  line.unit_price = M(unit_price, currency);
  line.tax = M(tax, currency);
  line.tax_included = tax_included;
  return line;
}

/// Our worked example: A 3 x 19.99, B 1 x 45.00, VAT-inclusive (19%), cart
/// discount 10.00. The discount splits 5.71 / 4.29 by line gross; A after it,
/// 54.26, is 18.09 / 18.09 / 18.08 per unit, A's VAT 8.66 is 2.89 / 2.89 /
/// 2.88.
inline Order GoldenOrder() {
  Order order;
  order.id = "O-golden";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 3, "19.99", "8.66", true));
  order.lines.push_back(Line("B", 1, "45.00", "6.50", true));
  order.order_discounts.push_back(Discount{"D1", "CART10", M("10.00")});
  return order;
}

/// The golden order plus shipping 9.90 (standard option 4.95) with 1.88 VAT:
/// total 106.75, paid 80.00 by card and 26.75 by gift card; 100 points
/// earned.
inline Order GoldenOrderPaid() {
  Order order = GoldenOrder();
  order.shipping.charged = M("9.90");
  order.shipping.cheapest_standard = M("4.95");
  order.shipping.tax = M("1.88");
  order.tenders.push_back(
      Tender{"gift", TenderKind::kGiftCard, M("26.75"), "gc"});
  order.tenders.push_back(Tender{"card", TenderKind::kCard, M("80.00"), "ch"});
  order.loyalty_points_earned = 100;
  return order;
}

}  // namespace sanbao::testing_util
