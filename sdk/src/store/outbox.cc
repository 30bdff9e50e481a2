#include "sanbao/store/outbox.h"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>
#include <utility>

#include "internal/domain_json.h"

namespace sanbao {
inline namespace v1 {
namespace {

namespace json = boost::json;
using Kind = ReturnDecisionRequest::Kind;

// The decision entry's payload: {"return_id": <the marketplace's id>,
// "decision": "APPROVE" | "DECLINE" | "OFFER_PARTIAL_REFUND" |
// "PROVIDE_RMA", "comment": ..., then only what the kind needs:
// "partial_refund" {"amount","currency"} and "keep_item", or "rma_number"}.
struct DecisionPayload {
  std::string external_return_id{};
  ReturnDecisionRequest decision{};
};

constexpr std::pair<Kind, std::string_view> kKindNames[] = {
    {Kind::kApprove, "APPROVE"},
    {Kind::kDecline, "DECLINE"},
    {Kind::kOfferPartialRefund, "OFFER_PARTIAL_REFUND"},
    {Kind::kProvideRma, "PROVIDE_RMA"},
};

void tag_invoke(json::value_from_tag, json::value& v,
                DecisionPayload const& p) {
  auto const& d = p.decision;
  std::string_view kind;
  for (auto const& [k, name] : kKindNames) {
    if (k == d.kind) kind = name;
  }
  json::object o{{"return_id", p.external_return_id},
                 {"decision", kind},
                 {"comment", d.comment}};
  if (d.kind == Kind::kOfferPartialRefund) {
    o["partial_refund"] = internal::MoneyJson(d.partial_refund);
    o["keep_item"] = d.keep_item;
  }
  if (d.kind == Kind::kProvideRma) o["rma_number"] = d.rma_number;
  v = std::move(o);
}

json::result<DecisionPayload> tag_invoke(
    json::try_value_to_tag<DecisionPayload>, json::value const& v) {
  auto const invalid = make_error_code(json::error::not_object);
  auto const* o = v.if_object();
  if (o == nullptr) return invalid;
  auto text = [&](std::string_view key) -> json::string const* {
    auto const* s = o->if_contains(key);
    return s != nullptr ? s->if_string() : nullptr;
  };
  auto const* id = text("return_id");
  auto const* kind = text("decision");
  auto const* comment = text("comment");
  if (id == nullptr || kind == nullptr || comment == nullptr) return invalid;
  DecisionPayload p;
  p.external_return_id = std::string(*id);
  p.decision.comment = std::string(*comment);
  auto named = std::find_if(std::begin(kKindNames), std::end(kKindNames),
                            [&](auto const& k) { return k.second == *kind; });
  if (named == std::end(kKindNames)) return invalid;
  p.decision.kind = named->first;
  if (p.decision.kind == Kind::kOfferPartialRefund) {
    auto const* m = o->if_contains("partial_refund");
    auto const* mo = m != nullptr ? m->if_object() : nullptr;
    auto const* amount = mo ? mo->if_contains("amount") : nullptr;
    auto const* currency = mo ? mo->if_contains("currency") : nullptr;
    auto const* keep = o->if_contains("keep_item");
    if (amount == nullptr || !amount->is_string() || currency == nullptr ||
        !currency->is_string() || keep == nullptr || !keep->is_bool()) {
      return invalid;
    }
    auto money = Money::Parse(std::string_view(amount->get_string()),
                              std::string_view(currency->get_string()));
    if (!money) return invalid;
    p.decision.partial_refund = *money;
    p.decision.keep_item = keep->get_bool();
  }
  if (p.decision.kind == Kind::kProvideRma) {
    auto const* rma = text("rma_number");
    if (rma == nullptr) return invalid;
    p.decision.rma_number = std::string(*rma);
  }
  return p;
}

Status PayloadInvalid(OutboxEntry const& e, std::string why) {
  return Status(ErrorCode::kDataLoss,
                "outbox entry " + std::to_string(e.id) + " (" + e.kind +
                    "): " + std::move(why),
                ErrorInfo{.reason = "EFFECT_PAYLOAD_INVALID",
                          .domain = "sanbao",
                          .metadata = {{"effect_id", std::to_string(e.id)},
                                       {"kind", e.kind}}});
}

// Runs fn(0..n-1) on up to `workers` threads.
template <typename Fn>
void ParallelFor(std::size_t n, int workers, Fn const& fn) {
  auto count = std::min(static_cast<std::size_t>(std::max(1, workers)), n);
  if (count <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> threads;
  threads.reserve(count);
  for (std::size_t t = 0; t < count; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < n; i = next++) fn(i);
    });
  }
}

}  // namespace

StatusOr<EnqueuedEffect> EnqueueDecision(Store& store,
                                         DecisionEffect const& effect) {
  if (effect.return_id.empty() || effect.external_return_id.empty()) {
    return InvalidArgumentError(
        "a decision needs the return case's id and the marketplace's",
        "STORE_ID_MISSING");
  }
  DecisionPayload payload{effect.external_return_id, effect.decision};
  return store.EnqueueEffect({std::string(kEffectDecide),
                              effect.return_id + ":decide", effect.return_id,
                              json::serialize(json::value_from(payload))});
}

StatusOr<Effect> ReadEffect(Store& store, OutboxEntry entry) {
  Effect effect;
  if (entry.kind == kEffectIssueRefund) {
    auto refund = store.GetRefund(entry.subject_id);
    if (!refund) return refund.status();
    effect.payload = RefundEffect{*std::move(refund)};
  } else if (entry.kind == kEffectDecide) {
    json::error_code ec;
    auto v = json::parse(entry.payload, ec);
    if (ec) return PayloadInvalid(entry, "not JSON");
    auto p = json::try_value_to<DecisionPayload>(v);
    if (!p) return PayloadInvalid(entry, "not a decision");
    effect.payload =
        DecisionEffect{entry.subject_id, std::move(p->external_return_id),
                       std::move(p->decision)};
  }
  effect.entry = std::move(entry);
  return effect;
}

Status EffectHandler::Applied(Store&, Effect const&, std::string_view,
                              Instant) {
  return Status();
}

struct OutboxDispatcher::FunctionHandler final : EffectHandler {
  explicit FunctionHandler(SendFunction f) : send(std::move(f)) {}
  StatusOr<std::string> Send(Effect const& effect) override {
    return send(effect);
  }
  SendFunction send;
};

OutboxDispatcher::OutboxDispatcher(Store& store, EffectHandler& handler,
                                   DispatchOptions options)
    : store_(store), handler_(handler), options_(std::move(options)) {}

OutboxDispatcher::OutboxDispatcher(Store& store, SendFunction send,
                                   DispatchOptions options)
    : store_(store),
      owned_handler_(std::make_unique<FunctionHandler>(std::move(send))),
      handler_(*owned_handler_),
      options_(std::move(options)) {}

OutboxDispatcher::~OutboxDispatcher() = default;

StatusOr<std::vector<EffectOutcome>> OutboxDispatcher::Drain() {
  std::vector<EffectOutcome> tried_here;
  std::set<std::int64_t> tried;  // in this call: each at most once
  int const batch_size = std::max(1, options_.batch_size);
  auto exhausted = [&](std::int64_t id) {
    auto f = failures_.find(id);
    return f != failures_.end() && f->second.tries >= options_.max_tries;
  };
  for (;;) {
    std::size_t skip = tried.size();
    for (auto const& [id, f] : failures_) {
      if (f.tries >= options_.max_tries && !tried.contains(id)) ++skip;
    }
    auto pending = store_.PendingEffects(static_cast<int>(skip) + batch_size);
    if (!pending) return pending.status();
    std::vector<EffectOutcome> batch;
    std::vector<std::int64_t> ids;
    for (auto& e : *pending) {
      if (tried.contains(e.id) || exhausted(e.id)) continue;
      if (static_cast<int>(batch.size()) == batch_size) break;
      tried.insert(e.id);
      auto effect = ReadEffect(store_, e);
      if (effect) {
        ids.push_back(e.id);
        batch.push_back({*std::move(effect), Status()});
      } else {
        batch.push_back(
            {Effect{std::move(e), OtherEffect{}}, std::move(effect).status()});
      }
    }
    if (batch.empty()) return tried_here;

    // Counted as handed out before anything leaves: a crash after this
    // makes the next try read back first.
    if (!ids.empty()) {
      if (auto s = store_.MarkEffectsSending(ids); !s.ok()) return s;
    }
    ParallelFor(batch.size(), options_.workers, [&](std::size_t k) {
      auto& o = batch[k];
      if (!o.status.ok()) return;
      auto remote = handler_.Send(o.effect);
      if (remote) {
        o.effect.entry.remote_ref = *std::move(remote);
      } else {
        o.status = std::move(remote).status();
      }
    });

    Instant at = options_.now
                     ? options_.now()
                     : std::chrono::time_point_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now());
    auto recorded = store_.WithTransaction([&](Store& store) -> Status {
      for (auto& o : batch) {
        auto const& e = o.effect.entry;
        if (!o.status.ok()) {
          if (auto f = store.RecordEffectFailure(e.id, o.status.message());
              !f.ok()) {
            return f;
          }
          continue;
        }
        if (auto d = store.MarkEffectDone(e.id, e.remote_ref); !d.ok()) {
          return d;
        }
        if (auto a = handler_.Applied(store, o.effect, e.remote_ref, at);
            !a.ok()) {
          return a;
        }
      }
      return Status();
    });
    if (!recorded.ok()) return recorded;
    for (auto& o : batch) {
      auto id = o.effect.entry.id;
      if (o.status.ok()) {
        o.effect.entry.done = true;
        failures_.erase(id);
      } else {
        auto& f = failures_[id];
        ++f.tries;
        f.last = o;
      }
      tried_here.push_back(std::move(o));
    }
  }
}

std::vector<EffectOutcome> OutboxDispatcher::Failures() const {
  std::vector<EffectOutcome> out;
  out.reserve(failures_.size());
  for (auto const& [id, f] : failures_) out.push_back(f.last);
  return out;
}

}  // namespace v1
}  // namespace sanbao
