#include "sanbao/connection.h"

#include <algorithm>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace {

// One call after another: the default for connections without a batch
// request.
template <typename T, typename Get>
std::vector<StatusOr<T>> OneByOne(std::span<std::string const> ids,
                                  Get const& get) {
  std::vector<StatusOr<T>> out;
  out.reserve(ids.size());
  for (auto const& id : ids) out.push_back(get(id));
  return out;
}

Status OrderInvalid(MarketplaceOrder const& order, std::string why) {
  return InvalidArgumentError("order " + order.order_id + ": " + why,
                              "ORDER_INVALID", {{"order_id", order.order_id}});
}

}  // namespace

std::string_view RefundPartKindName(RefundPartKind kind) {
  switch (kind) {
    case RefundPartKind::kGoods:
      return "goods";
    case RefundPartKind::kGoodsTax:
      return "goods_tax";
    case RefundPartKind::kOutboundShipping:
      return "outbound_shipping";
    case RefundPartKind::kShippingTax:
      return "shipping_tax";
    case RefundPartKind::kReturnShipping:
      return "return_shipping";
    case RefundPartKind::kOther:
      break;
  }
  return "other";
}

StatusOr<ReturnsPage> ReturnsConnection::ListReturns(ReturnsQuery const&) {
  return UnimplementedError("ReturnsConnection::ListReturns");
}
StatusOr<MarketplaceReturn> ReturnsConnection::GetReturn(std::string_view) {
  return UnimplementedError("ReturnsConnection::GetReturn");
}
StatusOr<MarketplaceOrder> ReturnsConnection::GetOrder(std::string_view) {
  return UnimplementedError("ReturnsConnection::GetOrder");
}
Status ReturnsConnection::Decide(std::string_view,
                                 ReturnDecisionRequest const&) {
  return UnimplementedError("ReturnsConnection::Decide");
}
Status ReturnsConnection::MarkReceived(std::string_view, std::string_view) {
  return UnimplementedError("ReturnsConnection::MarkReceived");
}
StatusOr<MarketplaceRefundResult> ReturnsConnection::IssueRefund(
    std::string_view, MarketplaceRefundRequest const&) {
  return UnimplementedError("ReturnsConnection::IssueRefund");
}

std::vector<StatusOr<MarketplaceReturn>> ReturnsConnection::GetReturns(
    std::span<std::string const> ids) {
  return OneByOne<MarketplaceReturn>(
      ids, [this](std::string const& id) { return GetReturn(id); });
}

std::vector<StatusOr<MarketplaceOrder>> ReturnsConnection::GetOrders(
    std::span<std::string const> order_ids) {
  return OneByOne<MarketplaceOrder>(
      order_ids, [this](std::string const& id) { return GetOrder(id); });
}

StatusOr<Order> OrderFromMarketplace(MarketplaceOrder const& in,
                                     std::string_view marketplace) {
  if (in.order_id.empty()) return OrderInvalid(in, "no order id");
  if (in.lines.empty()) return OrderInvalid(in, "no lines");
  Order out;
  out.id = std::string(marketplace) + ":" + in.order_id;
  out.marketplace = std::string(marketplace);
  out.external_id = in.order_id;
  out.placed_at = in.created_at;
  auto const currency = in.lines.front().price.amount.currency();
  // The refund ledger keeps an order in one currency: the one the
  // marketplace refunds in. (What the buyer saw in their own currency stays
  // in MarketplaceAmount::converted_from on the marketplace's records.)
  out.settlement_currency = std::string(currency.code());
  out.presentment_currency = out.settlement_currency;
  auto same = [&](Money const& m, std::string_view field) -> Status {
    if (m.currency() == currency) return Status();
    return InvalidArgumentError(
        "order " + in.order_id + ": " + std::string(field) + " is in " +
            std::string(m.currency().code()) + ", the order in " +
            std::string(currency.code()),
        "CURRENCY_MISMATCH",
        {{"order_id", in.order_id}, {"field", std::string(field)}});
  };
  auto zero = *Money::Zero(currency);
  for (auto const& l : in.lines) {
    if (l.line_id.empty()) return OrderInvalid(in, "a line without id");
    if (l.quantity < 1) {
      return OrderInvalid(in, "line " + l.line_id + " has quantity " +
                                  std::to_string(l.quantity));
    }
    if (auto s = same(l.price.amount, "line price"); !s.ok()) return s;
    OrderLine line;
    line.id = l.line_id;
    line.sku = l.item_id;
    line.title = l.title;
    line.quantity = l.quantity;
    line.tax = zero;
    line.tax_included = l.tax_included;
    auto const total = l.price.amount.minor_units();
    auto const q = static_cast<std::int64_t>(l.quantity);
    // Rounded up, so that the difference is a (non-negative) discount.
    auto const unit = total / q + (total % q > 0 ? 1 : 0);
    line.unit_price = *Money::FromMinorUnits(unit, currency);
    if (auto rest = unit * q - total; rest != 0) {
      line.discounts.push_back({"unit-rounding", "unit price rounding",
                                *Money::FromMinorUnits(rest, currency)});
    }
    if (l.discount && !l.discount->amount.is_zero()) {
      if (auto s = same(l.discount->amount, "line discount"); !s.ok()) return s;
      line.discounts.push_back({"discount", "", l.discount->amount});
    }
    if (l.tax) {
      if (auto s = same(l.tax->amount, "line tax"); !s.ok()) return s;
      line.tax = l.tax->amount;
    }
    if (l.shipping) {
      if (auto s = same(l.shipping->amount, "line shipping"); !s.ok()) {
        return s;
      }
      line.shipping = l.shipping->amount;
    }
    out.lines.push_back(std::move(line));
  }
  out.shipping.charged = zero;
  out.shipping.tax = zero;
  if (in.shipping) {
    if (auto s = same(in.shipping->amount, "shipping"); !s.ok()) return s;
    out.shipping.charged = in.shipping->amount;
  }
  // Per-line shipping is kept only where every line has it and the parts
  // add up to the order's charge (a combined-shipping discount, say, makes
  // the split unknowable; the charge then stays the order's as a whole).
  std::int64_t line_shipping = 0;
  bool every_line = true;
  for (auto const& l : out.lines) {
    if (!l.shipping) {
      every_line = false;
      break;
    }
    line_shipping += l.shipping->minor_units();
  }
  if (every_line && !in.shipping) {
    out.shipping.charged = *Money::FromMinorUnits(line_shipping, currency);
  } else if (!every_line ||
             line_shipping != out.shipping.charged.minor_units()) {
    for (auto& l : out.lines) l.shipping.reset();
  }
  if (in.shipping_tax) {
    if (auto s = same(in.shipping_tax->amount, "shipping tax"); !s.ok()) {
      return s;
    }
    out.shipping.tax = in.shipping_tax->amount;
  }
  for (auto const& p : in.payments) {
    if (auto s = same(p.amount.amount, "payment"); !s.ok()) return s;
    out.tenders.push_back({p.id, p.kind, p.amount.amount, p.reference});
  }
  out.buyer.jurisdiction = in.buyer_region.empty()
                               ? in.buyer_country
                               : in.buyer_country + "-" + in.buyer_region;
  out.buyer.timezone =
      std::string(DefaultTimeZone(in.buyer_country, in.buyer_region));
  for (auto const& l : in.lines) {
    if (!l.delivered_at) continue;
    Delivery d;
    d.id = l.line_id;
    d.parts.push_back({l.line_id, l.quantity});
    d.delivered_at = *l.delivered_at;
    out.deliveries.push_back(std::move(d));
  }
  return out;
}

StatusOr<MarketplaceRefundRequest> RefundRequestFor(Refund const& refund,
                                                    std::string comment) {
  MarketplaceRefundRequest req;
  req.total = refund.total;
  req.comment = std::move(comment);
  req.idempotency_key = refund.idempotency_key;
  // Deductions come off the goods, line by line in order; a restocking fee
  // is reported with its percentage of the line where it is whole.
  std::int64_t to_deduct = 0;
  std::optional<Money> restocking;
  for (auto const& d : refund.deductions) {
    to_deduct += d.amount.minor_units();
    if (d.kind == Deduction::Kind::kRestockingFee) {
      restocking = restocking ? *restocking->Add(d.amount) : d.amount;
    }
  }
  auto part = [&](RefundPartKind kind, Money const& amount) {
    if (!amount.is_zero()) req.parts.push_back({kind, {amount, {}}, {}, {}});
  };
  for (auto const& line : refund.lines) {
    auto take = std::min(to_deduct, line.amount.minor_units());
    auto goods = *Money::FromMinorUnits(line.amount.minor_units() - take,
                                        line.amount.currency());
    to_deduct -= take;
    if (!goods.is_zero()) {
      RefundPart p{RefundPartKind::kGoods, {goods, {}}, {}, {}};
      if (restocking && take > 0 &&
          restocking->minor_units() * 100 % line.amount.minor_units() == 0) {
        p.restocking_fee_percent = static_cast<int>(
            restocking->minor_units() * 100 / line.amount.minor_units());
      }
      req.parts.push_back(std::move(p));
    }
    part(RefundPartKind::kGoodsTax, line.tax);
  }
  if (to_deduct > 0) {
    return InvalidArgumentError(
        "refund " + refund.id + ": the deductions exceed the goods refunded",
        "REFUND_INVALID", {{"refund_id", refund.id}});
  }
  if (refund.shipping)
    part(RefundPartKind::kOutboundShipping, *refund.shipping);
  if (refund.shipping_tax) {
    part(RefundPartKind::kShippingTax, *refund.shipping_tax);
  }
  return req;
}

}  // namespace v1
}  // namespace sanbao
