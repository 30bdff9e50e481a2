// store_crash_writer DB REMOTE_LOG COUNT [--from-zero]
//
// The child of store_crash_test: records return cases and their refunds
// (with deterministic ids and idempotency keys) and sends the outbox to a
// fake remote side, until it has done COUNT items or is killed. Item i:
//   1. upsert order O-(i/4);
//   2. upsert return R-i approved (its own transaction);
//   3. in ONE transaction: upsert R-i resolved/refunded, record refund F-i
//      with key refund:R-i (refund + outbox entry), advance the cursor;
//   4. every 5 items, deliver pending effects: the "remote side" appends
//      the key to REMOTE_LOG, then the entry is marked done.
// It resumes a few items before the cursor (or from 0 with --from-zero), so
// every run replays work that may already be stored.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sanbao/store/outbox.h"
#include "sanbao/store/sqlite_store.h"

namespace {

using namespace sanbao;

Instant At(std::int64_t s) {
  return Instant(std::chrono::seconds(1'790'000'000 + s));
}
Money Eur(std::int64_t cents) {
  return Money::FromMinorUnits(cents, "EUR").value();
}

[[noreturn]] void Die(Status const& s, std::string const& what) {
  std::fprintf(stderr, "store_crash_writer: %s: %s\n", what.c_str(),
               s.ToString().c_str());
  std::exit(1);
}

Order MakeOrder(int n) {
  Order o;
  o.id = "O-" + std::to_string(n);
  o.presentment_currency = "EUR";
  o.settlement_currency = "EUR";
  o.placed_at = At(n);
  for (int l = 0; l < 3; ++l) {
    OrderLine line;
    line.id = "L" + std::to_string(l);
    line.quantity = 4;
    line.unit_price = Eur(1000 + l);
    line.tax = Eur(600);
    line.tax_included = true;
    o.lines.push_back(line);
  }
  return o;
}

ReturnCase MakeReturn(int i) {
  ReturnCase rc;
  rc.id = "R-" + std::to_string(i);
  rc.order_id = "O-" + std::to_string(i / 4);
  rc.requires_return = false;  // a claim: approved -> resolved
  rc.created_at = At(1000 + i);
  rc.updated_at = rc.created_at;
  ReturnLine line;
  line.order_line_id = "L" + std::to_string(i % 3);
  line.requested_quantity = 1;
  rc.lines.push_back(line);
  return rc;
}

Refund MakeRefund(int i) {
  Refund r;
  r.id = "F-" + std::to_string(i);
  r.order_id = "O-" + std::to_string(i / 4);
  r.return_id = "R-" + std::to_string(i);
  r.lines.push_back(
      RefundLine{"L" + std::to_string(i % 3), 1, Eur(850 + i % 3), Eur(150)});
  r.total = Eur(1000 + i % 3);
  r.tenders.push_back(TenderRefund{"T1", r.total});
  r.idempotency_key = "refund:R-" + std::to_string(i);
  r.created_at = At(2000 + i);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(
        stderr,
        "usage: store_crash_writer DB REMOTE_LOG COUNT [--from-zero]\n");
    return 2;
  }
  std::string db = argv[1];
  int remote = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (remote < 0) {
    std::perror("store_crash_writer: remote log");
    return 1;
  }
  int count = std::atoi(argv[3]);
  bool from_zero = argc > 4 && std::strcmp(argv[4], "--from-zero") == 0;

  auto opened = OpenSqliteStore(
      {.path = db, .busy_timeout = std::chrono::milliseconds(10000)});
  if (!opened) Die(opened.status(), "open");
  Store& store = **opened;

  int start = 0;
  if (!from_zero) {
    auto cursor = store.GetCursor("crash", "writer");
    if (!cursor) Die(cursor.status(), "cursor");
    if (cursor->has_value())
      start = std::max(0, std::atoi((*cursor)->c_str()) - 20);
  }

  OutboxDispatcher::SendFunction sender =
      [remote](Effect const& effect) -> StatusOr<std::string> {
    auto const& e = effect.entry;
    std::string line = e.idempotency_key + "\n";
    if (::write(remote, line.data(), line.size()) !=
        static_cast<ssize_t>(line.size())) {
      return UnavailableError("remote log write failed", "REMOTE_DOWN");
    }
    return "remote-" + e.idempotency_key;
  };

  for (int i = start; i < count; ++i) {
    if (auto s = store.UpsertOrder(MakeOrder(i / 4)); !s.ok()) Die(s, "order");
    ReturnCase rc = MakeReturn(i);
    Actor ops{Actor::Kind::kSeller, "ops"};
    if (auto s = rc.Transition(ReturnState::kApproved, ops, At(1100 + i), "ok");
        !s.ok()) {
      Die(s, "transition");
    }
    rc.updated_at = At(1100 + i);
    if (auto s = store.UpsertReturn(rc);
        !s.ok() && s.reason() != "RETURN_STALE") {
      Die(s, "approve");
    }
    if (auto s = rc.Transition(ReturnState::kResolved, ops, At(1200 + i),
                               "refund", Resolution::kRefunded);
        !s.ok()) {
      Die(s, "transition");
    }
    rc.updated_at = At(1200 + i);
    Status s = store.WithTransaction([&](Store& tx) -> Status {
      if (auto st = tx.UpsertReturn(rc); !st.ok()) return st;
      auto recorded = tx.RecordRefund(MakeRefund(i));
      if (!recorded) return recorded.status();
      return tx.SetCursor("crash", "writer", std::to_string(i + 1));
    });
    if (!s.ok()) Die(s, "resolve and refund " + rc.id);
    if (i % 5 == 4) {
      OutboxDispatcher dispatcher(store, sender, {.batch_size = 10});
      if (auto done = dispatcher.Drain(); !done) Die(done.status(), "send");
    }
  }
  for (;;) {
    OutboxDispatcher dispatcher(store, sender, {.batch_size = 100});
    if (auto done = dispatcher.Drain(); !done) Die(done.status(), "send");
    if (store.PendingEffects(1)->empty()) break;
  }
  ::close(remote);
  return 0;
}
