#include "sanbao/sync/engine.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <variant>

#include "decision_input.h"
#include "sanbao/http/log.h"
#include "sanbao/refund/calculator.h"
#include "sanbao/refund/ledger.h"
#include "sanbao/store/outbox.h"

namespace sanbao {
inline namespace v1 {
namespace {

namespace json = boost::json;
using internal::BuildDecisionRequest;

constexpr int kCursorVersion = 1;

// ---- the cursor -------------------------------------------------------------
//
// {"v":1,"watermark":"<instant>"} between runs;
// {"v":1,"watermark":...,"run":{"from","to","slice_from","page"}} while a run
// is under way: the page token is the next page to read.

struct RunPosition {
  Instant from{};
  Instant to{};
  Instant slice_from{};
  std::string page{};
};

struct Cursor {
  std::optional<Instant> watermark{};
  std::optional<RunPosition> run{};
};

std::string EncodeCursor(Cursor const& c) {
  json::object o;
  o["v"] = kCursorVersion;
  if (c.watermark) o["watermark"] = FormatInstant(*c.watermark);
  if (c.run) {
    o["run"] = json::object{{"from", FormatInstant(c.run->from)},
                            {"to", FormatInstant(c.run->to)},
                            {"slice_from", FormatInstant(c.run->slice_from)},
                            {"page", c.run->page}};
  }
  return json::serialize(o);
}

StatusOr<Cursor> DecodeCursor(std::string const& text) {
  auto bad = [&](std::string why) {
    return FailedPreconditionError(
        "the stored sync cursor is unreadable: " + std::move(why),
        "SYNC_CURSOR_INVALID", {{"cursor", text}});
  };
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return bad("not a JSON object");
  auto const& o = v.get_object();
  auto const* version = o.if_contains("v");
  if (version == nullptr || !version->is_int64() ||
      version->get_int64() != kCursorVersion) {
    return bad("unknown version");
  }
  auto instant = [&](json::object const& obj,
                     std::string_view key) -> std::optional<Instant> {
    auto const* s = obj.if_contains(key);
    if (s == nullptr || !s->is_string()) return std::nullopt;
    auto at = ParseInstant(std::string_view(s->get_string()));
    if (!at) return std::nullopt;
    return *at;
  };
  Cursor c;
  if (o.contains("watermark")) {
    c.watermark = instant(o, "watermark");
    if (!c.watermark) return bad("bad watermark");
  }
  if (auto const* r = o.if_contains("run"); r != nullptr && r->is_object()) {
    auto const& ro = r->get_object();
    auto from = instant(ro, "from");
    auto to = instant(ro, "to");
    auto slice = instant(ro, "slice_from");
    auto const* page = ro.if_contains("page");
    if (!from || !to || !slice || page == nullptr || !page->is_string()) {
      return bad("bad run position");
    }
    c.run = RunPosition{*from, *to, *slice, std::string(page->get_string())};
  }
  return c;
}

// ---- moving a local case along the state machine ----------------------------

constexpr std::array<ReturnState, 10> kAllStates = {
    ReturnState::kRequested, ReturnState::kApproved,
    ReturnState::kDeclined,  ReturnState::kAwaitingShipment,
    ReturnState::kInTransit, ReturnState::kReceived,
    ReturnState::kInspected, ReturnState::kResolved,
    ReturnState::kClosed,    ReturnState::kCancelled,
};

// The shortest path of allowed transitions from `from` to `to` (excluding
// `from`), or nothing. `via` must lie on the path when given.
std::optional<std::vector<ReturnState>> PathBetween(
    ReturnState from, ReturnState to, bool requires_return = true) {
  if (from == to) return std::vector<ReturnState>{};
  std::map<ReturnState, ReturnState> parent;
  std::deque<ReturnState> queue{from};
  std::set<ReturnState> seen{from};
  while (!queue.empty()) {
    auto s = queue.front();
    queue.pop_front();
    for (auto next : kAllStates) {
      if (seen.contains(next) || !IsTransitionAllowed(s, next)) continue;
      // Goods that come back are received and inspected before resolving.
      if (requires_return && s == ReturnState::kApproved &&
          next == ReturnState::kResolved) {
        continue;
      }
      seen.insert(next);
      parent[next] = s;
      if (next == to) {
        std::vector<ReturnState> path{to};
        for (auto p = parent[to]; p != from; p = parent[p]) {
          path.push_back(p);
        }
        std::reverse(path.begin(), path.end());
        return path;
      }
      queue.push_back(next);
    }
  }
  return std::nullopt;
}

std::optional<std::vector<ReturnState>> PathVia(ReturnState from,
                                                ReturnState via, ReturnState to,
                                                bool requires_return) {
  auto first = PathBetween(from, via, requires_return);
  if (!first) return std::nullopt;
  auto second = PathBetween(via, to, requires_return);
  if (!second) return std::nullopt;
  first->insert(first->end(), second->begin(), second->end());
  return first;
}

bool CanReach(ReturnState from, ReturnState to) {
  return PathBetween(from, to, true).has_value();
}

// Moves `rc` to `target` through the allowed transitions. A closed case
// passes through `resolved` when the marketplace refunded it and through
// `cancelled` (or `declined`) otherwise.
Status AdvanceTo(ReturnCase& rc, ReturnState target, Resolution resolution,
                 Actor const& actor, Instant at, std::string const& reason) {
  if (rc.state() == target) return Status();
  std::optional<std::vector<ReturnState>> path;
  if (target == ReturnState::kClosed) {
    if (resolution != Resolution::kNone) {
      path = PathVia(rc.state(), ReturnState::kResolved, target,
                     rc.requires_return);
    } else {
      path = PathVia(rc.state(), ReturnState::kCancelled, target,
                     rc.requires_return);
      if (!path) {
        path = PathVia(rc.state(), ReturnState::kDeclined, target,
                       rc.requires_return);
      }
    }
  }
  if (!path) path = PathBetween(rc.state(), target, rc.requires_return);
  if (!path) {
    return FailedPreconditionError(
        "return " + rc.id + " cannot move from " +
            std::string(ReturnStateName(rc.state())) + " to " +
            std::string(ReturnStateName(target)),
        "RETURN_TRANSITION_INVALID",
        {{"from", std::string(ReturnStateName(rc.state()))},
         {"to", std::string(ReturnStateName(target))}});
  }
  if (!rc.history().empty()) at = std::max(at, rc.history().back().at);
  for (auto step : *path) {
    if (step == ReturnState::kReceived || step == ReturnState::kInspected) {
      for (auto& line : rc.lines) {
        line.received_quantity = line.requested_quantity;
        if (step == ReturnState::kInspected) {
          line.accepted_quantity = line.requested_quantity;
        }
      }
    }
    auto r = step == ReturnState::kResolved
                 ? (resolution == Resolution::kNone ? Resolution::kRefunded
                                                    : resolution)
                 : Resolution::kNone;
    if (auto s = rc.Transition(step, actor, at, reason, r); !s.ok()) return s;
  }
  rc.updated_at = std::max(rc.updated_at, at);
  return Status();
}

// ---- small helpers ----------------------------------------------------------

std::string ReturnKey(std::string_view connector, std::string_view id) {
  return std::string(connector) + ":" + std::string(id);
}

bool IsRefundState(MarketplaceReturn const& r) {
  return !r.refund_status.empty() || r.actual_refund.has_value();
}

// What the rules make of one return.
enum class Action { kNone, kApprove, kDecline, kRefund, kReview };

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kApprove:
      return "approve";
    case Action::kDecline:
      return "decline";
    case Action::kRefund:
      return "refund";
    case Action::kReview:
      return "review";
    case Action::kNone:
      break;
  }
  return "none";
}

struct Work {
  MarketplaceReturn summary{};
  std::optional<ReturnCase> stored{};
  bool is_new = false;
  bool changed = false;
  std::optional<MarketplaceReturn> detail{};
  std::optional<Decision> decision{};
  std::string decision_error{};
  std::string jurisdiction{};
  Action action = Action::kNone;
  /// The order behind the return, as the seller's books keep it; none when
  /// the marketplace could not give it (a refund then waits for a person).
  std::shared_ptr<Order const> order{};  ///< shared by the order's returns
};

}  // namespace

struct ReturnsSync::State {
  ReturnsSync& sync;
  std::string connector_;     ///< the ids' prefix and the cursor's name
  ReturnsCapabilities caps_;  ///< what the marketplace offers
  SyncSummary summary{};
  std::chrono::steady_clock::time_point started =
      std::chrono::steady_clock::now();
  std::int64_t total = 0;
  std::int64_t done = 0;
  std::set<std::string> sampled_jurisdictions{};
  void Error(std::string message) {
    ++summary.errors;
    if (summary.error_messages.size() < 20) {
      // Messages quote remote answers: never a credential in the summary.
      summary.error_messages.push_back(RedactForLog(message));
    }
  }

  void Progress() {
    if (!sync.options_.on_progress) return;
    sync.options_.on_progress(
        SyncProgress{done, total, std::chrono::steady_clock::now() - started});
  }

  Instant Now() const {
    return sync.options_.now
               ? sync.options_.now()
               : std::chrono::time_point_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now());
  }

  // Fetches full records and orders, then decides. The connection sends
  // each batch of requests together (concurrently over a transport that
  // can), one order request however many of its lines came back.
  Status Prepare(std::vector<Work>& work) {
    std::vector<std::size_t> needed;
    std::vector<std::size_t> fetch;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (!work[i].changed) continue;
      needed.push_back(i);
      if (work[i].detail) continue;  // read in full already
      fetch.push_back(i);
      ids.push_back(work[i].summary.external_id);
    }
    auto details = sync.connection_.GetReturns(ids);
    for (std::size_t k = 0; k < fetch.size(); ++k) {
      if (!details[k]) return details[k].status();
      work[fetch[k]].detail = *std::move(details[k]);
    }
    std::map<std::string, std::optional<MarketplaceOrder>> orders;
    std::map<std::string, std::shared_ptr<Order const>> books;
    for (auto i : needed) {
      if (!work[i].detail->order_id.empty()) {
        orders.emplace(work[i].detail->order_id, std::nullopt);
      }
    }
    std::vector<std::string> order_ids;
    for (auto const& [id, _] : orders) order_ids.push_back(id);
    auto fetched = sync.connection_.GetOrders(order_ids);
    for (std::size_t k = 0; k < order_ids.size(); ++k) {
      if (!fetched[k]) {
        // Deciding without the order is still possible (the return's own
        // dates); a missing order is reported, not fatal.
        if (fetched[k].status().code() != ErrorCode::kNotFound) {
          return fetched[k].status();
        }
        Error("order " + order_ids[k] + ": " + fetched[k].status().message());
        continue;
      }
      auto book = OrderFromMarketplace(*fetched[k], connector_);
      if (book) {
        books[order_ids[k]] = std::make_shared<Order const>(*std::move(book));
      } else {
        Error("order " + order_ids[k] + ": " + book.status().message());
      }
      orders[order_ids[k]] = *std::move(fetched[k]);
    }
    for (auto i : needed) {
      auto& w = work[i];
      MarketplaceOrder const* order = nullptr;
      if (auto it = orders.find(w.detail->order_id);
          it != orders.end() && it->second) {
        order = &*it->second;
      }
      if (auto it = books.find(w.detail->order_id); it != books.end()) {
        w.order = it->second;
      }
      Decide(w, order);
    }
    return Status();
  }

  void Decide(Work& w, MarketplaceOrder const* order) {
    auto const& rules = sync.rules_;
    auto const& r = *w.detail;
    auto request = BuildDecisionRequest(r, order, rules);
    if (request) {
      w.jurisdiction = request->buyer.jurisdiction;
      auto decision = sync.engine_.Decide(*request);
      if (!decision && request->buyer.jurisdiction != r.buyer_country &&
          !r.buyer_country.empty()) {
        // A subdivision the law data does not list: the country's law, and
        // the decision says so.
        auto region = request->buyer.jurisdiction;
        auto why = decision.status().message();
        request->buyer.jurisdiction = r.buyer_country;
        w.jurisdiction = r.buyer_country;
        decision = sync.engine_.Decide(*request);
        if (decision) {
          decision->warnings.push_back(
              "jurisdiction_region_unknown: " + QuoteForMessage(region) +
              " could not be used (" + why + "); the law and calendar of " +
              r.buyer_country + " were");
        }
      }
      if (decision) {
        w.decision = *std::move(decision);
      } else {
        w.decision_error = decision.status().message();
      }
    } else {
      w.decision_error = request.status().message();
    }

    switch (r.mapped_state) {
      case ReturnState::kRequested: {
        if (!w.decision) {
          w.action = Action::kReview;
        } else if (w.decision->eligible && rules.auto_approve_eligible &&
                   WithinLimit(r) && caps_.decide &&
                   r.offered.Allows(r.offered.approve)) {
          w.action = Action::kApprove;
        } else if (!w.decision->eligible && rules.decline_ineligible &&
                   caps_.decide && r.offered.Allows(r.offered.decline)) {
          w.action = Action::kDecline;
        } else {
          w.action = Action::kReview;
        }
        break;
      }
      case ReturnState::kReceived:
        if (rules.refund_on_receipt && !IsRefundState(r) &&
            caps_.issue_refund && r.offered.Allows(r.offered.issue_refund)) {
          // Composed in Commit, inside the page's transaction, against the
          // order's refund ledger as stored (ComputeRefund).
          w.action = Action::kRefund;
          if (!w.decision) {
            w.action = Action::kReview;
          } else if (!w.order) {
            Error("return " + r.external_id + ": the order " + r.order_id +
                  " could not be read; the refund waits for a person");
            w.action = Action::kReview;
          }
        }
        break;
      default:
        break;
    }
  }

  bool WithinLimit(MarketplaceReturn const& r) const {
    auto const& rules = sync.rules_;
    std::optional<Money> value;
    if (r.estimated_refund) value = r.estimated_refund->amount;
    if (!value && r.item_price) value = r.item_price->amount;
    if (!value) return false;
    auto it = rules.auto_approve_max.find(value->currency().code());
    if (it == rules.auto_approve_max.end()) return rules.approve_without_limit;
    auto cmp = value->Compare(it->second);
    return cmp.ok() && *cmp <= 0;
  }

  // The refund for a return the seller has received, composed by the refund
  // calculator against the order's ledger as stored (every refund recorded
  // before, this transaction's included), so that no sequence of partial
  // refunds over the order's returns pays back more than was paid. A
  // restocking fee where the decision allows one and the return does not
  // rest on a legal guarantee: the seller's percentage of the goods.
  StatusOr<Refund> ComputeRefundFor(Work const& w,
                                    std::span<Refund const> past) const {
    auto const& r = *w.detail;
    auto const& rules = sync.rules_;
    auto const& order = *w.order;
    auto ledger = RefundLedger::Build(order, past);
    if (!ledger) return ledger.status();
    RefundRequest req;
    std::string line_id = r.transaction_id;
    if (order.FindLine(line_id) == nullptr && order.lines.size() == 1) {
      line_id = order.lines.front().id;
    }
    req.lines = {{line_id, r.quantity}};
    // A return that rests on the seller's own policy follows that policy's
    // terms, the restocking fee among them (the rules are that policy); on
    // any other basis the engine says whether a statute permits one.
    Decision const* decision = &*w.decision;
    std::optional<Decision> on_policy;
    if (decision->basis == Basis::kSellerPolicy &&
        !decision->restocking_fee_allowed) {
      on_policy = *decision;
      on_policy->restocking_fee_allowed = true;
      decision = &*on_policy;
    }
    req.decision = decision;
    // A marketplace that charges shipping per line refunds it per return
    // (OrderFromMarketplace keeps per-line shipping on every line or none).
    if (order.lines.front().shipping) {
      req.partial_shipping = PartialShipping::kPerLine;
    }
    req.refund_id = ReturnKey(connector_, r.external_id) + ":refund";
    req.return_id = ReturnKey(connector_, r.external_id);
    req.idempotency_key = req.refund_id;
    req.created_at = Now();
    auto refund = ComputeRefund(order, *ledger, req);
    if (!refund || rules.restocking_fee_percent <= 0 ||
        !decision->restocking_fee_allowed ||
        decision->basis == Basis::kLegalGuarantee) {
      return refund;
    }
    // The fee is the seller's percentage of the goods this refund pays
    // back, known once the calculator has allocated them.
    auto fee = refund->lines.front().amount.Multiply(
        *Decimal::FromMantissa(rules.restocking_fee_percent, 2),
        RoundingMode::kHalfUp);
    if (!fee || !fee->is_positive()) return refund;
    req.restocking_fee = RestockingFeeDeduction{
        *fee, "seller policy: " + std::to_string(rules.restocking_fee_percent) +
                  "% restocking fee"};
    return ComputeRefund(order, *ledger, req);
  }

  // Compares a return read from the marketplace with its stored case.
  Status Classify(Store& store, Work& w) const {
    auto local = store.GetReturn(ReturnKey(connector_, w.summary.external_id));
    if (local) {
      w.stored = *std::move(local);
      auto target = w.summary.mapped_state;
      // Our own effects may be ahead of what the marketplace shows yet.
      w.changed =
          w.stored->state() != target && CanReach(w.stored->state(), target);
    } else if (local.status().code() == ErrorCode::kNotFound) {
      w.is_new = true;
      w.changed = true;
    } else {
      return local.status();
    }
    return Status();
  }

  void Count(std::vector<Work> const& work) {
    for (auto const& w : work) {
      ++summary.fetched;
      if (w.is_new) {
        ++summary.created;
      } else if (w.changed) {
        ++summary.updated;
      } else {
        ++summary.unchanged;
      }
    }
    done += static_cast<std::int64_t>(work.size());
    total = std::max(total, done);
    Progress();
  }

  // Writes a page's outcome and the cursor past it in one transaction.
  Status Commit(std::vector<Work>& work, Cursor const& next) {
    return Commit(work, EncodeCursor(next));
  }
  Status Commit(std::vector<Work>& work, std::string const& cursor) {
    auto const& connector = connector_;
    Actor marketplace{Actor::Kind::kMarketplace, connector};
    std::vector<std::string> refund_errors;
    auto status = sync.store_.WithTransaction([&](Store& store) -> Status {
      refund_errors.clear();
      std::set<std::string> orders_written;
      for (auto& w : work) {
        if (!w.changed || !w.order) continue;
        if (!orders_written.insert(w.order->id).second) continue;
        if (auto s = store.UpsertOrder(*w.order); !s.ok()) return s;
      }
      for (auto& w : work) {
        if (!w.changed) continue;
        auto const& r = w.detail ? *w.detail : w.summary;
        ReturnCase rc;
        if (w.stored) {
          rc = *w.stored;
        } else {
          rc.id = ReturnKey(connector, r.external_id);
          rc.order_id =
              w.order ? w.order->id : ReturnKey(connector, r.order_id);
          rc.marketplace = connector;
          rc.external_id = r.external_id;
          rc.created_at = r.created_at;
          rc.updated_at = r.created_at;
          ReturnLine line;
          line.order_line_id = r.transaction_id;
          line.requested_quantity = r.quantity;
          line.reason = r.mapped_reason;
          line.reason_note = r.comment;
          rc.lines.push_back(line);
        }
        Instant at = r.created_at;
        for (auto const& h : r.history) at = std::max(at, h.at);
        auto resolution =
            IsRefundState(r) ? Resolution::kRefunded : Resolution::kNone;
        if (auto s = AdvanceTo(rc, r.mapped_state, resolution, marketplace, at,
                               connector + " state " + r.state);
            !s.ok()) {
          return s;
        }
        if (auto s = store.UpsertReturn(rc); !s.ok()) return s;
        if (w.action == Action::kApprove || w.action == Action::kDecline) {
          DecisionEffect d;
          d.return_id = rc.id;
          d.external_return_id = r.external_id;
          d.decision.kind = w.action == Action::kApprove
                                ? ReturnDecisionRequest::Kind::kApprove
                                : ReturnDecisionRequest::Kind::kDecline;
          d.decision.comment = w.action == Action::kApprove
                                   ? sync.rules_.approve_comment
                                   : sync.rules_.decline_comment;
          if (auto e = EnqueueDecision(store, d); !e) return e.status();
        } else if (w.action == Action::kRefund) {
          auto past = store.ListRefunds(w.order->id);
          if (!past) return past.status();
          auto refund = ComputeRefundFor(w, *past);
          if (!refund) {
            // What the law, the order and the refunds before allow does not
            // make a refund (more than remains to be paid back, a deduction
            // not allowed, ...). A person looks.
            refund_errors.push_back(
                "return " + r.external_id +
                ": no refund: " + refund.status().message());
            continue;
          }
          auto rec = store.RecordRefund(*refund);
          if (!rec) return rec.status();
        }
      }
      return store.SetCursor(connector, sync.options_.account, cursor);
    });
    if (!status.ok()) return status;
    for (auto& e : refund_errors) Error(std::move(e));
    summary.review += static_cast<std::int64_t>(refund_errors.size());
    for (auto& w : work) {
      if (w.action == Action::kReview) ++summary.review;
      if (w.decision && w.action != Action::kNone) Sample(w);
    }
    return Status();
  }

  void Sample(Work const& w) {
    if (static_cast<int>(summary.samples.size()) >=
            sync.options_.sample_decisions ||
        !sampled_jurisdictions.insert(w.jurisdiction).second) {
      return;
    }
    std::string text;
    for (auto const& line : Explain(*w.decision)) {
      text += line;
      text += '\n';
    }
    summary.samples.push_back({w.summary.external_id, w.jurisdiction,
                               std::string(ActionName(w.action)), text});
  }

  // Sends what the outbox holds through the SDK's dispatcher, a batch at a
  // time: the decisions and refunds go out in parallel, then each one that
  // went through is marked done together with the step it moves its return
  // case, in one transaction (Applied). A run killed between the two leaves
  // them pending; they are sent again, flagged as maybe sent, and the
  // connection reads back before resending.
  Status Deliver() {
    auto outcomes = dispatcher.Drain();
    if (!outcomes) return outcomes.status();
    for (auto const& o : *outcomes) {
      if (!o.status.ok()) continue;
      if (std::holds_alternative<RefundEffect>(o.effect.payload)) {
        ++summary.refunded;
      } else if (auto const* d = std::get_if<DecisionEffect>(&o.effect.payload);
                 d != nullptr &&
                 d->decision.kind == ReturnDecisionRequest::Kind::kDecline) {
        ++summary.declined;
      } else {
        ++summary.approved;
      }
    }
    return Status();
  }

  // Effects that never went through in this run.
  void CountEffectFailures() {
    for (auto const& f : dispatcher.Failures()) {
      auto const& e = f.effect.entry;
      Error(effects.Label(e.id) + ": " + f.status.message());
    }
  }

  // How the sync performs its effects on the marketplace.
  struct Effects final : EffectHandler {
    Effects(ReturnsSync& s, std::string const& name)
        : sync(s), connector(name) {}

    StatusOr<std::string> Send(Effect const& effect) override {
      auto const& kind = effect.entry.kind;
      if (auto const* d = std::get_if<DecisionEffect>(&effect.payload)) {
        Name(effect.entry.id, d->external_return_id);
        auto s = sync.connection_.Decide(d->external_return_id, d->decision);
        if (!s.ok()) return s;
        return kind;
      }
      if (auto const* r = std::get_if<RefundEffect>(&effect.payload)) {
        auto rc = sync.store_.GetReturn(r->refund.return_id);
        if (!rc) return rc.status();
        Name(effect.entry.id, rc->external_id);
        auto req = RefundRequestFor(r->refund, sync.rules_.refund_comment);
        if (!req) return req.status();
        req->maybe_sent_before = effect.maybe_sent_before();
        auto result = sync.connection_.IssueRefund(rc->external_id, *req);
        if (!result) return result.status();
        return kind;
      }
      return InternalError("unknown effect kind " + kind, "SYNC_EFFECT_UNKNOWN",
                           {{"kind", kind}});
    }

    // The return case moves on with the effect: approved, declined, or
    // resolved by the refund. Read here, in the transaction, so that a
    // change stored since the send is not overwritten.
    Status Applied(Store& store, Effect const& effect, std::string_view,
                   Instant at) override {
      std::string return_id;
      ReturnState target = ReturnState::kResolved;
      if (auto const* d = std::get_if<DecisionEffect>(&effect.payload)) {
        return_id = d->return_id;
        target = d->decision.kind == ReturnDecisionRequest::Kind::kDecline
                     ? ReturnState::kDeclined
                     : ReturnState::kApproved;
      } else if (auto const* r = std::get_if<RefundEffect>(&effect.payload)) {
        return_id = r->refund.return_id;
      } else {
        return Status();
      }
      auto rc = store.GetReturn(return_id);
      if (!rc) return rc.status();
      if (rc->state() == target || !CanReach(rc->state(), target)) {
        return Status();
      }
      Actor seller{Actor::Kind::kSeller, connector};
      if (auto a = AdvanceTo(*rc, target, Resolution::kRefunded, seller, at,
                             effect.entry.kind);
          !a.ok()) {
        return a;
      }
      return store.UpsertReturn(*rc);
    }

    // "return <marketplace id>" for messages, once Send has seen it.
    std::string Label(std::int64_t id) {
      std::lock_guard lock(mu);
      auto n = names.find(id);
      return n != names.end() ? "return " + n->second
                              : "effect " + std::to_string(id);
    }

    void Name(std::int64_t id, std::string const& external_id) {
      std::lock_guard lock(mu);
      names[id] = external_id;
    }

    ReturnsSync& sync;
    std::string const& connector;
    std::mutex mu;
    std::map<std::int64_t, std::string> names;
  };
  Effects effects{sync, connector_};
  OutboxDispatcher dispatcher{
      sync.store_, effects,
      DispatchOptions{.batch_size = 64,
                      .workers = sync.options_.fetch_workers,
                      .max_tries = 3,
                      .now = [this] { return Now(); }}};
};

ReturnsSync::ReturnsSync(ReturnsConnection& connection, Store& store,
                         PolicyEngine const& engine, SellerRules rules,
                         SyncOptions options)
    : connection_(connection),
      store_(store),
      engine_(engine),
      rules_(std::move(rules)),
      options_(std::move(options)) {}

StatusOr<SyncSummary> ReturnsSync::Run() {
  auto caps = connection_.Capabilities();
  State st{*this,
           options_.connector.empty() ? caps.marketplace : options_.connector,
           caps};
  auto const& connector = st.connector_;
  if (connector.empty()) {
    return InvalidArgumentError(
        "the connection names no marketplace and SyncOptions::connector is "
        "empty: the sync cannot name its ids and cursor",
        "SYNC_CONNECTOR_UNNAMED");
  }
  int const page_size =
      options_.page_size > 0 ? options_.page_size : caps.max_page_size;
  Instant now = st.Now();

  auto stored = store_.GetCursor(connector, options_.account);
  if (!stored) return stored.status();
  Cursor cursor;
  if (*stored) {
    auto c = DecodeCursor(**stored);
    if (!c) return c.status();
    cursor = *c;
  }

  // Effects an interrupted run left behind go out first.
  if (auto s = st.Deliver(); !s.ok()) return s;

  RunPosition pos;
  if (cursor.run) {
    pos = *cursor.run;
    st.summary.resumed = true;
  } else {
    pos.to = now;
    pos.from = cursor.watermark ? *cursor.watermark - options_.overlap
                                : now - options_.lookback;
    if (caps.max_lookback.count() > 0) {
      // Keep a day of margin inside the marketplace's limit.
      auto earliest = now - caps.max_lookback + std::chrono::days(1);
      pos.from = std::max(pos.from, earliest);
    }
    pos.slice_from = pos.from;
    pos.page.clear();
  }
  auto slice =
      options_.slice.count() > 0 ? options_.slice : std::chrono::days(30);
  if (caps.max_lookback.count() > 0 && slice > caps.max_lookback) {
    slice = caps.max_lookback;
  }
  Instant watermark = cursor.watermark.value_or(pos.from);
  // Creation windows are inclusive at both ends, so consecutive slices
  // overlap by their boundary second; returns read there once are skipped
  // the second time.
  std::set<std::string> near_boundary;
  std::set<std::string> seen_at_boundary;

  while (pos.slice_from < pos.to) {
    Instant slice_to = std::min(pos.to, pos.slice_from + slice);
    ReturnsQuery q;
    q.created_from = pos.slice_from;
    q.created_to = slice_to;
    q.page_size = page_size;
    q.page_token = pos.page;
    q.order = ReturnsOrder::kOldestFirst;
    auto page = connection_.ListReturns(q);
    if (!page) return page.status();
    ++st.summary.pages;
    if (pos.page.empty()) st.total += page->total_entries;
    if (st.total < st.done + static_cast<std::int64_t>(page->items.size())) {
      st.total = st.done + static_cast<std::int64_t>(page->items.size());
    }

    std::vector<Work> work;
    work.reserve(page->items.size());
    // The page's stored cases, read in one transaction: one consistent
    // view, and one lock round trip instead of one per return.
    auto read = store_.WithTransaction([&](Store& store) -> Status {
      for (auto& item : page->items) {
        if (item.created_at + std::chrono::seconds(1) >= slice_to) {
          near_boundary.insert(item.external_id);
        }
        if (seen_at_boundary.contains(item.external_id)) continue;
        Work w;
        w.summary = std::move(item);
        if (auto s = st.Classify(store, w); !s.ok()) return s;
        watermark = std::max(watermark, w.summary.created_at);
        work.push_back(std::move(w));
      }
      return Status();
    });
    if (!read.ok()) return read;
    if (auto s = st.Prepare(work); !s.ok()) return s;

    Cursor next;
    next.watermark = cursor.watermark;
    RunPosition after = pos;
    if (!page->next_page_token.empty()) {
      after.page = page->next_page_token;
    } else {
      after.slice_from = slice_to;
      after.page.clear();
      seen_at_boundary = std::move(near_boundary);
      near_boundary.clear();
    }
    if (after.slice_from < after.to) {
      next.run = after;
    } else {
      next.watermark =
          std::max(watermark, cursor.watermark.value_or(watermark));
    }
    if (auto s = st.Commit(work, next); !s.ok()) return s;
    st.Count(work);
    if (auto s = st.Deliver(); !s.ok()) return s;
    cursor = next;
    pos = after;
  }
  if (options_.changes) {
    // The connection's page size, or 50 where it names none.
    auto limit = static_cast<std::size_t>(page_size > 0 ? page_size : 50);
    if (auto s = ReadAnnounced(st, EncodeCursor(cursor), limit); !s.ok()) {
      return s;
    }
  }
  if (auto s = st.Deliver(); !s.ok()) return s;
  st.CountEffectFailures();
  return st.summary;
}

// The returns the change feed announces, a page at a time: each read in
// full, then decided, stored and acted on like a page's returns (the cursor
// is written unchanged). A notice is marked handled only after its page was
// stored; one naming a return this account cannot read is an error, and
// handled, so that it does not come back on every run.
Status ReturnsSync::ReadAnnounced(State& st, std::string const& cursor,
                                  std::size_t limit) {
  for (;;) {
    auto notices = options_.changes->Pending(limit);
    if (!notices) return notices.status();
    if (notices->empty()) return Status();
    std::vector<std::string> ids;
    std::set<std::string> unique;
    std::vector<std::int64_t> tokens;
    for (auto const& n : *notices) {
      tokens.push_back(n.token);
      if (unique.insert(n.return_id).second) ids.push_back(n.return_id);
    }
    std::vector<Work> work;
    auto details = connection_.GetReturns(ids);
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (!details[k]) {
        if (details[k].status().code() != ErrorCode::kNotFound) {
          return details[k].status();
        }
        st.Error("return " + ids[k] +
                 " (announced): " + details[k].status().message());
        continue;
      }
      Work w;
      w.summary = *details[k];
      w.detail = *std::move(details[k]);
      work.push_back(std::move(w));
    }
    auto read = store_.WithTransaction([&](Store& store) -> Status {
      for (auto& w : work) {
        if (auto s = st.Classify(store, w); !s.ok()) return s;
      }
      return Status();
    });
    if (!read.ok()) return read;
    if (auto s = st.Prepare(work); !s.ok()) return s;
    if (auto s = st.Commit(work, cursor); !s.ok()) return s;
    st.Count(work);
    if (auto s = options_.changes->Handled(tokens); !s.ok()) return s;
    st.summary.notices += static_cast<std::int64_t>(notices->size());
    if (auto s = st.Deliver(); !s.ok()) return s;
  }
}

std::string SyncSummaryToJson(SyncSummary const& s) {
  json::array errors;
  for (auto const& e : s.error_messages) errors.emplace_back(e);
  json::array samples;
  for (auto const& d : s.samples) {
    samples.push_back(json::object{{"return_id", d.return_id},
                                   {"buyer_jurisdiction", d.buyer_jurisdiction},
                                   {"action", d.action},
                                   {"explanation", d.explanation}});
  }
  json::object o{{"fetched", s.fetched},     {"new", s.created},
                 {"updated", s.updated},     {"unchanged", s.unchanged},
                 {"approved", s.approved},   {"declined", s.declined},
                 {"refunded", s.refunded},   {"review", s.review},
                 {"errors", s.errors},       {"pages", s.pages},
                 {"notices", s.notices},     {"resumed", s.resumed},
                 {"error_messages", errors}, {"decisions", samples}};
  return json::serialize(o);
}

}  // namespace v1
}  // namespace sanbao
