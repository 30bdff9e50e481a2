// sanbao returns list|show, sanbao refund preview, and the hidden
// sanbao store seed-demo: the store through the command line. Every command
// takes --db PATH (default ./sanbao.db) and --json.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "internal/domain_json.h"
#include "output.h"
#include "sanbao/refund/calculator.h"
#include "sanbao/refund/ledger.h"
#include "sanbao/store/sqlite_store.h"

namespace sanbao::cli {
namespace {

namespace json = boost::json;

constexpr char kDefaultDb[] = "./sanbao.db";

struct StoreArgs {
  std::string db = kDefaultDb;
  bool json = false;
};

void AddStoreOptions(CLI::App* cmd, StoreArgs& a) {
  cmd->add_option("--db", a.db, "The store (SQLite file)")
      ->capture_default_str();
  cmd->add_flag("--json", a.json, "JSON output");
}

/// Opens an existing store to read it: a missing or empty file is
/// STORE_NOT_FOUND, not a new empty database, and nothing is ever written.
StatusOr<std::shared_ptr<Store>> OpenExisting(std::string const& path) {
  return OpenSqliteStore(
      {.path = path, .create_if_missing = false, .read_only = true});
}

// ---- returns list / show ----------------------------------------------------

struct ListArgs {
  StoreArgs store;
  std::string state;
  std::string order_id;
  int limit = 100;
};

int ListReturns(ListArgs const& a) {
  ReturnFilter filter;
  if (!a.state.empty()) {
    auto state = ParseReturnState(a.state);
    if (!state) return ReportError(state.status());
    filter.state = *state;
  }
  filter.order_id = a.order_id;
  auto store = OpenExisting(a.store.db);
  if (!store) return ReportError(store.status());
  auto page = (*store)->ListReturns(filter, {.limit = a.limit});
  if (!page) return ReportError(page.status());
  if (a.store.json) {
    json::array items;
    for (auto const& rc : page->items)
      items.push_back(internal::ReturnSummaryJson(rc));
    PrintJson(std::cout,
              json::object{{"returns", std::move(items)},
                           {"next_page_token", page->next_page_token}});
    return kExitOk;
  }
  std::printf("%-14s %-12s %-18s %-10s %s\n", "RETURN", "ORDER", "STATE",
              "RESOLUTION", "UPDATED");
  for (auto const& rc : page->items) {
    // Ids came from a marketplace: nothing in them reaches the terminal raw.
    std::printf("%-14s %-12s %-18s %-10s %s\n", PrintableText(rc.id).c_str(),
                PrintableText(rc.order_id).c_str(),
                std::string(ReturnStateName(rc.state())).c_str(),
                rc.resolution() == Resolution::kNone
                    ? "-"
                    : std::string(ResolutionName(rc.resolution())).c_str(),
                FormatInstant(rc.updated_at).c_str());
  }
  std::cout << page->items.size()
            << (page->items.size() == 1 ? " return" : " returns");
  if (!page->next_page_token.empty()) std::cout << " (more: raise --limit)";
  std::cout << "\n";
  return kExitOk;
}

struct ShowArgs {
  StoreArgs store;
  std::string id;
};

int ShowReturn(ShowArgs const& a) {
  auto store = OpenExisting(a.store.db);
  if (!store) return ReportError(store.status());
  auto rc = (*store)->GetReturn(a.id);
  if (!rc) return ReportError(rc.status());
  if (a.store.json) {
    PrintJson(std::cout, json::value_from(*rc));
    return kExitOk;
  }
  std::cout << "Return " << PrintableText(rc->id) << " for order "
            << PrintableText(rc->order_id);
  if (!rc->marketplace.empty())
    std::cout << " (" << PrintableText(rc->marketplace) << " "
              << PrintableText(rc->external_id) << ")";
  std::cout << "\nState: " << ReturnStateName(rc->state());
  if (rc->resolution() != Resolution::kNone)
    std::cout << " (" << ResolutionName(rc->resolution()) << ")";
  std::cout << "\nGoods come back: " << (rc->requires_return ? "yes" : "no")
            << "\nLines:\n";
  for (auto const& l : rc->lines) {
    std::cout << "  " << PrintableText(l.order_line_id) << " x"
              << l.requested_quantity;
    if (!l.reason_note.empty())
      std::cout << "  " << QuoteForMessage(l.reason_note, 200);
    std::cout << "\n";
  }
  std::cout << "History:\n";
  if (rc->history().empty())
    std::cout << "  (requested " << FormatInstant(rc->created_at) << ")\n";
  for (auto const& h : rc->history()) {
    std::cout << "  " << FormatInstant(h.at) << "  " << ReturnStateName(h.from)
              << " -> " << ReturnStateName(h.to);
    if (h.resolution != Resolution::kNone)
      std::cout << " (" << ResolutionName(h.resolution) << ")";
    std::cout << "  by " << ActorKindName(h.actor.kind);
    if (!h.actor.id.empty()) std::cout << " " << PrintableText(h.actor.id);
    if (!h.reason.empty()) std::cout << ": " << PrintableText(h.reason);
    std::cout << "\n";
  }
  return kExitOk;
}

// ---- refund preview
// -----------------------------------------------------------

struct PreviewArgs {
  StoreArgs store;
  std::string order_id;
  std::string return_id;
  std::string lines;
  std::string shipping = "none";
};

StatusOr<std::vector<ReturnedUnits>> ParseLines(std::string const& text) {
  std::vector<ReturnedUnits> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    auto colon = item.rfind(':');
    int qty = 0;
    bool ok =
        colon != std::string::npos && colon > 0 && colon + 1 < item.size();
    if (ok) {
      try {
        std::size_t used = 0;
        qty = std::stoi(item.substr(colon + 1), &used);
        ok = used == item.size() - colon - 1 && qty > 0;
      } catch (std::exception const&) {
        ok = false;
      }
    }
    if (!ok) {
      return InvalidArgumentError("--lines: " + QuoteForMessage(item) +
                                      " is not LINE:QTY with QTY >= 1",
                                  "CLI_LINES_INVALID", {{"input", item}});
    }
    out.push_back(ReturnedUnits{item.substr(0, colon), qty});
  }
  if (out.empty()) {
    return InvalidArgumentError("--lines: give at least one LINE:QTY",
                                "CLI_LINES_INVALID");
  }
  return out;
}

int PreviewRefund(PreviewArgs a) {
  // The arguments first, then the store, opened once.
  if (a.order_id.empty() == a.return_id.empty()) {
    return ReportError(InvalidArgumentError(
        "give an order id with --lines, or --return ID (not both)",
        "CLI_PREVIEW_TARGET"));
  }
  if (!a.return_id.empty() && !a.lines.empty()) {
    return ReportError(InvalidArgumentError(
        "--lines comes from the return with --return; leave it out",
        "CLI_PREVIEW_TARGET"));
  }
  if (a.return_id.empty() && a.lines.empty()) {
    return ReportError(InvalidArgumentError(
        "--lines is required with an order id", "CLI_LINES_INVALID"));
  }
  RefundRequest request;
  if (a.return_id.empty()) {
    auto lines = ParseLines(a.lines);
    if (!lines) return ReportError(lines.status());
    request.lines = *std::move(lines);
  }
  if (a.shipping == "standard") {
    request.policy_outbound_shipping = OutboundRefund::kStandardPart;
  } else if (a.shipping == "all") {
    request.policy_outbound_shipping = OutboundRefund::kAll;
  } else if (a.shipping != "none") {
    return ReportError(
        InvalidArgumentError("--shipping must be none, standard or all, not " +
                                 QuoteForMessage(a.shipping),
                             "CLI_SHIPPING_INVALID"));
  }
  auto store = OpenExisting(a.store.db);
  if (!store) return ReportError(store.status());
  if (!a.return_id.empty()) {
    // The units a stored return (a synced one, say) sends back, of its
    // order.
    auto rc = (*store)->GetReturn(a.return_id);
    if (!rc) return ReportError(rc.status());
    a.order_id = rc->order_id;
    for (auto const& l : rc->lines) {
      request.lines.push_back({l.order_line_id, l.requested_quantity});
    }
  }
  auto order = (*store)->GetOrder(a.order_id);
  if (!order) return ReportError(order.status());
  auto past = (*store)->ListRefunds(a.order_id);
  if (!past) return ReportError(past.status());
  auto ledger = RefundLedger::Build(*order, *past);
  if (!ledger) return ReportError(ledger.status());
  auto refund = ComputeRefund(*order, *ledger, request);
  if (!refund) {
    int code = ReportError(refund.status());
    // More units than remain is a question the arguments asked, not a failure.
    return refund.status().code() == ErrorCode::kFailedPrecondition ? kExitUsage
                                                                    : code;
  }
  if (a.store.json) {
    auto out = json::value_from(*refund).as_object();
    out["previous_refunds"] = past->size();
    out["already_refunded"] = json::value_from(ledger->total_refunded());
    PrintJson(std::cout, out);
    return kExitOk;
  }
  std::cout << "Refund preview for order " << PrintableText(order->id)
            << " (nothing is recorded)\n";
  for (auto const& l : refund->lines) {
    std::cout << "  " << PrintableText(l.order_line_id) << " x" << l.quantity
              << "  " << l.amount.ToStringWithCode() << " + tax "
              << l.tax.ToStringWithCode() << "\n";
  }
  if (refund->shipping) {
    std::cout << "  shipping  " << refund->shipping->ToStringWithCode();
    if (refund->shipping_tax)
      std::cout << " + tax " << refund->shipping_tax->ToStringWithCode();
    std::cout << "\n";
  }
  for (auto const& d : refund->deductions) {
    std::cout << "  deduction  -" << d.amount.ToStringWithCode() << "  "
              << d.legal_basis << "\n";
  }
  std::cout << "Total: " << refund->total.ToStringWithCode() << "\n";
  for (auto const& t : refund->tenders) {
    std::cout << "  to tender " << PrintableText(t.tender_id) << ": "
              << t.amount.ToStringWithCode() << "\n";
  }
  if (refund->loyalty_points_reversed != 0) {
    std::cout << "Loyalty points reversed: " << refund->loyalty_points_reversed
              << "\n";
  }
  if (!past->empty()) {
    std::cout << "Already refunded before: "
              << ledger->total_refunded().ToStringWithCode() << " in "
              << past->size() << (past->size() == 1 ? " refund" : " refunds")
              << "\n";
  }
  return kExitOk;
}

// ---- store seed-demo (hidden; for tests and demos)
// -----------------------------

Money Eur(std::int64_t cents) {
  return Money::FromMinorUnits(cents, "EUR").value();
}
Instant Day(int day, int hour) {
  return Instant(std::chrono::sys_days{std::chrono::year{2026} / 12 / day}) +
         std::chrono::hours(hour);
}

Order DemoOrder() {
  Order o;
  o.id = "ORD-1001";
  o.marketplace = "shopify";
  o.external_id = "#1001";
  o.placed_at = Day(7, 9);
  o.presentment_currency = "EUR";
  o.settlement_currency = "EUR";
  OrderLine kettle;
  kettle.id = "A";
  kettle.sku = "KETTLE-1";
  kettle.title = "Electric kettle";
  kettle.quantity = 2;
  kettle.unit_price = Eur(4990);
  kettle.tax = Eur(1593);  // 19 % included
  kettle.tax_included = true;
  OrderLine cable;
  cable.id = "B";
  cable.sku = "CABLE-2M";
  cable.title = "Cable 2 m";
  cable.quantity = 1;
  cable.unit_price = Eur(990);
  cable.tax = Eur(158);
  cable.tax_included = true;
  o.lines = {kettle, cable};
  o.shipping.charged = Eur(416);
  o.shipping.tax = Eur(79);
  o.buyer = PartyInfo{"DE-BE", "Europe/Berlin"};
  o.seller = PartyInfo{"DE-BE", "Europe/Berlin"};
  Delivery d;
  d.id = "P1";
  d.parts = {{"A", 2}, {"B", 1}};
  d.delivered_at = Day(11, 15);
  d.carrier = "DHL";
  o.deliveries.push_back(d);
  return o;
}

int SeedDemo(StoreArgs const& a) {
  auto store = OpenSqliteStore({.path = a.db});
  if (!store) return ReportError(store.status());
  Store& s = **store;
  Order order = DemoOrder();
  auto total = order.Total();
  if (!total) return ReportError(total.status());
  order.tenders.push_back(Tender{"T1", TenderKind::kCard, *total, "pi_demo"});
  if (auto st = s.UpsertOrder(order); !st.ok()) return ReportError(st);

  Actor buyer{Actor::Kind::kBuyer, "buyer-7"};
  Actor seller{Actor::Kind::kSeller, "ops"};
  auto make = [&](std::string id, std::string line, int qty, std::string note) {
    ReturnCase rc;
    rc.id = std::move(id);
    rc.order_id = order.id;
    rc.marketplace = "shopify";
    rc.external_id = "R" + rc.id.substr(4);
    rc.created_at = Day(14, 10);
    rc.updated_at = rc.created_at;
    ReturnLine l;
    l.order_line_id = std::move(line);
    l.requested_quantity = qty;
    l.reason_note = std::move(note);
    rc.lines.push_back(l);
    return rc;
  };
  std::vector<ReturnCase> cases;
  cases.push_back(make("RMA-1", "B", 1, "changed my mind"));
  ReturnCase transit = make("RMA-2", "A", 1, "too loud");
  Status st = transit.Transition(ReturnState::kApproved, seller, Day(14, 12),
                                 "within 14 days");
  if (st.ok())
    st = transit.Transition(ReturnState::kAwaitingShipment, seller, Day(14, 12),
                            "label sent");
  if (st.ok())
    st = transit.Transition(ReturnState::kInTransit, buyer, Day(15, 9),
                            "handed to DHL");
  if (!st.ok()) return ReportError(st);
  transit.updated_at = Day(15, 9);
  cases.push_back(transit);
  ReturnCase claim = make("RMA-3", "A", 1, "arrived dented");
  claim.requires_return = false;
  st = claim.Transition(ReturnState::kApproved, seller, Day(14, 11),
                        "photo evidence");
  if (st.ok()) {
    st = claim.Transition(ReturnState::kResolved, seller, Day(14, 11),
                          "refund without return", Resolution::kRefunded);
  }
  if (!st.ok()) return ReportError(st);
  claim.updated_at = Day(14, 11);
  for (auto const& rc : cases) {
    if (auto u = s.UpsertReturn(rc); !u.ok() && u.reason() != "RETURN_STALE")
      return ReportError(u);
  }
  // The claim's refund commits with its resolution, once.
  st = s.WithTransaction([&](Store& tx) -> Status {
    auto existing = tx.GetReturn(claim.id);
    if (existing.ok()) return Status();  // seeded before
    if (auto u = tx.UpsertReturn(claim); !u.ok()) return u;
    auto ledger = RefundLedger::Build(order, {});
    if (!ledger) return ledger.status();
    RefundRequest request;
    request.lines = {{"A", 1}};
    request.refund_id = "REF-1";
    request.return_id = claim.id;
    request.idempotency_key = "refund:" + claim.id;
    request.created_at = Day(14, 11);
    auto refund = ComputeRefund(order, *ledger, request);
    if (!refund) return refund.status();
    return tx.RecordRefund(*refund).status();
  });
  if (!st.ok()) return ReportError(st);
  if (a.json) {
    PrintJson(
        std::cout,
        json::object{{"db", a.db}, {"order_id", order.id}, {"returns", 3}});
  } else {
    std::cout << "Seeded " << a.db << ": order " << order.id
              << ", returns RMA-1..RMA-3, refund REF-1\n";
  }
  return kExitOk;
}

}  // namespace

void AddReturnsCommands(CLI::App& app, int& exit_code) {
  auto* returns = app.add_subcommand("returns", "Return cases in the store");
  auto la = std::make_shared<ListArgs>();
  auto* list = returns->add_subcommand("list", "List return cases, by id");
  AddStoreOptions(list, la->store);
  list->add_option("--state", la->state,
                   "Only this state (requested, approved, in_transit, ...)");
  list->add_option("--order", la->order_id, "Only the returns of this order");
  list->add_option("--limit", la->limit, "At most this many (1..1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  list->callback([&exit_code, la] { exit_code = ListReturns(*la); });

  auto sa = std::make_shared<ShowArgs>();
  auto* show =
      returns->add_subcommand("show", "Show one return case with its history");
  show->add_option("id", sa->id, "The return id")->required();
  AddStoreOptions(show, sa->store);
  show->callback([&exit_code, sa] { exit_code = ShowReturn(*sa); });

  auto* refund = app.add_subcommand("refund", "Refunds");
  auto pa = std::make_shared<PreviewArgs>();
  auto* preview =
      refund->add_subcommand("preview",
                             "What returning these units of a stored order "
                             "would refund (records nothing)");
  preview->add_option("order_id", pa->order_id,
                      "The order id (or give --return)");
  preview->add_option("--return", pa->return_id,
                      "A stored return (a synced one, say): its order and "
                      "the units it sends back");
  preview->add_option("--lines", pa->lines,
                      "LINE:QTY[,LINE:QTY...] (with an order id)");
  preview
      ->add_option("--shipping", pa->shipping,
                   "Outbound shipping the seller's policy refunds: none, "
                   "standard or all")
      ->capture_default_str();
  AddStoreOptions(preview, pa->store);
  preview->callback([&exit_code, pa] { exit_code = PreviewRefund(*pa); });

  auto* store = app.add_subcommand("store", "")->group("");  // hidden
  auto da = std::make_shared<StoreArgs>();
  auto* seed = store->add_subcommand(
      "seed-demo", "Write a demo order, returns and a refund");
  AddStoreOptions(seed, *da);
  seed->callback([&exit_code, da] { exit_code = SeedDemo(*da); });
}

}  // namespace sanbao::cli
